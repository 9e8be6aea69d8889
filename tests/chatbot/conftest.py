"""Sophie's test fixtures: her knowledge seeded, one engine built per test process."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(scope="session")
def shipped_engine():
    """The engine from the shipped training files, built once per test process."""
    from chatbot.nlu_data import build_engine_from_files

    return build_engine_from_files()


def _forget():
    from chatbot import selectors, texts

    texts.forget()
    selectors.forget_territory()
    selectors.forget_knowledge()
    selectors.forget_engine()


@pytest.fixture
def sophie(reference_data, shipped_engine, monkeypatch, settings):
    """Territory, answers, sorting guide, déchèteries, drop-off points and calendars; the
    session's engine instead of one rebuilt from the (rolled back) database each test."""
    from chatbot import demo, selectors

    _forget()
    for step in (demo.seed_intents, demo.seed_answers, demo.seed_sorting_guide,
                 demo.seed_decheteries, demo.seed_drop_off_points, demo.seed_calendar):
        step()
    monkeypatch.setattr(selectors, "load_engine", lambda: shipped_engine)
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "chatbot": "off",
        "chatbot_poll": "off"}}
    settings.MEDIA_ROOT = str(settings.MEDIA_ROOT) + "-chatbot-tests"
    yield
    _forget()


def at(*args) -> datetime:
    """An aware moment in Paris: at(2025, 11, 20, 10, 0)."""
    return datetime(*args, tzinfo=PARIS)


class Chat:
    """A resident talking to Sophie through the service layer (with a fixed clock)."""

    def __init__(self, now=None):
        from chatbot import services

        self.services = services
        self.conversation = services.get_or_start(None)
        self.now = now
        self.replies = []

    def say(self, text: str):
        exchange = self.services.post_message(conversation=self.conversation, text=text,
                                              now=self.now)
        self.conversation = exchange.conversation
        self.replies.append(exchange.reply)
        return exchange.reply

    def photo(self, content: bytes = None, name="depot.jpg", content_type="image/jpeg"):
        content = content or JPEG
        exchange = self.services.upload_photo(conversation=self.conversation, filename=name,
                                              content_type=content_type, content=content,
                                              now=self.now)
        self.conversation = exchange.conversation
        self.replies.append(exchange.reply)
        return exchange.reply

    @property
    def state(self):
        from chatbot.dialogue import State

        return State.load(self.conversation.state)


# The smallest valid JPEG (1×1 px).
JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b"
    "0b0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e3334"
    "32ffc0000b080001000101011100ffc4001f0000010501010101010100000000000000000102030405060708"
    "090a0bffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114"
    "328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748"
    "494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2"
    "a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9"
    "eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00fbd3ffd9")


@pytest.fixture
def chat(sophie):
    return Chat

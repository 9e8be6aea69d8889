"""Knowledge answers: one function per intent, computing from the data where it exists.

Each handler receives the filled slots and returns a Reply; the dialogue has already asked
for the slots the intent cannot do without (`catalogue.IntentSpec.needs`).
"""

from __future__ import annotations

from collections.abc import Callable

from chatbot import catalogue, texts
from chatbot.dialogue.reply import Reply

from .context import Context

Handler = Callable[[Context], Reply]
HANDLERS: dict[str, Handler] = {}


def handler(*intents: str):
    def register(func: Handler) -> Handler:
        for intent in intents:
            HANDLERS[intent] = func
        return func

    return register


def static(ctx: Context) -> Reply:
    """Intents whose answer is a text with the service's contact figures."""
    return Reply(text=texts.say(ctx.intent), quick_replies=ctx.follow_ups())


def answer(ctx: Context) -> Reply:
    reply = HANDLERS.get(ctx.intent, static)(ctx)
    reply.intent = reply.intent or ctx.intent
    return reply


def _register_all() -> None:
    from . import collecte, decheteries, general, tri  # noqa: F401  (registration)


_register_all()

__all__ = ["Context", "Reply", "answer", "catalogue", "handler"]

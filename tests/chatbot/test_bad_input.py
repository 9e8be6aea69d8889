"""Bad input never makes a 500, never loses what the resident sent, and HTML stays inert."""

import pytest

from chatbot import services
from chatbot.models import Conversation, Turn
from tests.chatbot.conftest import Chat

pytestmark = pytest.mark.django_db

URL = "/api/v1/chatbot/messages"
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)><b>gras</b>'


def post_json(client, payload):
    return client.post(URL, payload, content_type="application/json")


@pytest.mark.parametrize("text", ["", "   ", "\n\t  \n"])
def test_empty_or_blank_message_is_a_clear_400(client, sophie, text):
    response = post_json(client, {"text": text})
    assert response.status_code == 400
    assert response.json()["detail"] == "Le message est vide : écrivez votre question."
    assert not Turn.objects.exists()


def test_ten_thousand_characters_are_accepted_and_stored_whole(client, sophie):
    text = ("Bonjour, mon bac jaune n’a pas été vidé. " * 300)[:10_000]
    response = post_json(client, {"text": text})
    assert response.status_code == 200
    data = response.json()
    assert data["reply"]["text"].startswith("Votre message est très long")
    assert Turn.objects.get(seq=1).text == text


def test_beyond_ten_thousand_characters_is_refused_clearly(client, sophie):
    response = post_json(client, {"text": "a" * 10_001})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Le message est trop long")
    assert not Turn.objects.exists()


def test_emoji_only(client, sophie):
    response = post_json(client, {"text": "👍😀😀"})
    assert response.status_code == 200
    assert "écrivez-moi votre question" in response.json()["reply"]["text"]
    assert Turn.objects.get(seq=1).text == "👍😀😀"


def test_html_and_script_are_stored_as_text_and_never_echoed_as_html(client, sophie, superviseur):
    response = post_json(client, {"text": SCRIPT})
    assert response.status_code == 200
    conversation = Conversation.objects.get()
    assert conversation.turns.get(seq=1).text == SCRIPT
    assert "<script>" not in response.json()["reply"]["text"]
    history = client.get(f"/api/v1/chatbot/conversations/{conversation.pk}").json()
    assert history["turns"][0]["text"] == SCRIPT  # JSON text; the widget uses textContent
    client.force_login(superviseur)
    for url in (f"/sophie/supervision/conversations/{conversation.pk}/", "/sophie/supervision/"):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert" in page


def test_html_is_inert_in_the_agents_page_too(client, sophie, agent):
    chat = Chat()
    chat.conversation.status = Conversation.Status.WAITING
    chat.conversation.save()
    services.post_message(conversation=chat.conversation, text=SCRIPT)
    client.force_login(agent)
    page = client.get(f"/sophie/agents/{chat.conversation.pk}/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_binary_garbage_body_is_a_400(client, sophie):
    response = client.post(URL, b"\xff\xfe\x00\x81garbage\xc3\x28",
                           content_type="application/json")
    assert response.status_code == 400


def test_garbage_characters_get_a_polite_answer(client, sophie):
    garbage = "\u0000\u0001\u2603\ue000\ue001\ue002\U0010fffd\u0e01\u0e02\u0e03" * 5
    response = post_json(client, {"text": garbage})
    assert response.status_code == 400  # NUL characters: refused with a message, not a 500
    assert response.json()
    response = post_json(client, {"text": garbage.replace("\u0000", "")})
    assert response.status_code == 200
    assert "Je n’arrive pas à lire ce message" in response.json()["reply"]["text"]
    assert "\u2603" in Turn.objects.get(seq=1).text  # what was sent is kept


@pytest.mark.parametrize("payload", [
    {}, {"text": None}, {"text": ["a"]}, {"text": {"a": 1}}, {"conversation": "pas-un-uuid",
                                                              "text": "bonjour"},
    [], "bonjour", {"text": "bonjour", "page": "x" * 400},
])
def test_malformed_payloads_are_400s(client, sophie, payload):
    response = post_json(client, payload)
    assert response.status_code == 400
    assert response.json()


def test_malformed_json_is_a_400(client, sophie):
    response = client.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400


def test_wrong_method_and_media_type(client, sophie):
    assert client.get(URL).status_code == 405
    assert client.post(URL, "text=bonjour", content_type="text/plain").status_code == 415


def test_service_refuses_non_text():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.validate_text(b"bytes")
    with pytest.raises(ValidationError):
        services.validate_text("x" * (services.MAX_MESSAGE_CHARS + 1))


def test_a_bug_in_the_dialogue_never_loses_the_message(client, sophie, monkeypatch):
    import chatbot.services as chat_services

    def broken(**kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(chat_services, "respond", broken)
    response = post_json(client, {"text": "mon bac a brûlé cette nuit"})
    assert response.status_code == 200
    assert "Je n’arrive pas à lire ce message" in response.json()["reply"]["text"]
    turn = Turn.objects.get(seq=1)
    assert turn.text == "mon bac a brûlé cette nuit" and turn.needs_review


def test_lone_surrogates_never_reach_the_database(client, sophie):
    body = '{"text": "bonjour \\ud800 rue des Bains", "page": "/\\ud800"}'
    response = client.post(URL, body, content_type="application/json")
    assert response.status_code == 400, response.content  # refused, with a message
    assert response.json()
    from chatbot.services import validate_text

    assert validate_text("bonjour \ud800 rue") == "bonjour ? rue"  # any other way in

"""POST /api/v1/chatbot/messages and friends: the widget's contract."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chatbot.models import Conversation, Turn
from guichet.models import Ticket
from tests.chatbot.conftest import JPEG

pytestmark = pytest.mark.django_db

URL = "/api/v1/chatbot/messages"


def post(client, text, conversation=None, **extra):
    return client.post(URL, {"conversation": conversation, "text": text, **extra},
                       content_type="application/json")


def test_a_conversation_starts_and_goes_on(client, sophie):
    first = post(client, "Quels jours passe le camion ?")
    assert first.status_code == 200
    data = first.json()
    assert set(data) >= {"conversation", "intent", "reply", "handoff", "ticket"}
    assert data["intent"] == "collecte_jours"
    assert data["reply"]["text"] == "Dans quelle commune habitez-vous ?"
    assert "Trouville-sur-Mer" in data["reply"]["quick_replies"]
    assert data["handoff"] is None and data["ticket"] is None
    conversation = data["conversation"]
    assert uuid.UUID(conversation).version == 4  # unguessable
    second = post(client, "Villerville", conversation).json()
    assert second["conversation"] == conversation
    assert second["reply"]["text"].startswith("Voici les jours de collecte à Villerville")
    stored = Conversation.objects.get(pk=conversation)
    assert stored.turn_count == 4
    assert list(stored.turns.values_list("role", flat=True)) == ["usager", "sophie"] * 2
    first_turn = stored.turns.get(seq=1)
    assert first_turn.intent == "collecte_jours" and first_turn.confidence > 0.5


def test_unknown_conversation_id_starts_a_new_one(client, sophie):
    response = post(client, "bonjour", str(uuid.uuid4()))
    assert response.status_code == 200
    assert Conversation.objects.filter(pk=response.json()["conversation"]).exists()


def test_history_is_sent_again_after_a_reload(client, sophie):
    conversation = post(client, "bonjour").json()["conversation"]
    post(client, "où jeter un pot de yaourt ?", conversation)
    history = client.get(f"/api/v1/chatbot/conversations/{conversation}")
    assert history.status_code == 200
    turns = history.json()["turns"]
    assert [t["role"] for t in turns] == ["usager", "sophie", "usager", "sophie"]
    assert turns[2]["text"] == "où jeter un pot de yaourt ?"
    after = client.get(f"/api/v1/chatbot/conversations/{conversation}?after=3").json()
    assert [t["seq"] for t in after["turns"]] == [4]
    assert client.get(f"/api/v1/chatbot/conversations/{uuid.uuid4()}").status_code == 404
    assert client.get("/api/v1/chatbot/conversations/not-a-uuid").status_code == 404
    assert client.get(f"/api/v1/chatbot/conversations/{conversation}?after=abc"
                      ).status_code == 200


def test_welcome_message(client, sophie):
    data = client.get("/api/v1/chatbot/welcome").json()
    assert "je suis Sophie" in data["text"] and "assistante virtuelle" in data["text"]
    assert data["quick_replies"]


def test_photo_upload_then_ticket_through_the_api(client, sophie):
    conversation = post(client, "je veux signaler un dépôt sauvage").json()["conversation"]
    post(client, "Deauville", conversation)
    reply = post(client, "boulevard de la mer, près du poste de secours", conversation).json()
    while reply["expects"] != "photo":
        reply = post(client, "des sacs de gravats et un vieux canapé", conversation).json()
    photo = SimpleUploadedFile("depot.jpg", JPEG, content_type="image/jpeg")
    uploaded = client.post(f"/api/v1/chatbot/conversations/{conversation}/photo",
                           {"photo": photo})
    assert uploaded.status_code == 200
    assert uploaded.json()["reply"]["text"].startswith("Merci, j’ai bien reçu votre photo.")
    post(client, "non", conversation)
    done = post(client, "oui", conversation).json()
    ticket = Ticket.objects.get()
    assert done["ticket"]["reference"] == ticket.reference
    assert done["ticket"]["due"]
    assert ticket.messages.get().attachments.count() == 1
    assert Turn.objects.filter(conversation_id=conversation).exclude(photo="").count() == 1


def test_photo_must_be_a_real_image(client, sophie):
    conversation = post(client, "bonjour").json()["conversation"]
    fake = SimpleUploadedFile("virus.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    response = client.post(f"/api/v1/chatbot/conversations/{conversation}/photo",
                           {"photo": fake})
    assert response.status_code == 400
    assert "n’est pas une photo" in response.json()["detail"]
    pdf = SimpleUploadedFile("doc.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client.post(f"/api/v1/chatbot/conversations/{conversation}/photo", {"photo": pdf})
    assert response.status_code == 400
    assert "Seules les photos" in response.json()["detail"]
    missing = client.post(f"/api/v1/chatbot/conversations/{conversation}/photo", {})
    assert missing.status_code == 400


def test_flood_from_one_client_is_throttled_in_french(client, sophie, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "chatbot": "5/min"}}
    codes = [post(client, "bonjour").status_code for _ in range(8)]
    assert codes[:5] == [200] * 5 and codes[5:] == [429] * 3
    response = post(client, "bonjour")
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Vous avez envoyé beaucoup de messages")
    assert "secondes" in response.json()["detail"] or "seconde" in response.json()["detail"]
    other = client.post(URL, {"text": "bonjour"}, content_type="application/json",
                        REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200  # per client


def test_anonymous_without_csrf_even_when_an_agent_is_logged_in(client, sophie, agent):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(agent)
    response = csrf_client.post(URL, {"text": "bonjour"}, content_type="application/json")
    assert response.status_code == 200


def test_cors_for_the_collectivite_site(client, sophie, settings):
    settings.MDS_CHATBOT_ALLOWED_ORIGINS = ["https://www.coeurcotefleurie.example"]
    allowed = client.post(URL, {"text": "bonjour"}, content_type="application/json",
                          HTTP_ORIGIN="https://www.coeurcotefleurie.example")
    assert allowed["Access-Control-Allow-Origin"] == "https://www.coeurcotefleurie.example"
    other = client.post(URL, {"text": "bonjour"}, content_type="application/json",
                        HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other
    preflight = client.options(URL, HTTP_ORIGIN="https://www.coeurcotefleurie.example",
                               HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Methods"] == "GET, POST, OPTIONS"


def test_openapi_schema_documents_the_chatbot(client, agent):
    client.force_login(agent)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    message = paths["/api/v1/chatbot/messages"]["post"]
    assert {"200", "400", "429"} <= set(message["responses"])
    assert "/api/v1/chatbot/conversations/{conversation_id}" in paths
    assert "/api/v1/chatbot/conversations/{conversation_id}/photo" in paths

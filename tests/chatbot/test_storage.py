"""The hot path's statements: same rows as the ORM writes, read back as the ORM reads them,
and a bounded number of statements per message."""

import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from chatbot import storage
from chatbot.models import Conversation, Turn

pytestmark = pytest.mark.django_db

URL = "/api/v1/chatbot/messages"


def test_insert_then_lock_reads_back_what_the_orm_reads(sophie):
    conversation = Conversation(page="/collecte", state={"intent": "tri_ou_jeter",
                                                         "slots": {"commune": "Touques"}},
                                tickets=["DEMO-1"], turn_count=2, last_intent="tri_ou_jeter")
    storage.insert([conversation])
    assert not conversation._state.adding
    orm = Conversation.objects.get(pk=conversation.pk)
    with transaction.atomic():
        locked = storage.lock(Conversation, str(conversation.pk))
    for field in Conversation._meta.concrete_fields:
        assert getattr(locked, field.attname) == getattr(orm, field.attname), field.name
    assert locked.created_at is not None and locked.updated_at is not None
    assert storage.lock(Conversation, uuid.uuid4()) is None


def test_turns_are_inserted_in_one_statement_with_their_ids(sophie):
    conversation = Conversation.objects.create()
    turns = [Turn(conversation=conversation, seq=1, role=Turn.Role.USAGER, text="où jeter ?",
                  entities={"commune": "Deauville"}, confidence=0.91, intent="tri_ou_jeter"),
             Turn(conversation=conversation, seq=2, role=Turn.Role.SOPHIE, text="Au bac jaune.",
                  quick_replies=["Un autre objet"])]
    with CaptureQueriesContext(connection) as captured:
        storage.insert(turns)
    assert len(captured.captured_queries) == 1
    assert all(t.pk for t in turns) and turns[0].pk != turns[1].pk
    stored = {t.seq: t for t in Turn.objects.filter(conversation=conversation)}
    assert stored[1].pk == turns[0].pk and stored[1].entities == {"commune": "Deauville"}
    assert stored[1].confidence == pytest.approx(0.91) and stored[1].created_at is not None
    assert stored[2].quick_replies == ["Un autre objet"] and stored[2].photo.name == ""
    turns[0].text = "changed"
    turns[0].save(update_fields=["text"])  # an inserted object is a stored one for the ORM
    assert Turn.objects.filter(text="changed").count() == 1


def test_update_writes_every_field_and_moves_updated_at(sophie):
    conversation = Conversation.objects.create()
    before = conversation.updated_at
    conversation.state = {"awaiting": "commune"}
    conversation.turn_count = 4
    conversation.needs_review = True
    storage.update(conversation)
    stored = Conversation.objects.get(pk=conversation.pk)
    assert stored.state == {"awaiting": "commune"} and stored.turn_count == 4
    assert stored.needs_review and stored.updated_at > before
    assert stored.created_at == conversation.created_at


def test_a_message_costs_a_bounded_number_of_statements(client, sophie):
    def statements(text, conversation=None):
        with CaptureQueriesContext(connection) as captured:
            response = client.post(URL, {"conversation": conversation, "text": text},
                                   content_type="application/json")
        assert response.status_code == 200
        return response.json()["conversation"], len(captured.captured_queries)

    conversation, first = statements("bonjour")
    # Texts read once (then cached), BEGIN, INSERT conversation, INSERT turns, COMMIT.
    assert first <= 5
    _same, next_one = statements("merci", conversation)
    # BEGIN, SELECT … FOR UPDATE, UPDATE conversation, INSERT turns, COMMIT.
    assert next_one <= 5
    stored = Conversation.objects.get(pk=conversation)
    assert stored.turn_count == 4
    assert list(stored.turns.values_list("seq", "role")) == [
        (1, "usager"), (2, "sophie"), (3, "usager"), (4, "sophie")]


def test_a_request_in_the_very_first_message_stores_the_new_conversation_first(sophie):
    from django.utils import timezone

    from chatbot import catalogue, services
    from guichet.models import Ticket

    now = timezone.now()
    with transaction.atomic():
        conversation = services._lock_or_start(None, "/signaler")
        assert conversation._state.adding  # built, not stored yet
        turn = Turn(conversation=conversation, seq=1, role=Turn.Role.USAGER,
                    text="Mon bac n’a pas été collecté rue Gambetta à Deauville")
        conversation.turn_count = 1
        hooks = services.ConversationHooks(conversation, now, turn)
        ticket = hooks.open_ticket(intent="collecte_oubli",
                                   flow=catalogue.spec("collecte_oubli").ticket,
                                   slots={"commune": "Deauville", "details": "bac jaune"},
                                   photos=[])
        services._store_conversation(conversation)
    stored = Conversation.objects.get(pk=conversation.pk)
    assert stored.page == "/signaler" and stored.tickets == [ticket["reference"]]
    assert Ticket.objects.filter(reference=ticket["reference"]).exists()
    assert stored.turns.get(seq=1).text.startswith("Mon bac")

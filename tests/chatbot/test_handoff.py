"""parler_conseiller: live hand-off in opening hours, callback request otherwise."""

import pytest
from django.contrib.auth.models import Group

from chatbot import services
from chatbot.models import Conversation, Turn
from guichet.models import Ticket
from tests.chatbot.conftest import Chat, at

pytestmark = pytest.mark.django_db

OPEN = at(2025, 11, 25, 10, 0)  # Tuesday morning
CLOSED = at(2025, 11, 29, 15, 0)  # Saturday afternoon, no school holiday


def test_live_handoff_to_an_available_agent(client, sophie, agent):
    services.heartbeat(agent=agent, now=OPEN)
    chat = Chat(now=OPEN)
    reply = chat.say("je voudrais parler à un conseiller")
    assert reply.intent == "parler_conseiller"
    assert reply.handoff == {"status": "waiting", "agent": None}
    assert "Je vous mets en relation avec un conseiller" in reply.text
    conversation = Conversation.objects.get(pk=chat.conversation.pk)
    assert conversation.status == Conversation.Status.WAITING

    client.force_login(agent)
    queue = client.get("/sophie/agents/")
    assert queue.status_code == 200
    assert f"/sophie/agents/{conversation.pk}/" in queue.content.decode()
    rows = client.get("/sophie/agents/file.json").json()["conversations"]
    assert rows[0]["id"] == str(conversation.pk) and rows[0]["status"] == "waiting"

    page = client.get(f"/sophie/agents/{conversation.pk}/").content.decode()
    assert "je voudrais parler à un conseiller" in page  # the transcript

    client.post(f"/sophie/agents/{conversation.pk}/prendre")
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.AGENT and conversation.agent == agent
    client.post(f"/sophie/agents/{conversation.pk}/repondre",
                {"text": "Bonjour, je suis Agent. Que puis-je faire ?"})

    # The resident's widget polls the history and sees the agent's answer.
    history = client.get(f"/api/v1/chatbot/conversations/{conversation.pk}?after=2").json()
    roles = [(t["role"], t["text"]) for t in history["turns"]]
    assert ("system", "Agent du service vous répond.") in roles
    assert ("agent", "Bonjour, je suis Agent. Que puis-je faire ?") in roles
    assert history["handoff"] == {"status": "agent", "agent": "Agent"}

    # While the agent answers, Sophie stays silent.
    during = Chat.__new__(Chat)
    during.services, during.conversation, during.now, during.replies = services, conversation, \
        OPEN, []
    silent = during.say("mon bac a disparu depuis hier")
    assert silent.text == "" and silent.handoff["status"] == "agent"
    assert Turn.objects.filter(conversation=conversation, role="usager").last().text == \
        "mon bac a disparu depuis hier"

    client.post(f"/sophie/agents/{conversation.pk}/terminer")
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.BOT
    last = conversation.turns.order_by("-seq").first()
    assert "Le conseiller a terminé la conversation" in last.text
    assert last.quick_replies == ["1", "2", "3", "4", "5"]


def test_a_taken_conversation_is_not_taken_twice(client, sophie, agent, django_user_model):
    other = django_user_model.objects.create_user("collegue", password="x-motdepasse-123")
    other.groups.add(Group.objects.get_or_create(name="agent")[0])
    services.heartbeat(agent=agent, now=OPEN)
    chat = Chat(now=OPEN)
    chat.say("je veux parler à quelqu’un")
    services.take_conversation(conversation=chat.conversation, agent=agent)
    client.force_login(other)
    response = client.post(f"/sophie/agents/{chat.conversation.pk}/prendre", follow=True)
    assert "Un autre conseiller a déjà pris cette conversation." in response.content.decode()
    refused = client.post(f"/sophie/agents/{chat.conversation.pk}/repondre", {"text": "hop"},
                          follow=True)
    assert "Prenez d’abord la conversation en charge." in refused.content.decode()


def test_no_agent_available_offers_a_callback(sophie):
    chat = Chat(now=OPEN)
    reply = chat.say("je voudrais parler à un conseiller")
    assert "Tous nos conseillers sont occupés" in reply.text
    assert reply.quick_replies == ["Oui, être rappelé(e)", "Non merci"]


def test_outside_opening_hours_a_callback_ticket(sophie, agent):
    services.heartbeat(agent=agent, now=CLOSED)  # present, but the service is closed
    chat = Chat(now=CLOSED)
    reply = chat.say("je veux parler à un conseiller")
    assert "du lundi au vendredi, de 9 h à 17 h" in reply.text
    assert "nous rouvrons lundi 1er décembre à 9 h" in reply.text
    assert chat.say("Oui, être rappelé(e)").text.startswith("À quel numéro")
    assert "Décrivez-moi" in chat.say("06 12 34 56 78").text
    summary = chat.say("une question sur ma facture de redevance")
    assert "Un conseiller vous rappellera" in summary.text
    done = chat.say("oui")
    ticket = Ticket.objects.get()
    assert ticket.callback_requested and ticket.channel == "chatbot"
    assert done.ticket["reference"] == ticket.reference
    assert ticket.usager.contact_points.filter(value="+33612345678").exists()


def test_agents_page_permissions(client, sophie, elu, agent):
    assert client.get("/sophie/agents/").status_code == 302  # to the login page
    client.force_login(elu)
    assert client.get("/sophie/agents/").status_code == 403
    assert client.get("/sophie/supervision/").status_code == 403
    client.force_login(agent)
    assert client.get("/sophie/agents/").status_code == 200
    assert client.get("/sophie/supervision/").status_code == 403  # supervisors only


def test_a_resident_left_waiting_gets_a_callback_offer(sophie, agent):
    from datetime import timedelta

    services.heartbeat(agent=agent, now=OPEN)
    chat = Chat(now=OPEN)
    chat.say("je voudrais parler à un conseiller")
    assert services.release_abandoned_handoffs(now=OPEN + timedelta(minutes=5)) == 0
    assert services.release_abandoned_handoffs(now=OPEN + timedelta(minutes=11)) == 1
    conversation = Conversation.objects.get(pk=chat.conversation.pk)
    assert conversation.status == Conversation.Status.BOT
    last = conversation.turns.order_by("-seq").first()
    assert "Tous nos conseillers sont occupés" in last.text
    chat.conversation = conversation
    assert chat.say("oui").text.startswith("À quel numéro")


def test_old_conversations_are_purged_after_a_year(sophie):
    from datetime import timedelta

    from django.utils import timezone

    chat = Chat()
    chat.say("bonjour")
    chat.photo()
    recent = Chat()
    recent.say("bonjour")
    Conversation.objects.filter(pk=chat.conversation.pk).update(
        updated_at=timezone.now() - timedelta(days=400))
    assert services.purge_conversations() > 0
    assert not Conversation.objects.filter(pk=chat.conversation.pk).exists()
    assert Conversation.objects.filter(pk=recent.conversation.pk).exists()

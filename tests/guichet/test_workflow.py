import pytest
from django.core.exceptions import ValidationError

from guichet import services
from guichet.models import Channel, Message, Status, TicketEvent
from maison.models import Theme

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture
def ticket():
    return services.receive(channel=Channel.EMAIL, body="Bonjour", subject="Question",
                            email="jean@example.fr").ticket


def test_status_workflow_and_audit(ticket, agent):
    services.change_status(ticket=ticket, status=Status.EN_COURS, actor=agent)
    services.change_status(ticket=ticket, status=Status.RESOLU, actor=agent)
    services.change_status(ticket=ticket, status=Status.CLOS, actor=agent)
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOS and ticket.closed_at and ticket.resolved_at
    assert ticket.close_reason == "traite"
    changes = list(ticket.events.filter(kind=TicketEvent.Kind.STATUS)
                   .values_list("old_value", "new_value", "actor"))
    assert changes == [("nouveau", "en_cours", agent.pk), ("en_cours", "resolu", agent.pk),
                       ("resolu", "clos", agent.pk)]


@pytest.mark.parametrize("path", [[Status.RESOLU, Status.EN_ATTENTE],
                                  [Status.EN_COURS, Status.NOUVEAU]])
def test_invalid_transition_is_refused_with_a_french_message(ticket, agent, path):
    *before, wrong = path
    for status in before:
        services.change_status(ticket=ticket, status=status, actor=agent)
    with pytest.raises(ValidationError) as error:
        services.change_status(ticket=ticket, status=wrong, actor=agent)
    assert "Impossible de passer" in error.value.messages[0]


def test_two_agents_editing_at_once_lose_no_update(ticket, agent, superviseur):
    seen_by_both = ticket.version
    services.update_ticket(ticket=ticket, actor=agent, expected_version=seen_by_both,
                           theme=Theme.objects.get(code="tri"))
    stale = type(ticket).objects.get(pk=ticket.pk)
    stale.version = seen_by_both
    with pytest.raises(services.ConcurrentUpdate):
        services.update_ticket(ticket=stale, actor=superviseur, expected_version=seen_by_both,
                               theme=Theme.objects.get(code="eau"))
    ticket.refresh_from_db()
    assert ticket.theme.code == "tri"


def test_subtheme_must_belong_to_theme(ticket, agent):
    eau = Theme.objects.get(code="eau")
    verre = Theme.objects.get(code="tri").subthemes.get(code="verre")
    with pytest.raises(ValidationError):
        services.update_ticket(ticket=ticket, actor=agent, theme=eau, subtheme=verre)


def test_reply_is_stored_then_sent_after_commit(ticket, agent, on_commit, mailoutbox):
    with on_commit(execute=True):
        message = services.reply(ticket=ticket, author=agent, body="Votre bac sera livré lundi.")
    message.refresh_from_db()
    ticket.refresh_from_db()
    assert message.delivery_status == Message.Delivery.SENT
    assert ticket.status == Status.EN_COURS and ticket.first_response_at
    assert len(mailoutbox) == 1
    sent = mailoutbox[0]
    assert sent.to == ["jean@example.fr"] and ticket.reference in sent.subject
    assert sent.extra_headers["Message-ID"] == message.message_id_header
    assert "/usagers/preferences/" in sent.body  # the way to stop later contact, every time


def test_a_duplicate_task_delivery_sends_nothing_twice(ticket, agent, on_commit, mailoutbox):
    from guichet import delivery

    with on_commit(execute=False):
        message = services.reply(ticket=ticket, author=agent, body="Réponse")
    delivery.deliver(message.pk)
    outcome = delivery.deliver(message.pk)
    assert outcome.already_done and len(mailoutbox) == 1


def test_reply_without_contact_point_is_refused(agent):
    ticket = services.open_ticket(channel=Channel.ACCUEIL, subject="Passage à l'accueil")
    with pytest.raises(ValidationError):
        services.reply(ticket=ticket, author=agent, body="Bonjour")


def test_note_is_internal(ticket, agent):
    note = services.add_note(ticket=ticket, author=agent, body="Appeler le prestataire")
    assert not note.public and note.direction == Message.Direction.NOTE

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from crm.models import TimelineEntry, Usager
from guichet import services
from guichet.models import Channel, Message, Nature, Status, Ticket, TicketEvent
from maison.models import Commune, LiveEvent, Theme

PARIS = ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.usefixtures("reference_data")


def receive(**kwargs):
    defaults = {"channel": Channel.EMAIL, "body": "Bonjour, mon bac n'a pas été vidé.",
                "subject": "Bac non vidé", "email": "marie@example.fr"}
    return services.receive(**{**defaults, **kwargs})


@pytest.fixture
def database_bus(settings):
    """Live events on the database bus, whatever REDIS_URL says, so the test can read them."""
    from maison import events

    settings.MDS_EVENT_BUS = "database"
    events.get_bus.cache_clear()
    yield
    events.get_bus.cache_clear()


def test_first_message_opens_a_ticket_with_reference_deadline_and_queue(on_commit, database_bus):
    friday = datetime(2026, 11, 20, 16, 30, tzinfo=PARIS)
    with on_commit(execute=True):
        reception = receive(nature=Nature.RECLAMATION, received_at=friday,
                            theme=Theme.objects.get(code="collecte"))
    ticket = reception.ticket
    assert reception.created_ticket and not reception.duplicate
    assert ticket.reference == f"MDS-2026-{ticket.pk:06d}"
    assert ticket.status == Status.NOUVEAU
    assert ticket.due_at == datetime(2026, 11, 27, 16, 30, tzinfo=PARIS)  # 5 working days
    assert ticket.first_response_due_at == datetime(2026, 11, 23, 16, 30, tzinfo=PARIS)  # 8 h
    assert ticket.queue.code == "dechets"
    assert ticket.priority == 3
    assert ticket.events.filter(kind=TicketEvent.Kind.CREATED).exists()
    kinds = set(ticket.usager.timeline.values_list("kind", flat=True))
    assert kinds == {TimelineEntry.Kind.TICKET, TimelineEntry.Kind.MESSAGE_IN}
    event = LiveEvent.objects.get(kind="ticket.created")
    assert event.payload["reference"] == ticket.reference
    assert "marie" not in str(event.payload)  # no personal data in the live feed


def test_same_external_id_is_stored_once():
    first = receive(external_id="<abc@example.fr>")
    second = receive(external_id="<abc@example.fr>")
    assert second.duplicate and second.message == first.message
    assert Message.objects.count() == 1 and Ticket.objects.count() == 1


def test_reply_with_reference_threads_only_for_the_tickets_usager():
    ticket = receive().ticket
    again = receive(subject=f"Re: [{ticket.reference}] Bac non vidé", body="Toujours rien.")
    assert again.ticket == ticket and not again.created_ticket
    stranger = receive(email="autre@example.fr", subject=f"Re: {ticket.reference}",
                       body="Je connais cette référence.")
    assert stranger.created_ticket and stranger.ticket != ticket


def test_loosely_typed_reference_threads():
    ticket = receive().ticket
    number = ticket.pk
    again = receive(subject="suite", body=f"ma demande mds 2026 {number} toujours pas traitée")
    assert again.ticket == ticket


def test_in_reply_to_our_message_threads():
    ticket = receive().ticket
    Message.objects.create(ticket=ticket, direction=Message.Direction.OUT, channel=Channel.EMAIL,
                           body="Réponse", created_at=ticket.created_at,
                           message_id_header="<out-1@coeurcotefleurie.example>")
    again = receive(subject="Re: votre demande", body="Merci",
                    in_reply_to=["<out-1@coeurcotefleurie.example>"])
    assert again.ticket == ticket


def test_sms_threads_onto_the_open_sms_conversation():
    first = services.receive(channel=Channel.SMS, body="Bac cassé", phone="06 12 34 56 78")
    second = services.receive(channel=Channel.SMS, body="rue des Bains", phone="+33612345678")
    assert second.ticket == first.ticket


def test_message_on_resolved_ticket_reopens_it_and_closed_one_opens_a_follow_up(agent):
    ticket = receive().ticket
    services.change_status(ticket=ticket, status=Status.RESOLU, actor=agent)
    again = receive(subject=f"Re: {ticket.reference}", body="Ce n'est pas réglé")
    ticket.refresh_from_db()
    assert again.reopened and ticket.status == Status.EN_COURS and ticket.resolved_at is None
    services.change_status(ticket=ticket, status=Status.CLOS, actor=agent)
    later = receive(subject=f"Re: {ticket.reference}", body="Encore moi")
    assert later.created_ticket and later.ticket.follows == ticket


@pytest.mark.parametrize("body", ["", "   "])
def test_empty_message_is_refused_and_nothing_is_written(body):
    with pytest.raises(ValidationError):
        receive(body=body)
    assert Ticket.objects.count() == 0 and Usager.objects.count() == 0


def test_oversized_message_is_refused():
    with pytest.raises(ValidationError):
        receive(body="x" * 50_000)
    assert Ticket.objects.count() == 0


def test_bad_attachment_refused_before_anything_is_written():
    with pytest.raises(ValidationError):
        receive(attachments=[services.IncomingFile("virus.exe", "application/x-msdownload",
                                                   b"MZ")])
    assert Ticket.objects.count() == 0 and Usager.objects.count() == 0


def test_attachment_is_stored_with_a_safe_name(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    reception = receive(attachments=[services.IncomingFile("../../Photo dépôt.JPG",
                                                           "image/jpeg", b"\xff\xd8data")])
    attachment = reception.message.attachments.get()
    assert attachment.filename == "Photo_depot.JPG"
    assert attachment.size == 6 and attachment.content_type == "image/jpeg"


def test_commune_comes_from_the_usager_when_not_given():
    deauville = Commune.objects.get(name="Deauville")
    first = receive(commune=deauville)
    other = receive(email="marie@example.fr", subject="Autre sujet", body="Nouvelle question",
                    force_new_ticket=True)
    assert first.ticket.commune == deauville and other.ticket.commune == deauville

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


def test_a_retried_delivery_leaves_no_trace_of_its_rolled_back_work(on_commit, database_bus):
    with on_commit(execute=True):
        first = services.receive(channel=Channel.SMS, body="Bac cassé", phone="0612345678",
                                 external_id="SM1")
    rows = (Ticket.objects.count(), Message.objects.count(), TicketEvent.objects.count(),
            TimelineEntry.objects.count(), LiveEvent.objects.count())
    with on_commit(execute=True) as callbacks:
        again = services.receive(channel=Channel.SMS, body="Bac cassé", phone="0612345678",
                                 external_id="SM1")
    assert again.duplicate and again.message == first.message and again.ticket == first.ticket
    assert callbacks == []  # no second live event, nothing scheduled
    assert rows == (Ticket.objects.count(), Message.objects.count(),
                    TicketEvent.objects.count(), TimelineEntry.objects.count(),
                    LiveEvent.objects.count()) == (1, 1, rows[2], 2, 1)
    other_channel = services.receive(channel=Channel.EMAIL, body="Autre canal",
                                     email="a@example.fr", external_id="SM1")
    assert other_channel.created_ticket  # the same id on another channel is another message


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


# --- Cost of a new ticket, and the guarantees that must survive its trimming -------------------

def _new_resident_writes(settings, **kwargs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.MDS_ACK_ENABLED = True
    theme = Theme.objects.get(code="collecte")
    receive(theme=theme, email="deja@example.fr")  # reference data in the in-process caches
    with CaptureQueriesContext(connection) as queries:
        reception = receive(theme=theme, **kwargs)
    return reception, [query["sql"] for query in queries.captured_queries]


def test_a_new_resident_s_first_message_costs_a_bounded_number_of_statements(settings):
    from django.db import connection

    reception, statements = _new_resident_writes(settings, external_id="<new@example.fr>")
    ticket = reception.ticket
    assert reception.created_ticket and reception.acknowledgement is not None
    assert ticket.reference == f"MDS-{timezone_year(ticket)}-{ticket.pk:06d}"
    assert Ticket.objects.get(reference=ticket.reference) == ticket
    if connection.vendor == "postgresql":
        # Savepoint (the test's transaction stands for BEGIN/COMMIT), contact look-up, usager,
        # contact point, ticket number, ticket, audit, message, timeline, acknowledgement: the
        # reference is written with the row and nothing is looked up twice.
        assert len(statements) <= 11, "\n".join(statements)
        assert not any(sql.startswith("UPDATE") for sql in statements)
        assert sum(sql.startswith("SAVEPOINT") for sql in statements) == 1


def timezone_year(ticket) -> int:
    from django.utils import timezone

    return timezone.localtime(ticket.created_at).year


def test_timeline_entries_of_a_new_ticket_link_to_their_sources():
    reception = receive(body="Bonjour,\nmon bac n'a pas été vidé.")
    ticket, message = reception.ticket, reception.message
    entries = {entry.kind: entry for entry in reception.usager.timeline.all()}
    assert set(entries) == {TimelineEntry.Kind.TICKET, TimelineEntry.Kind.MESSAGE_IN}
    assert (entries[TimelineEntry.Kind.TICKET].source_type,
            entries[TimelineEntry.Kind.TICKET].source_id) == ("guichet.ticket", str(ticket.pk))
    assert (entries[TimelineEntry.Kind.MESSAGE_IN].source_type,
            entries[TimelineEntry.Kind.MESSAGE_IN].source_id) == ("guichet.message",
                                                                  str(message.pk))
    assert entries[TimelineEntry.Kind.MESSAGE_IN].summary == "Bonjour,"
    assert all(entry.ticket_reference == ticket.reference for entry in entries.values())
    threaded = receive(subject=f"Re: {ticket.reference}", body="Toujours rien.")
    assert reception.usager.timeline.filter(
        kind=TimelineEntry.Kind.MESSAGE_IN, source_id=str(threaded.message.pk)).exists()


def test_triage_guess_is_audited_after_the_creation():
    ticket = receive(subject="", body="Il y a une fuite d'eau devant chez moi").ticket
    kinds = list(ticket.events.order_by("id").values_list("kind", "field"))
    assert kinds == [(TicketEvent.Kind.CREATED, ""), (TicketEvent.Kind.FIELD, "theme")]
    assert ticket.subtheme.code == "fuite"


def test_a_new_resident_is_acknowledged_on_the_address_they_wrote_from(settings):
    reception, _statements = _new_resident_writes(settings, channel=Channel.SMS,
                                                  email="marie@example.fr",
                                                  phone="06 12 34 56 78", body="Bac cassé")
    ack = reception.acknowledgement
    assert (ack.channel, ack.to_address) == (Channel.SMS, "+33612345678")
    landline, _statements = _new_resident_writes(settings, channel=Channel.SMS,
                                                 email="paul@example.fr",
                                                 phone="02 31 88 00 00", body="Bac cassé")
    assert (landline.acknowledgement.channel,
            landline.acknowledgement.to_address) == (Channel.EMAIL, "paul@example.fr")


# --- Concurrent deliveries (real transactions, two connections) ------------------------------

def _in_thread(function, results: dict, name: str):
    import threading

    from django.db import connection

    def run():
        try:
            results[name] = function()
        except Exception as exc:  # noqa: BLE001 — reported to the test
            results[name] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread


def _wait_for_a_lock_wait(timeout: float = 10.0) -> None:
    """Until another connection of this database waits on a row lock (our second delivery
    blocked by the first one's uncommitted insert)."""
    import time

    from django.db import connection

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                           "current_database() AND wait_event_type = 'Lock'")
            if cursor.fetchone()[0]:
                return
        time.sleep(0.02)
    raise AssertionError("the second delivery never waited for the first one")


def _first_delivery_paused(monkeypatch):
    """The first delivery stops before committing (in its acknowledgement) until released."""
    import threading

    from guichet.channels import acknowledgement

    paused, release = threading.Event(), threading.Event()
    original = acknowledgement.acknowledge

    def acknowledge(**kwargs):
        if threading.current_thread().name == "first":
            paused.set()
            assert release.wait(20)
        return original(**kwargs)

    monkeypatch.setattr(acknowledgement, "acknowledge", acknowledge)
    return paused, release


def _race(monkeypatch, first_call, second_call) -> dict:
    """Run two deliveries side by side: the first pauses after its writes until the second
    waits on one of its locks, then both finish. Returns each one's Reception."""
    paused, release = _first_delivery_paused(monkeypatch)
    results = {}
    first = _in_thread(first_call, results, "first")
    assert paused.wait(20)
    second = _in_thread(second_call, results, "second")
    try:
        _wait_for_a_lock_wait()
    finally:
        release.set()
        first.join(20)
        second.join(20)
    for name in ("first", "second"):
        assert not isinstance(results[name], Exception), results[name]
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_message_store_it_once(monkeypatch):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL")
    results = _race(monkeypatch, lambda: receive(external_id="<same@example.fr>"),
                    lambda: receive(external_id="<same@example.fr>"))
    assert results["first"].created_ticket and results["second"].duplicate
    assert results["second"].message == results["first"].message
    assert Message.objects.filter(direction=Message.Direction.IN).count() == 1
    assert Ticket.objects.count() == 1 and Usager.objects.count() == 1
    assert TimelineEntry.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_messages_from_one_new_address_are_both_kept(monkeypatch):
    from django.db import connection

    from crm.models import ContactPoint

    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL")
    results = _race(monkeypatch, lambda: receive(external_id="<one@example.fr>"),
                    lambda: receive(external_id="<two@example.fr>", subject="Autre",
                                    body="Autre question"))
    assert results["first"].created_ticket and results["second"].created_ticket
    assert Message.objects.filter(direction=Message.Direction.IN).count() == 2
    assert ContactPoint.objects.filter(value="marie@example.fr").count() == 1


def test_a_known_resident_s_new_request_reads_neither_their_contact_point_twice_nor_their_commune(
        settings):
    from crm.models import ContactPoint

    deauville = Commune.objects.get(name="Deauville")
    first = receive(commune=deauville, phone="06 12 34 56 78")
    receive(phone="+33612345678", force_new_ticket=True)  # the commune is read once a minute
    reception, statements = _new_resident_writes(settings, subject="Autre sujet",
                                                 body="Nouvelle question",
                                                 phone="+33612345678", force_new_ticket=True)
    assert reception.usager == first.usager and reception.created_ticket
    assert reception.ticket.commune == deauville
    assert not any('"maison_commune"' in sql for sql in statements)
    by_value = [sql for sql in statements if '"crm_contactpoint"."value" =' in sql]
    assert len(by_value) == 1, by_value  # the identification's own look-up
    points = ContactPoint.objects.filter(usager=first.usager)
    assert points.count() == 2
    assert all(point.last_used_at >= reception.message.created_at for point in points)

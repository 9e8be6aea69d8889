"""The inbox at the door: one statement per webhook, a bell instead of a task per input, filers
that share a backlog without ever filing one input twice."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from kombu.exceptions import OperationalError

from guichet import services, tasks
from guichet.channels import raw as raw_store
from guichet.models import Channel, Message, RawInbound
from tests.guichet.test_channel_support import (
    basic_auth,
    channels,  # noqa: F401  (fixture)
    post_json,
    postmark_inbound,
    sms_params,
    twilio_post,
)

pytestmark = pytest.mark.usefixtures("channels")
SMS = "/webhooks/twilio/sms/"


def sid(number: int) -> str:
    return f"SM{number:032d}"


@pytest.fixture
def inbox(settings):
    settings.MDS_INBOUND_ASYNC = True
    return settings


@pytest.fixture
def wakes(monkeypatch):
    """The filer tasks the bell published (their options), instead of running them."""
    published = []
    monkeypatch.setattr(tasks.file_inbox, "apply_async",
                        lambda *args, **options: published.append(options))
    return published


def inbound_sms():
    return Message.objects.filter(channel=Channel.SMS, direction=Message.Direction.IN)


def stored(number: int, **payload) -> RawInbound:
    form = sms_params(sid=sid(number), **payload)
    return raw_store.store_once(channel=Channel.SMS, external_id=form["MessageSid"],
                                payload={"kind": "sms", "form": form})


# --- Storing once, in one statement -----------------------------------------------------------

def test_an_input_is_stored_once_in_a_single_statement(django_assert_num_queries):
    with django_assert_num_queries(1):
        raw = stored(1)
    assert raw.pk and RawInbound.objects.get().pk == raw.pk
    assert raw.state == RawInbound.State.RECEIVED and raw.payload["form"]["MessageSid"] == sid(1)
    with django_assert_num_queries(1):
        assert stored(1) is None  # a retried delivery
    assert RawInbound.objects.count() == 1


def test_a_failed_input_may_come_again_a_filed_one_may_not():
    RawInbound.objects.create(channel=Channel.SMS, external_id=sid(1), payload={},
                              state=RawInbound.State.FAILED)
    assert stored(1) is not None  # the provider's retry after a failure is kept
    RawInbound.objects.all().delete()
    services.receive(channel=Channel.SMS, phone="+33612345678", body="Bonjour",
                     external_id=sid(2))
    assert stored(2) is None  # filed as a message already (its raw row purged since)
    assert not RawInbound.objects.exists()


def test_ids_are_per_channel_and_an_empty_id_never_deduplicates():
    assert stored(1) is not None
    assert raw_store.store_once(channel=Channel.EMAIL, external_id=sid(1), payload={}) is not None
    for _ in range(2):
        assert raw_store.store_once(channel=Channel.SMS, external_id="", payload={"a": "\x00"})
    assert RawInbound.objects.filter(external_id="").count() == 2
    assert RawInbound.objects.filter(external_id="").first().payload == {"a": ""}


# --- The door: one statement, one bell --------------------------------------------------------

def test_an_sms_webhook_costs_one_statement_and_rings_once(client, inbox, wakes, on_commit,
                                                          django_assert_num_queries):
    with on_commit(execute=True), django_assert_num_queries(1):
        assert twilio_post(client, SMS, sms_params(sid=sid(1))).status_code == 200
    with on_commit(execute=True):
        for number in (1, 2, 3):  # a retry, then two new inputs: no filer has started yet
            assert twilio_post(client, SMS, sms_params(sid=sid(number))).status_code == 200
    assert len(wakes) == 1 and RawInbound.objects.count() == 3
    assert not Message.objects.exists()  # filed by the worker, not at the door


def test_a_retried_email_rings_nothing(client, inbox, wakes, on_commit):
    with on_commit(execute=True):
        assert post_json(client, "/anymail/postmark/inbound/", postmark_inbound(),
                         **basic_auth()).status_code == 200
    cache.clear()  # the bell is down: only a new input may ring it
    with on_commit(execute=True):
        assert post_json(client, "/anymail/postmark/inbound/", postmark_inbound(),
                         **basic_auth()).status_code == 200
    assert len(wakes) == 1 and RawInbound.objects.count() == 1


def test_once_a_filer_starts_the_next_input_rings_again(inbox, wakes):
    stored(1)
    raw_store.ring_bell()
    raw_store.ring_bell()
    assert len(wakes) == 1
    raw_store.file_waiting(helpers=0)  # takes the bell down before it looks
    stored(2)
    raw_store.ring_bell()
    assert len(wakes) == 2


def test_broker_down_the_input_is_kept_and_the_next_one_rings_again(client, inbox, monkeypatch,
                                                                    on_commit, caplog):
    attempts = []

    def broker_down(*args, **options):
        attempts.append(options)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.file_inbox, "apply_async", broker_down)
    with on_commit(execute=True):
        for number in (1, 2):
            assert twilio_post(client, SMS, sms_params(sid=sid(number))).status_code == 200
    assert len(attempts) == 2  # the bell did not stay up for a task that never left
    assert RawInbound.objects.filter(state=RawInbound.State.RECEIVED).count() == 2
    assert "broker does not answer" in caplog.text and "+336" not in caplog.text
    RawInbound.objects.update(received_at=RawInbound.objects.first().received_at
                              - timedelta(minutes=5))
    assert tasks.drain_raw_inbound() == 2  # the beat sweep files them
    assert inbound_sms().count() == 2


def test_cache_down_every_input_wakes_a_filer(inbox, wakes, monkeypatch):
    def cache_down(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(cache, "add", cache_down)
    raw_store.ring_bell()
    raw_store.ring_bell()
    assert len(wakes) == 2


# --- Filers -----------------------------------------------------------------------------------

def test_a_filer_files_everything_waiting_oldest_first(inbox, wakes):
    for number in (1, 2, 3):
        stored(number, sender=f"+3361234567{number}")
    RawInbound.objects.filter(external_id=sid(3)).update(
        received_at=RawInbound.objects.get(external_id=sid(1)).received_at - timedelta(seconds=1))
    assert tasks.file_inbox.run(helpers=0) == 3
    assert set(RawInbound.objects.values_list("state", flat=True)) == {RawInbound.State.PROCESSED}
    firsts = inbound_sms().order_by("pk")
    assert [message.external_id for message in firsts] == [sid(3), sid(1), sid(2)]
    assert tasks.file_inbox.run() == 0 and wakes == []  # nothing left, nobody woken


def test_a_backlog_wakes_one_helper_on_the_filers_own_queue(inbox, wakes):
    stored(1)
    assert raw_store.file_waiting(helpers=1, queue="inbox-q") == 1
    assert wakes == []  # one input: no helper
    stored(2)
    stored(3)
    assert raw_store.file_waiting(helpers=1, queue="inbox-q") == 2
    assert wakes == [{"kwargs": {"helpers": 0}, "queue": "inbox-q"}]


def test_a_long_backlog_is_handed_over_to_a_fresh_task(inbox, wakes, monkeypatch):
    monkeypatch.setattr(raw_store, "FILER_SECONDS", -1)
    stored(1)
    stored(2)
    assert raw_store.file_waiting(helpers=0, queue="inbox-q") == 1
    assert wakes == [{"queue": "inbox-q"}]
    assert RawInbound.objects.filter(state=RawInbound.State.RECEIVED).count() == 1


def test_an_input_no_adapter_can_file_is_left_waiting_and_does_not_stop_the_filer(inbox):
    RawInbound.objects.create(channel=Channel.COURRIER, external_id="w-1", payload={})
    stored(1)
    assert raw_store.file_waiting(helpers=0) == 2
    assert RawInbound.objects.get(channel=Channel.COURRIER).state == RawInbound.State.RECEIVED
    assert RawInbound.objects.get(channel=Channel.SMS).state == RawInbound.State.PROCESSED


def test_a_database_error_in_an_adapter_is_recorded_as_failed(inbox, monkeypatch):
    def broken(raw, *, forced):
        with connection.cursor() as cursor:
            cursor.execute("SELECT no_such_column FROM guichet_rawinbound")

    monkeypatch.setitem(raw_store.REPROCESSORS, Channel.SMS, broken)
    raw = stored(1)
    with transaction.atomic():  # as in a filer: the claim's transaction survives the error
        assert raw_store.process_stored(raw.pk) is None
    raw.refresh_from_db()
    assert raw.state == RawInbound.State.FAILED
    assert raw.error == "Erreur technique : ProgrammingError"


@pytest.mark.django_db(transaction=True)
def test_an_input_another_filer_holds_is_skipped_not_filed_twice(inbox, reference_data):
    held, release, done = threading.Event(), threading.Event(), threading.Event()
    first, second = stored(1), stored(2, sender="+33612345670")

    def other_filer():  # holds the claim on the first input, as a filer busy with it does
        try:
            with transaction.atomic():
                RawInbound.objects.select_for_update().get(pk=first.pk)
                held.set()
                release.wait(10)
        finally:
            connection.close()
            done.set()

    thread = threading.Thread(target=other_filer)
    thread.start()
    try:
        assert held.wait(10)
        assert raw_store.process_stored(first.pk) is None  # claimed elsewhere: left alone
        assert raw_store.file_waiting(helpers=0) == 1  # only the second one
    finally:
        release.set()
        done.wait(10)
        thread.join(10)
    assert RawInbound.objects.get(pk=first.pk).state == RawInbound.State.RECEIVED
    assert RawInbound.objects.get(pk=second.pk).state == RawInbound.State.PROCESSED
    assert raw_store.file_waiting(helpers=0) == 1
    assert inbound_sms().count() == 2


# --- Email: what is stored ----------------------------------------------------------------------

def test_postmark_email_is_kept_as_its_own_json_and_filed_from_it(client, inbox, wakes,
                                                                   on_commit):
    with on_commit(execute=True):
        post_json(client, "/anymail/postmark/inbound/", postmark_inbound(), **basic_auth())
    raw = RawInbound.objects.get()
    assert "mime_b64" not in raw.payload
    assert raw.payload["esp_event"]["FromFull"]["Email"] == "marie.dupont@example.fr"
    assert raw.external_id == "<CAFx1@mail.example.fr>"
    assert raw_store.file_waiting(helpers=0) == 1
    message = Message.objects.get(channel=Channel.EMAIL, direction=Message.Direction.IN)
    assert message.subject == "Bac non vidé" and "rue des Bains" in message.body
    assert message.ticket.usager.contact_points.get().value == "marie.dupont@example.fr"


def test_an_email_without_message_id_sent_twice_is_stored_once(client, inbox, wakes):
    payload = postmark_inbound()
    payload["Headers"] = [h for h in payload["Headers"] if h["Name"] != "Message-ID"]
    for _ in range(2):
        assert post_json(client, "/anymail/postmark/inbound/", payload,
                         **basic_auth()).status_code == 200
    assert RawInbound.objects.get().external_id.startswith("sha256:")


def test_a_mime_email_without_message_id_sent_twice_is_stored_once(client, inbox, wakes):
    """Mailgun posts parsed fields: Anymail rebuilds the MIME (new random boundaries) on each
    delivery, so the digest must cover what the sender wrote, not the bytes."""
    from tests.guichet.test_channel_email import mailgun_form

    headers = [["From", "Jean Martin <jean.martin@example.fr>"],
               ["Subject", "Fuite d'eau devant chez moi"],
               ["Date", "Mon, 23 Nov 2026 10:00:00 +0100"]]
    for _ in range(2):
        form = mailgun_form(**{"message-headers": json.dumps(headers)})
        assert client.post("/anymail/mailgun/inbound/", form, **basic_auth()).status_code == 200
    raw = RawInbound.objects.get()
    assert raw.external_id.startswith("sha256:")
    other = mailgun_form(**{"message-headers": json.dumps(headers),
                            "body-plain": "Une autre fuite, rue du Port.\n"})
    assert client.post("/anymail/mailgun/inbound/", other, **basic_auth()).status_code == 200
    assert RawInbound.objects.count() == 2  # a different message is not taken for a retry


def test_other_esps_emails_are_kept_as_mime(client, inbox, wakes):
    from guichet.channels import email as email_channel
    from tests.guichet.test_channel_email import mailgun_form

    assert client.post("/anymail/mailgun/inbound/", mailgun_form(),
                       **basic_auth()).status_code == 200
    raw = RawInbound.objects.get()
    assert "esp_event" not in raw.payload and raw.payload["mime_b64"]
    assert email_channel.stored_message(raw).get("Subject")

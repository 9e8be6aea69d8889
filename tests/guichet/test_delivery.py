"""Outbound reliability: Anymail's real Postmark backend and the Twilio SDK, HTTP faked only."""

import json
from datetime import timedelta

import pytest
import responses
from django.utils import timezone

from guichet import delivery, services, tasks
from guichet.models import Channel, Message, TicketEvent
from tests.guichet.test_channel_support import TWILIO_SID, channels  # noqa: F401

pytestmark = pytest.mark.usefixtures("channels")
POSTMARK_API = "https://api.postmarkapp.com/email"
TWILIO_MESSAGES = f"https://api.twilio.com/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"


@pytest.fixture
def postmark(settings):
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.MDS_ACK_ENABLED = False
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def ok(message_id="b7bc2f4a-e38e-4336-af7d-e6c392c2f817"):
    return {"To": "marie.dupont@example.fr", "SubmittedAt": "2026-11-23T10:00:00Z",
            "MessageID": message_id, "ErrorCode": 0, "Message": "OK"}


@pytest.fixture
def ticket():
    return services.receive(channel=Channel.EMAIL, body="Mon bac est cassé",
                            subject="Bac cassé", email="marie.dupont@example.fr").ticket


def queued_reply(ticket, agent, on_commit, body="Un nouveau bac vous sera livré jeudi."):
    with on_commit(execute=False):
        return services.reply(ticket=ticket, author=agent, body=body)


def test_reply_leaves_through_postmark_with_threading_headers_and_metadata(
        postmark, ticket, agent, on_commit):
    postmark.post(POSTMARK_API, json=ok())
    reply = queued_reply(ticket, agent, on_commit)
    assert delivery.deliver(reply.pk).status == Message.Delivery.SENT
    reply.refresh_from_db()
    assert reply.provider_id == "b7bc2f4a-e38e-4336-af7d-e6c392c2f817"
    assert reply.sent_at and reply.claimed_at and reply.send_attempts == 1
    sent = json.loads(postmark.calls[0].request.body)
    headers = {h["Name"]: h["Value"] for h in sent["Headers"]}
    assert headers["Message-ID"] == reply.message_id_header
    assert headers["X-MDS-Reference"] == ticket.reference
    assert sent["ReplyTo"] == "service.dechets@coeurcotefleurie.example"
    assert sent["Metadata"] == {"mds_message": str(reply.pk)}
    assert "Un nouveau bac" in sent["TextBody"] and ticket.reference in sent["HtmlBody"]
    assert f"/suivi/{ticket.reference}/{ticket.tracking_code}/" in sent["TextBody"]
    assert "Auto-Submitted" not in headers  # a person wrote it


def test_transient_error_is_retried_then_succeeds(postmark, ticket, agent, on_commit):
    postmark.post(POSTMARK_API, status=503, body="Service Unavailable")
    reply = queued_reply(ticket, agent, on_commit)
    with pytest.raises(delivery.TransientDeliveryError):
        delivery.deliver(reply.pk)
    reply.refresh_from_db()
    assert reply.delivery_status == Message.Delivery.PENDING and reply.send_attempts == 1
    postmark.replace(responses.POST, POSTMARK_API, json=ok("second-try"))
    assert delivery.deliver(reply.pk).status == Message.Delivery.SENT
    reply.refresh_from_db()
    assert reply.provider_id == "second-try" and reply.send_attempts == 2


def test_the_task_retries_with_backoff_and_a_final_failure_alerts_the_agent(
        postmark, ticket, agent, on_commit, monkeypatch):
    postmark.post(POSTMARK_API, status=503, body="Service Unavailable")
    services.assign(ticket=ticket, assignee=agent)
    reply = queued_reply(ticket, agent, on_commit)
    assert tasks.send_message.autoretry_for == (delivery.TransientDeliveryError,)
    assert tasks.send_message.retry_backoff and tasks.send_message.acks_late
    for _ in range(delivery.MAX_ATTEMPTS - 1):
        with pytest.raises(delivery.TransientDeliveryError):
            delivery.deliver(reply.pk)
    assert delivery.deliver(reply.pk).status == Message.Delivery.FAILED
    reply.refresh_from_db()
    assert reply.delivery_status == Message.Delivery.FAILED and reply.delivery_error
    event = ticket.events.get(kind=TicketEvent.Kind.DELIVERY)
    assert event.new_value == "failed"
    notice = agent.guichet_notices.get()
    assert ticket.reference in notice.text and notice.read_at is None
    assert len(postmark.calls) == delivery.MAX_ATTEMPTS


def test_refused_recipient_is_a_permanent_failure(postmark, ticket, agent, on_commit):
    postmark.post(POSTMARK_API, status=422, json={
        "ErrorCode": 406, "Message": "You tried to send to a recipient that has been marked as "
        "inactive.\nFound inactive addresses: marie.dupont@example.fr.\nInactive recipients are "
        "ones that have generated a hard bounce or a spam complaint."})
    reply = queued_reply(ticket, agent, on_commit)
    assert delivery.deliver(reply.pk).status == Message.Delivery.FAILED
    assert len(postmark.calls) == 1


def test_notices_page_lists_and_clears_alerts(client, postmark, ticket, agent, on_commit):
    postmark.post(POSTMARK_API, status=422, json={"ErrorCode": 300, "Message": "Invalid email"})
    delivery.deliver(queued_reply(ticket, agent, on_commit).pk)
    client.force_login(agent)
    page = client.get("/guichet/entrees/alertes/")
    assert ticket.reference in page.content.decode()
    notice = agent.guichet_notices.get()
    client.post("/guichet/entrees/alertes/lues/", {"notice": [notice.pk]})
    notice.refresh_from_db()
    assert notice.read_at is not None


# --- Recovery of messages left in SENDING by a crashed worker ---------------------------------

def _stuck(message, minutes=30):
    Message.objects.filter(pk=message.pk).update(
        delivery_status=Message.Delivery.SENDING, send_attempts=1,
        claimed_at=timezone.now() - timedelta(minutes=minutes))


def test_stuck_email_is_resent_once_with_the_same_message_id(postmark, ticket, agent, on_commit):
    postmark.post(POSTMARK_API, json=ok("after-recovery"))
    reply = queued_reply(ticket, agent, on_commit)
    Message.objects.filter(pk=reply.pk).update(message_id_header="<kept@coeurcotefleurie.example>")
    _stuck(reply)
    with on_commit(execute=True):
        assert delivery.recover_stuck() == {"sent": 0, "resent": 1, "unknown": 0, "pending": 0}
    reply.refresh_from_db()
    assert reply.delivery_status == Message.Delivery.SENT and "recovered_at" in reply.metadata
    headers = {h["Name"]: h["Value"] for h in json.loads(postmark.calls[0].request.body)["Headers"]}
    assert headers["Message-ID"] == "<kept@coeurcotefleurie.example>"
    with on_commit(execute=True):  # a second sweep finds nothing to do
        assert delivery.recover_stuck() == {"sent": 0, "resent": 0, "unknown": 0, "pending": 0}
    assert len(postmark.calls) == 1


def test_recent_claims_are_left_alone(postmark, ticket, agent, on_commit):
    reply = queued_reply(ticket, agent, on_commit)
    _stuck(reply, minutes=1)
    assert delivery.recover_stuck() == {"sent": 0, "resent": 0, "unknown": 0, "pending": 0}


def test_a_tracking_event_settles_a_stuck_email_without_resending(postmark, ticket, agent,
                                                                  on_commit):
    reply = queued_reply(ticket, agent, on_commit)
    _stuck(reply)
    delivery.record_status(delivery.StatusReport(status=Message.Delivery.DELIVERED,
                                                 provider_id="pm-77", message_pk=reply.pk),
                           channel=Channel.EMAIL)
    reply.refresh_from_db()
    assert reply.delivery_status == Message.Delivery.DELIVERED and reply.provider_id == "pm-77"
    assert delivery.recover_stuck()["resent"] == 0 and not postmark.calls


@pytest.fixture
def twilio(settings):
    settings.SMS_BACKEND = "maison.sms.TwilioBackend"
    settings.MDS_ACK_ENABLED = False
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def _sms_ticket():
    return services.receive(channel=Channel.SMS, body="Bac cassé", phone="06 12 34 56 78").ticket


def test_stuck_sms_found_in_twilio_log_is_not_sent_again(twilio, agent, on_commit):
    ticket = _sms_ticket()
    reply = queued_reply(ticket, agent, on_commit, body="Nous passons demain.")
    _stuck(reply, minutes=20)
    created = timezone.now().strftime("%a, %d %b %Y %H:%M:%S +0000")
    twilio.get(TWILIO_MESSAGES, json={"messages": [{
        "sid": "SMfound", "account_sid": TWILIO_SID, "to": "+33612345678",
        "from": "+33757000000", "body": f"Nous passons demain.\n— Maison des Services "
        f"({ticket.reference})", "status": "delivered", "date_created": created,
        "date_sent": created, "date_updated": created, "direction": "outbound-api",
        "num_segments": "1", "num_media": "0", "api_version": "2010-04-01",
        "uri": f"/2010-04-01/Accounts/{TWILIO_SID}/Messages/SMfound.json"}],
        "end": 0, "first_page_uri": "", "next_page_uri": None, "page": 0, "page_size": 50,
        "previous_page_uri": None, "start": 0, "uri": ""})
    twilio.post(TWILIO_MESSAGES, status=500)  # would fail the test if a resend were attempted
    assert delivery.recover_stuck() == {"sent": 1, "resent": 0, "unknown": 0, "pending": 0}
    reply.refresh_from_db()
    assert reply.delivery_status == Message.Delivery.SENT and reply.provider_id == "SMfound"
    assert [call.request.method for call in twilio.calls] == ["GET"]
    assert "To=%2B33612345678" in twilio.calls[0].request.url


def test_stuck_sms_unknown_to_twilio_is_sent_again(twilio, agent, on_commit):
    ticket = _sms_ticket()
    reply = queued_reply(ticket, agent, on_commit, body="Nous passons demain.")
    _stuck(reply)
    twilio.get(TWILIO_MESSAGES, json={"messages": [], "end": 0, "next_page_uri": None,
                                      "page": 0, "page_size": 50, "start": 0, "uri": ""})
    twilio.post(TWILIO_MESSAGES, status=201, json={
        "sid": "SMresent", "account_sid": TWILIO_SID, "to": "+33612345678", "status": "queued",
        "body": "x", "from": "+33757000000", "num_segments": "1", "direction": "outbound-api"})
    with on_commit(execute=True):
        assert delivery.recover_stuck()["resent"] == 1
    reply.refresh_from_db()
    assert reply.provider_id == "SMresent" and reply.delivery_status == Message.Delivery.SENT


def test_stuck_sms_when_twilio_cannot_answer_waits(twilio, agent, on_commit):
    reply = queued_reply(_sms_ticket(), agent, on_commit)
    _stuck(reply)
    twilio.get(TWILIO_MESSAGES, body=ConnectionError("network down"))
    assert delivery.recover_stuck() == {"sent": 0, "resent": 0, "unknown": 1, "pending": 0}
    reply.refresh_from_db()
    assert reply.delivery_status == Message.Delivery.SENDING


def test_status_never_moves_backwards(ticket, agent, on_commit, settings):
    settings.MDS_ACK_ENABLED = False
    with on_commit(execute=True):
        reply = services.reply(ticket=ticket, author=agent, body="Réponse")
    report = delivery.StatusReport
    delivery.record_status(report(status="bounced", message_pk=reply.pk, hard_bounce=False),
                           channel=Channel.EMAIL)
    delivery.record_status(report(status="delivered", message_pk=reply.pk),
                           channel=Channel.EMAIL)
    reply.refresh_from_db()
    assert reply.delivery_status == Message.Delivery.BOUNCED


def test_a_pending_message_whose_task_was_lost_is_sent_by_the_sweep(postmark, ticket, agent,
                                                                   on_commit):
    postmark.post(POSTMARK_API, json=ok("swept"))
    reply = queued_reply(ticket, agent, on_commit)  # its task never reached a worker
    Message.objects.filter(pk=reply.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert delivery.recover_stuck()["pending"] == 1
    reply.refresh_from_db()
    assert reply.delivery_status == Message.Delivery.SENT and reply.provider_id == "swept"
    assert delivery.recover_stuck()["pending"] == 0 and len(postmark.calls) == 1

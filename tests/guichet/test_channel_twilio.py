"""Telephone and SMS through Twilio webhooks, signed with the SDK's RequestValidator."""

from datetime import datetime
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import pytest
import responses
from django.utils import timezone

from crm.models import ContactPoint
from guichet import services
from guichet.channels.twilio import spoken_moment
from guichet.models import Channel, Message, RawInbound, Ticket
from tests.guichet.test_channel_support import (
    TWILIO_SID,
    call_params,
    channels,  # noqa: F401  (fixture)
    sms_params,
    twilio_post,
)

pytestmark = pytest.mark.usefixtures("channels")
PARIS = ZoneInfo("Europe/Paris")
MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=PARIS)
SATURDAY_NIGHT = datetime(2026, 11, 21, 22, 0, tzinfo=PARIS)


@pytest.fixture
def at(monkeypatch):
    def _at(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)
    return _at


# --- Signatures ------------------------------------------------------------------------------

def test_signed_sms_opens_a_ticket_and_is_acknowledged_by_sms(client, on_commit, capsys):
    with on_commit(execute=True):
        response = twilio_post(client, "/webhooks/twilio/sms/", sms_params())
    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
    message = Message.objects.get(direction=Message.Direction.IN)
    assert message.channel == Channel.SMS and message.external_id == "SM" + "1" * 32
    assert message.ticket.usager.contact_points.get().value == "+33612345678"
    ack = Message.objects.get(direction=Message.Direction.OUT)
    assert ack.channel == Channel.SMS and message.ticket.reference in ack.body
    assert f"/suivi/{message.ticket.reference}/" in ack.body
    assert "--- SMS to +33612345678 ---" in capsys.readouterr().out


@pytest.mark.parametrize("signature", ["", "bm90LWEtc2lnbmF0dXJl", None])
def test_unsigned_or_wrongly_signed_requests_are_refused_and_change_nothing(client, signature):
    kwargs = {"token": "not-the-token"} if signature is None else {"signature": signature}
    for path, params in [("/webhooks/twilio/sms/", sms_params()),
                         ("/webhooks/twilio/voice/", call_params()),
                         ("/webhooks/twilio/voice/recording/",
                          call_params(RecordingSid="RE1", RecordingUrl="https://x")),
                         ("/webhooks/twilio/status/", {"MessageSid": "SM9",
                                                       "MessageStatus": "failed"})]:
        response = twilio_post(client, path, params, **kwargs)
        assert response.status_code == 403, path
    assert not RawInbound.objects.exists() and not Message.objects.exists()


def test_signature_over_a_tampered_parameter_is_refused(client):
    params = sms_params()
    from twilio.request_validator import RequestValidator

    from tests.guichet.test_channel_support import PUBLIC, TWILIO_TOKEN
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(
        f"{PUBLIC}/webhooks/twilio/sms/", params)
    tampered = {**params, "From": "+33699999999"}
    response = twilio_post(client, "/webhooks/twilio/sms/", tampered, signature=signature)
    assert response.status_code == 403 and not Message.objects.exists()


def test_behind_a_reverse_proxy_the_public_url_is_what_counts(client, settings):
    # Twilio called https://mds…/webhooks/…; the app sees http://testserver/… from the proxy.
    settings.PUBLIC_BASE_URL = "https://portail.coeurcotefleurie.example"
    ok = twilio_post(client, "/webhooks/twilio/sms/", sms_params(),
                     base="https://portail.coeurcotefleurie.example",
                     HTTP_X_FORWARDED_PROTO="https")
    assert ok.status_code == 200
    signed_for_inner_url = twilio_post(client, "/webhooks/twilio/sms/",
                                       sms_params(sid="SM" + "7" * 32), base="http://testserver")
    assert signed_for_inner_url.status_code == 403
    assert Message.objects.filter(direction="in").count() == 1


def test_no_auth_token_configured_refuses_everything(client, settings):
    settings.TWILIO_AUTH_TOKEN = ""
    assert twilio_post(client, "/webhooks/twilio/sms/", sms_params()).status_code == 403


def test_wrong_method_and_content_type(client):
    assert client.get("/webhooks/twilio/sms/").status_code == 405
    response = client.post("/webhooks/twilio/sms/", '{"Body": "x"}',
                           content_type="application/json")
    assert response.status_code == 415 and not Message.objects.exists()


# --- SMS -------------------------------------------------------------------------------------

def test_same_message_sid_twice_is_stored_once(client):
    assert twilio_post(client, "/webhooks/twilio/sms/", sms_params()).status_code == 200
    assert twilio_post(client, "/webhooks/twilio/sms/", sms_params()).status_code == 200
    assert Message.objects.filter(direction="in").count() == 1
    assert RawInbound.objects.count() == 1


def test_second_sms_threads_onto_the_open_conversation(client):
    twilio_post(client, "/webhooks/twilio/sms/", sms_params())
    twilio_post(client, "/webhooks/twilio/sms/", sms_params(sid="SM" + "3" * 32,
                                                             body="C'est au 12"))
    assert Ticket.objects.count() == 1
    assert Message.objects.filter(direction="in").count() == 2


def test_mms_media_urls_are_kept_in_metadata(client):
    media = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"
    twilio_post(client, "/webhooks/twilio/sms/", sms_params(
        sid="MM" + "4" * 32, body="", NumMedia="1", MediaUrl0=media,
        MediaContentType0="image/jpeg"))
    message = Message.objects.get(direction="in")
    assert message.metadata["media"] == [{"url": media, "content_type": "image/jpeg"}]
    assert "MMS" in message.body


@pytest.mark.parametrize("params", [
    {"From": "+33612345678", "Body": "sans identifiant"},  # no MessageSid
    {"MessageSid": "SM5", "Body": "sans expéditeur"},  # no From
    {"MessageSid": "SM6", "From": "+33612345678", "Body": "x" * 5000},  # oversized
])
def test_bad_sms_payloads_get_a_400_and_nothing_is_written(client, params):
    response = twilio_post(client, "/webhooks/twilio/sms/", params)
    assert response.status_code == 400 and response.json()["error"]
    assert not Message.objects.exists() and not RawInbound.objects.exists()


def test_sms_from_an_invalid_number_is_kept_as_failed(client):
    twilio_post(client, "/webhooks/twilio/sms/", sms_params(sender="12345"))
    raw = RawInbound.objects.get()
    assert raw.state == RawInbound.State.FAILED and "numéro" in raw.error


# --- Voice -----------------------------------------------------------------------------------

def test_open_hours_menu_in_french(client, at):
    at(MONDAY_10)
    response = twilio_post(client, "/webhooks/twilio/voice/", call_params())
    twiml = response.content.decode()
    assert response.status_code == 200 and "<Gather" in twiml
    assert 'language="fr-FR"' in twiml and "Polly.Lea" in twiml
    assert 'input="dtmf speech"' in twiml and "tapez 1" in twiml


def test_menu_choice_opens_a_call_record_and_dials_the_agents(client, at, settings):
    at(MONDAY_10)
    params = call_params(Digits="2")
    response = twilio_post(client, "/webhooks/twilio/voice/menu/", params)
    twiml = response.content.decode()
    assert f"<Number>{settings.MDS_AGENTS_PHONE_NUMBER}</Number>" in twiml
    call = Message.objects.get()
    assert call.direction == Message.Direction.CALL and call.external_id == params["CallSid"]
    assert call.ticket.theme.code == "eau" and call.ticket.channel == Channel.TELEPHONE
    assert call.ticket.usager.contact_points.get().value == "+33231000000"
    twilio_post(client, "/webhooks/twilio/voice/menu/", params)  # Twilio retries: stored once
    assert Message.objects.count() == 1


def test_spoken_choice_is_understood(client, at):
    at(MONDAY_10)
    twilio_post(client, "/webhooks/twilio/voice/menu/",
                call_params(SpeechResult="j'ai une fuite d'eau dans la rue"))
    assert Message.objects.get().ticket.subtheme.code == "fuite"


def test_unanswered_forward_offers_voicemail_and_flags_a_callback(client, at):
    at(MONDAY_10)
    params = call_params()
    twilio_post(client, "/webhooks/twilio/voice/menu/", {**params, "Digits": "1"})
    response = twilio_post(client, "/webhooks/twilio/voice/after-dial/",
                           {**params, "DialCallStatus": "no-answer"})
    assert "<Record" in response.content.decode()
    twilio_post(client, "/webhooks/twilio/status/", {**params, "CallStatus": "no-answer",
                                                     "CallDuration": "0"})
    ticket = Ticket.objects.get()
    assert ticket.callback_requested
    assert Message.objects.get().metadata["call_status"] == "no-answer"


def test_closed_hours_say_the_next_opening_and_record_a_message(client, at):
    at(SATURDAY_NIGHT)
    twiml = twilio_post(client, "/webhooks/twilio/voice/", call_params()).content.decode()
    assert "fermés" in twiml and "lundi 23 novembre à 9 heures" in twiml
    assert "Sophie" in twiml and "<Record" in twiml and 'transcribe="true"' in twiml
    assert not Message.objects.exists()


def test_voicemail_becomes_a_ticket_with_callback_and_transcription(client, on_commit):
    params = call_params(RecordingSid="RE" + "5" * 32, RecordingDuration="14",
                         RecordingUrl=f"https://api.twilio.com/2010-04-01/Accounts/{TWILIO_SID}"
                                      "/Recordings/RE555")
    with on_commit(execute=True):
        response = twilio_post(client, "/webhooks/twilio/voice/recording/", params)
    assert "bien enregistré" in response.content.decode()
    voicemail = Message.objects.get(direction=Message.Direction.CALL)
    assert voicemail.ticket.callback_requested
    assert voicemail.metadata["recording_url"] == params["RecordingUrl"]
    assert params["RecordingUrl"] + ".mp3" in voicemail.body
    # Nobody answered: the caller gets a written receipt when their number is a mobile one.
    assert not Message.objects.filter(direction="out").exists()  # +33 2… is a landline
    transcription = {**params, "TranscriptionSid": "TR1", "TranscriptionStatus": "completed",
                     "TranscriptionText": "Bonjour, mon bac est cassé, rappelez-moi."}
    assert twilio_post(client, "/webhooks/twilio/voice/transcription/",
                       transcription).status_code == 204
    voicemail.refresh_from_db()
    assert "mon bac est cassé" in voicemail.body
    assert voicemail.metadata["transcription"].startswith("Bonjour")


def test_withheld_number_still_leaves_a_voicemail(client):
    params = call_params(sender="anonymous", RecordingSid="RE" + "6" * 32,
                         RecordingUrl="https://api.twilio.com/rec/RE6", RecordingDuration="9")
    twilio_post(client, "/webhooks/twilio/voice/recording/", params)
    ticket = Ticket.objects.get()
    assert ticket.usager is None and ticket.callback_requested


def test_spoken_moment_in_french():
    friday = datetime(2026, 11, 20, 18, 0, tzinfo=PARIS)
    assert spoken_moment(datetime(2026, 11, 23, 9, 0, tzinfo=PARIS), friday) == \
        "lundi 23 novembre à 9 heures"
    assert spoken_moment(datetime(2026, 11, 21, 9, 30, tzinfo=PARIS), friday) == \
        "demain à 9 heures 30"


# --- Status callbacks and the answer leaving by SMS through the real Twilio SDK ---------------

@pytest.fixture
def twilio_api(settings):
    settings.SMS_BACKEND = "maison.sms.TwilioBackend"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def _twilio_message(sid, to, body, status="queued"):
    return {"sid": sid, "account_sid": TWILIO_SID, "to": to, "from": "+33757000000",
            "body": body, "status": status, "num_segments": "1", "direction": "outbound-api",
            "api_version": "2010-04-01", "date_created": "Mon, 23 Nov 2026 10:00:00 +0000",
            "date_updated": "Mon, 23 Nov 2026 10:00:00 +0000", "date_sent": None,
            "error_code": None, "error_message": None, "price": None, "price_unit": "EUR",
            "uri": f"/2010-04-01/Accounts/{TWILIO_SID}/Messages/{sid}.json",
            "subresource_uris": {}, "messaging_service_sid": None, "num_media": "0"}


def test_agent_reply_to_an_sms_ticket_leaves_through_twilio(client, agent, on_commit, twilio_api,
                                                            settings):
    settings.MDS_ACK_ENABLED = False
    url = f"https://api.twilio.com/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"
    twilio_api.post(url, json=_twilio_message("SM" + "a" * 32, "+33612345678", "x"),
                    status=201)
    twilio_post(client, "/webhooks/twilio/sms/", sms_params())
    ticket = Ticket.objects.get()
    with on_commit(execute=True):
        reply = services.reply(ticket=ticket, author=agent, body="Votre bac sera vidé demain.")
    reply.refresh_from_db()
    assert reply.channel == Channel.SMS and reply.delivery_status == Message.Delivery.SENT
    assert reply.provider_id == "SM" + "a" * 32
    sent = parse_qs(twilio_api.calls[0].request.body)
    assert sent["To"] == ["+33612345678"] and sent["From"] == ["+33757000000"]
    assert "Votre bac sera vidé demain." in sent["Body"][0] and ticket.reference in sent["Body"][0]
    assert sent["StatusCallback"] == [f"{settings.PUBLIC_BASE_URL}/webhooks/twilio/status/"]
    # Twilio then calls back: delivered.
    callback = {"MessageSid": reply.provider_id, "MessageStatus": "delivered",
                "AccountSid": TWILIO_SID, "To": "+33612345678", "From": "+33757000000",
                "ApiVersion": "2010-04-01", "SmsSid": reply.provider_id, "SmsStatus": "delivered"}
    assert twilio_post(client, "/webhooks/twilio/status/", callback).status_code == 204
    reply.refresh_from_db()
    assert reply.delivery_status == Message.Delivery.DELIVERED


def test_undelivered_to_a_landline_marks_the_number_invalid_and_alerts(client, agent, on_commit,
                                                                       twilio_api, settings):
    settings.MDS_ACK_ENABLED = False
    url = f"https://api.twilio.com/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"
    twilio_api.post(url, json=_twilio_message("SM" + "b" * 32, "+33612345678", "x"), status=201)
    twilio_post(client, "/webhooks/twilio/sms/", sms_params())
    ticket = Ticket.objects.get()
    services.assign(ticket=ticket, assignee=agent)
    with on_commit(execute=True):
        reply = services.reply(ticket=ticket, author=agent, body="Bonjour")
    callback = {"MessageSid": "SM" + "b" * 32, "MessageStatus": "undelivered",
                "ErrorCode": "30006", "To": "+33612345678", "AccountSid": TWILIO_SID}
    twilio_post(client, "/webhooks/twilio/status/", callback)
    reply.refresh_from_db()
    assert reply.delivery_status == Message.Delivery.FAILED
    assert not ContactPoint.objects.get(value="+33612345678").is_valid
    assert agent.guichet_notices.get().ticket == ticket


def test_twilio_refusing_the_number_is_a_final_failure(client, agent, on_commit, twilio_api,
                                                       settings):
    settings.MDS_ACK_ENABLED = False
    url = f"https://api.twilio.com/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"
    twilio_api.post(url, status=400, json={"code": 21211, "message": "Invalid 'To' Phone Number",
                                           "more_info": "https://www.twilio.com/docs/errors/21211",
                                           "status": 400})
    twilio_post(client, "/webhooks/twilio/sms/", sms_params())
    with on_commit(execute=True):
        reply = services.reply(ticket=Ticket.objects.get(), author=agent, body="Bonjour")
    reply.refresh_from_db()
    assert reply.delivery_status == Message.Delivery.FAILED and "21211" in reply.delivery_error
    assert reply.ticket.events.filter(kind="delivery").exists()
    assert agent.guichet_notices.exists()  # the author is alerted when nobody is assigned


@pytest.mark.parametrize("params", [
    {"AccountSid": TWILIO_SID},  # neither MessageSid nor CallSid
    {"MessageSid": "SM1", "MessageStatus": "exploded"},
    {"CallSid": "CA1", "CallStatus": "teleported"},
])
def test_bad_status_callbacks_get_a_400(client, params):
    response = twilio_post(client, "/webhooks/twilio/status/", params)
    assert response.status_code == 400 and response.json()["error"]


def test_nul_characters_never_reach_the_database(client):
    response = twilio_post(client, "/webhooks/twilio/sms/", sms_params(body="Bac\x00 cassé"))
    assert response.status_code == 200
    assert Message.objects.get(direction="in").body == "Bac cassé"
    assert "\x00" not in str(RawInbound.objects.get().payload)


def test_stop_withdraws_sms_consents_and_opens_no_ticket(client):
    from crm.models import Consent
    from crm.selectors import has_consent

    usager = services.receive(channel=Channel.SMS, body="Bonjour", phone="+33612345678").usager
    Message.objects.all().delete()
    Ticket.objects.all().delete()
    twilio_post(client, "/webhooks/twilio/sms/", sms_params(sid="SM" + "9" * 32, body="STOP",
                                                             OptOutType="STOP"))
    assert not Ticket.objects.exists()
    assert RawInbound.objects.get().state == RawInbound.State.IGNORED
    assert Consent.objects.filter(usager=usager, channel="sms", given=False).count() == 3
    assert not has_consent(usager, purpose="information", channel="sms")

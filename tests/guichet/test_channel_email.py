"""Email in through Anymail's real webhook views, in the formats each ESP really posts."""

import json

import pytest
import responses
from django.core.files.uploadedfile import SimpleUploadedFile

from crm.models import ContactPoint, Usager
from guichet import services
from guichet.channels import email as email_channel
from guichet.models import Channel, Message, RawInbound, Status, Ticket
from tests.guichet.test_channel_support import (
    JPEG,
    basic_auth,
    channels,  # noqa: F401  (fixture)
    mailgun_signature,
    post_json,
    postmark_inbound,
)

pytestmark = pytest.mark.usefixtures("channels")
POSTMARK = "/anymail/postmark/inbound/"


def inbound_messages():
    return Message.objects.filter(direction=Message.Direction.IN, channel=Channel.EMAIL)


# --- Postmark --------------------------------------------------------------------------------

def test_postmark_inbound_opens_a_ticket_with_attachment_and_acknowledgement(client, on_commit,
                                                                            mailoutbox):
    payload = postmark_inbound(attachments=[("Photo bac.jpg", "image/jpeg", JPEG)])
    with on_commit(execute=True):
        response = post_json(client, POSTMARK, payload, **basic_auth())
    assert response.status_code == 200
    message = inbound_messages().get()
    ticket = message.ticket
    assert message.external_id == "<CAFx1@mail.example.fr>"
    assert ticket.usager.first_name == "Marie" and ticket.usager.last_name == "Dupont"
    assert ticket.subject == "Bac non vidé"
    # First guess of the theme from the words ("pas été vidé" → collection not done).
    assert (ticket.theme.code, ticket.subtheme.code) == ("collecte", "oubli-collecte")
    assert ticket.events.filter(field="theme", new_value__contains="suggestion").exists()
    attachment = message.attachments.get()
    assert attachment.filename == "Photo_bac.jpg" and attachment.size == len(JPEG)
    raw = RawInbound.objects.get()
    assert raw.state == RawInbound.State.PROCESSED and raw.ticket == ticket
    # The acknowledgement: reference, committed deadline, follow-up link; threads back.
    ack = Message.objects.get(direction=Message.Direction.OUT)
    assert ack.metadata["kind"] == "acknowledgement" and ack.delivery_status == "sent"
    sent = mailoutbox[0]
    assert sent.to == ["marie.dupont@example.fr"] and ticket.reference in sent.subject
    assert f"/suivi/{ticket.reference}/{ticket.tracking_code}/" in sent.body
    assert "au plus tard le" in sent.body
    assert sent.extra_headers["Auto-Submitted"] == "auto-replied"
    assert sent.extra_headers["In-Reply-To"] == "<CAFx1@mail.example.fr>"
    html = sent.alternatives[0][0]
    assert ticket.reference in html


def test_same_message_id_twice_is_stored_once(client):
    payload = postmark_inbound()
    assert post_json(client, POSTMARK, payload, **basic_auth()).status_code == 200
    assert post_json(client, POSTMARK, payload, **basic_auth()).status_code == 200
    assert inbound_messages().count() == 1 and Ticket.objects.count() == 1
    assert RawInbound.objects.count() == 1


def test_missing_or_wrong_basic_auth_is_refused_and_nothing_written(client):
    assert post_json(client, POSTMARK, postmark_inbound()).status_code == 400
    wrong = basic_auth("anymail-user:wrong")
    assert post_json(client, POSTMARK, postmark_inbound(), **wrong).status_code == 400
    assert not RawInbound.objects.exists() and not Message.objects.exists()


def test_quoted_history_is_trimmed_but_kept_and_html_sanitised(client):
    text = ("Toujours pas de collecte.\n\nLe ven. 20 nov. 2026 à 10:02, Maison des Services "
            "<service.dechets@coeurcotefleurie.example> a écrit :\n> Bonjour,\n> Nous "
            "passerons demain.")
    html = ('<p onclick="x()">Toujours pas <b>de collecte</b>.</p><script>alert(1)</script>'
            '<img src="https://tracker.example/p.gif"><a href="javascript:evil()">lien</a>')
    post_json(client, POSTMARK, postmark_inbound(text=text, html=html), **basic_auth())
    message = inbound_messages().get()
    assert message.body == "Toujours pas de collecte."
    assert "Nous passerons demain" in message.metadata["full_text"]
    assert "<script" not in message.body_html and "onclick" not in message.body_html
    assert "<img" not in message.body_html and "javascript:" not in message.body_html
    assert "<b>de collecte</b>" in message.body_html


def test_outlook_style_quote_is_trimmed():
    text = ("Merci pour votre réponse.\n\nDe : Maison des Services\nEnvoyé : vendredi 20 "
            "novembre 2026 10:02\nÀ : Marie\nObjet : RE: bac")
    assert email_channel.trim_quoted(text) == "Merci pour votre réponse."
    assert email_channel.trim_quoted("> tout est cité") == "> tout est cité"


def test_reply_threads_by_in_reply_to_onto_our_message(client, on_commit):
    ticket = services.receive(channel=Channel.EMAIL, body="Question sur le tri",
                              email="marie.dupont@example.fr").ticket
    Message.objects.create(ticket=ticket, direction=Message.Direction.OUT, channel=Channel.EMAIL,
                           body="Réponse", created_at=ticket.created_at,
                           message_id_header="<out-42@coeurcotefleurie.example>")
    payload = postmark_inbound(message_id="<reply-1@mail.example.fr>", subject="Re: question",
                               text="Merci, c'est clair.",
                               headers=[("In-Reply-To", "<out-42@coeurcotefleurie.example>")])
    post_json(client, POSTMARK, payload, **basic_auth())
    assert inbound_messages().get(external_id="<reply-1@mail.example.fr>").ticket == ticket


def test_stranger_quoting_a_reference_opens_a_new_ticket(client):
    ticket = services.receive(channel=Channel.EMAIL, body="Ma demande",
                              email="marie.dupont@example.fr").ticket
    payload = postmark_inbound(sender="inconnu@example.org", name="Inconnu",
                               subject=f"Re: [{ticket.reference}] Ma demande",
                               message_id="<stranger@example.org>")
    post_json(client, POSTMARK, payload, **basic_auth())
    message = inbound_messages().get(external_id="<stranger@example.org>")
    assert message.ticket != ticket and message.ticket.usager.contact_points.filter(
        value="inconnu@example.org").exists()


@pytest.mark.parametrize("headers, sender, subject", [
    ([("Auto-Submitted", "auto-replied")], "marie.dupont@example.fr", "Re: votre demande"),
    ([("Precedence", "bulk")], "marie.dupont@example.fr", "Lettre d'information"),
    ([("X-Autoreply", "yes")], "marie.dupont@example.fr", "Re: votre demande"),
    ([("X-Auto-Response-Suppress", "All")], "marie.dupont@example.fr", "Absent"),
    ([], "MAILER-DAEMON@mx.example.fr", "Undelivered Mail Returned to Sender"),
    ([], "marie.dupont@example.fr", "Réponse automatique : absente jusqu'au 30"),
])
def test_auto_replies_thread_silently_and_are_never_answered(client, on_commit, mailoutbox,
                                                              headers, sender, subject):
    ticket = services.receive(channel=Channel.EMAIL, body="Question", subject="Question",
                              email="marie.dupont@example.fr").ticket
    services.change_status(ticket=ticket, status=Status.RESOLU)
    payload = postmark_inbound(sender=sender, subject=f"{subject} [{ticket.reference}]",
                               text="Je suis absente.", headers=headers,
                               message_id="<auto@example.fr>")
    with on_commit(execute=True):
        assert post_json(client, POSTMARK, payload, **basic_auth()).status_code == 200
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLU  # an auto-reply never reopens a ticket
    assert mailoutbox == []  # and is never answered
    raw = RawInbound.objects.get()
    if sender.startswith("MAILER"):  # a bounce from nobody we know: kept, ignored
        assert raw.state == RawInbound.State.IGNORED and not Usager.objects.filter(
            contact_points__value__startswith="mailer").exists()
    else:
        message = inbound_messages().get(external_id="<auto@example.fr>")
        assert message.ticket == ticket and message.metadata["automated"]


def test_auto_reply_to_nothing_is_ignored_and_agents_can_retry_it(client, agent):
    payload = postmark_inbound(headers=[("Auto-Submitted", "auto-generated")])
    post_json(client, POSTMARK, payload, **basic_auth())
    raw = RawInbound.objects.get()
    assert raw.state == RawInbound.State.IGNORED and not Ticket.objects.exists()
    client.force_login(agent)
    listing = client.get("/guichet/entrees/")
    assert listing.status_code == 200 and "marie.dupont@example.fr" in listing.content.decode()
    response = client.post(f"/guichet/entrees/{raw.pk}/retraiter/")
    assert response.status_code == 302
    raw.refresh_from_db()
    assert raw.state == RawInbound.State.PROCESSED and raw.ticket is not None


def test_raw_inbound_pages_are_for_agents_only(client, elu):
    client.force_login(elu)
    assert client.get("/guichet/entrees/").status_code == 403
    client.logout()
    assert client.get("/guichet/entrees/").status_code == 302  # to the login page


def test_processing_failure_keeps_the_raw_input_as_failed(client, monkeypatch, agent):
    def broken(**kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(services, "receive", broken)
    assert post_json(client, POSTMARK, postmark_inbound(), **basic_auth()).status_code == 200
    raw = RawInbound.objects.get()
    assert raw.state == RawInbound.State.FAILED and "RuntimeError" in raw.error
    assert b"marie.dupont@example.fr" in email_channel.mime_bytes(raw)
    monkeypatch.undo()
    client.force_login(agent)
    detail = client.get(f"/guichet/entrees/{raw.pk}/")
    assert "Bac non vidé" in detail.content.decode()
    client.post(f"/guichet/entrees/{raw.pk}/retraiter/")
    raw.refresh_from_db()
    assert raw.state == RawInbound.State.PROCESSED and inbound_messages().count() == 1


def test_disallowed_attachment_is_refused_but_the_message_is_kept(client):
    payload = postmark_inbound(attachments=[("facture.exe", "application/x-msdownload", b"MZ"),
                                            ("photo.jpg", "image/jpeg", JPEG)])
    post_json(client, POSTMARK, payload, **basic_auth())
    message = inbound_messages().get()
    assert [a.filename for a in message.attachments.all()] == ["photo.jpg"]
    assert message.metadata["refused_attachments"][0]["name"] == "facture.exe"


def test_spam_flagged_by_the_esp_is_kept_aside(client):
    payload = postmark_inbound()
    payload["Headers"][1]["Value"] = "Yes"  # X-Spam-Status
    post_json(client, POSTMARK, payload, **basic_auth())
    assert RawInbound.objects.get().state == RawInbound.State.IGNORED
    assert not Ticket.objects.exists()


# --- Bad input -------------------------------------------------------------------------------

@pytest.mark.parametrize("body, content_type", [
    ('{"From": "x@example.fr", "Subject": ', "application/json"),  # truncated JSON
    ("From=x%40example.fr&Subject=Bonjour", "application/x-www-form-urlencoded"),
    (b"\xff\xfe\x00garbage", "application/json"),
    ('{"RecordType": "Bounce", "Email": "x@example.fr"}', "application/json"),  # wrong hook
    ("[1, 2, 3]", "application/json"),
])
def test_malformed_payloads_get_a_400_with_a_reason(client, body, content_type):
    response = client.post(POSTMARK, body, content_type=content_type, **basic_auth())
    assert response.status_code == 400
    assert response.json()["error"]
    assert not Message.objects.exists() and not Ticket.objects.exists()


def test_huge_body_is_refused(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    payload = postmark_inbound(text="x" * (2 * 1024 * 1024))
    response = post_json(client, POSTMARK, payload, **basic_auth())
    assert response.status_code == 400 and not RawInbound.objects.exists()


def test_text_too_long_for_a_message_is_kept_as_failed(client, settings):
    settings.MDS_MAX_MESSAGE_CHARS = 100
    post_json(client, POSTMARK, postmark_inbound(text="mot " * 200), **basic_auth())
    assert inbound_messages().count() == 1  # cut to the limit, nothing lost in the raw row
    assert len(inbound_messages().get().body) <= 100


def test_email_without_sender_is_kept_as_failed(client):
    payload = postmark_inbound(sender="", name="")
    payload["FromFull"] = None
    assert post_json(client, POSTMARK, payload, **basic_auth()).status_code == 200
    raw = RawInbound.objects.get()
    assert raw.state == RawInbound.State.FAILED and "expéditeur" in raw.error


# --- Mailgun (signed), SendGrid (multipart), Brevo -------------------------------------------

def mailgun_form(**overrides):
    headers = [["Received", "by mx.example.fr"], ["From", "Jean Martin <jean.martin@example.fr>"],
               ["Subject", "Fuite d'eau devant chez moi"],
               ["Message-Id", "<mg-1@mail.example.fr>"], ["To", "service@coeurcotefleurie.example"]]
    form = {"recipient": "service.dechets@coeurcotefleurie.example",
            "sender": "jean.martin@example.fr", "from": "Jean Martin <jean.martin@example.fr>",
            "subject": "Fuite d'eau devant chez moi",
            "body-plain": "Il y a une fuite d'eau sur le trottoir depuis ce matin.\n",
            "stripped-text": "Il y a une fuite d'eau sur le trottoir depuis ce matin.",
            "body-html": "<p>Il y a une fuite d'eau</p>", "message-headers": json.dumps(headers),
            "attachment-count": "1", "attachment-1": SimpleUploadedFile("fuite.jpg", JPEG,
                                                                        "image/jpeg"),
            **mailgun_signature()}
    form.update(overrides)
    return form


def test_mailgun_inbound_with_a_valid_signature(client):
    response = client.post("/anymail/mailgun/inbound/", mailgun_form(), **basic_auth())
    assert response.status_code == 200
    message = inbound_messages().get()
    assert message.external_id == "<mg-1@mail.example.fr>"
    assert message.ticket.theme.code == "eau" and message.ticket.subtheme.code == "fuite"
    assert message.attachments.get().filename == "fuite.jpg"


def test_mailgun_inbound_with_a_wrong_signature_is_refused(client):
    forged = mailgun_form(signature="0" * 64)
    assert client.post("/anymail/mailgun/inbound/", forged, **basic_auth()).status_code == 400
    assert not RawInbound.objects.exists()


def test_sendgrid_inbound_parse_multipart(client):
    headers = ("Received: by mx.sendgrid.net\nFrom: Paul Durand <paul.durand@example.fr>\n"
               "To: service.dechets@coeurcotefleurie.example\nSubject: Encombrants\n"
               "Message-ID: <sg-1@mail.example.fr>\nDate: Fri, 20 Nov 2026 10:00:00 +0100\n")
    form = {"headers": headers, "dkim": "{@example.fr : pass}", "content-ids": "{}",
            "to": "service.dechets@coeurcotefleurie.example",
            "from": "Paul Durand <paul.durand@example.fr>", "subject": "Encombrants",
            "text": "Je voudrais faire enlever un vieux matelas et un canapé.\n",
            "sender_ip": "203.0.113.5", "spam_score": "0.1", "SPF": "pass",
            "envelope": json.dumps({"to": ["service.dechets@coeurcotefleurie.example"],
                                    "from": "paul.durand@example.fr"}),
            "charsets": json.dumps({"to": "UTF-8", "subject": "UTF-8", "from": "UTF-8",
                                    "text": "UTF-8"}),
            "attachments": "1",
            "attachment-info": json.dumps({"attachment1": {"filename": "matelas.jpg",
                                                           "type": "image/jpeg"}}),
            "attachment1": SimpleUploadedFile("matelas.jpg", JPEG, "image/jpeg")}
    response = client.post("/anymail/sendgrid/inbound/", form, **basic_auth())
    assert response.status_code == 200
    message = inbound_messages().get()
    assert message.external_id == "<sg-1@mail.example.fr>"
    assert message.ticket.subtheme.code == "collecte-encombrants"
    assert message.attachments.get().filename == "matelas.jpg"


@responses.activate
def test_brevo_inbound_fetches_attachments_through_its_api(client):
    responses.get("https://api.brevo.com/v3/inbound/attachments/tok-1", body=JPEG,
                  content_type="image/jpeg")
    item = {"Uuid": ["b1c2d3"], "MessageId": "<brevo-1@mail.example.fr>",
            "InReplyTo": None, "From": {"Name": "Léa Petit", "Address": "lea.petit@example.fr"},
            "To": [{"Name": None, "Address": "service.dechets@coeurcotefleurie.example"}],
            "Subject": "Dépôt sauvage", "SentAtDate": "Fri, 20 Nov 2026 10:00:00 +0100",
            "RawHtmlBody": "<p>Des sacs abandonnés près du PAV.</p>",
            "RawTextBody": "Des sacs abandonnés près du point d'apport, rue du Port.",
            "ExtractedMarkdownMessage": "Des sacs abandonnés près du point d'apport, rue du "
                                        "Port.",
            "Headers": {"Message-ID": "<brevo-1@mail.example.fr>",
                        "From": "Léa Petit <lea.petit@example.fr>",
                        "To": "service.dechets@coeurcotefleurie.example",
                        "Subject": "Dépôt sauvage",
                        "Date": "Fri, 20 Nov 2026 10:00:00 +0100"},
            "Attachments": [{"Name": "sacs.jpg", "ContentType": "image/jpeg",
                             "ContentLength": len(JPEG), "ContentID": "",
                             "DownloadToken": "tok-1"}]}
    response = post_json(client, "/anymail/brevo/inbound/", {"items": [item]}, **basic_auth())
    assert response.status_code == 200
    message = inbound_messages().get()
    assert message.ticket.usager.first_name == "Léa"
    assert message.attachments.get().size == len(JPEG)


# --- Tracking --------------------------------------------------------------------------------

@pytest.fixture
def sent_reply(agent, on_commit):
    ticket = services.receive(channel=Channel.EMAIL, body="Question",
                              email="marie.dupont@example.fr").ticket
    with on_commit(execute=True):
        reply = services.reply(ticket=ticket, author=agent, body="Voici la réponse.")
    reply.refresh_from_db()
    assert reply.delivery_status == Message.Delivery.SENT
    return reply


def test_postmark_delivery_then_hard_bounce_update_status_and_invalidate(client, sent_reply,
                                                                         agent):
    delivered = {"RecordType": "Delivery", "ServerID": 23, "MessageStream": "outbound",
                 "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
                 "Recipient": "marie.dupont@example.fr", "Tag": "",
                 "DeliveredAt": "2026-11-20T16:33:54.9070259Z", "Details": "Test",
                 "Metadata": {"mds_message": str(sent_reply.pk)}}
    assert post_json(client, "/anymail/postmark/tracking/", delivered,
                     **basic_auth()).status_code == 200
    sent_reply.refresh_from_db()
    assert sent_reply.delivery_status == Message.Delivery.DELIVERED
    bounce = {"RecordType": "Bounce", "ID": 4323372036854775807, "Type": "HardBounce",
              "TypeCode": 1, "Name": "Hard bounce", "Tag": "",
              "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483", "ServerID": 23,
              "MessageStream": "outbound", "Description": "Unknown user",
              "Details": "smtp;550 5.1.1 The email account does not exist",
              "Email": "marie.dupont@example.fr", "From": "service@coeurcotefleurie.example",
              "BouncedAt": "2026-11-20T16:40:00Z", "DumpAvailable": False, "Inactive": True,
              "CanActivate": True, "Subject": "Votre demande",
              "Metadata": {"mds_message": str(sent_reply.pk)}}
    for _ in range(2):  # a repeated webhook changes nothing more
        assert post_json(client, "/anymail/postmark/tracking/", bounce,
                         **basic_auth()).status_code == 200
    sent_reply.refresh_from_db()
    assert sent_reply.delivery_status == Message.Delivery.BOUNCED
    point = ContactPoint.objects.get(value="marie.dupont@example.fr")
    assert not point.is_valid
    assert sent_reply.ticket.events.filter(kind="delivery", new_value="bounced").count() == 1
    assert agent.guichet_notices.filter(message=sent_reply).count() == 1


def test_postmark_soft_bounce_changes_nothing_final(client, sent_reply):
    soft = {"RecordType": "Bounce", "Type": "SoftBounce", "TypeCode": 4096, "ID": 1,
            "MessageID": "soft-1", "Email": "marie.dupont@example.fr", "Description": "Full",
            "Details": "mailbox full", "BouncedAt": "2026-11-20T16:40:00Z", "Inactive": False,
            "CanActivate": True, "Metadata": {"mds_message": str(sent_reply.pk)}}
    post_json(client, "/anymail/postmark/tracking/", soft, **basic_auth())
    sent_reply.refresh_from_db()
    assert sent_reply.delivery_status == Message.Delivery.SENT
    assert ContactPoint.objects.get(value="marie.dupont@example.fr").is_valid


def test_mailgun_permanent_failure_signed(client, sent_reply):
    event = {"signature": mailgun_signature(), "event-data": {
        "event": "failed", "severity": "permanent", "reason": "bounce",
        "id": "G9Bn5sl1TC6nu79C8C0bwg", "timestamp": 1763654400.0,
        "recipient": "marie.dupont@example.fr", "log-level": "error",
        "message": {"headers": {"message-id": sent_reply.message_id_header.strip("<>")}},
        "delivery-status": {"code": 550, "message": "No such user", "description": ""},
        "user-variables": {}}}
    assert post_json(client, "/anymail/mailgun/tracking/", event, **basic_auth()).status_code == 200
    sent_reply.refresh_from_db()
    assert sent_reply.delivery_status == Message.Delivery.BOUNCED
    assert not ContactPoint.objects.get(value="marie.dupont@example.fr").is_valid


def test_brevo_complaint_and_unknown_event(client, sent_reply):
    complaint = {"event": "spam", "email": "marie.dupont@example.fr", "id": 1,
                 "date": "2026-11-20 17:00:00", "message-id": sent_reply.provider_id,
                 "ts_epoch": 1763654400000, "X-Mailin-custom": json.dumps(
                     {"mds_message": str(sent_reply.pk)})}
    assert post_json(client, "/anymail/brevo/tracking/", complaint,
                     **basic_auth()).status_code == 200
    sent_reply.refresh_from_db()
    assert sent_reply.delivery_status == Message.Delivery.COMPLAINED
    unknown = {**complaint, "event": "teleported"}
    response = post_json(client, "/anymail/brevo/tracking/", unknown, **basic_auth())
    assert response.status_code == 400 and "inconnu" in response.json()["error"]


def test_sendgrid_delivered_event_batch(client, sent_reply):
    events = [{"email": "marie.dupont@example.fr", "timestamp": 1763654400,
               "event": "delivered", "sg_event_id": "ev-1",
               "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001",
               "smtp-id": sent_reply.message_id_header, "response": "250 OK",
               "mds_message": str(sent_reply.pk)}]
    assert post_json(client, "/anymail/sendgrid/tracking/", events,
                     **basic_auth()).status_code == 200
    sent_reply.refresh_from_db()
    assert sent_reply.delivery_status == Message.Delivery.DELIVERED


# --- The inbox (production default): store, answer, file by a task ---------------------------

def test_inbox_mode_answers_at_once_and_files_after_commit(client, settings, on_commit):
    settings.MDS_INBOUND_ASYNC = True
    with on_commit(execute=False) as callbacks:
        assert post_json(client, POSTMARK, postmark_inbound(), **basic_auth()).status_code == 200
        # A provider retry before the task ran is recognised by its raw row: stored once.
        assert post_json(client, POSTMARK, postmark_inbound(), **basic_auth()).status_code == 200
    raw = RawInbound.objects.get()
    assert raw.state == RawInbound.State.RECEIVED and not Message.objects.exists()
    for callback in callbacks:
        callback()  # the task, run eagerly
    raw.refresh_from_db()
    assert raw.state == RawInbound.State.PROCESSED
    assert inbound_messages().get().ticket == raw.ticket


def test_inbox_rows_whose_task_was_lost_are_drained(client, settings, on_commit):
    from datetime import timedelta

    from guichet import tasks

    settings.MDS_INBOUND_ASYNC = True
    with on_commit(execute=False):  # the broker lost the task
        post_json(client, POSTMARK, postmark_inbound(), **basic_auth())
    RawInbound.objects.update(received_at=RawInbound.objects.get().received_at
                              - timedelta(minutes=5))
    assert tasks.drain_raw_inbound() == 1
    assert RawInbound.objects.get().state == RawInbound.State.PROCESSED
    assert inbound_messages().count() == 1
    assert tasks.drain_raw_inbound() == 0

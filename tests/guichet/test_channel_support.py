"""Shared helpers for the channel tests: vendor credentials, signed requests, payloads.

Imported by the test_channel_* / test_public_* / test_delivery* modules (no tests here).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import urlencode

import pytest
from twilio.request_validator import RequestValidator

WEBHOOK_SECRET = "anymail-user:s3cret-pass"
MAILGUN_KEY = "mailgun-webhook-signing-key"
TWILIO_TOKEN = "twilio-auth-token-for-tests"
TWILIO_SID = "AC" + "0123456789abcdef" * 2
PUBLIC = "https://mds.coeurcotefleurie.example"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00fake-jpeg-bytes"


@pytest.fixture
def channels(settings, tmp_path, reference_data):
    """Real vendor settings (secrets from "the environment"), acknowledgements on."""
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": WEBHOOK_SECRET,
                        "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY, "MAILGUN_API_KEY": "key-x",
                        "BREVO_API_KEY": "brevo-api-key", "POSTMARK_SERVER_TOKEN": "pm-token"}
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.TWILIO_ACCOUNT_SID = TWILIO_SID
    settings.TWILIO_FROM_NUMBER = "+33757000000"
    settings.PUBLIC_BASE_URL = PUBLIC
    settings.MDS_TWILIO_STATUS_CALLBACK_URL = f"{PUBLIC}/webhooks/twilio/status/"
    settings.MEDIA_ROOT = tmp_path
    settings.MDS_ACK_ENABLED = True
    return settings


def basic_auth(secret: str = WEBHOOK_SECRET) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


def mailgun_signature(key: str = MAILGUN_KEY) -> dict:
    """Mailgun's signature block: HMAC-SHA256 of timestamp + token with the signing key."""
    timestamp = str(int(time.time()))
    token = hashlib.sha256(timestamp.encode() + b"token").hexdigest()[:50]
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {"timestamp": timestamp, "token": token, "signature": signature}


def twilio_post(client, path: str, params: dict, *, base: str = PUBLIC,
                token: str = TWILIO_TOKEN, signature: str | None = None, **extra):
    """POST as Twilio does: form-encoded, signed over the public URL and the parameters."""
    url = f"{base}{path}"
    if signature is None:
        signature = RequestValidator(token).compute_signature(url, params)
    headers = {"HTTP_X_TWILIO_SIGNATURE": signature} if signature else {}
    return client.post(path, urlencode(params), content_type="application/x-www-form-urlencoded",
                       **headers, **extra)


def sms_params(sid: str = "SM" + "1" * 32, body: str = "Bonjour, mon bac jaune n'a pas été "
               "vidé rue des Bains", sender: str = "+33612345678", **extra) -> dict:
    return {"ToCountry": "FR", "SmsMessageSid": sid, "NumMedia": "0", "SmsSid": sid,
            "SmsStatus": "received", "Body": body, "To": "+33757000000", "NumSegments": "1",
            "MessageSid": sid, "AccountSid": TWILIO_SID, "From": sender, "ApiVersion": "2010-04-01",
            "FromCountry": "FR", **extra}


def call_params(sid: str = "CA" + "2" * 32, sender: str = "+33231000000", **extra) -> dict:
    return {"AccountSid": TWILIO_SID, "ApiVersion": "2010-04-01", "CallSid": sid,
            "CallStatus": "ringing", "Called": "+33231880000", "Caller": sender,
            "Direction": "inbound", "From": sender, "FromCountry": "FR",
            "To": "+33231880000", "ToCountry": "FR", **extra}


def postmark_inbound(*, message_id: str = "<CAFx1@mail.example.fr>",
                     sender: str = "marie.dupont@example.fr", name: str = "Marie Dupont",
                     subject: str = "Bac non vidé", text: str = "Bonjour,\nmon bac n'a pas été "
                     "vidé ce matin rue des Bains.\nMerci", html: str = "", headers=(),
                     attachments=(), stripped: str = "") -> dict:
    """Postmark's inbound webhook JSON (Return-Path first in Headers, as Postmark sends it)."""
    return {
        "FromName": name, "MessageStream": "inbound", "From": sender,
        "FromFull": {"Email": sender, "Name": name, "MailboxHash": ""},
        "To": "Maison des Services <service.dechets@coeurcotefleurie.example>",
        "ToFull": [{"Email": "service.dechets@coeurcotefleurie.example",
                    "Name": "Maison des Services", "MailboxHash": ""}],
        "Cc": "", "CcFull": [], "Bcc": "", "BccFull": [],
        "OriginalRecipient": "service.dechets@coeurcotefleurie.example",
        "Subject": subject, "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
        "ReplyTo": "", "MailboxHash": "", "Date": "Fri, 20 Nov 2026 10:02:11 +0100",
        "TextBody": text, "HtmlBody": html, "StrippedTextReply": stripped, "Tag": "",
        "Headers": [{"Name": "Return-Path", "Value": f"<{sender}>"},
                    {"Name": "X-Spam-Status", "Value": "No"},
                    {"Name": "X-Spam-Score", "Value": "-0.1"},
                    {"Name": "Message-ID", "Value": message_id},
                    *[{"Name": n, "Value": v} for n, v in headers]],
        "Attachments": [{"Name": n, "Content": base64.b64encode(c).decode(), "ContentType": t,
                         "ContentLength": len(c), "ContentID": ""} for n, t, c in attachments],
    }


def post_json(client, path: str, payload, **extra):
    import json

    return client.post(path, json.dumps(payload), content_type="application/json", **extra)

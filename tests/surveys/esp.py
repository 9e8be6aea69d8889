"""Fake ESP and SMS provider at the HTTP boundary: the real Anymail and Twilio SDK code runs."""

from __future__ import annotations

import json
import threading
import uuid

POSTMARK_URL = "https://api.postmarkapp.com/email"
TWILIO_SID = "AC" + "0" * 32
TWILIO_URL = f"https://api.twilio.com/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"


class FakePostmark:
    """Answers like Postmark's /email API; records every payload it accepted."""

    def __init__(self):
        self.sent: list[dict] = []
        self.lock = threading.Lock()
        self.fail_with: tuple[int, dict] | None = None
        self.inactive = False

    def __call__(self, request):
        payload = json.loads(request.body)
        if self.inactive:  # Postmark's own wording for a hard-bounced address
            message = ("You tried to send to a recipient that has been marked as inactive.\n"
                       f"Found inactive addresses: {payload['To']}.\n"
                       "Inactive recipients are ones that have generated a hard bounce or a "
                       "spam complaint. ")
            return 422, {"Content-Type": "application/json"}, json.dumps(
                {"ErrorCode": 406, "Message": message})
        if self.fail_with:
            status, body = self.fail_with
            return status, {"Content-Type": "application/json"}, json.dumps(body)
        message_id = str(uuid.uuid4())
        with self.lock:
            self.sent.append(payload)
        body = {"To": payload["To"], "SubmittedAt": "2026-03-10T12:00:00Z",
                "MessageID": message_id, "ErrorCode": 0, "Message": "OK"}
        return 200, {"Content-Type": "application/json"}, json.dumps(body)


def use_postmark(settings, mocked) -> FakePostmark:
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "fake-server-token"}
    fake = FakePostmark()
    mocked.add_callback("POST", POSTMARK_URL, callback=fake)
    return fake


class FakeTwilio:
    def __init__(self):
        self.sent: list[dict] = []

    def __call__(self, request):
        from urllib.parse import parse_qs

        form = {key: values[0] for key, values in parse_qs(request.body).items()}
        self.sent.append(form)
        sid = "SM" + uuid.uuid4().hex
        body = {"sid": sid, "status": "queued", "to": form["To"], "from": form["From"],
                "body": form["Body"], "account_sid": TWILIO_SID, "num_segments": "2"}
        return 201, {"Content-Type": "application/json"}, json.dumps(body)


def use_twilio(settings, mocked) -> FakeTwilio:
    settings.SMS_BACKEND = "maison.sms.TwilioBackend"
    settings.TWILIO_ACCOUNT_SID = TWILIO_SID
    settings.TWILIO_AUTH_TOKEN = "fake-auth-token"
    settings.TWILIO_FROM_NUMBER = "+33700000000"
    fake = FakeTwilio()
    mocked.add_callback("POST", TWILIO_URL, callback=fake)
    return fake

"""Vendors faked at the HTTP boundary only: the real Anymail and Twilio SDK code runs."""

from __future__ import annotations

import json
import uuid
from urllib.parse import parse_qs

POSTMARK_URL = "https://api.postmarkapp.com/email"
TWILIO_SID = "AC" + "1" * 32
TWILIO_URL = f"https://api.twilio.com/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"


class FakePostmark:
    """Answers like Postmark's /email endpoint and keeps what it accepted."""

    def __init__(self):
        self.sent: list[dict] = []

    def __call__(self, request):
        payload = json.loads(request.body)
        self.sent.append(payload)
        body = {"To": payload["To"], "SubmittedAt": "2026-03-10T12:00:00Z",
                "MessageID": str(uuid.uuid4()), "ErrorCode": 0, "Message": "OK"}
        return 200, {"Content-Type": "application/json"}, json.dumps(body)


class FakeTwilio:
    """Answers like Twilio's Messages resource; `fail_next` simulates provider errors."""

    def __init__(self):
        self.sent: list[dict] = []
        self.fail_next: list[int] = []

    def __call__(self, request):
        form = {key: values[0] for key, values in parse_qs(request.body).items()}
        if self.fail_next:
            status = self.fail_next.pop(0)
            code = 20429 if status == 429 else 20500 if status >= 500 else 21211
            error = {"code": code, "message": "refused",
                     "more_info": "https://www.twilio.com/docs/errors", "status": status}
            return status, {"Content-Type": "application/json"}, json.dumps(error)
        self.sent.append(form)
        sid = "SM" + uuid.uuid4().hex
        body = {"sid": sid, "status": "queued", "to": form["To"], "from": form["From"],
                "body": form["Body"], "account_sid": TWILIO_SID, "num_segments": "1",
                "date_created": "Tue, 10 Mar 2026 12:00:00 +0000", "direction": "outbound-api",
                "uri": f"/2010-04-01/Accounts/{TWILIO_SID}/Messages/{sid}.json"}
        return 201, {"Content-Type": "application/json"}, json.dumps(body)

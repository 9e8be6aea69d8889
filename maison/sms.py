"""Outbound SMS through a pluggable backend, like Django's email backends.

The console backend prints (embedded default); the Twilio backend calls Twilio's REST API
through the official SDK. Callers use `send_sms` and never import a vendor SDK.

`find_sent` lets the outbound path check whether a message it is unsure about (a worker died
while sending) already left, instead of sending it twice.
"""

from __future__ import annotations

import logging
import sys
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# Twilio error codes that will never succeed for this number (invalid, landline, opted out).
PERMANENT_TWILIO_CODES = {21211, 21212, 21217, 21401, 21407, 21408, 21610, 21612, 21614,
                          30004, 30005, 30006}


class SmsError(Exception):
    """Sending failed. `transient` says whether trying again later may work."""

    def __init__(self, message: str, *, transient: bool, code: int | None = None):
        super().__init__(message)
        self.transient = transient
        self.code = code


class LookupUnavailable(Exception):
    """The provider could not tell whether a message was sent (try again later)."""


@dataclass(frozen=True)
class SmsResult:
    provider_id: str
    status: str


class ConsoleBackend:
    counter = 0
    # What was "sent" in this process (bounded), for find_sent and for tests.
    sent: deque[dict] = deque(maxlen=1000)

    def send(self, *, to: str, body: str, status_callback: str | None = None) -> SmsResult:
        ConsoleBackend.counter += 1
        provider_id = f"console-{ConsoleBackend.counter}"
        ConsoleBackend.sent.append({"to": to, "body": body, "sid": provider_id})
        sys.stdout.write(f"--- SMS to {to} ---\n{body}\n--- end of SMS ---\n")
        sys.stdout.flush()
        return SmsResult(provider_id=provider_id, status="sent")

    def find_sent(self, *, to: str, body_contains: str, since: datetime) -> SmsResult | None:
        for item in reversed(ConsoleBackend.sent):
            if item["to"] == to and body_contains in item["body"]:
                return SmsResult(provider_id=item["sid"], status="sent")
        return None


class TwilioBackend:
    def __init__(self):
        from twilio.rest import Client

        self.client = Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN)

    def send(self, *, to: str, body: str, status_callback: str | None = None) -> SmsResult:
        from twilio.base.exceptions import TwilioException, TwilioRestException

        kwargs = {"to": to, "body": body}
        if getattr(settings, "TWILIO_MESSAGING_SERVICE_SID", ""):
            kwargs["messaging_service_sid"] = settings.TWILIO_MESSAGING_SERVICE_SID
        else:
            kwargs["from_"] = settings.TWILIO_FROM_NUMBER
        if status_callback:
            kwargs["status_callback"] = status_callback
        try:
            message = self.client.messages.create(**kwargs)
        except TwilioRestException as exc:
            transient = (exc.status == 429 or exc.status >= 500) \
                and exc.code not in PERMANENT_TWILIO_CODES
            raise SmsError(f"Twilio {exc.status} {exc.code}", transient=transient,
                           code=exc.code) from exc
        except (OSError, TwilioException) as exc:  # network trouble: try again later
            raise SmsError(type(exc).__name__, transient=True) from exc
        return SmsResult(provider_id=message.sid, status=message.status or "queued")

    def find_sent(self, *, to: str, body_contains: str, since: datetime) -> SmsResult | None:
        """Search Twilio's log for this body sent to this number since `since`."""
        from twilio.base.exceptions import TwilioException

        try:
            records = self.client.messages.list(to=to, limit=50)
        except (OSError, TwilioException) as exc:
            raise LookupUnavailable(type(exc).__name__) from exc
        horizon = since - timedelta(minutes=1)  # clocks differ a little
        for record in records:
            created = record.date_created
            if created is not None and created < horizon:
                continue
            if body_contains and body_contains in (record.body or ""):
                return SmsResult(provider_id=record.sid, status=record.status or "sent")
        return None


def get_backend():
    return import_string(settings.SMS_BACKEND)()


def send_sms(*, to: str, body: str, status_callback: str | None = None) -> SmsResult:
    return get_backend().send(to=to, body=body, status_callback=status_callback)

"""Outbound SMS through a pluggable backend, like Django's email backends.

The console backend prints (embedded default); the Twilio backend calls Twilio's REST API
through the official SDK. Callers use `send_sms` and never import a vendor SDK.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """Sending failed. `transient` says whether trying again later may work."""

    def __init__(self, message: str, *, transient: bool):
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True)
class SmsResult:
    provider_id: str
    status: str


class ConsoleBackend:
    counter = 0

    def send(self, *, to: str, body: str, status_callback: str | None = None) -> SmsResult:
        ConsoleBackend.counter += 1
        sys.stdout.write(f"--- SMS to {to} ---\n{body}\n--- end of SMS ---\n")
        sys.stdout.flush()
        return SmsResult(provider_id=f"console-{ConsoleBackend.counter}", status="sent")


class TwilioBackend:
    def __init__(self):
        from twilio.rest import Client

        self.client = Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN)

    def send(self, *, to: str, body: str, status_callback: str | None = None) -> SmsResult:
        from twilio.base.exceptions import TwilioRestException

        kwargs = {"to": to, "from_": settings.TWILIO_FROM_NUMBER, "body": body}
        if status_callback:
            kwargs["status_callback"] = status_callback
        try:
            message = self.client.messages.create(**kwargs)
        except TwilioRestException as exc:
            transient = exc.status == 429 or exc.status >= 500
            raise SmsError(f"Twilio {exc.status} {exc.code}", transient=transient) from exc
        except OSError as exc:  # network trouble: try again later
            raise SmsError(str(exc), transient=True) from exc
        return SmsResult(provider_id=message.sid, status=message.status or "queued")


def get_backend():
    return import_string(settings.SMS_BACKEND)()


def send_sms(*, to: str, body: str, status_callback: str | None = None) -> SmsResult:
    return get_backend().send(to=to, body=body, status_callback=status_callback)

"""Sending an outbound message once: email through Django's mail API (Anymail in production),
SMS through maison.sms. Called by the `send_message` task; safe to call twice."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from maison import sms

from .models import Channel, Message, TicketEvent

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 6


class TransientDeliveryError(Exception):
    """Worth retrying later (network, provider overloaded)."""


@dataclass(frozen=True)
class DeliveryOutcome:
    message_id: int
    status: str
    already_done: bool = False


def deliver(message_id: int) -> DeliveryOutcome:
    """Send a pending message. Claims it first so a duplicate task delivery sends nothing."""
    message = _claim(message_id)
    if message is None:
        status = Message.objects.filter(pk=message_id).values_list("delivery_status",
                                                                   flat=True).first()
        return DeliveryOutcome(message_id, status or "missing", already_done=True)
    try:
        provider_id = _send(message)
    except (TransientDeliveryError, sms.SmsError) as exc:
        transient = getattr(exc, "transient", True)
        if transient and message.send_attempts < MAX_ATTEMPTS:
            _release(message, error=str(exc))
            raise TransientDeliveryError(str(exc)) from exc
        mark_failed(message, error=str(exc))
        return DeliveryOutcome(message_id, Message.Delivery.FAILED)
    _mark_sent(message, provider_id)
    return DeliveryOutcome(message_id, Message.Delivery.SENT)


def _claim(message_id: int) -> Message | None:
    with transaction.atomic():
        message = (Message.objects.select_for_update().select_related("ticket")
                   .filter(pk=message_id).first())
        if message is None or message.delivery_status != Message.Delivery.PENDING:
            return None
        message.delivery_status = Message.Delivery.SENDING
        message.send_attempts += 1
        message.save(update_fields=["delivery_status", "send_attempts"])
        return message


def _release(message: Message, *, error: str) -> None:
    Message.objects.filter(pk=message.pk, delivery_status=Message.Delivery.SENDING).update(
        delivery_status=Message.Delivery.PENDING, delivery_error=error[:300])


def _mark_sent(message: Message, provider_id: str) -> None:
    Message.objects.filter(pk=message.pk).update(
        delivery_status=Message.Delivery.SENT, provider_id=provider_id, sent_at=timezone.now(),
        delivery_error="")


def mark_failed(message: Message, *, error: str) -> None:
    """A final failure: visible on the timeline and alerting the assigned agent."""
    Message.objects.filter(pk=message.pk).update(delivery_status=Message.Delivery.FAILED,
                                                 delivery_error=error[:300])
    TicketEvent.objects.create(ticket=message.ticket, kind=TicketEvent.Kind.DELIVERY,
                               field="delivery", new_value=Message.Delivery.FAILED,
                               old_value=f"message {message.pk}", created_at=timezone.now())
    logger.warning("message %s to ticket %s could not be delivered", message.pk,
                   message.ticket.reference)


def _send(message: Message) -> str:
    if message.channel == Channel.SMS:
        result = sms.send_sms(to=message.to_address, body=_sms_body(message),
                              status_callback=f"{settings.PUBLIC_BASE_URL}/webhooks/twilio/status/")
        return result.provider_id
    return _send_email(message)


def _sms_body(message: Message) -> str:
    return f"{message.body}\n— Maison des Services ({message.ticket.reference})"


def _send_email(message: Message) -> str:
    message_id = message.message_id_header or make_msgid(domain=_mail_domain())
    if not message.message_id_header:
        Message.objects.filter(pk=message.pk).update(message_id_header=message_id)
    email = EmailMultiAlternatives(
        subject=message.subject, body=message.body, from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_address], reply_to=[settings.MDS_REPLY_TO_EMAIL],
        headers={"Message-ID": message_id, "X-MDS-Reference": message.ticket.reference})
    try:
        email.send()
    except OSError as exc:
        raise TransientDeliveryError(str(exc)) from exc
    esp_status = getattr(email, "anymail_status", None)
    provider_id = getattr(esp_status, "message_id", None) if esp_status else None
    return str(provider_id or message_id)


def _mail_domain() -> str:
    return settings.MDS_REPLY_TO_EMAIL.rsplit("@", 1)[-1]

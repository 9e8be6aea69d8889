"""Sending an outbound message once, and following what happens to it afterwards.

Email goes through Django's mail API (Anymail in production), SMS through `maison.sms`.
The `send_message` task calls `deliver`, which first *claims* the message (PENDING → SENDING
under a row lock) so that a duplicate task delivery sends nothing. Transient errors (network,
provider overloaded) release the claim and the task retries with backoff; permanent ones, or
the last attempt, mark the message FAILED, put it on the ticket's timeline and alert the agent.

A worker that dies between the provider accepting a message and our commit leaves it in
SENDING; a broker that lost the task leaves it PENDING. `recover_stuck` (every five minutes,
from beat) sends forgotten PENDING messages and settles SENDING ones without sending twice
where the provider lets us check:
- a tracking webhook (email) or status callback (SMS) already told us → SENT;
- SMS: Twilio's message list is searched for the same body sent to the same number since the
  claim → SENT with that SID; only when Twilio has no such message is it sent again;
- email: no ESP behind Anymail offers an idempotency key or a search by our Message-ID, so a
  message with no tracking event after MDS_DELIVERY_STUCK_MINUTES is sent again *with the same
  Message-ID header* (mail clients file it as the same message). Residual window: the worker
  died in the few milliseconds after the ESP accepted the message and before our commit, and
  the ESP's tracking webhook did not reach us within that delay — then the resident may see
  the same email twice. We prefer that to a reply that never leaves.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from maison import sms

from .models import AgentNotice, Channel, Message, TicketEvent

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 6

# A status only ever moves forward: a late "delivered" never hides an earlier bounce.
STATUS_RANK = {
    "": 0, Message.Delivery.PENDING: 0, Message.Delivery.SENDING: 1, Message.Delivery.SENT: 2,
    Message.Delivery.DELIVERED: 3, Message.Delivery.FAILED: 4, Message.Delivery.BOUNCED: 4,
    Message.Delivery.COMPLAINED: 5,
}
FINAL_FAILURES = {Message.Delivery.FAILED, Message.Delivery.BOUNCED}


class TransientDeliveryError(Exception):
    """Worth retrying later (network, provider overloaded)."""


class PermanentDeliveryError(Exception):
    """Retrying will not help (address refused, configuration error)."""


@dataclass(frozen=True)
class DeliveryOutcome:
    message_id: int
    status: str
    already_done: bool = False


# --- Sending ----------------------------------------------------------------------------------

def deliver(message_id: int) -> DeliveryOutcome:
    """Send a pending message. Claims it first so a duplicate task delivery sends nothing."""
    message = _claim(message_id)
    if message is None:
        status = Message.objects.filter(pk=message_id).values_list("delivery_status",
                                                                   flat=True).first()
        return DeliveryOutcome(message_id, status or "missing", already_done=True)
    try:
        provider_id = _send(message)
    except TransientDeliveryError as exc:
        if message.send_attempts < MAX_ATTEMPTS:
            _release(message, error=str(exc))
            logger.info("message %s: transient failure, attempt %s", message.pk,
                        message.send_attempts)
            raise
        mark_failed(message, error=str(exc))
        return DeliveryOutcome(message_id, Message.Delivery.FAILED)
    except PermanentDeliveryError as exc:
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
        message.claimed_at = timezone.now()
        message.save(update_fields=["delivery_status", "send_attempts", "claimed_at"])
        return message


def _release(message: Message, *, error: str) -> None:
    Message.objects.filter(pk=message.pk, delivery_status=Message.Delivery.SENDING).update(
        delivery_status=Message.Delivery.PENDING, delivery_error=error[:300])


def _mark_sent(message: Message, provider_id: str) -> None:
    # Only from SENDING: a status callback that raced ahead (delivered) is never overwritten.
    Message.objects.filter(pk=message.pk, delivery_status=Message.Delivery.SENDING).update(
        delivery_status=Message.Delivery.SENT, sent_at=timezone.now(), delivery_error="")
    Message.objects.filter(pk=message.pk, provider_id="").update(provider_id=provider_id[:255])


def mark_failed(message: Message, *, error: str, status: str = Message.Delivery.FAILED) -> None:
    """A final failure: visible on the ticket's timeline and alerting the agent in the app."""
    from .channels import notices

    with transaction.atomic():
        updated = (Message.objects.filter(pk=message.pk)
                   .exclude(delivery_status__in=[*FINAL_FAILURES, Message.Delivery.COMPLAINED])
                   .update(delivery_status=status, delivery_error=error[:300]))
        if not updated:
            return  # already recorded: a retried task or a repeated webhook alerts once
        TicketEvent.objects.create(
            ticket=message.ticket, kind=TicketEvent.Kind.DELIVERY, field="delivery",
            old_value=f"message {message.pk}", new_value=status, created_at=timezone.now())
        kind = AgentNotice.Kind.BOUNCED if status == Message.Delivery.BOUNCED \
            else AgentNotice.Kind.DELIVERY_FAILED
        text = _("Le message du %(date)s pour la demande %(reference)s n’a pas pu être remis "
                 "(%(channel)s) : %(error)s") % {
            "date": timezone.localtime(message.created_at).strftime("%d/%m/%Y %H:%M"),
            "reference": message.ticket.reference, "channel": message.get_channel_display(),
            "error": error[:120]}
        notices.alert(message=message, kind=kind, text=text)
    logger.warning("message %s to ticket %s could not be delivered", message.pk,
                   message.ticket.reference)


def _send(message: Message) -> str:
    if message.channel == Channel.SMS:
        return _send_sms(message)
    return _send_email(message)


def _is_automatic(message: Message) -> bool:
    return bool(message.metadata.get("automatic"))


def _send_sms(message: Message) -> str:
    body = message.body if _is_automatic(message) else \
        f"{message.body}\n— Maison des Services ({message.ticket.reference})"
    try:
        result = sms.send_sms(to=message.to_address, body=body,
                              status_callback=settings.MDS_TWILIO_STATUS_CALLBACK_URL)
    except sms.SmsError as exc:
        if exc.transient:
            raise TransientDeliveryError(str(exc)) from exc
        raise PermanentDeliveryError(str(exc)) from exc
    return result.provider_id


def _preferences_url(ticket) -> str:
    from crm.services import preferences_url

    usager = ticket.usager
    if usager is None or usager.erased_at is not None:
        return ""
    return preferences_url(usager)


def build_email(message: Message) -> EmailMultiAlternatives:
    """The email as it leaves: text and HTML, our Message-ID, threading headers."""
    from .channels import links

    ticket = message.ticket
    automatic = _is_automatic(message)
    context = {"body": message.body, "ticket": ticket, "subject": message.subject,
               "tracking_url": links.tracking_url(ticket),
               # An acknowledgement already carries the follow-up link in its text.
               "show_footer": message.public and message.metadata.get("kind") is None,
               # Every message carries the way to stop later contact (crm's signed link).
               "preferences_url": _preferences_url(ticket)}
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string("emails/message.txt", context).strip()
        html = render_to_string("emails/message.html", context)
    headers = {"Message-ID": message.message_id_header, "X-MDS-Reference": ticket.reference}
    last_in = (Message.objects.filter(ticket=ticket, channel=Channel.EMAIL,
                                      direction=Message.Direction.IN)
               .exclude(external_id="").order_by("-created_at").values_list("external_id",
                                                                            flat=True).first())
    if last_in and last_in.startswith("<") and message.public:  # a real Message-ID only
        headers["In-Reply-To"] = last_in
        headers["References"] = last_in
    if automatic:
        # RFC 3834: other robots must not answer our robots (no mail loops).
        headers["Auto-Submitted"] = "auto-replied"
        headers["X-Auto-Response-Suppress"] = "All"
    email = EmailMultiAlternatives(
        subject=message.subject or _("Votre demande %(reference)s") % {
            "reference": ticket.reference},
        body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[message.to_address],
        reply_to=[settings.MDS_REPLY_TO_EMAIL], headers=headers)
    email.attach_alternative(html, "text/html")
    # Echoed back by the ESP in tracking events (Anymail metadata), even before we know
    # the ESP's own id: lets a webhook settle a message whose worker died after sending.
    email.metadata = {"mds_message": str(message.pk)}
    return email


def _send_email(message: Message) -> str:
    if not message.message_id_header:
        # Saved (committed) before sending: a resend after a crash reuses the same Message-ID.
        message.message_id_header = make_msgid(domain=_mail_domain())
        Message.objects.filter(pk=message.pk).update(message_id_header=message.message_id_header)
    email = build_email(message)
    try:
        email.send()
    except Exception as exc:
        raise _classify_email_error(exc) from exc
    esp_status = getattr(email, "anymail_status", None)
    statuses = set(getattr(esp_status, "status", None) or ())
    if statuses and statuses <= {"rejected", "invalid"}:
        raise PermanentDeliveryError(_("adresse refusée par le prestataire"))
    provider_id = getattr(esp_status, "message_id", None) if esp_status else None
    return str(provider_id or message.message_id_header)


def _classify_email_error(exc: Exception) -> Exception:
    import smtplib

    from anymail.exceptions import AnymailAPIError, AnymailError, AnymailRecipientsRefused

    if isinstance(exc, AnymailRecipientsRefused | smtplib.SMTPRecipientsRefused):
        return PermanentDeliveryError(_("adresse refusée par le prestataire"))
    if isinstance(exc, AnymailAPIError):
        status = getattr(exc, "status_code", None)
        if status is None or status == 429 or status >= 500:
            return TransientDeliveryError(f"ESP {status or 'réseau'}")
        return PermanentDeliveryError(f"ESP {status}")
    if isinstance(exc, AnymailError):
        return PermanentDeliveryError(type(exc).__name__)
    if isinstance(exc, OSError | smtplib.SMTPException):
        return TransientDeliveryError(type(exc).__name__)
    return PermanentDeliveryError(type(exc).__name__)


def _mail_domain() -> str:
    return settings.MDS_REPLY_TO_EMAIL.rsplit("@", 1)[-1]


# --- What happens afterwards: tracking webhooks and status callbacks ----------------------------

@dataclass(frozen=True)
class StatusReport:
    """A provider's news about one outbound message, translated by the channel adapter."""

    status: str  # one of Message.Delivery, or "" when it changes nothing (opened, queued…)
    provider_id: str = ""
    message_pk: int | None = None  # our own id echoed back (Anymail metadata)
    recipient: str = ""
    reason: str = ""
    hard_bounce: bool = False  # the address is definitely unusable
    at: datetime | None = None


def find_message(report: StatusReport, *, channel: str) -> Message | None:
    messages = Message.objects.select_related("ticket").filter(
        channel=channel, direction=Message.Direction.OUT)
    if report.message_pk:
        found = messages.filter(pk=report.message_pk).first()
        if found:
            return found
    if report.provider_id:
        wanted = report.provider_id
        candidates = {wanted, f"<{wanted.strip('<>')}>", wanted.strip("<>")}
        return (messages.filter(provider_id__in=candidates).first()
                or messages.filter(message_id_header__in=candidates).first())
    return None


def record_status(report: StatusReport, *, channel: str) -> Message | None:
    """Apply a tracking event or status callback; idempotent, never moves a status backwards."""
    from crm import services as crm_services

    message = find_message(report, channel=channel)
    if message is None:
        logger.info("status %s for an unknown %s message", report.status, channel)
        return None
    details = {"last_event": report.status or "info", "last_event_at":
               (report.at or timezone.now()).isoformat()}
    if report.reason:
        details["last_event_reason"] = report.reason[:200]
    Message.objects.filter(pk=message.pk).update(metadata={**message.metadata, **details})
    if report.provider_id and not message.provider_id:
        Message.objects.filter(pk=message.pk, provider_id="").update(
            provider_id=report.provider_id[:255])
    new = report.status
    if new and STATUS_RANK.get(new, 0) > STATUS_RANK.get(message.delivery_status, 0):
        if new in FINAL_FAILURES:
            mark_failed(message, error=report.reason or new, status=new)
        else:
            fields = {"delivery_status": new}
            if new in (Message.Delivery.SENT, Message.Delivery.DELIVERED) \
                    and message.sent_at is None:
                fields["sent_at"] = report.at or timezone.now()
            Message.objects.filter(pk=message.pk, delivery_status=message.delivery_status) \
                .update(**fields)
    if report.hard_bounce:
        kind = "phone" if channel == Channel.SMS else "email"
        crm_services.mark_contact_point_invalid(
            kind=kind, value=report.recipient or message.to_address,
            reason=(report.reason or _("adresse rejetée"))[:200])
    message.refresh_from_db()
    return message


# --- Recovering messages left in SENDING by a crashed worker ------------------------------------

def recover_stuck(*, now: datetime | None = None, limit: int = 200) -> dict[str, int]:
    """The sweep (beat): settle SENDING claims left by dead workers, and send PENDING messages
    whose task was lost (broker down at commit time). Sends inline, each claimed first."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.MDS_DELIVERY_STUCK_MINUTES)
    counts = {"sent": 0, "resent": 0, "unknown": 0, "pending": 0}
    stuck = list(Message.objects.filter(delivery_status=Message.Delivery.SENDING,
                                        claimed_at__lt=cutoff)
                 .order_by("claimed_at").values_list("pk", flat=True)[:limit])
    for message_id in stuck:
        counts[_recover_one(message_id, cutoff)] += 1
    forgotten = list(Message.objects.filter(delivery_status=Message.Delivery.PENDING,
                                            created_at__lt=cutoff)
                     .exclude(claimed_at__gte=cutoff)
                     .order_by("created_at").values_list("pk", flat=True)[:limit])
    for message_id in forgotten:
        counts["pending"] += 1
        _deliver_quietly(message_id)
    if stuck or forgotten:
        logger.warning("delivery sweep: %s", counts)
    return counts


def _deliver_quietly(message_id: int) -> None:
    with contextlib.suppress(TransientDeliveryError):  # still PENDING: the next sweep retries
        deliver(message_id)


def _recover_one(message_id: int, cutoff: datetime) -> str:
    with transaction.atomic():
        message = (Message.objects.select_for_update().select_related("ticket")
                   .filter(pk=message_id, delivery_status=Message.Delivery.SENDING,
                           claimed_at__lt=cutoff).first())
        if message is None:
            return "unknown"
        if message.provider_id:  # a webhook reached us: it left
            _mark_sent(message, message.provider_id)
            return "sent"
        if message.channel == Channel.SMS:
            try:
                found = sms.get_backend().find_sent(to=message.to_address,
                                                    body_contains=message.body,
                                                    since=message.claimed_at)
            except sms.LookupUnavailable:
                return "unknown"  # ask again at the next sweep; never guess
            if found is not None:
                _mark_sent(message, found.provider_id)
                return "sent"
        Message.objects.filter(pk=message.pk).update(
            delivery_status=Message.Delivery.PENDING,
            metadata={**message.metadata, "recovered_at": timezone.now().isoformat()})
    _deliver_quietly(message_id)  # claimed again before sending: still never twice
    return "resent"

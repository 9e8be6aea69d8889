"""Automatic acknowledgement of a new request: reference, committed deadline, follow-up link.

A rule of the funnel (called by `services.receive`), never of an adapter. It goes out through
the same outbound path as an agent's reply (a Message row, a task after commit), so its
delivery is tracked and retried like any other. Never sent for an automatic message, and at
most a few per usager per day so that a misbehaving auto-responder cannot start a loop.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from crm.models import Usager

from ..models import Channel, Message
from . import links

# Channels where the resident is not talking to anyone and expects a written receipt.
ACK_CHANNELS = {Channel.EMAIL, Channel.SMS, Channel.FORMULAIRE}
ACK_KIND = "acknowledgement"
FOLLOW_KIND = "follow_confirmation"
RESOLVED_KIND = "follower_notice"


def wanted(*, channel: str, callback_requested: bool, requested: bool | None) -> bool:
    if not settings.MDS_ACK_ENABLED:
        return False
    if requested is not None:
        return requested
    # A voicemail left out of hours: nobody answered, so the caller gets a written receipt.
    return channel in ACK_CHANNELS or (channel == Channel.TELEPHONE and callback_requested)


def acknowledge(*, ticket, usager: Usager | None, channel: str, callback_requested: bool,
                requested: bool | None, at: datetime) -> Message | None:
    if usager is None or not wanted(channel=channel, callback_requested=callback_requested,
                                    requested=requested):
        return None
    route = contact_route(usager, prefer=Channel.SMS if channel in (Channel.SMS,
                                                                     Channel.TELEPHONE)
                          else Channel.EMAIL)
    if route is None or _too_many_today(usager, at):
        return None
    out_channel, to_address = route
    context = {"ticket": ticket, "due": long_date(ticket.due_at),
               "tracking_url": links.tracking_url(ticket), "usager": usager}
    if out_channel == Channel.EMAIL:
        subject = _("[%(reference)s] Accusé de réception : %(subject)s") % {
            "reference": ticket.reference, "subject": ticket.subject}
        body = render_text("emails/acknowledgement.txt", context)
    else:
        subject = ""
        body = _("Maison des Services : votre demande %(reference)s est enregistrée. Réponse au "
                 "plus tard le %(due)s. Suivi : %(url)s") % {
            "reference": ticket.reference, "due": short_date(ticket.due_at),
            "url": context["tracking_url"]}
    return queue_outbound(ticket=ticket, channel=out_channel, to_address=to_address,
                          subject=subject, body=body, kind=ACK_KIND, public=True, at=at)


def contact_route(usager: Usager, *, prefer: str) -> tuple[str, str] | None:
    """(channel, address) to write to: the preferred channel first, then the other one."""
    from crm.selectors import contact_points

    order = [prefer] + [c for c in (Channel.EMAIL, Channel.SMS) if c != prefer]
    for channel in order:
        if channel == Channel.EMAIL:
            point = contact_points(usager, kind="email", valid_only=True).first()
        else:
            point = contact_points(usager, kind="phone", valid_only=True).filter(
                is_mobile=True).first()
        if point:
            return channel, point.value
    return None


def _too_many_today(usager: Usager, at: datetime) -> bool:
    recent = Message.objects.filter(
        ticket__usager=usager, direction=Message.Direction.OUT, metadata__kind=ACK_KIND,
        created_at__gte=at - timedelta(hours=24)).count()
    return recent >= settings.MDS_ACK_MAX_PER_DAY


def queue_outbound(*, ticket, channel: str, to_address: str, subject: str, body: str, kind: str,
                   public: bool, at: datetime | None = None, extra: dict | None = None) -> Message:
    """Store an automatic outbound message and send it after commit (outbox)."""
    from ..services import schedule_delivery

    message = Message.objects.create(
        ticket=ticket, direction=Message.Direction.OUT, channel=channel, subject=subject[:250],
        body=body, to_address=to_address, public=public,
        delivery_status=Message.Delivery.PENDING, created_at=at or timezone.now(),
        metadata={"kind": kind, "automatic": True, **(extra or {})})
    schedule_delivery(message)
    return message


def render_text(template: str, context: dict) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(template, context).strip()


def long_date(moment: datetime | None) -> str:
    """"vendredi 27 novembre 2026" in French, whatever the active language."""
    if moment is None:
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        return formats.date_format(timezone.localtime(moment), "l j F Y")


def short_date(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y") if moment else ""

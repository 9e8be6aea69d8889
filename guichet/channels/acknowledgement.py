"""Automatic acknowledgement of a new request: reference, committed deadline, follow-up link.

A rule of the funnel (called by `services.receive`), never of an adapter. It goes out through
the same outbound path as an agent's reply (a Message row, a task after commit), so its
delivery is tracked and retried like any other. Never sent for an automatic message, and at
most a few per usager per day so that a misbehaving auto-responder cannot start a loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from crm.models import ContactPoint, Usager

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
                requested: bool | None, at: datetime,
                new_usager_points: Sequence[ContactPoint] | None = None) -> Message | None:
    """`new_usager_points`: the usager was created by this very message and these are all
    their contact points, so nothing needs looking up and nothing was ever sent to them."""
    if usager is None or not wanted(channel=channel, callback_requested=callback_requested,
                                    requested=requested):
        return None
    route = contact_route(usager, prefer=Channel.SMS if channel in (Channel.SMS,
                                                                     Channel.TELEPHONE)
                          else Channel.EMAIL, points=new_usager_points)
    if route is None or (new_usager_points is None and _too_many_today(usager, at)):
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


def contact_route(usager: Usager, *, prefer: str,
                  points: Sequence[ContactPoint] | None = None) -> tuple[str, str] | None:
    """(channel, address) to write to: the preferred channel first, then the other one; on
    each, the usager's first valid point (primary, then most recently used), a mobile for SMS.

    `points`: the usager's contact points when the caller holds them all (one query if not).
    """
    from crm.selectors import contact_points

    if points is None:
        points = contact_points(usager, valid_only=True)
    by_channel: dict[str, str] = {}
    for point in points:
        channel = Channel.EMAIL if point.kind == ContactPoint.Kind.EMAIL else Channel.SMS
        usable = point.is_valid and (channel == Channel.EMAIL or point.is_mobile)
        if usable and channel not in by_channel:
            by_channel[channel] = point.value
    for channel in [prefer] + [c for c in (Channel.EMAIL, Channel.SMS) if c != prefer]:
        if channel in by_channel:
            return channel, by_channel[channel]
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

"""Residents who follow an existing signalement instead of filing a duplicate.

We chose to record them as followers rather than to send them to the reporter's public page:
that page shows the reporter's own messages and the agents' replies to them (a name, an
address), which a neighbour must not read. A follower gets a confirmation now and a notice when
the signalement is resolved; what they wrote is kept on the ticket for the agents only.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crm import services as crm_services
from crm.models import TimelineEntry

from ..models import OPEN_STATUSES, Message, Nature, Ticket, TicketEvent, TicketFollower
from . import acknowledgement as acks
from . import links

SIMILAR_WINDOW_DAYS = 30
SIMILAR_LIMIT = 5


def similar_open_reports(*, subtheme, commune=None, street=None, now: datetime | None = None):
    """Open signalements of the same sub-theme from the last 30 days, on the same street or in
    the same collection zone (the same commune when no street is known). Public fields only."""
    if subtheme is None or (street is None and commune is None):
        return Ticket.objects.none()
    now = now or timezone.now()
    reports = Ticket.objects.filter(
        nature=Nature.SIGNALEMENT, subtheme=subtheme, status__in=OPEN_STATUSES,
        created_at__gte=now - timedelta(days=SIMILAR_WINDOW_DAYS))
    if street is not None:
        reports = reports.filter(Q(street=street) | Q(street__zone_id=street.zone_id))
    else:
        reports = reports.filter(commune=commune)
    return (reports.select_related("street", "commune", "subtheme")
            .order_by("-created_at")[:SIMILAR_LIMIT])


@transaction.atomic
def follow(*, ticket: Ticket, usager, body: str = "", attachments=(), at: datetime | None = None,
           source: str = "formulaire") -> tuple[TicketFollower, bool]:
    """Add a resident as a follower of a signalement; idempotent per (ticket, usager)."""
    from ..services import _audit, _store_attachments

    at = at or timezone.now()
    try:
        with transaction.atomic():
            follower, created = TicketFollower.objects.get_or_create(
                ticket=ticket, usager=usager, defaults={"created_at": at})
    except IntegrityError:
        follower, created = TicketFollower.objects.get(ticket=ticket, usager=usager), False
    if not created:
        return follower, False
    note = (body or "").strip() or _("Même signalement, sans précision supplémentaire.")
    message = Message.objects.create(
        ticket=ticket, direction=Message.Direction.IN, channel=source, author_usager=usager,
        body=note, public=False, created_at=at,
        metadata={"kind": "follower_report"})
    _store_attachments(message, attachments)
    _audit(ticket, TicketEvent.Kind.FIELD, field_name="followers",
           new_value=_("Un autre usager suit ce signalement"), at=at)
    crm_services.record_contact(
        usager=usager, kind=TimelineEntry.Kind.MESSAGE_IN, occurred_at=at, channel=source,
        source_type="guichet.follower", source_id=follower.pk, ticket_reference=ticket.reference,
        summary=_("Suit le signalement %(reference)s") % {"reference": ticket.reference})
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=at)
    _confirm(ticket=ticket, usager=usager, at=at)
    return follower, True


def _confirm(*, ticket, usager, at) -> Message | None:
    route = acks.contact_route(usager, prefer="email")
    if route is None:
        return None
    channel, to_address = route
    context = {"ticket": ticket, "where": where(ticket), "request_url": links.request_form_url()}
    if channel == "email":
        subject = _("Vous suivez le signalement %(reference)s") % {"reference": ticket.reference}
        body = acks.render_text("emails/follow_confirmation.txt", context)
    else:
        subject = ""
        body = _("Maison des Services : vous suivez le signalement %(reference)s. Nous vous "
                 "préviendrons quand il sera traité.") % {"reference": ticket.reference}
    return acks.queue_outbound(ticket=ticket, channel=channel, to_address=to_address,
                               subject=subject, body=body, kind=acks.FOLLOW_KIND, public=False,
                               at=at, extra={"follower": usager.pk})


def notify_resolved(*, ticket: Ticket, at: datetime | None = None) -> int:
    """Tell every follower not yet told that the signalement has been dealt with."""
    at = at or timezone.now()
    pending = list(TicketFollower.objects.select_related("usager")
                   .filter(ticket=ticket, notified_at__isnull=True))
    sent = 0
    for follower in pending:
        route = acks.contact_route(follower.usager, prefer="email")
        if route is not None:
            channel, to_address = route
            if channel == "email":
                subject = _("Signalement %(reference)s traité") % {"reference": ticket.reference}
                body = acks.render_text("emails/follower_resolved.txt",
                                        {"ticket": ticket, "where": where(ticket),
                                         "request_url": links.request_form_url()})
            else:
                subject = ""
                body = _("Maison des Services : le signalement %(reference)s que vous suivez a "
                         "été traité. Merci de votre vigilance.") % {
                    "reference": ticket.reference}
            acks.queue_outbound(ticket=ticket, channel=channel, to_address=to_address,
                                subject=subject, body=body, kind=acks.RESOLVED_KIND,
                                public=False, at=at, extra={"follower": follower.usager_id})
            sent += 1
        TicketFollower.objects.filter(pk=follower.pk).update(notified_at=at)
    return sent


def where(ticket: Ticket) -> str:
    """A place description without personal data: street and commune, never a house number."""
    if ticket.street_id:
        return str(ticket.street)
    return ticket.commune.name if ticket.commune_id else ""

"""What Sophie may read about tickets: status and dates only.

Anyone can type a reference into a chat window, so the answer never carries a name, a contact,
an address or a message: only the status, the dates and the committed deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.urls import NoReverseMatch, reverse

from .models import Status, Ticket


@dataclass(frozen=True)
class TicketStatus:
    reference: str
    status: str
    status_label: str
    nature_label: str
    theme_label: str | None
    created_at: datetime
    updated_at: datetime
    due_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None

    @property
    def is_done(self) -> bool:
        return self.status in (Status.RESOLU, Status.CLOS)


def ticket_status(reference: str | None) -> TicketStatus | None:
    if not reference:
        return None
    ticket = (Ticket.objects.select_related("theme")
              .only("reference", "status", "nature", "theme__label", "created_at", "updated_at",
                    "due_at", "resolved_at", "closed_at")
              .filter(reference__iexact=reference.strip()).first())
    if ticket is None:
        return None
    return TicketStatus(
        reference=ticket.reference, status=ticket.status,
        status_label=str(Status(ticket.status).label), nature_label=ticket.get_nature_display(),
        theme_label=ticket.theme.label if ticket.theme_id else None,
        created_at=ticket.created_at, updated_at=ticket.updated_at, due_at=ticket.due_at,
        resolved_at=ticket.resolved_at, closed_at=ticket.closed_at)


def tracking_link(ticket: Ticket) -> str | None:
    """The public follow-up page (reference + secret code) — only for the ticket's author,
    right after Sophie opened it; never from a reference typed later."""
    from django.conf import settings

    try:
        path = reverse("public-tracking", args=[ticket.reference, ticket.tracking_code])
    except NoReverseMatch:
        return None
    return f"{settings.PUBLIC_BASE_URL}{path}"

"""Reads on tickets for the surveys room (owned by surveys; guichet never imports surveys).

Surveys reach guichet's data only through these functions: tickets resolved or closed since a
watermark with what a survey needs, and the current state of tickets about to be surveyed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from .models import DONE_STATUSES, CloseReason, Ticket

SURVEY_FIELDS = ("id", "reference", "channel", "theme_id", "commune_id", "usager_id",
                 "assignee_id", "status", "close_reason", "resolved_at", "closed_at")


@dataclass(frozen=True)
class DoneTicket:
    id: int
    reference: str
    channel: str
    theme_id: int | None
    commune_id: int | None
    usager_id: int | None
    assignee_id: int | None
    status: str
    close_reason: str
    resolved_at: datetime
    closed_at: datetime | None

    @property
    def closed_as_spam(self) -> bool:
        return self.close_reason == CloseReason.SPAM

    @property
    def closed_as_duplicate(self) -> bool:
        return self.close_reason == CloseReason.DOUBLON


def _done_ticket(row: dict) -> DoneTicket:
    return DoneTicket(**row)


def tickets_done_since(*, since: datetime | None, until: datetime, after: tuple | None = None,
                       limit: int = 1000) -> list[DoneTicket]:
    """Resolved or closed tickets with resolved_at in (since, until], in (resolved_at, id) order.

    `after` = (resolved_at, id) of the last row of the previous page (keyset pagination).
    """
    query = Ticket.objects.filter(status__in=DONE_STATUSES, resolved_at__lte=until)
    if since is not None:
        query = query.filter(resolved_at__gt=since)
    if after is not None:
        after_at, after_id = after
        query = query.filter(resolved_at__gte=after_at).exclude(resolved_at=after_at,
                                                                id__lte=after_id)
    rows = query.order_by("resolved_at", "id").values(*SURVEY_FIELDS)[:limit]
    return [_done_ticket(row) for row in rows]


@dataclass(frozen=True)
class TicketState:
    status: str
    close_reason: str

    @property
    def is_done(self) -> bool:
        return self.status in DONE_STATUSES


def ticket_states(ticket_ids: Iterable[int]) -> dict[int, TicketState]:
    """The current status of tickets about to be surveyed (one query)."""
    rows = Ticket.objects.filter(id__in=list(ticket_ids)).values_list("id", "status",
                                                                       "close_reason")
    return {pk: TicketState(status, reason) for pk, status, reason in rows}


def ticket_by_id(ticket_id: int) -> Ticket | None:
    return Ticket.objects.select_related("usager").filter(pk=ticket_id).first()


def iter_done_tickets(*, chunk_size: int = 5000) -> Iterator[list[DoneTicket]]:
    """Every resolved or closed ticket, in chunks (demo data and backfills)."""
    last_id = 0
    while True:
        rows = list(Ticket.objects.filter(status__in=DONE_STATUSES, id__gt=last_id,
                                          resolved_at__isnull=False)
                    .order_by("id").values(*SURVEY_FIELDS)[:chunk_size])
        if not rows:
            return
        last_id = rows[-1]["id"]
        yield [_done_ticket(row) for row in rows]


def channel_labels() -> dict[str, str]:
    from .models import Channel

    return {value: str(label) for value, label in Channel.choices}


def done_ticket_count() -> int:
    return Ticket.objects.filter(status__in=DONE_STATUSES, resolved_at__isnull=False).count()

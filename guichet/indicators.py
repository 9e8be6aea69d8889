"""Reads on tickets for the cockpit (owned by the cockpit; guichet never imports cockpit).

The cockpit never counts a million tickets per page view: it keeps pre-aggregated rollups,
fed ticket by ticket from `ticket_facts` — what one ticket contributes to the indicators,
with its response and resolution times already converted to business time
(`maison.calendar.business_time_between`). Live figures that depend on "now" (backlog,
overdue, today's activity) are read here directly, on the partial indexes of open tickets.
Nothing returned here carries personal data: no usager, no subject, no message.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from maison import calendar

from .models import (
    DONE_STATUSES,
    OPEN_STATUSES,
    Channel,
    CloseReason,
    Nature,
    Status,
    Ticket,
)

# Closed as spam or as a duplicate: not a request of its own, not counted.
NOT_COUNTED_REASONS = (CloseReason.SPAM, CloseReason.DOUBLON)

# Upper edges (business hours) of the bins that response and resolution times fall into; the
# last bin is open-ended. Medians and 90th percentiles are reported as "at most <edge>": exact
# at this precision, so a pre-aggregated histogram gives the same figure as the raw tickets.
DURATION_EDGES_HOURS = (0.25, 0.5, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 40, 56, 80, 120, 160, 240)
DURATION_EDGES_SECONDS = tuple(int(hours * 3600) for hours in DURATION_EDGES_HOURS)
DURATION_BINS = len(DURATION_EDGES_SECONDS) + 1

FACT_FIELDS = ("id", "reference", "channel", "nature", "theme_id", "subtheme_id", "commune_id",
               "usager_category", "status", "close_reason", "created_at", "first_response_at",
               "first_response_due_at", "resolved_at", "closed_at", "due_at")


def duration_bin(seconds: float) -> int:
    """The bin index of a business duration: bin k holds durations ≤ edge k (and > edge k-1)."""
    return bisect.bisect_left(DURATION_EDGES_SECONDS, seconds)


@dataclass(frozen=True)
class TicketFact:
    """What one ticket contributes to the cockpit's indicators."""

    ticket_id: int
    reference: str
    day: date  # local day of receipt
    commune_id: int | None
    theme_id: int | None
    subtheme_id: int | None
    channel: str
    nature: str
    category: str
    status: str
    created_at: datetime
    first_response_due_at: datetime | None
    due_at: datetime | None
    done_at: datetime | None  # resolved (or closed) at
    first_response_seconds: int | None
    resolution_seconds: int | None
    first_response_met: bool | None
    resolution_met: bool | None

    @property
    def first_response_bin(self) -> int | None:
        if self.first_response_seconds is None:
            return None
        return duration_bin(self.first_response_seconds)

    @property
    def resolution_bin(self) -> int | None:
        if self.resolution_seconds is None:
            return None
        return duration_bin(self.resolution_seconds)


def _business_seconds(start: datetime, end: datetime | None) -> int | None:
    if end is None:
        return None
    return int(calendar.business_time_between(start, end).total_seconds())


def fact_from_row(row: dict) -> TicketFact | None:
    """The fact of a ticket (a `values(*FACT_FIELDS)` row), None when it is not counted."""
    if row["status"] in DONE_STATUSES and row["close_reason"] in NOT_COUNTED_REASONS:
        return None
    created_at = row["created_at"]
    done_at = row["resolved_at"] or row["closed_at"] if row["status"] in DONE_STATUSES else None
    first_response_at = row["first_response_at"]
    first_due, due = row["first_response_due_at"], row["due_at"]
    return TicketFact(
        ticket_id=row["id"], reference=row["reference"] or "",
        day=timezone.localtime(created_at, calendar.local_tz()).date(),
        commune_id=row["commune_id"], theme_id=row["theme_id"], subtheme_id=row["subtheme_id"],
        channel=row["channel"], nature=row["nature"], category=row["usager_category"],
        status=row["status"], created_at=created_at, first_response_due_at=first_due,
        due_at=due, done_at=done_at,
        first_response_seconds=_business_seconds(created_at, first_response_at),
        resolution_seconds=_business_seconds(created_at, done_at),
        first_response_met=(None if first_response_at is None or first_due is None
                            else first_response_at <= first_due),
        resolution_met=None if done_at is None or due is None else done_at <= due,
    )


def ticket_facts(ticket_ids: Iterable[int]) -> dict[int, TicketFact | None]:
    """Facts of the given tickets; a ticket that no longer exists (or is not counted) maps
    to None, so that its former contribution is taken away."""
    ids = list(ticket_ids)
    facts: dict[int, TicketFact | None] = dict.fromkeys(ids)
    for start in range(0, len(ids), 1000):
        for row in Ticket.objects.filter(pk__in=ids[start:start + 1000]).values(*FACT_FIELDS):
            facts[row["id"]] = fact_from_row(row)
    return facts


def iter_ticket_facts(*, chunk_size: int = 5000, after_id: int = 0) -> Iterator[list[TicketFact]]:
    """Every counted ticket's fact, in chunks by ascending id (for a full rebuild)."""
    while True:
        rows = list(Ticket.objects.filter(pk__gt=after_id).order_by("pk")
                    .values(*FACT_FIELDS)[:chunk_size])
        if not rows:
            return
        after_id = rows[-1]["id"]
        yield [fact for fact in map(fact_from_row, rows) if fact is not None]


def counted_ticket_rows() -> QuerySet:
    """The `FACT_FIELDS` of every counted ticket (the rule of `fact_from_row`), as a query:
    the cockpit's set-based rebuild reads it in SQL instead of a million rows in Python."""
    return (Ticket.objects.exclude(status__in=DONE_STATUSES, close_reason__in=NOT_COUNTED_REASONS)
            .order_by().values(*FACT_FIELDS))


def ticket_count() -> int:
    return Ticket.objects.count()


def ticket_ids_between(first_id: int, last_id: int) -> list[int]:
    return list(Ticket.objects.filter(pk__gte=first_id, pk__lte=last_id)
                .order_by("pk").values_list("pk", flat=True))


def changed_tickets(*, after: tuple[datetime, int],
                    limit: int = 2000) -> list[tuple[int, datetime]]:
    """(id, updated_at) of tickets changed after a (moment, id) cursor, oldest change first
    (keyset pagination served by the index on updated_at)."""
    moment, last_id = after
    return list(Ticket.objects.filter(Q(updated_at__gt=moment)
                                      | Q(updated_at=moment, pk__gt=last_id))
                .order_by("updated_at", "pk").values_list("pk", "updated_at")[:limit])


# --- Live figures (depend on "now") -------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """The cockpit's ticket filters besides the period: ids and a channel code, or None."""

    commune_id: int | None = None
    theme_id: int | None = None
    channel: str | None = None

    def q(self, prefix: str = "") -> Q:
        query = Q()
        if self.commune_id:
            query &= Q(**{f"{prefix}commune_id": self.commune_id})
        if self.theme_id:
            query &= Q(**{f"{prefix}theme_id": self.theme_id})
        if self.channel:
            query &= Q(**{f"{prefix}channel": self.channel})
        return query


@dataclass(frozen=True)
class Backlog:
    by_status: dict[str, int]
    overdue: int
    first_response_overdue: int
    oldest_created_at: datetime | None

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def backlog(scope: Scope, *, now: datetime | None = None) -> Backlog:
    """Open tickets now, by status, and those past their committed deadline."""
    now = now or timezone.now()
    open_tickets = Ticket.objects.filter(scope.q(), status__in=OPEN_STATUSES)
    counts = open_tickets.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in OPEN_STATUSES},
        overdue=Count("pk", filter=Q(due_at__lt=now)),
        first_response_overdue=Count("pk", filter=Q(first_response_at__isnull=True,
                                                    first_response_due_at__lt=now)),
    )
    oldest = open_tickets.order_by("created_at").values_list("created_at", flat=True).first()
    return Backlog(by_status={status: counts[status] for status in OPEN_STATUSES},
                   overdue=counts["overdue"],
                   first_response_overdue=counts["first_response_overdue"],
                   oldest_created_at=oldest)


@dataclass(frozen=True)
class Activity:
    """One line of the live feed: what happened to which request, without personal data."""

    kind: str  # "ticket.created" | "ticket.resolved" | "ticket.closed" | "ticket.reopened"
    reference: str
    at: datetime
    channel: str
    nature: str
    status: str
    theme: str | None
    commune: str | None


def recent_arrivals(scope: Scope, *, since: datetime, limit: int = 8) -> list[Activity]:
    """The latest requests received since a moment (served by the created_at indexes)."""
    tickets = (Ticket.objects.filter(scope.q(), created_at__gte=since)
               .select_related("theme", "commune")
               .order_by("-created_at", "-pk")[:limit])
    return [Activity(kind="ticket.created", reference=ticket.reference or "",
                     at=ticket.created_at, channel=ticket.channel, nature=ticket.nature,
                     status=ticket.status, theme=ticket.theme.label if ticket.theme_id else None,
                     commune=ticket.commune.name if ticket.commune_id else None)
            for ticket in tickets]


# --- One request's progress (the cockpit's look-up) -----------------------------------------

@dataclass(frozen=True)
class ProgressStep:
    at: datetime
    status: str

    @property
    def label(self) -> str:
        return str(Status(self.status).label)


@dataclass(frozen=True)
class Progress:
    """Where a request stands, without personal data (safe for the élu role)."""

    ticket_id: int
    reference: str
    status: str
    channel: str
    nature: str
    theme: str | None
    subtheme: str | None
    commune: str | None
    created_at: datetime
    first_response_due_at: datetime | None
    first_response_at: datetime | None
    due_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    close_reason: str
    steps: list[ProgressStep]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    @property
    def channel_label(self) -> str:
        return str(Channel(self.channel).label) if self.channel in Channel.values else ""

    @property
    def nature_label(self) -> str:
        return str(Nature(self.nature).label) if self.nature in Nature.values else ""

    @property
    def close_reason_label(self) -> str:
        reasons = dict(CloseReason.choices)
        return str(reasons[self.close_reason]) if self.close_reason in reasons else ""

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.is_open and self.due_at is not None and self.due_at < (now or timezone.now())

    @property
    def met_deadline(self) -> bool | None:
        done = self.resolved_at or self.closed_at
        if done is None or self.due_at is None:
            return None
        return done <= self.due_at


def ticket_progress(reference: str) -> Progress | None:
    ticket = (Ticket.objects.select_related("theme", "subtheme", "commune")
              .filter(reference=reference).first())
    if ticket is None:
        return None
    steps = [ProgressStep(at=event.created_at, status=event.new_value)
             for event in ticket.events.filter(field="status").order_by("created_at", "id")
             if event.new_value in Status.values]
    return Progress(
        ticket_id=ticket.pk, reference=ticket.reference, status=ticket.status,
        channel=ticket.channel, nature=ticket.nature,
        theme=ticket.theme.label if ticket.theme_id else None,
        subtheme=ticket.subtheme.label if ticket.subtheme_id else None,
        commune=ticket.commune.name if ticket.commune_id else None,
        created_at=ticket.created_at, first_response_due_at=ticket.first_response_due_at,
        first_response_at=ticket.first_response_at, due_at=ticket.due_at,
        resolved_at=ticket.resolved_at, closed_at=ticket.closed_at,
        close_reason=ticket.close_reason, steps=steps)


# --- Anonymised export --------------------------------------------------------------------------

EXPORT_FIELDS = ("id", "reference", "created_at", "channel", "nature", "theme__label",
                 "subtheme__label", "commune__name", "usager_category", "status", "close_reason",
                 "first_response_due_at", "first_response_at", "due_at", "resolved_at",
                 "closed_at")


def anonymised_tickets(*, start: datetime, end: datetime, scope: Scope,
                       chunk_size: int = 2000) -> Iterator[dict]:
    """Tickets received in [start, end), without usager, subject, address or messages."""
    tickets = (Ticket.objects.filter(scope.q(), created_at__gte=start, created_at__lt=end)
               .exclude(status__in=DONE_STATUSES, close_reason__in=NOT_COUNTED_REASONS)
               .order_by("created_at", "pk").values(*EXPORT_FIELDS))
    yield from tickets.iterator(chunk_size=chunk_size)

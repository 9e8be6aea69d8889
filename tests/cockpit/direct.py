"""Reference figures counted straight from the tickets, the slow and obvious way.

Deliberately independent from the cockpit's code path (no facts, no rollups): the rollups
must give exactly these numbers.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from guichet.indicators import DURATION_EDGES_SECONDS
from guichet.models import CloseReason, Ticket
from maison import calendar

DONE = ("resolu", "clos")


def local_day(moment) -> date:
    return timezone.localtime(moment, calendar.local_tz()).date()


def counted(tickets):
    return [t for t in tickets
            if not (t.status in DONE and t.close_reason in (CloseReason.SPAM,
                                                            CloseReason.DOUBLON))]


def select(start: date, end: date, *, commune_id=None, theme_id=None, channel=None):
    tickets = Ticket.objects.all()
    if commune_id:
        tickets = tickets.filter(commune_id=commune_id)
    if theme_id:
        tickets = tickets.filter(theme_id=theme_id)
    if channel:
        tickets = tickets.filter(channel=channel)
    return [t for t in counted(tickets) if start <= local_day(t.created_at) <= end]


def seconds(start, end) -> int:
    return int(calendar.business_time_between(start, end).total_seconds())


def nearest_rank_bin(values: list[int], fraction: float) -> int | None:
    """The bin (per DURATION_EDGES_SECONDS) of the exact nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    value = ordered[max(1, math.ceil(fraction * len(ordered))) - 1]
    for index, edge in enumerate(DURATION_EDGES_SECONDS):
        if value <= edge:
            return index
    return len(DURATION_EDGES_SECONDS)


@dataclass
class Direct:
    created: int = 0
    by: dict[str, Counter] = field(default_factory=dict)
    complaints: int = 0
    first_response: list[int] = field(default_factory=list)
    first_response_met: int = 0
    resolution: list[int] = field(default_factory=list)
    resolution_met: int = 0
    complaint_resolution: list[int] = field(default_factory=list)
    complaint_resolution_met: int = 0
    complaints_open: int = 0


def figures(tickets) -> Direct:
    result = Direct(created=len(tickets))
    for dimension in ("channel", "nature", "usager_category", "status", "theme_id",
                      "commune_id", "subtheme_id"):
        result.by[dimension] = Counter(getattr(t, dimension) for t in tickets)
    result.by["complaints_theme_id"] = Counter(t.theme_id for t in tickets
                                               if t.nature == "reclamation")
    result.by["complaints_commune_id"] = Counter(t.commune_id for t in tickets
                                                 if t.nature == "reclamation")
    for t in tickets:
        complaint = t.nature == "reclamation"
        result.complaints += complaint
        if t.first_response_at:
            result.first_response.append(seconds(t.created_at, t.first_response_at))
            result.first_response_met += t.first_response_at <= t.first_response_due_at
        done = (t.resolved_at or t.closed_at) if t.status in DONE else None
        if done:
            result.resolution.append(seconds(t.created_at, done))
            result.resolution_met += done <= t.due_at
            if complaint:
                result.complaint_resolution.append(seconds(t.created_at, done))
                result.complaint_resolution_met += done <= t.due_at
        elif complaint:
            result.complaints_open += 1
    return result

"""The cockpit's figures, read from the rollups (a handful of small aggregate queries).

A period is answered from monthly rows for the whole months it covers and daily rows for the
rest; the same sums give the totals, the trend, and the previous period to compare with.
Medians and 90th percentiles come from the duration histograms: exact at the precision of
`guichet.indicators.DURATION_EDGES_HOURS` ("at most 4 h").
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from django.db.models import Count, Min, Q, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from guichet.indicators import DURATION_EDGES_SECONDS, Backlog, Scope
from guichet.models import OPEN_STATUSES, Nature
from maison.models import Commune, SubTheme, Theme

from .measures import (
    COMPLAINT_RESOLUTION_HISTOGRAM,
    FIRST_RESPONSE_HISTOGRAM,
    RESOLUTION_HISTOGRAM,
    ROLLUP_MEASURES,
    nature_column,
)
from .models import ALL_CHANNELS, ALL_IDS, Grain, OpenTicket, Rollup
from .periods import Period, add_months, month_end, month_start, today

Link = Callable[[dict], str | None]


def no_link(params: dict) -> None:
    return None


# --- Sums and what they say ---------------------------------------------------------------------

@dataclass(frozen=True)
class BinnedDuration:
    """A business duration known to its bin: "at most 4 h", or "more than 240 h"."""

    bin: int

    @property
    def upper_seconds(self) -> int | None:
        return DURATION_EDGES_SECONDS[self.bin] if self.bin < len(DURATION_EDGES_SECONDS) else None

    @property
    def open_ended(self) -> bool:
        return self.upper_seconds is None

    @property
    def bound_seconds(self) -> int:
        return self.upper_seconds if self.upper_seconds is not None else DURATION_EDGES_SECONDS[-1]

    def __str__(self) -> str:
        text = format_business_duration(self.bound_seconds)
        if self.open_ended:
            return _("plus de %(duration)s") % {"duration": text}
        return _("%(duration)s au plus") % {"duration": text}


def format_business_duration(seconds: int) -> str:
    """Hours under a working day, working days (of 8 opening hours) beyond."""
    hours = seconds / 3600
    if hours < 1:
        return _("%(minutes)s min") % {"minutes": round(hours * 60)}
    if hours < 8:
        text = f"{hours:.1f}".rstrip("0").rstrip(".").replace(".", ",")
        return _("%(hours)s h") % {"hours": text}
    days = hours / 8
    text = f"{days:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    if text == "1":
        return _("1 j ouvré")
    return _("%(days)s j ouvrés") % {"days": text}


def percentile_bin(histogram: list[int], fraction: float) -> BinnedDuration | None:
    """Nearest-rank percentile over a histogram: the bin holding the ⌈p·N⌉-th value."""
    total = sum(histogram)
    if total <= 0:
        return None
    rank = max(1, math.ceil(fraction * total))
    running = 0
    for index, count in enumerate(histogram):
        running += count
        if running >= rank:
            return BinnedDuration(index)
    return BinnedDuration(len(histogram) - 1)


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Sums:
    values: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, column: str) -> int:
        # Only measures: templates try item look-up before attributes (sums.created).
        if column not in MEASURE_SET:
            raise KeyError(column)
        return self.values.get(column) or 0

    def add(self, other: dict) -> None:
        for column in ROLLUP_MEASURES:
            self.values[column] = self[column] + (other.get(column) or 0)

    @property
    def created(self) -> int:
        return self["created"]

    @property
    def complaints(self) -> int:
        return self[nature_column(Nature.RECLAMATION)]

    @property
    def complaint_share(self) -> float | None:
        return share(self.complaints, self.created)

    @property
    def rec_open_count(self) -> int:
        return self["rec_open"]

    @property
    def first_response_met_share(self) -> float | None:
        return share(self["fr_met"], self["fr_count"])

    @property
    def resolution_met_share(self) -> float | None:
        return share(self["res_met"], self["res_count"])

    @property
    def complaint_resolution_met_share(self) -> float | None:
        return share(self["rec_res_met"], self["rec_res_count"])

    @property
    def handled_share(self) -> float | None:
        return share(self["res_count"], self.created)

    def histogram(self, columns: list[str]) -> list[int]:
        return [self[column] for column in columns]

    def first_response(self, fraction: float) -> BinnedDuration | None:
        return percentile_bin(self.histogram(FIRST_RESPONSE_HISTOGRAM), fraction)

    def resolution(self, fraction: float) -> BinnedDuration | None:
        return percentile_bin(self.histogram(RESOLUTION_HISTOGRAM), fraction)

    def complaint_resolution(self, fraction: float) -> BinnedDuration | None:
        return percentile_bin(self.histogram(COMPLAINT_RESOLUTION_HISTOGRAM), fraction)


MEASURE_SET = frozenset(ROLLUP_MEASURES)


def _sum_all() -> dict:
    return {column: Sum(column) for column in ROLLUP_MEASURES}


def cell_q(scope: Scope, *, free: str | None = None) -> Q:
    """The cube's rows for a scope: each filtered dimension at its value, the others at
    "all"; the `free` dimension (a breakdown) takes every real value instead."""
    query = Q()
    for name, value, everything in (("commune_id", scope.commune_id, ALL_IDS),
                                    ("theme_id", scope.theme_id, ALL_IDS),
                                    ("channel", scope.channel, ALL_CHANNELS)):
        if name == free:
            query &= Q(**{name: value}) if value else ~Q(**{name: everything})
        else:
            query &= Q(**{name: value or everything})
    return query


def scope_q(scope: Scope) -> Q:
    """Plain equality filters (for per-ticket tables: facts, open tickets)."""
    query = Q()
    if scope.commune_id:
        query &= Q(commune_id=scope.commune_id)
    if scope.theme_id:
        query &= Q(theme_id=scope.theme_id)
    if scope.channel:
        query &= Q(channel=scope.channel)
    return query


def totals(period: Period, scope: Scope) -> Sums:
    row = Rollup.objects.filter(period.rollup_q(), cell_q(scope)).aggregate(**_sum_all())
    return Sums({column: value or 0 for column, value in row.items()})


# --- Series and labels ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Point:
    label: str  # short, for the chart's axis
    long_label: str  # for the table
    value: int
    previous: int | None = None
    first: date | None = None  # the days the point covers (for drill-down links)
    last: date | None = None
    link: str | None = None


@dataclass
class Names:
    """Labels of communes, themes and sub-themes by id (small reference tables)."""

    communes: dict[int, Commune]
    themes: dict[int, Theme]
    subthemes: dict[int, SubTheme]

    @classmethod
    def load(cls) -> Names:
        return cls(communes={c.pk: c for c in Commune.objects.all()},
                   themes={t.pk: t for t in Theme.objects.all()},
                   subthemes={s.pk: s for s in SubTheme.objects.all()})

    def commune(self, pk: int) -> str:
        return self.communes[pk].name if pk in self.communes else _("Commune non précisée")

    def theme(self, pk: int) -> str:
        return self.themes[pk].label if pk in self.themes else _("Thème non précisé")

    def subtheme(self, pk: int) -> str:
        return self.subthemes[pk].label if pk in self.subthemes else _("Sous-thème non précisé")


# --- Series -------------------------------------------------------------------------------------

def trend(period: Period, scope: Scope) -> list[Point]:
    """Requests received per day (short periods) or per month (long ones)."""
    rows = (Rollup.objects.filter(period.rollup_q(), cell_q(scope))
            .values("grain", "period").annotate(created=Sum("created")))
    counts: dict[date, int] = defaultdict(int)
    for row in rows:
        bucket = row["period"] if period.daily else month_start(row["period"])
        counts[bucket] += row["created"] or 0
    points = []
    if period.daily:
        day = period.start
        while day <= period.end:
            points.append(Point(label=date_format(day, "j/m"),
                                long_label=date_format(day, "l j F Y"), value=counts[day],
                                first=day, last=day))
            day = date.fromordinal(day.toordinal() + 1)
    else:
        for first in period.months():
            points.append(Point(label=date_format(first, "M y"),
                                long_label=date_format(first, "F Y"), value=counts[first],
                                first=max(first, period.start),
                                last=min(month_end(first), period.end)))
    return points


def monthly_year_on_year(scope: Scope, *, on: date | None = None) -> list[Point]:
    """The last 12 months, each beside the same month a year before."""
    current = month_start(on or today())
    months = [add_months(current, -offset) for offset in range(11, -1, -1)]
    wanted = months + [add_months(month, -12) for month in months]
    counts = dict(Rollup.objects.filter(cell_q(scope), grain=Grain.MONTH, period__in=wanted)
                  .values("period").annotate(created=Sum("created"))
                  .values_list("period", "created"))
    return [Point(label=date_format(month, "M"), long_label=date_format(month, "F Y"),
                  value=counts.get(month, 0) or 0,
                  previous=counts.get(add_months(month, -12), 0) or 0,
                  first=month, last=month_end(month)) for month in months]


def with_links(points: list[Point], link: Link, base: dict) -> list[Point]:
    """The same points, each linked to the tickets received on its days."""
    return [replace(point, link=link({**base, "created_from": point.first.isoformat(),
                                      "created_to": point.last.isoformat()}))
            if point.first and point.value else point for point in points]


def backlog(scope: Scope, *, now: datetime | None = None) -> Backlog:
    """Open tickets now, by status, and those past their committed deadlines."""
    now = now or timezone.now()
    tickets = OpenTicket.objects.filter(scope_q(scope))
    counts = tickets.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in OPEN_STATUSES},
        overdue=Count("pk", filter=Q(due_at__lt=now)),
        first_response_overdue=Count("pk", filter=Q(answered=False,
                                                    first_response_due_at__lt=now)),
        oldest=Min("created_at"))
    return Backlog(by_status={status: counts[status] for status in OPEN_STATUSES},
                   overdue=counts["overdue"],
                   first_response_overdue=counts["first_response_overdue"],
                   oldest_created_at=counts["oldest"])

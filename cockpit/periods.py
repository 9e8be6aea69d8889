"""Periods of the cockpit: presets, the previous period to compare with, and how a period is
cut into rollup rows (whole months from monthly rows, the rest from daily rows)."""

from __future__ import annotations

import calendar as pycalendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maison import calendar

from .models import Grain

PRESETS = {
    "7j": gettext_lazy("7 derniers jours"),
    "30j": gettext_lazy("30 derniers jours"),
    "mois": gettext_lazy("Ce mois-ci"),
    "12m": gettext_lazy("12 derniers mois"),
    "annee": gettext_lazy("Cette année"),
    "perso": gettext_lazy("Période personnalisée"),
}
DEFAULT_PRESET = "30j"
# Up to this many days a period is drawn day by day (daily rows only); beyond, month by month.
DAILY_TREND_MAX_DAYS = 62


def today() -> date:
    return timezone.localtime(timezone.now(), calendar.local_tz()).date()


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=pycalendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = pycalendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("period ends before it starts")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def daily(self) -> bool:
        return self.days <= DAILY_TREND_MAX_DAYS

    def label(self) -> str:
        if self.start == self.end:
            return date_format(self.start, "j F Y")
        return _("du %(start)s au %(end)s") % {"start": date_format(self.start, "j F Y"),
                                               "end": date_format(self.end, "j F Y")}

    def months(self) -> list[date]:
        """First days of the months the period touches."""
        months, cursor = [], month_start(self.start)
        while cursor <= self.end:
            months.append(cursor)
            cursor = add_months(cursor, 1)
        return months

    def slices(self, *, current_day: date | None = None) -> list[tuple[str, date, date]]:
        """(grain, first, last) pieces that together hold exactly the period's tickets:
        monthly rows for whole months (long periods), daily rows for the rest."""
        if self.daily:
            return [(Grain.DAY.value, self.start, self.end)]
        current_day = current_day or today()
        pieces = []
        for first in self.months():
            last = month_end(first)
            # The current month's row holds every ticket received so far: nothing comes later.
            covered_to = min(last, current_day) if first <= current_day <= last else last
            if self.start <= first and self.end >= covered_to:
                pieces.append((Grain.MONTH.value, first, first))
            else:
                pieces.append((Grain.DAY.value, max(first, self.start), min(last, self.end)))
        return pieces

    def rollup_q(self, *, current_day: date | None = None) -> Q:
        """Rows that together hold exactly the tickets received in the period."""
        query, whole = Q(pk__in=[]), []
        for grain, first, last in self.slices(current_day=current_day):
            if grain == Grain.MONTH:
                whole.append(first)
            else:
                query |= Q(grain=grain, period__gte=first, period__lte=last)
        if whole:
            query |= Q(grain=Grain.MONTH, period__in=whole)
        return query


@dataclass(frozen=True)
class Choice:
    preset: str
    period: Period
    previous: Period

    @property
    def label(self) -> str:
        return str(PRESETS[self.preset])


def choose(preset: str, *, start: date | None = None, end: date | None = None,
           on: date | None = None) -> Choice:
    """The period of a preset (or a custom range) and the one it is compared with."""
    on = on or today()
    if preset == "7j":
        period = Period(on - timedelta(days=6), on)
        previous = Period(on - timedelta(days=13), on - timedelta(days=7))
    elif preset == "mois":
        period = Period(month_start(on), on)
        last_month = add_months(month_start(on), -1)
        previous = Period(last_month, min(add_months(on, -1), month_end(last_month)))
    elif preset == "12m":
        period = Period(add_months(month_start(on), -11), on)
        previous = Period(add_months(period.start, -12), add_months(on, -12))
    elif preset == "annee":
        period = Period(date(on.year, 1, 1), on)
        previous = Period(date(on.year - 1, 1, 1), add_months(on, -12))
    elif preset == "perso":
        if start is None or end is None:
            raise ValueError("a custom period needs a start and an end")
        period = Period(start, end)
        previous = Period(start - timedelta(days=period.days), start - timedelta(days=1))
    else:  # "30j", the default
        preset = "30j"
        period = Period(on - timedelta(days=29), on)
        previous = Period(on - timedelta(days=59), on - timedelta(days=30))
    return Choice(preset=preset, period=period, previous=previous)

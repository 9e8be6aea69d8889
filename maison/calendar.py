"""The business calendar: opening hours, public holidays, school holidays, business time.

Opening hours come from settings (MDS_BUSINESS_HOURS); French public holidays from the
maintained `holidays` package; zone C school holidays from the database (the admin updates
them), cached in-process for a minute so the hot path (`receive`) never queries for them.
"""

from __future__ import annotations

import time as _time
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.utils import timezone

_SCHOOL_HOLIDAYS_TTL = 60.0
_school_cache: dict[str, tuple[float, list[tuple[date, date]]]] = {}
MAX_DAYS_SCANNED = 3660  # business-time walks never loop forever on a misconfiguration


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@lru_cache(maxsize=64)
def _public_holidays_for_year(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays(settings.MDS_PUBLIC_HOLIDAYS_COUNTRY, years=year,
                                          language="fr"))


def public_holiday_name(day: date) -> str | None:
    return _public_holidays_for_year(day.year).get(day)


def is_public_holiday(day: date) -> bool:
    return day in _public_holidays_for_year(day.year)


def _school_holiday_ranges() -> list[tuple[date, date]]:
    zone = settings.MDS_SCHOOL_HOLIDAY_ZONE
    cached = _school_cache.get(zone)
    if cached and _time.monotonic() - cached[0] < _SCHOOL_HOLIDAYS_TTL:
        return cached[1]
    from .models import SchoolHoliday

    ranges = list(SchoolHoliday.objects.filter(zone=zone).values_list("first_day", "last_day"))
    _school_cache[zone] = (_time.monotonic(), ranges)
    return ranges


def forget_school_holidays() -> None:
    """Drop the cache (after the admin edits school holidays, and in tests)."""
    _school_cache.clear()


def is_school_holiday(day: date) -> bool:
    return any(first <= day <= last for first, last in _school_holiday_ranges())


def _parse_hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def opening_intervals(day: date) -> list[tuple[datetime, datetime]]:
    """The desk's opening intervals on a day, as aware datetimes (empty when closed)."""
    if is_public_holiday(day):
        return []
    hours = settings.MDS_BUSINESS_HOURS
    spans = hours["weekdays"].get(day.weekday(), [])
    if day.weekday() == 5 and is_school_holiday(day):
        spans = hours.get("school_holiday_saturday", [])
    tz = local_tz()
    return [
        (datetime.combine(day, _parse_hhmm(start), tz), datetime.combine(day, _parse_hhmm(end), tz))
        for start, end in spans
    ]


def is_open(moment: datetime | None = None) -> bool:
    moment = timezone.localtime(moment or timezone.now(), local_tz())
    return any(start <= moment < end for start, end in opening_intervals(moment.date()))


def is_working_day(day: date) -> bool:
    """A jour ouvré for service commitments: Monday to Friday, not a public holiday."""
    return day.weekday() < 5 and not is_public_holiday(day)


@dataclass(frozen=True)
class OpeningStatus:
    open: bool
    closes_at: datetime | None
    opens_at: datetime | None


def opening_status(moment: datetime | None = None) -> OpeningStatus:
    """Open now? Until when — or when does it open next?"""
    moment = timezone.localtime(moment or timezone.now(), local_tz())
    for start, end in opening_intervals(moment.date()):
        if start <= moment < end:
            return OpeningStatus(open=True, closes_at=end, opens_at=None)
    return OpeningStatus(open=False, closes_at=None, opens_at=next_opening(moment))


def next_opening(moment: datetime) -> datetime | None:
    moment = timezone.localtime(moment, local_tz())
    day = moment.date()
    for _ in range(MAX_DAYS_SCANNED):
        for start, end in opening_intervals(day):
            if end > moment:
                return max(start, moment)
        day += timedelta(days=1)
    return None


def add_business_hours(start: datetime, hours: float) -> datetime:
    """The moment `hours` of opening time after `start` (first-response commitments)."""
    remaining = timedelta(hours=hours)
    moment = timezone.localtime(start, local_tz())
    day = moment.date()
    for _ in range(MAX_DAYS_SCANNED):
        for open_at, close_at in opening_intervals(day):
            if close_at <= moment:
                continue
            begin = max(open_at, moment)
            available = close_at - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        day += timedelta(days=1)
    raise ValueError("business calendar has no opening hours")


def add_working_days(start: datetime, days: int) -> datetime:
    """`days` jours ouvrés after `start`, at the same time of day, kept within opening hours.

    Friday 16:30 + 2 working days is Tuesday 16:30. A start outside opening hours counts
    from the next opening (a request sent on Saturday evening is received Monday 9:00).
    """
    tz = local_tz()
    moment = timezone.localtime(start, tz)
    weekday_spans = settings.MDS_BUSINESS_HOURS["weekdays"]
    first_open = min(_parse_hhmm(spans[0][0]) for spans in weekday_spans.values() if spans)
    last_close = max(_parse_hhmm(spans[-1][1]) for spans in weekday_spans.values() if spans)
    if not is_working_day(moment.date()) or moment.time() >= last_close:
        moment = datetime.combine(_next_working_day(moment.date()), first_open, tz)
    elif moment.time() < first_open:
        moment = datetime.combine(moment.date(), first_open, tz)
    day = moment.date()
    for _ in range(days):
        day = _next_working_day(day)
    return datetime.combine(day, moment.time(), tz)


def _next_working_day(day: date) -> date:
    for _ in range(MAX_DAYS_SCANNED):
        day += timedelta(days=1)
        if is_working_day(day):
            return day
    raise ValueError("no working day found")


def business_time_between(start: datetime, end: datetime) -> timedelta:
    """Opening time elapsed between two moments (response-time indicators)."""
    if end <= start:
        return timedelta(0)
    tz = local_tz()
    start, end = timezone.localtime(start, tz), timezone.localtime(end, tz)
    total = timedelta(0)
    day = start.date()
    while day <= end.date():
        for open_at, close_at in opening_intervals(day):
            overlap = min(close_at, end) - max(open_at, start)
            if overlap > timedelta(0):
                total += overlap
        day += timedelta(days=1)
    return total

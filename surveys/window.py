"""When a survey may go out: after the delay, within daytime sending hours, Europe/Paris.

Never on Sundays (by default) nor on French public holidays: a resident is not disturbed on
a day off, and an answer given the same day is worth more than one given a week later.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from maison import calendar

MAX_DAYS_SCANNED = 60


def _hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def sending_hours() -> tuple[time, time]:
    start, end = settings.SURVEYS_SENDING_HOURS
    return _hhmm(start), _hhmm(end)


def is_sending_day(day) -> bool:
    return (day.weekday() in settings.SURVEYS_SENDING_WEEKDAYS
            and not calendar.is_public_holiday(day))


def in_sending_window(moment: datetime) -> bool:
    local = timezone.localtime(moment, calendar.local_tz())
    start, end = sending_hours()
    return is_sending_day(local.date()) and start <= local.time() < end


def next_sending_moment(moment: datetime) -> datetime:
    """`moment` itself when it falls in the window, else the next opening of the window."""
    tz = calendar.local_tz()
    local = timezone.localtime(moment, tz)
    start, end = sending_hours()
    day = local.date()
    for _ in range(MAX_DAYS_SCANNED):
        if is_sending_day(day):
            opens = datetime.combine(day, start, tz)
            closes = datetime.combine(day, end, tz)
            if local < closes:
                return max(opens, local)
        day += timedelta(days=1)
        local = datetime.combine(day, time(0, 0), tz)
    raise ValueError("no sending day in the next weeks: check SURVEYS_SENDING_WEEKDAYS")


def due_at_for(resolved_at: datetime) -> datetime:
    delay = timedelta(minutes=settings.SURVEYS_DELAY_AFTER_RESOLUTION_MINUTES)
    return next_sending_moment(resolved_at + delay)

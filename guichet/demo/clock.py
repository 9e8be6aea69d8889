"""Business-time arithmetic for a million demo tickets, in integer epoch seconds.

`maison.calendar` is the reference (the live service uses it); walking days there for every
demo ticket would take minutes, so this clock precomputes the period's opening intervals from
it once and answers by bisection. Tests check that both agree.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from django.conf import settings

from maison import calendar


def _hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


class BusinessClock:
    def __init__(self, first_day: date, last_day: date):
        self.tz = calendar.local_tz()
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.cumulated: list[int] = [0]  # business seconds before each interval
        self.working_days: list[int] = []  # ordinals of jours ouvrés
        day = first_day
        while day <= last_day:
            for open_at, close_at in calendar.opening_intervals(day):
                start, end = int(open_at.timestamp()), int(close_at.timestamp())
                self.starts.append(start)
                self.ends.append(end)
                self.cumulated.append(self.cumulated[-1] + end - start)
            if calendar.is_working_day(day):
                self.working_days.append(day.toordinal())
            day += timedelta(days=1)
        spans = settings.MDS_BUSINESS_HOURS["weekdays"]
        self.first_open = min(_hhmm(s[0][0]) for s in spans.values() if s)
        self.last_close = max(_hhmm(s[-1][1]) for s in spans.values() if s)
        self._working = set(self.working_days)

    def intervals(self) -> list[tuple[int, int]]:
        return list(zip(self.starts, self.ends, strict=True))

    def business_seconds(self, moment: int) -> int:
        """Opening seconds elapsed from the period's start until `moment`."""
        index = bisect_right(self.starts, moment) - 1
        if index < 0:
            return 0
        return self.cumulated[index] + min(moment, self.ends[index]) - self.starts[index]

    def at(self, business: int) -> int:
        """The earliest moment at which `business` opening seconds have elapsed."""
        if business <= 0:
            return self.starts[0]
        index = bisect_left(self.cumulated, business) - 1
        if index >= len(self.starts):
            raise ValueError("beyond the clock's period")
        return self.starts[index] + business - self.cumulated[index]

    def add_business_hours(self, moment: int, hours: float) -> int:
        """Same result as maison.calendar.add_business_hours, in epoch seconds."""
        business = self.business_seconds(moment) + int(hours * 3600)
        if hours == 0:
            index = bisect_right(self.ends, moment)  # next interval not yet closed
            return max(moment, self.starts[index])
        return self.at(business)

    def add_working_days(self, moment: int, days: int) -> int:
        """Same result as maison.calendar.add_working_days, in epoch seconds."""
        local = datetime.fromtimestamp(moment, self.tz)
        day, at = local.date(), local.time().replace(tzinfo=None)
        if day.toordinal() not in self._working or at >= self.last_close:
            day, at = self._next_working_day(day, 1), self.first_open
        elif at < self.first_open:
            at = self.first_open
        day = self._next_working_day(day, days)
        return int(datetime.combine(day, at, self.tz).timestamp())

    def _next_working_day(self, day: date, steps: int) -> date:
        if steps == 0:
            return day
        index = bisect_right(self.working_days, day.toordinal()) + steps - 1
        return date.fromordinal(self.working_days[index])

    def is_open(self, moment: int) -> bool:
        index = bisect_right(self.starts, moment) - 1
        return index >= 0 and moment < self.ends[index]


@lru_cache(maxsize=4096)  # one ticket's moments recur in its messages, events and timeline
def to_datetime(moment: int | None) -> datetime | None:
    return None if moment is None else datetime.fromtimestamp(moment, UTC)

"""Business time in SQL: the desk's opening intervals as a temporary table, so that a
set-based rebuild converts a million response times to business time in one statement.

Let B(t) be the opening time elapsed from the table's first day up to the moment t: the time
open on every earlier day (`before_us`) plus the part of t's own day's intervals before t.
The business time between two moments is B(end) − B(start), or 0 when end comes first — the
same sum of overlaps as `maison.calendar.business_time_between`, to the microsecond, since
the intervals come from `maison.calendar.opening_intervals` itself.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from maison import calendar

TABLE = "cockpit_opening_calendar"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def _epoch_us(moment: datetime) -> int:
    return (moment - EPOCH) // MICROSECOND


def calendar_rows(first: date, last: date) -> tuple[list[tuple], int]:
    """(day, opening time before that day, its intervals as epoch microseconds) for every day
    of [first, last], and the most intervals a day has (missing ones padded with (0, 0))."""
    days, before = [], 0
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        spans = [(_epoch_us(start), _epoch_us(end))
                 for start, end in calendar.opening_intervals(day)]
        days.append((day, before, spans))
        before += sum(end - start for start, end in spans)
    width = max((len(spans) for _, _, spans in days), default=0)
    rows = [(day, before, *(bound for span in spans + [(0, 0)] * (width - len(spans))
                            for bound in span))
            for day, before, spans in days]
    return rows, width


def create(cursor, first: date, last: date) -> int:
    """Create the temporary table (dropped at commit) for the local days [first, last];
    returns its width, the number of intervals per row, for `elapsed_sql`."""
    rows, width = calendar_rows(first, last)
    bounds = "".join(f", o{index} bigint, c{index} bigint" for index in range(1, width + 1))
    cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{TABLE}")  # inside an outer transaction
    cursor.execute(f"CREATE TEMPORARY TABLE {TABLE} (day date PRIMARY KEY, "
                   f"before_us bigint NOT NULL{bounds}) ON COMMIT DROP")
    placeholders = ", ".join(["%s"] * (2 + 2 * width))
    cursor.executemany(f"INSERT INTO {TABLE} VALUES ({placeholders})", rows)  # noqa: S608
    cursor.execute(f"ANALYZE {TABLE}")
    return width


def local_day_sql(moment: str) -> str:
    """The local day of a timestamptz expression (as `timezone.localtime(...).date()`)."""
    zone = calendar.local_tz().key.replace("'", "''")
    return f"({moment} AT TIME ZONE '{zone}')::date"


def elapsed_sql(alias: str, moment: str, width: int) -> str:
    """B(moment) in microseconds; `alias` is the calendar row joined on the moment's local day."""
    instant = f"(EXTRACT(EPOCH FROM {moment}) * 1000000)::bigint"
    parts = [f"{alias}.before_us"] + [
        f"GREATEST(0, LEAST({instant}, {alias}.c{index}) - {alias}.o{index})"
        for index in range(1, width + 1)]
    return " + ".join(parts)


def business_seconds_sql(start: tuple[str, str], end: tuple[str, str], width: int) -> str:
    """Whole seconds of opening time between two moments, each given as (calendar alias,
    expression), NULL when the end is NULL (as `int(total_seconds())` of the Python sum)."""
    (start_alias, start_moment), (end_alias, end_moment) = start, end
    return (f"CASE WHEN {end_moment} IS NOT NULL THEN GREATEST(0, "
            f"({elapsed_sql(end_alias, end_moment, width)}) - "
            f"({elapsed_sql(start_alias, start_moment, width)})) / 1000000 END")

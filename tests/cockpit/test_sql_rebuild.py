"""The set-based rebuild (PostgreSQL) gives what the Python definitions give: business time
to the second, every fact, and the same rollup rows as the rebuild computed in Python."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from django.db import connection, transaction

from cockpit import opening_calendar, rebuild, sql_rebuild, survey_rollups
from cockpit.measures import ROLLUP_MEASURES, SUBTHEME_MEASURES
from cockpit.models import SurveyRollup, TicketFact
from cockpit.rollups import FACT_COLUMNS, _fact_row
from guichet import indicators
from maison import calendar

from .conftest import seed_tickets
from .test_rollups import snapshot
from .test_sources import surveyed  # noqa: F401 (fixture)

pytestmark = [
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL only"),
]


def local(*args) -> datetime:
    return datetime(*args, tzinfo=calendar.local_tz())


# Moments chosen around what makes business time tricky: a weekend, public holidays
# (1 May, 14 July, 1 November), a school-holiday Saturday, both DST changes, the edges of
# opening hours, microseconds, and an end before its start.
EDGE_PAIRS = [
    (local(2026, 4, 30, 16, 59, 59, 999999), local(2026, 5, 4, 9, 0, 0, 1)),
    (local(2026, 7, 13, 8, 0), local(2026, 7, 15, 9, 30)),
    (local(2026, 10, 31, 10, 0), local(2026, 11, 3, 12, 0, 0, 500000)),
    (local(2026, 10, 23, 16, 0), local(2026, 10, 26, 10, 0)),  # autumn DST, school Saturday
    (local(2026, 3, 27, 16, 30), local(2026, 3, 30, 9, 15)),  # spring DST
    (local(2026, 2, 20, 12, 0), local(2026, 2, 23, 12, 0)),  # a Saturday of winter holidays
    (local(2026, 6, 3, 17, 0), local(2026, 6, 4, 9, 0)),  # closed all the way
    (local(2026, 6, 3, 12, 0), local(2026, 6, 3, 11, 0)),  # end before start
    (local(2026, 6, 3, 12, 0), local(2026, 6, 3, 12, 0)),
    (local(2025, 12, 1, 9, 0), local(2026, 12, 1, 9, 0)),  # a whole year
]


def sql_business_seconds(pairs: list[tuple[datetime, datetime]]) -> list[int]:
    first = min(moment for pair in pairs for moment in pair).astimezone(calendar.local_tz())
    last = max(moment for pair in pairs for moment in pair).astimezone(calendar.local_tz())
    with transaction.atomic(), connection.cursor() as cursor:
        width = opening_calendar.create(cursor, first.date(), last.date())
        cursor.execute("DROP TABLE IF EXISTS pg_temp.pairs")
        cursor.execute("CREATE TEMPORARY TABLE pairs (id int, s timestamptz, e timestamptz) "
                       "ON COMMIT DROP")
        cursor.executemany("INSERT INTO pairs VALUES (%s, %s, %s)",
                           [(index, start, end) for index, (start, end) in enumerate(pairs)])
        seconds = opening_calendar.business_seconds_sql(("a", "p.s"), ("b", "p.e"), width)
        day = opening_calendar.local_day_sql
        cursor.execute(f"SELECT {seconds} FROM pairs p "  # noqa: S608
                       f"JOIN {opening_calendar.TABLE} a ON a.day = {day('p.s')} "
                       f"JOIN {opening_calendar.TABLE} b ON b.day = {day('p.e')} ORDER BY p.id")
        return [row[0] for row in cursor.fetchall()]


def python_business_seconds(pairs) -> list[int]:
    return [int(calendar.business_time_between(start, end).total_seconds())
            for start, end in pairs]


def test_business_time_in_sql_equals_the_calendar_at_its_edges():
    assert sql_business_seconds(EDGE_PAIRS) == python_business_seconds(EDGE_PAIRS)
    halves = [(local(2026, 6, 3, 16, 59, 59, 500000), local(2026, 6, 4, 9, 0, 0, 499999)),
              (local(2026, 6, 3, 16, 59, 59, 500000), local(2026, 6, 4, 9, 0, 0, 500000))]
    assert sql_business_seconds(halves) == python_business_seconds(halves) == [0, 1]


def test_business_time_in_sql_equals_the_calendar_on_random_moments():
    rng = random.Random(17)
    origin = local(2025, 6, 1, 0, 0)
    pairs = []
    for _ in range(600):
        start = origin + timedelta(seconds=rng.uniform(0, 500 * 86400))
        pairs.append((start, start + timedelta(seconds=rng.expovariate(1 / 300000))))
    assert sql_business_seconds(pairs) == python_business_seconds(pairs)


def test_facts_written_in_sql_equal_the_python_facts():
    seed_tickets(120, seed=23)
    rebuild.rebuild()
    expected = {fact.ticket_id: _fact_row(fact)
                for facts in indicators.iter_ticket_facts() for fact in facts}
    stored = {row[0]: row for row in TicketFact.objects.values_list(*FACT_COLUMNS)}
    assert stored.keys() == expected.keys() and len(stored) > 90
    for ticket_id, fact in expected.items():
        assert stored[ticket_id] == tuple(getattr(fact, name) for name in FACT_COLUMNS)


def test_sql_and_python_rebuilds_write_the_same_rows():
    seed_tickets(150, seed=29)
    rebuild.rebuild()
    in_sql = snapshot()
    rebuild.clear()
    with transaction.atomic():
        count = rebuild._fill_in_python(progress=None, chunk_size=40)
    assert count == TicketFact.objects.count()
    assert snapshot() == in_sql and len(in_sql) > 500


def test_every_measure_has_its_sql():
    assert set(ROLLUP_MEASURES) | set(SUBTHEME_MEASURES) <= set(sql_rebuild.measure_sql())


def test_no_ticket_no_row():
    assert sql_rebuild.fill() == 0


@pytest.mark.usefixtures("reference_data", "surveyed")
def test_survey_rollups_in_sql_equal_the_month_by_month_rebuild():
    def rows():
        return sorted(SurveyRollup.objects.values_list(
            "grain", "period", "commune_id", "theme_id", "channel", "sent", "answered",
            "rated", "satisfied", "resolution_answers", "first_contact"))

    assert survey_rollups.rebuild(in_sql=False) > 0
    in_python = rows()
    assert survey_rollups.rebuild(in_sql=True) == SurveyRollup.objects.filter(grain="D").count()
    assert rows() == in_python and len(in_python) > 40

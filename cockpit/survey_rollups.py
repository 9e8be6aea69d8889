"""Keeping the satisfaction surveys' rollups up to date (the cockpit's own table).

A survey's figures change only while its answer link is valid (a few weeks after sending),
so the recent days of sending are recomputed as a whole from the surveys, every few minutes
by Celery beat; the whole history is recomputed by the nightly reconcile and by
`cockpit_rebuild`. Each day's rows are replaced in one transaction, then the months that
contain them are summed again from their days.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from surveys import indicators as survey_indicators

from . import sql_rebuild
from .models import ALL_CHANNELS, ALL_IDS, SURVEY_MEASURES, Grain, RollupState, SurveyRollup
from .periods import add_months, month_start, today

KEY = ("grain", "period", "commune_id", "theme_id", "channel")


def _cube(rows: list[dict]) -> dict[tuple, Counter]:
    cells: dict[tuple, Counter] = defaultdict(Counter)
    for row in rows:
        values = {name: row[name] for name in SURVEY_MEASURES if row[name]}
        for commune in (row["commune_id"], ALL_IDS):
            for theme in (row["theme_id"], ALL_IDS):
                for channel in (row["channel"], ALL_CHANNELS):
                    cells[(Grain.DAY.value, row["day"], commune, theme, channel)].update(values)
    return cells


def _rows(cells: dict[tuple, Counter]) -> list[SurveyRollup]:
    return [SurveyRollup(**dict(zip(KEY, key, strict=True)), **values)
            for key, values in cells.items() if values.get("sent")]


@transaction.atomic
def recompute(first: date, last: date) -> int:
    """Replace the daily rows of [first, last] and the monthly rows of their months."""
    cells = _cube(survey_indicators.daily_counts(first=first, last=last))
    SurveyRollup.objects.filter(grain=Grain.DAY, period__gte=first, period__lte=last).delete()
    SurveyRollup.objects.bulk_create(_rows(cells), batch_size=1000)
    month = month_start(first)
    while month <= last:
        _sum_month(month)
        month = add_months(month, 1)
    return len(cells)


def _sum_month(first: date) -> None:
    days = (SurveyRollup.objects.filter(grain=Grain.DAY, period__gte=first,
                                        period__lt=add_months(first, 1))
            .values("commune_id", "theme_id", "channel")
            .annotate(**{name: Sum(name) for name in SURVEY_MEASURES}))
    SurveyRollup.objects.filter(grain=Grain.MONTH, period=first).delete()
    SurveyRollup.objects.bulk_create(
        [SurveyRollup(grain=Grain.MONTH, period=first, commune_id=row["commune_id"],
                      theme_id=row["theme_id"], channel=row["channel"],
                      **{name: row[name] or 0 for name in SURVEY_MEASURES}) for row in days],
        batch_size=1000)


def refresh_recent(*, on: date | None = None) -> int:
    """Recompute the days whose surveys may still be answered."""
    on = on or today()
    cells = recompute(on - timedelta(days=settings.COCKPIT_SURVEY_WINDOW_DAYS), on)
    RollupState.objects.update_or_create(pk=1, defaults={"surveys_refreshed_at": timezone.now()})
    return cells


def rebuild(*, on: date | None = None, in_sql: bool | None = None) -> int:
    """Recompute every day since the first survey sent; returns the number of day rows.

    On PostgreSQL the cube is summed in SQL from one read of the daily counts
    (`cockpit.sql_rebuild.fill_surveys`); elsewhere month by month in Python."""
    on = on or today()
    first = survey_indicators.first_sent_day()
    if in_sql is None:
        in_sql = connection.vendor == "postgresql"
    with transaction.atomic():
        SurveyRollup.objects.all().delete()
        if first is None:
            cells = 0
        elif in_sql:
            cells = sql_rebuild.fill_surveys(survey_indicators.daily_counts(first=first, last=on))
        else:
            cells = _recompute_months(first, on)
    RollupState.objects.update_or_create(pk=1, defaults={"surveys_refreshed_at": timezone.now()})
    return cells


def _recompute_months(first: date, on: date) -> int:
    cells = 0
    month = month_start(first)
    while month <= on:
        cells += recompute(month, min(add_months(month, 1) - timedelta(days=1), on))
        month = add_months(month, 1)
    return cells

"""Rebuilding the cockpit's tables from scratch (`manage.py cockpit_rebuild`, demo seed).

On PostgreSQL, facts and rollups are computed by a few set-based statements
(`cockpit.sql_rebuild`). Elsewhere, facts are computed from every ticket in chunks and
bulk-inserted, then each month's rows are summed in Python from its facts (one pass per
month, every cell of the cube at once) with the incremental updates' own definition of a
contribution (`cockpit.measures`). The tests check that both give the incremental rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from guichet import indicators
from guichet.models import OPEN_STATUSES

from . import sql_rebuild, survey_rollups
from .measures import contribution, subtheme_contribution
from .models import (
    ALL_CHANNELS,
    ALL_IDS,
    Grain,
    OpenTicket,
    Rollup,
    SubthemeRollup,
    SurveyRollup,
    TicketFact,
)
from .rollups import (
    FACT_COLUMNS,
    ROLLUP_KEY,
    SUBTHEME_KEY,
    Deltas,
    Progress,
    _fact_from_values,
    _fact_row,
    _locked_state,
    _open_row,
    catch_up,
)


def clear() -> None:
    """Empty the facts and rollups (before a rebuild, or when demo data is wiped)."""
    with transaction.atomic():
        _truncate()


def _truncate() -> None:
    models = (TicketFact, Rollup, SubthemeRollup, OpenTicket, SurveyRollup)
    if connection.vendor == "postgresql":
        tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables}")  # noqa: S608 - our own table names
    else:
        for model in models:
            model.objects.all().delete()


def rebuild(*, progress: Progress | None = None, chunk_size: int = 5000) -> int:
    """Recompute every fact and rollup from the tickets; returns the number of facts.

    Changes made while it runs are applied by the catch-up that ends it (the watermark is
    set to the moment the rebuild started)."""
    with transaction.atomic():
        locked = _locked_state()
        locked.rebuilding = True
        locked.save(update_fields=["rebuilding"])
    started = timezone.now()
    try:
        clear()
        if connection.vendor == "postgresql":
            with transaction.atomic():
                total = sql_rebuild.fill(progress=progress)
        else:
            total = _fill_in_python(progress=progress, chunk_size=chunk_size)
    finally:
        with transaction.atomic():
            locked = _locked_state()
            locked.rebuilding = False
            locked.watermark = started
            locked.rebuilt_at = locked.updated_at = timezone.now()
            locked.save()
    catch_up()
    survey_rollups.rebuild()
    _analyze()
    return total


def _fill_in_python(*, progress: Progress | None, chunk_size: int) -> int:
    """The rebuild off PostgreSQL (the embedded SQLite default): facts computed ticket by
    ticket, then each month's rows summed in Python."""
    total = 0
    for facts in indicators.iter_ticket_facts(chunk_size=chunk_size):
        TicketFact.objects.bulk_create([_fact_row(fact) for fact in facts], batch_size=1000)
        OpenTicket.objects.bulk_create([_open_row(fact) for fact in facts
                                        if fact.status in OPEN_STATUSES], batch_size=1000)
        total += len(facts)
        if progress:
            progress(len(facts))
    _aggregate_all_months()
    return total


def _analyze() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL would pick sequential scans)."""
    if connection.vendor != "postgresql":
        return
    tables = (TicketFact, Rollup, SubthemeRollup, OpenTicket, SurveyRollup)
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _aggregate_all_months() -> None:
    for first in TicketFact.objects.dates("day", "month"):
        _aggregate_month(first)


def _aggregate_month(first: date) -> None:
    """The month's rows at once: each ticket's contribution is added to its own cell of its
    day, then those cells are summed into every "all" combination and into the month."""
    cells: Deltas = defaultdict(Counter)
    subcells: Deltas = defaultdict(Counter)
    next_month = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    facts = (TicketFact.objects.filter(day__gte=first, day__lt=next_month)
             .values_list(*FACT_COLUMNS).iterator(chunk_size=5000))
    for values in facts:
        fact = _fact_from_values(values)
        cells[(fact.day, fact.commune_id or 0, fact.theme_id or 0, fact.channel)].update(
            contribution(fact))
        subcells[(fact.day, fact.commune_id or 0, fact.theme_id or 0, fact.subtheme_id or 0,
                  fact.channel)].update(subtheme_contribution(fact))
    rollups: Deltas = defaultdict(Counter)
    for (day, commune, theme, channel), values in cells.items():
        for grain, period in ((Grain.DAY.value, day), (Grain.MONTH.value, first)):
            for cell_commune in (commune, ALL_IDS):
                for cell_theme in (theme, ALL_IDS):
                    for cell_channel in (channel, ALL_CHANNELS):
                        rollups[(grain, period, cell_commune, cell_theme, cell_channel)].update(
                            values)
    subthemes: Deltas = defaultdict(Counter)
    for (day, commune, theme, subtheme, channel), values in subcells.items():
        for grain, period in ((Grain.DAY.value, day), (Grain.MONTH.value, first)):
            for cell_commune in (commune, ALL_IDS):
                for cell_channel in (channel, ALL_CHANNELS):
                    subthemes[(grain, period, cell_commune, theme, subtheme, cell_channel)].update(
                        values)
    for model, key_fields, deltas in ((Rollup, ROLLUP_KEY, rollups),
                                      (SubthemeRollup, SUBTHEME_KEY, subthemes)):
        rows = [model(**dict(zip(key_fields, key, strict=True)),
                      **{column: value for column, value in values.items() if value})
                for key, values in deltas.items()]
        with transaction.atomic():
            model.objects.bulk_create(rows, batch_size=1000)

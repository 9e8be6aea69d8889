"""The full rebuild as a few SQL statements (PostgreSQL): a million tickets in seconds.

The same definitions as the incremental path, written once more in SQL:
- a fact per counted ticket (`guichet.indicators.fact_from_row`), its response and
  resolution times in business time (`cockpit.opening_calendar`);
- each fact's contribution to a rollup row (`cockpit.measures.contribution`): every measure
  column maps to a count of facts meeting a condition, or a sum;
- the cube: facts summed per day × commune × theme × channel first, then those cells summed
  with GROUP BY CUBE into every "all" combination, for the day and for its month.
The tests compare the rows with those the incremental path writes ticket by ticket.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.db import connection

from crm.models import Category
from guichet import indicators
from guichet.models import DONE_STATUSES, OPEN_STATUSES, Nature

from . import opening_calendar
from .measures import (
    CATEGORIES,
    COMPLAINT_RESOLUTION_HISTOGRAM,
    FIRST_RESPONSE_HISTOGRAM,
    NATURES,
    RESOLUTION_HISTOGRAM,
    ROLLUP_MEASURES,
    STATUSES,
    SUBTHEME_MEASURES,
    category_column,
    nature_column,
    status_column,
)
from .models import (
    ALL_CHANNELS,
    ALL_IDS,
    SURVEY_MEASURES,
    OpenTicket,
    Rollup,
    SubthemeRollup,
    SurveyRollup,
    TicketFact,
)

logger = logging.getLogger(__name__)
FACTS_PER_STATEMENT = 100_000  # facts are inserted by ranges of ids, for the progress bar
CELLS = "cockpit_rebuild_cells"
SUBTHEME_CELLS = "cockpit_rebuild_subtheme_cells"
SURVEY_CELLS = "cockpit_rebuild_survey_cells"
SURVEY_DIMENSIONS = ("commune_id", "theme_id", "channel")


def _literal(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _literals(values: Iterable[str]) -> str:
    return ", ".join(map(_literal, values))


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _run(cursor, label: str, statement: str, params=None) -> int:
    """Execute one statement, logging its duration (bench/seed.py prints it); returns the
    number of rows it wrote."""
    started = time.monotonic()
    cursor.execute(statement, params)
    logger.info("%s: %.1f s", label, time.monotonic() - started)
    return cursor.rowcount


# --- Facts --------------------------------------------------------------------------------------

def _span(cursor, source: str, params) -> tuple | None:
    """The first and last local days any counted ticket's moments fall on (None: no ticket)."""
    cursor.execute(
        "SELECT MIN(LEAST(created_at, first_response_at, resolved_at, closed_at)), "  # noqa: S608
        "MAX(GREATEST(created_at, first_response_at, resolved_at, closed_at)), "
        f"MIN(id), MAX(id) FROM ({source}) AS source", params)
    earliest, latest, first_id, last_id = cursor.fetchone()
    if earliest is None:
        return None
    tz = opening_calendar.calendar.local_tz()
    first_day = earliest.astimezone(tz).date() - timedelta(days=1)
    last_day = latest.astimezone(tz).date() + timedelta(days=1)
    return first_day, last_day, first_id, last_id


def _facts_statement(source: str, width: int) -> str:
    day = opening_calendar.local_day_sql
    created = ("cc", "t.created_at")
    first_response = opening_calendar.business_seconds_sql(
        created, ("cf", "t.first_response_at"), width)
    resolution = opening_calendar.business_seconds_sql(created, ("cd", "t.done_at"), width)
    columns = ", ".join(connection.ops.quote_name(name) for name in (
        "ticket_id", "reference", "day", "commune_id", "theme_id", "subtheme_id", "channel",
        "nature", "category", "status", "created_at", "first_response_due_at", "due_at",
        "done_at", "first_response_seconds", "resolution_seconds", "first_response_met",
        "resolution_met"))
    calendar_table = opening_calendar.TABLE
    return f"""
        INSERT INTO {_table(TicketFact)} ({columns})
        SELECT t.id, COALESCE(t.reference, ''), {day("t.created_at")},
               COALESCE(t.commune_id, 0), COALESCE(t.theme_id, 0), COALESCE(t.subtheme_id, 0),
               t.channel, t.nature, t.usager_category, t.status, t.created_at,
               t.first_response_due_at, t.due_at, t.done_at,
               {first_response}, {resolution},
               t.first_response_at <= t.first_response_due_at, t.done_at <= t.due_at
        FROM (SELECT source.*,
                     CASE WHEN source.status IN ({_literals(DONE_STATUSES)})
                          THEN COALESCE(source.resolved_at, source.closed_at) END AS done_at
              FROM ({source}) AS source) AS t
        JOIN {calendar_table} AS cc ON cc.day = {day("t.created_at")}
        LEFT JOIN {calendar_table} AS cf ON cf.day = {day("t.first_response_at")}
        LEFT JOIN {calendar_table} AS cd ON cd.day = {day("t.done_at")}
    """  # noqa: S608 - our own tables and constants; ticket values are never spliced in


def _insert_facts(cursor, progress: Callable[[int], None] | None) -> int:
    rows = indicators.counted_ticket_rows()
    source, params = rows.query.sql_with_params()
    span = _span(cursor, source, params)
    if span is None:
        return 0
    first_day, last_day, first_id, last_id = span
    width = opening_calendar.create(cursor, first_day, last_day)
    total = 0
    for low in range(first_id, last_id + 1, FACTS_PER_STATEMENT):
        chunk = rows.filter(pk__gte=low, pk__lt=low + FACTS_PER_STATEMENT)
        source, params = chunk.query.sql_with_params()
        written = _run(cursor, f"facts from id {low}", _facts_statement(source, width), params)
        total += written
        if progress:
            progress(written)
    return total


def _insert_open_tickets(cursor) -> None:
    _run(cursor, "open tickets", f"""
        INSERT INTO {_table(OpenTicket)} (ticket_id, commune_id, theme_id, channel, status,
                                          created_at, first_response_due_at, due_at, answered)
        SELECT ticket_id, commune_id, theme_id, channel, status, created_at,
               first_response_due_at, due_at, first_response_seconds IS NOT NULL
        FROM {_table(TicketFact)} WHERE status IN ({_literals(OPEN_STATUSES)})
    """)  # noqa: S608


# --- Measures -----------------------------------------------------------------------------------

def _count(condition: str) -> str:
    # int, not COUNT's bigint: the cube sums these again, and SUM(bigint) is a slow numeric.
    return f"(COUNT(*) FILTER (WHERE {condition}))::int"


def measure_sql() -> dict[str, str]:
    """Each measure column as an aggregate over the facts `f` (see `measures.contribution`);
    `f.fr_bin` / `f.res_bin` are the duration bins, `f.known_category` the counted category."""
    complaint = f"f.nature = {_literal(Nature.RECLAMATION)}"
    answered = "f.first_response_seconds IS NOT NULL"
    done = "f.resolution_seconds IS NOT NULL"
    sql = {"created": "COUNT(*)::int"}
    sql.update({nature_column(value): _count(f"f.nature = {_literal(value)}")
                for value in NATURES})
    sql.update({category_column(value): _count(f"f.known_category = {_literal(value)}")
                for value in CATEGORIES})
    sql.update({status_column(value): _count(f"f.status = {_literal(value)}")
                for value in STATUSES})
    sql.update({
        "fr_count": _count(answered),
        "fr_met": _count(f"{answered} AND f.first_response_met"),
        "fr_seconds": "COALESCE(SUM(f.first_response_seconds), 0)",
        "res_count": _count(done),
        "res_met": _count(f"{done} AND f.resolution_met"),
        "res_seconds": "COALESCE(SUM(f.resolution_seconds), 0)",
        "rec_open": _count(f"{complaint} AND NOT ({done})"),
        "rec_res_count": _count(f"{complaint} AND {done}"),
        "rec_res_met": _count(f"{complaint} AND {done} AND f.resolution_met"),
    })
    for index, column in enumerate(FIRST_RESPONSE_HISTOGRAM):
        sql[column] = _count(f"f.fr_bin = {index}")
    for index, column in enumerate(RESOLUTION_HISTOGRAM):
        sql[column] = _count(f"f.res_bin = {index}")
    for index, column in enumerate(COMPLAINT_RESOLUTION_HISTOGRAM):
        sql[column] = _count(f"{complaint} AND f.res_bin = {index}")
    missing = set(ROLLUP_MEASURES) - set(sql)
    if missing:  # a measure added to cockpit.measures must be written here too
        raise NotImplementedError(f"no SQL for rollup measures {sorted(missing)}")
    return sql


def _facts_with_bins() -> str:
    """The facts with their duration bins (`duration_bin`: edges strictly below the
    duration, i.e. edges ≤ seconds − 1 for whole seconds) and their counted category."""
    edges = ", ".join(str(edge) for edge in indicators.DURATION_EDGES_SECONDS)
    return f"""(SELECT facts.*,
                 width_bucket(facts.first_response_seconds - 1, ARRAY[{edges}]) AS fr_bin,
                 width_bucket(facts.resolution_seconds - 1, ARRAY[{edges}]) AS res_bin,
                 CASE WHEN facts.category IN ({_literals(CATEGORIES)}) THEN facts.category
                      ELSE {_literal(Category.INCONNUE)} END AS known_category
               FROM {_table(TicketFact)} AS facts) AS f"""  # noqa: S608


# --- The cube -----------------------------------------------------------------------------------

def _cube_statement(model, measures: list[str], cells: str, dimensions: tuple[str, ...],
                    cubed: tuple[str, ...], having: str = "") -> str:
    """Insert the model's rows, for each day and each month, summed from the cells: each
    `cubed` dimension either kept or "all" (ALL_IDS, ALL_CHANNELS), the others kept."""
    qn = connection.ops.quote_name
    alls = {"commune_id": str(ALL_IDS), "theme_id": str(ALL_IDS),
            "channel": _literal(ALL_CHANNELS)}
    keys = ", ".join(f"CASE WHEN GROUPING({name}) = 1 THEN {alls[name]} ELSE {name} END"
                     if name in cubed else name for name in dimensions)
    kept = "".join(f"{name}, " for name in dimensions if name not in cubed)
    columns = ", ".join(map(qn, ("grain", "period", *dimensions, *measures)))
    sums = ", ".join(f"SUM({qn(column)})" for column in measures)
    names = ", ".join(map(qn, (*dimensions, *measures)))
    # Months are summed from the day cells first (a month has far fewer cells than its days),
    # keeping the cells' types: SUM(int) is a fast bigint, SUM(bigint) a slow numeric.
    monthly = ", ".join(
        f"SUM({qn(column)})::{'bigint' if column.endswith('_seconds') else 'int'}"
        for column in measures)
    return f"""
        INSERT INTO {_table(model)} ({columns})
        SELECT grain, period, {keys}, {sums}
        FROM (SELECT 'D' AS grain, day AS period, {names} FROM {cells}
              UNION ALL
              SELECT 'M', date_trunc('month', day)::date, {", ".join(dimensions)}, {monthly}
              FROM {cells} GROUP BY 2, {", ".join(dimensions)}) AS periods
        GROUP BY grain, period, {kept}CUBE({", ".join(cubed)}) {having}
    """  # noqa: S608


def _aggregate(cursor) -> None:
    qn = connection.ops.quote_name
    sql = measure_sql()
    for table, model, measures, dimensions, cubed in (
            (CELLS, Rollup, ROLLUP_MEASURES, ("commune_id", "theme_id", "channel"),
             ("commune_id", "theme_id", "channel")),
            (SUBTHEME_CELLS, SubthemeRollup, SUBTHEME_MEASURES,
             ("commune_id", "theme_id", "subtheme_id", "channel"), ("commune_id", "channel"))):
        group = ", ".join(f"f.{name}" for name in ("day", *dimensions))
        columns = ", ".join(f"{sql[column]} AS {qn(column)}" for column in measures)
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{table}")
        _run(cursor, f"{model.__name__} cells",
             f"CREATE TEMPORARY TABLE {table} ON COMMIT DROP AS "  # noqa: S608
             f"SELECT {group}, {columns} FROM {_facts_with_bins()} GROUP BY {group}")
        _run(cursor, f"{model.__name__} cube",
             _cube_statement(model, measures, table, dimensions, cubed))


def fill(*, progress: Callable[[int], None] | None = None) -> int:
    """Write every fact, open ticket and rollup row into the emptied tables; returns the
    number of facts. Runs in the caller's transaction (temporary tables drop at commit)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL jit = off")  # compiling costs more than it saves here
        total = _insert_facts(cursor, progress)
        if total:
            _insert_open_tickets(cursor)
            _run(cursor, "ANALYZE facts", f"ANALYZE {_table(TicketFact)}")
            _aggregate(cursor)
    return total


def fill_surveys(daily: list[dict]) -> int:
    """Write the surveys' rows (days and months, every "all" cell) into the emptied table
    from the per-day counts (`surveys.indicators.daily_counts`); returns the day rows.

    Runs in the caller's transaction. Like `survey_rollups.recompute`, a cell exists only
    when at least one survey of it was sent."""
    columns = ("day", *SURVEY_DIMENSIONS, *SURVEY_MEASURES)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{SURVEY_CELLS}")
        cursor.execute(f"CREATE TEMPORARY TABLE {SURVEY_CELLS} (day date, commune_id int, "
                       "theme_id int, channel varchar(20), "
                       + ", ".join(f"{name} int" for name in SURVEY_MEASURES)
                       + ") ON COMMIT DROP")
        with cursor.copy(f"COPY {SURVEY_CELLS} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in daily:
                copy.write_row([row[name] for name in columns])
        _run(cursor, "SurveyRollup cube", _cube_statement(
            SurveyRollup, SURVEY_MEASURES, SURVEY_CELLS, SURVEY_DIMENSIONS, SURVEY_DIMENSIONS,
            having="HAVING SUM(sent) > 0"))
        cursor.execute(f"SELECT COUNT(*) FROM {_table(SurveyRollup)} "  # noqa: S608
                       "WHERE grain = 'D'")
        return cursor.fetchone()[0]

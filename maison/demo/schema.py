"""Dropping and rebuilding indexes around a big demo load (PostgreSQL).

Maintaining a dozen indexes row by row costs far more than building each once from sorted
data. `fast_load` drops a table's secondary indexes, unique constraints and foreign keys,
lets the block load, then rebuilds every one of them — all in one transaction, so that an
error (or Ctrl-C) rolls the schema back exactly as it was. After the commit the tables are
vacuumed and analysed: fresh statistics for the planner, and a visibility map so that counts
and index-only scans need not visit every row (what autovacuum would do in production, late).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import contextmanager

from django.db import connection, models, transaction

from maison.demo import silent_progress

from .bulk import is_postgres

logger = logging.getLogger(__name__)


def _table_definitions(cursor, table: str) -> tuple[list, list, list]:
    """(unique constraints, indexes, foreign keys) of a table, as statements to recreate them."""
    cursor.execute(
        """SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint
           WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY conname""",
        [table])
    uniques, foreign_keys = [], []
    for name, kind, definition in cursor.fetchall():
        (uniques if kind == "u" else foreign_keys).append((name, definition))
    cursor.execute(
        """SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
           JOIN pg_class c ON c.oid = i.indexrelid
           WHERE i.indrelid = %s::regclass AND NOT i.indisprimary
             AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
           ORDER BY c.relname""",
        [table])
    return uniques, cursor.fetchall(), foreign_keys


def keep_gin_of(*model_list: type[models.Model]) -> Callable[[str, str], bool]:
    """Keep these tables' GIN indexes (full-text search) during the load: a GIN index builds
    on one core only (PostgreSQL 15), so it is cheaper to maintain while a CopyStream feeds the
    table and Python works on the other core."""
    tables = {model._meta.db_table for model in model_list}
    return lambda table, definition: table in tables and " USING gin " in definition


@contextmanager
def fast_load(*model_list: type[models.Model], enabled: bool = True, progress=None,
              keep: Callable[[str, str], bool] | None = None):
    """Load big tables without maintaining their indexes row by row (PostgreSQL only).

    `keep(table, index definition)` says which indexes stay in place during the load.
    Off PostgreSQL, or when not enabled, the block simply runs in a transaction.
    """
    if not enabled or not is_postgres():
        with transaction.atomic():
            yield
        return
    qn = connection.ops.quote_name
    vacuum_after = not connection.in_atomic_block  # VACUUM cannot run inside a transaction
    with transaction.atomic():
        saved = []
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute("SET LOCAL synchronous_commit = off")
            for model in model_list:
                table = model._meta.db_table
                uniques, indexes, foreign_keys = _table_definitions(cursor, table)
                indexes = [(name, definition) for name, definition in indexes
                           if not (keep and keep(table, definition))]
                saved.append((table, uniques, indexes, foreign_keys))
                for name, _definition in [*foreign_keys, *uniques]:
                    cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
                for name, _definition in indexes:
                    cursor.execute(f"DROP INDEX {qn(name)}")
        yield
        _rebuild(saved, progress or silent_progress, analyze=not vacuum_after)
    if vacuum_after:
        _vacuum([table for table, *_ in saved], progress or silent_progress)


def _rebuild(saved, progress, *, analyze: bool) -> None:
    qn = connection.ops.quote_name
    steps = sum(len(u) + len(i) + len(f) + int(analyze) for _, u, i, f in saved)
    with progress(total=steps, desc="Index et contrôles", unit="étape") as bar, \
            connection.cursor() as cursor:
        def run(label: str, statement: str) -> None:
            started = time.monotonic()
            cursor.execute(statement)
            logger.info("%s: %.1f s", label, time.monotonic() - started)
            bar.update(1)

        # Unique constraints and indexes first, foreign keys last (they use the indexes).
        for table, uniques, indexes, _fks in saved:
            for name, definition in uniques:
                run(name, f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
            for name, definition in indexes:
                run(name, definition)
        for table, _uniques, _indexes, foreign_keys in saved:
            for name, definition in foreign_keys:
                run(name, f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
        if analyze:
            for table, *_ in saved:
                run(f"ANALYZE {table}", f"ANALYZE {qn(table)}")


def _vacuum(tables: list[str], progress) -> None:
    qn = connection.ops.quote_name
    with progress(total=len(tables), desc="Statistiques", unit="table") as bar, \
            connection.cursor() as cursor:
        for table in tables:
            started = time.monotonic()
            cursor.execute(f"VACUUM (ANALYZE) {qn(table)}")
            logger.info("VACUUM ANALYZE %s: %.1f s", table, time.monotonic() - started)
            bar.update(1)

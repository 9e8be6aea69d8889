"""Loading many demo rows fast: COPY on PostgreSQL, batched INSERTs elsewhere.

Each room loads its own tables with these helpers (crm its usagers, guichet its tickets):

    first_id = reserve_ids(Ticket, n)            # ids known before the rows exist
    loader = TableLoader(Ticket, ["id", "reference", ...])
    loader.add((id, reference, ...))             # plain tuples, in the columns' order
    loader.close()                               # COPY (PostgreSQL) or INSERT batches
    reset_sequences(Ticket)

Columns a loader is not given (added to a model later by another room) get their model
default, so a new field with a default never breaks the demo. For a million rows on
PostgreSQL, `CopyStream` keeps one COPY open while Python draws the rows (the server works
in parallel), `CopySpool` holds the other tables' rows meanwhile, and
`maison.demo.schema.fast_load` drops and rebuilds indexes around the load.
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from datetime import UTC

from django.core.exceptions import ImproperlyConfigured
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone
from psycopg.copy import Copy, FileWriter

logger = logging.getLogger(__name__)
COPY_BATCH = 5_000
INSERT_BATCH = 2_000
SPOOL_CHUNK = 4 * 1024 * 1024


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


_reserved_up_to: dict[tuple[str, str], int] = {}


def reserve_ids(model: type[models.Model], count: int) -> int:
    """Reserve `count` consecutive ids for rows written with explicit ids; returns the first."""
    table = model._meta.db_table
    pk = model._meta.pk.column
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX({qn(pk)}), 0) FROM {qn(table)}")  # noqa: S608
        highest = cursor.fetchone()[0]
        if not is_postgres():
            # No sequence to move: remember the ranges handed out in this process so that
            # two reservations before the rows are written never overlap.
            key = (connection.alias, table)
            first = max(highest, _reserved_up_to.get(key, 0)) + 1
            _reserved_up_to[key] = first + max(count, 0) - 1
            return first
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s)", [sequence])
        first = max(cursor.fetchone()[0], highest + 1)
        if count > 0:
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


def reset_sequences(*model_list: type[models.Model]) -> None:
    """Set each table's id sequence past its highest id (after rows written with ids)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


class TableLoader:
    """Buffer rows for one table and write them in batches (COPY, or INSERTs off PostgreSQL).

    Rows are plain tuples in the order of `columns` (model attnames). `close()` writes what
    is left; `written` counts the rows.
    """

    def __init__(self, model: type[models.Model], columns: Sequence[str],
                 batch_size: int | None = None):
        self.model = model
        self.columns = list(columns)
        self.rows: list[tuple] = []
        self.written = 0
        self.postgres = is_postgres()
        self.batch_size = batch_size or (COPY_BATCH if self.postgres else INSERT_BATCH)
        self._by_attname = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [name for name in self.columns if name not in self._by_attname]
        if unknown:
            raise ImproperlyConfigured(f"{model.__name__} has no column {unknown}")
        self._preps = self._column_preps([self._by_attname[name] for name in self.columns])
        self._extras = self._extra_columns()

    # Columns the caller does not fill: the model's defaults, as Django would set them.
    def _extra_columns(self) -> list[tuple[str, Callable[[], object]]]:
        extras = []
        now = timezone.now()
        for name, model_field in self._by_attname.items():
            if name in self.columns or getattr(model_field, "generated", False):
                continue
            if model_field.db_default is not NOT_PROVIDED:
                continue  # the database fills it
            if model_field.primary_key and isinstance(model_field, models.AutoField):
                continue  # the sequence numbers it
            if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add",
                                                                  False):
                extras.append((name, lambda now=now: now))
            elif model_field.has_default():
                extras.append((name, self._default_of(model_field)))
            elif model_field.null:
                extras.append((name, lambda: None))
            elif model_field.empty_strings_allowed:  # text without a default: "" as Django
                extras.append((name, lambda: ""))
            else:
                raise ImproperlyConfigured(
                    f"{self.model.__name__}.{name} is required and has no default: "
                    f"the demo loader of this table must fill it.")
        return extras

    def _default_of(self, model_field) -> Callable[[], object]:
        prep = self._prep_for(model_field)
        if callable(model_field.default):
            return lambda: prep(model_field.get_default())
        value = prep(model_field.get_default())
        return lambda: value

    def _prep_for(self, model_field) -> Callable[[object], object]:
        # COPY's text format takes JSON as its text; other values psycopg adapts as they are.
        if self.postgres and isinstance(model_field, models.JSONField):
            encoder = model_field.encoder
            return lambda value: None if value is None else json.dumps(value, cls=encoder)
        return lambda value: value

    def _column_preps(self, fields) -> list[tuple[int, Callable[[object], object]]]:
        return [(index, self._prep_for(f)) for index, f in enumerate(fields)
                if self.postgres and isinstance(f, models.JSONField)]

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.batch_size:
            self.flush()

    def extend(self, rows: Iterable[tuple]) -> None:
        for row in rows:
            self.add(row)

    def flush(self) -> int:
        rows, self.rows = self.rows, []
        if not rows:
            return 0
        if self.postgres:
            with self._open_copy() as copy:
                write = copy.write_row
                for row in map(self._complete, rows) if self._needs_completion else rows:
                    write(row)
        else:
            self._insert_many(rows)
        self.written += len(rows)
        return len(rows)

    def close(self) -> None:
        self.flush()

    def abort(self) -> None:
        """Give up the rows not written yet (the transaction rolls back anyway)."""
        self.rows = []

    @property
    def _needs_completion(self) -> bool:
        return bool(self._preps or self._extras)

    def _complete(self, row: tuple) -> tuple:
        if self._preps:
            row = list(row)
            for index, prep in self._preps:
                row[index] = prep(row[index])
        if self._extras:
            return (*row, *(make() for _, make in self._extras))
        return tuple(row)

    def _copy_statement(self) -> str:
        qn = connection.ops.quote_name
        names = [*self.columns, *(name for name, _ in self._extras)]
        columns = ", ".join(qn(self._by_attname[name].column) for name in names)
        return f"COPY {qn(self.model._meta.db_table)} ({columns}) FROM STDIN"

    @contextmanager
    def _open_copy(self):
        with connection.cursor() as cursor, cursor.copy(self._copy_statement()) as copy:
            yield copy

    def _insert_many(self, rows: list[tuple]) -> None:
        """Plain INSERTs with values prepared by each field, as bulk_create would."""
        qn = connection.ops.quote_name
        names = [*self.columns, *(name for name, _ in self._extras)]
        fields = [self._by_attname[name] for name in names]
        columns = ", ".join(qn(f.column) for f in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        table = qn(self.model._meta.db_table)
        statement = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
        preps = [_insert_prep(f) for f in fields]
        prepared = [[value if prep is None or value is None else prep(value)
                     for prep, value in zip(preps, row, strict=True)]
                    for row in map(self._complete, rows)]
        with connection.cursor() as cursor:
            cursor.executemany(statement, prepared)


# Values the database driver takes as they are; the rest go through the field (slow path).
_AS_IS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField,
          models.ForeignKey)


def _insert_prep(model_field) -> Callable[[object], object] | None:
    if isinstance(model_field, models.DateTimeField):
        if connection.vendor == "sqlite":  # what Django stores: naive UTC, ISO with a space
            return lambda value: str(value.astimezone(UTC).replace(tzinfo=None))
        return lambda value: model_field.get_db_prep_save(value, connection)
    if isinstance(model_field, _AS_IS) and not isinstance(model_field, models.JSONField):
        return None
    return lambda value: model_field.get_db_prep_save(value, connection)


class CopyStream(TableLoader):
    """One COPY kept open for the whole load (PostgreSQL): the server inserts, and maintains
    the indexes left in place, while Python draws the next rows. Nothing else may run on the
    connection until `close()`: the other tables of the load go through a CopySpool."""

    def __init__(self, model, columns):
        super().__init__(model, columns)
        if not self.postgres:
            raise ImproperlyConfigured("CopyStream needs PostgreSQL")
        self._context = self._open_copy()
        self._copy = self._context.__enter__()
        self._write = self._copy.write_row

    def add(self, row: tuple) -> None:
        self._write(self._complete(row) if self._needs_completion else row)
        self.written += 1

    def flush(self) -> int:
        return 0

    def close(self) -> None:
        if self._context is not None:
            context, self._context = self._context, None
            context.__exit__(None, None, None)

    def abort(self) -> None:
        if self._context is not None:  # tells the server the COPY failed, frees the connection
            context, self._context = self._context, None
            error = RuntimeError("demo load interrupted")
            context.__exit__(RuntimeError, error, None)


class CopySpool(TableLoader):
    """Rows written as COPY data to a temporary file while a CopyStream holds the connection,
    then sent in one COPY by `close()`. psycopg formats them (in C) exactly as it would for
    the server, through its documented file writer."""

    def __init__(self, model, columns):
        super().__init__(model, columns)
        if not self.postgres:
            raise ImproperlyConfigured("CopySpool needs PostgreSQL")
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close() or abort())
        connection.ensure_connection()
        # A cursor only lends its adapters to the formatter: nothing runs on it.
        self._spool = Copy(connection.connection.cursor(), writer=FileWriter(self._file))
        self._write = self._spool.write_row

    def add(self, row: tuple) -> None:
        self._write(self._complete(row) if self._needs_completion else row)
        self.written += 1

    def flush(self) -> int:
        return 0

    def close(self) -> None:
        self._spool.finish(None)  # the formatter's last buffer goes to the file
        self._file.seek(0)
        with self._open_copy() as copy:
            while chunk := self._file.read(SPOOL_CHUNK):
                copy.write(chunk)
        self._file.close()

    def abort(self) -> None:
        self._file.close()


def wipe(*model_list: type[models.Model]) -> None:
    """Delete every row of these tables (children first); TRUNCATE on PostgreSQL."""
    if not model_list:
        return
    if is_postgres():
        qn = connection.ops.quote_name
        tables = ", ".join(qn(model._meta.db_table) for model in model_list)
        with connection.cursor() as cursor:
            # CASCADE: rows of other rooms that point at these (a survey of a demo ticket)
            # are demo data too.
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        return
    with transaction.atomic():
        for model in model_list:
            model.objects.all().delete()


# Kept importable from here: other rooms' demo modules use `maison.demo.bulk.fast_load`.
from .schema import fast_load  # noqa: E402, F401

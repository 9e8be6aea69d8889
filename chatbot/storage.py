"""Sophie's conversations on the hot path: each message costs three statements.

Every message locks its conversation, adds two turns and saves the conversation. The ORM
compiles these same statements again for every message and spends more CPU doing so than
PostgreSQL spends running them, so they are built here once per process, from the models' own
field definitions (they follow the models). Values go through each field's own conversions,
both ways (JSON, dates, UUIDs, `auto_now`), exactly as `Model.save()` and querysets do.

The caller owns the transaction. No model signal is sent (no receiver listens to these).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model


@dataclass(frozen=True)
class _Statements:
    select_for_update: str
    select_names: list[str]
    update: str
    update_fields: list
    insert_fields: list
    insert_head: str
    insert_row: str
    returns_pk: bool


@cache
def _statements(model: type[Model]) -> _Statements:
    connection = connections[DEFAULT_DB_ALIAS]
    meta, quote = model._meta, connection.ops.quote_name
    table, pk = quote(meta.db_table), meta.pk
    fields = meta.concrete_fields
    columns = ", ".join(quote(f.column) for f in fields)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    updated = [f for f in fields if not f.primary_key]
    # A pk the database generates is left out of the insert and read back.
    generated = pk.db_returning
    inserted = [f for f in fields if not (f.primary_key and generated)]
    # Only the models' own table and column names are spliced in; values are parameters.
    where = f"WHERE {quote(pk.column)} = %s"
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in updated)
    inserted_columns = ", ".join(quote(f.column) for f in inserted)
    return _Statements(
        select_for_update=f"SELECT {columns} FROM {table} {where}{lock}",  # noqa: S608
        select_names=[f.attname for f in fields],
        update=f"UPDATE {table} SET {assignments} {where}",  # noqa: S608
        update_fields=updated,
        insert_fields=inserted,
        insert_head=f"INSERT INTO {table} ({inserted_columns}) VALUES ",  # noqa: S608
        insert_row="(" + ", ".join(["%s"] * len(inserted)) + ")",
        returns_pk=generated,
    )


@cache
def _converters(model: type[Model]) -> list[list]:
    """Per column, the functions the ORM applies to a value read from the database."""
    connection = connections[DEFAULT_DB_ALIAS]
    table = model._meta.db_table
    converters = []
    for field in model._meta.concrete_fields:
        column = field.get_col(table)
        converters.append(connection.ops.get_db_converters(column)
                          + column.get_db_converters(connection))
    return converters


def lock(model: type[Model], pk) -> Model | None:
    """The row, locked until the end of the caller's transaction (SELECT … FOR UPDATE)."""
    statements = _statements(model)
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute(statements.select_for_update, [model._meta.pk.get_db_prep_value(
            model._meta.pk.to_python(pk), connection)])
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for value, converters, field in zip(row, _converters(model),
                                        model._meta.concrete_fields, strict=True):
        for convert in converters:
            value = convert(value, field, connection)
        values.append(value)
    return model.from_db(DEFAULT_DB_ALIAS, statements.select_names, values)


def insert(objs: list[Model]) -> None:
    """INSERT the new objects of one model in one statement; their pk is set afterwards."""
    if not objs:
        return
    model = type(objs[0])
    statements = _statements(model)
    connection = connections[DEFAULT_DB_ALIAS]
    params = []
    for obj in objs:
        params.extend(f.get_db_prep_save(f.pre_save(obj, True), connection)
                      for f in statements.insert_fields)
    sql = statements.insert_head + ", ".join([statements.insert_row] * len(objs))
    if statements.returns_pk:
        sql += f" RETURNING {connection.ops.quote_name(model._meta.pk.column)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        pks = [row[0] for row in cursor.fetchall()] if statements.returns_pk else []
    for index, obj in enumerate(objs):
        if pks:
            obj.pk = pks[index]
        obj._state.adding = False
        obj._state.db = DEFAULT_DB_ALIAS


def update(obj: Model) -> None:
    """Write every field of a stored object (what `obj.save()` does, `auto_now` included)."""
    statements = _statements(type(obj))
    connection = connections[DEFAULT_DB_ALIAS]
    params = [f.get_db_prep_save(f.pre_save(obj, False), connection)
              for f in statements.update_fields]
    params.append(obj._meta.pk.get_db_prep_value(obj.pk, connection))
    with connection.cursor() as cursor:
        cursor.execute(statements.update, params)

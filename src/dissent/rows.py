"""One row in, one row out, without the ORM's query compiler: for the few statements on hot paths.

Compiling an INSERT or a SELECT through the ORM cost more CPU than the database spent
running it (bench/sign_service.py, bench/sign_http.py); every request that signs, and
every audited request, pays it. These helpers build each statement once per model from
its fields and convert values with the fields' own methods, so rows read and written
here are exactly what the ORM would read and write.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)
if TYPE_CHECKING:
    Fields = tuple[models.Field[Any, Any], ...]


def table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@cache
def insert_into(model: type[models.Model]) -> tuple[str, str, Fields]:
    """``INSERT INTO table (columns)``, ``RETURNING key`` and the fields in column order (all
    but the primary key): what both kinds of insert below are made of."""
    fields = tuple(f for f in model._meta.concrete_fields if not f.primary_key)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    pk = connection.ops.quote_name(model._meta.pk.column)
    return f"INSERT INTO {table(model)} ({columns})", f"RETURNING {pk}", fields


@cache
def insert_statement(model: type[models.Model]) -> tuple[str, Fields]:
    head, returning, fields = insert_into(model)
    return f"{head} VALUES ({', '.join(['%s'] * len(fields))}) {returning}", fields


@cache
def insert_select_statement(
    model: type[models.Model], computed: tuple[tuple[str, str], ...], condition: str
) -> tuple[str, Fields]:
    """``INSERT … SELECT`` of one row, written only ``WHERE condition``: one part of a statement
    that writes several rows at once (a data-modifying WITH on PostgreSQL).

    ``computed`` maps attribute names to SQL expressions that take the place of parameters;
    the other fields are parameters cast to their column types (a parameter in a SELECT
    list has no type of its own). Returns the statement and the fields it takes values for.
    """
    expressions = dict(computed)
    head, returning, fields = insert_into(model)
    values = ", ".join(expressions.get(f.attname) or f"CAST(%s AS {cast_type(f)})" for f in fields)
    statement = f"{head} SELECT {values} WHERE {condition} {returning}"
    return statement, tuple(f for f in fields if f.attname not in expressions)


def cast_type(field: models.Field[Any, Any]) -> str:
    """The column type a value is cast to, as Django's ``Cast`` names it."""
    return str(field.cast_db_type(connection))  # type: ignore[attr-defined]


def insert_values(instance: models.Model, fields: Fields | None = None) -> list[Any]:
    """The parameters of ``insert_statement`` (or of ``insert_select_statement``, given its
    fields) for ``instance``, converted as the ORM converts them."""
    if fields is None:
        _sql, fields = insert_statement(type(instance))
    return [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]


def insert(instance: models.Model) -> None:
    """INSERT the unsaved ``instance`` and set its primary key; constraints raise IntegrityError."""
    sql, _fields = insert_statement(type(instance))
    with connection.cursor() as cursor:
        cursor.execute(sql, insert_values(instance))
        instance.pk = cursor.fetchone()[0]
    instance._state.adding = False
    instance._state.db = connection.alias


@cache
def select_list(model: type[models.Model], alias: str) -> tuple[str, tuple[str, ...]]:
    """The columns of ``model`` as ``alias.column, …`` and their attribute names, for ``fetch_one``."""
    fields = model._meta.concrete_fields
    columns = ", ".join(f"{alias}.{connection.ops.quote_name(f.column)}" for f in fields)
    return columns, tuple(f.attname for f in fields)


def fetch_one(model: type[M], sql: str, params: list[Any], alias: str) -> M | None:
    """The first row of ``sql`` as a ``model`` instance; ``sql`` selects ``select_list(model, alias)``."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else from_row(model, row, alias)


def from_row(model: type[M], row: Sequence[Any], alias: str) -> M:
    """A ``model`` instance from the values of ``select_list(model, alias)``, converted as the ORM would."""
    values = list(row)
    for i, column, converters in converters_of(model):
        for converter in converters:
            values[i] = converter(values[i], column, connection)
    return model.from_db(connection.alias, select_list(model, alias)[1], values)


@cache
def converters_of(model: type[models.Model]) -> tuple[tuple[int, Any, tuple[Any, ...]], ...]:
    """Per column, what the ORM applies to a raw value (the backend's, then the field's own)."""
    found = []
    for i, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(model._meta.db_table)
        converters = (*connection.ops.get_db_converters(column), *column.get_db_converters(connection))
        if converters:
            found.append((i, column, converters))
    return tuple(found)

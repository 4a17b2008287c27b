"""Inserting many rows quickly: ids reserved up front, then COPY on PostgreSQL.

An import knows every row's id before inserting it (replies name their parents, filing names
its entries), so nothing waits for ids to come back and a whole batch goes in one statement
per table. On PostgreSQL that statement is COPY, streamed from Python while the server
indexes the rows; elsewhere it is Django's bulk_create(). Both run inside the import's
transaction: on SQLite the write lock is held throughout, so reserving max(id) + n is safe;
on PostgreSQL ids come from the table's own sequence, as an ordinary insert's would.
"""

import functools
from operator import attrgetter

from django.db import connection
from django.db.models import Max


def is_postgresql():
    return connection.vendor == "postgresql"


def reserve_ids(model, count):
    """`count` primary keys no row has or will be given by anyone else: on PostgreSQL, taken
    from the table's sequence in one query."""
    if not count:
        return []
    if not is_postgresql():
        start = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        return list(range(start, start + count))
    with connection.cursor() as cursor:
        cursor.execute(
            # The sequence's name, looked up once in FROM rather than once a row.
            "SELECT nextval(sequence) FROM generate_series(1, %s), "
            "CAST(pg_get_serial_sequence(%s, %s) AS regclass) AS sequence",
            [count, model._meta.db_table, model._meta.pk.column],
        )
        return [pk for (pk,) in cursor.fetchall()]


_MISSING = object()


@functools.cache
def _layout(model):
    """(attnames, defaults) of the model's columns, in order; a default may be a callable."""
    fields = model._meta.concrete_fields
    defaults = [
        field.get_default if callable(field.default) else field.get_default() for field in fields
    ]
    return [field.attname for field in fields], defaults


def row(model, values):
    """The model's column values, in order, from {attname: value} and the fields' defaults."""
    attnames, defaults = _layout(model)
    get = values.get
    result = [get(attname, _MISSING) for attname in attnames]
    if _MISSING in result:
        for i, value in enumerate(result):
            if value is _MISSING:
                default = defaults[i]
                result[i] = default() if callable(default) else default
    return result


def make(model, values):
    """An unsaved instance from {attname: value}, through Model.__init__'s positional fast
    path (the one from_db() uses): the keyword path costs several times more per field."""
    return model(*row(model, values))


def insert_values(model, rows_of_values):
    """Insert new rows given as {attname: value} (primary key included), without building
    model instances where COPY can take the values as they are. `rows_of_values` may be a
    generator: on PostgreSQL it runs while COPY streams, and so must not query."""
    if not is_postgresql():
        model.objects.bulk_create([make(model, values) for values in rows_of_values], 500)
        return
    fields = model._meta.concrete_fields
    _copy(
        model._meta.db_table,
        [field.column for field in fields],
        (row(model, values) for values in rows_of_values),
    )


def insert(model, objects):
    """Insert unsaved instances whose primary keys are already set. `objects` may be a
    generator: on PostgreSQL it runs while COPY streams the rows before, so it must not query.
    """
    if not is_postgresql():
        model.objects.bulk_create(list(objects), batch_size=500)
        return
    fields = model._meta.concrete_fields
    values = attrgetter(*(field.attname for field in fields))
    _copy(model._meta.db_table, [field.column for field in fields], map(values, objects))


def insert_rows(model, field_names, rows):
    """Insert plain rows (tuples in the order of `field_names`), letting the database number
    them: for the many-to-many tables of filing and tagging."""
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in field_names]
    if not is_postgresql():
        model.objects.bulk_create(
            [model(**dict(zip((f.attname for f in fields), row, strict=True))) for row in rows],
            batch_size=500,
        )
        return
    _copy(model._meta.db_table, [field.column for field in fields], rows)


def _copy(table, columns, rows):
    quote = connection.ops.quote_name
    statement = f"COPY {quote(table)} ({', '.join(map(quote, columns))}) FROM STDIN"
    with (
        connection.execute_wrapper(_no_queries_during_copy),
        connection.cursor() as cursor,
        cursor.copy(statement) as copy,  # psycopg's own cursor.copy(), through Django's
    ):
        write = copy.write_row
        for row in rows:
            write(row)


def _no_queries_during_copy(execute, sql, params, many, context):
    # The connection is busy streaming COPY: a query now would wait for it forever.
    raise RuntimeError(f"a query while COPY streams rows (it would never return): {sql[:80]}")

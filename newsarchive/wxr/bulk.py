"""Inserting many rows quickly: ids reserved up front, then COPY on PostgreSQL.

An import knows every row's id before inserting it (replies name their parents, filing names
its entries), so nothing waits for ids to come back and a whole batch goes in one statement
per table. On PostgreSQL that statement is COPY, streamed from Python while the server
indexes the rows; elsewhere it is Django's bulk_create(). Both run inside the import's
transaction: on SQLite the write lock is held throughout, so reserving max(id) + n is safe.
"""

from operator import attrgetter

from django.db import connection
from django.db.models import Max


def is_postgresql():
    return connection.vendor == "postgresql"


def reserve_ids(model, count):
    """`count` primary keys no row has or will be given by anyone else."""
    if not count:
        return []
    if not is_postgresql():
        start = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        return list(range(start, start + count))
    pool = _POOLS.setdefault(model, [])
    if len(pool) < count:
        # Taken from the sequence in blocks: a few large requests cost less than many.
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if table not in _SEQUENCES:
                column = model._meta.pk.column
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
                _SEQUENCES[table] = cursor.fetchone()[0]
            cursor.execute(
                "SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)",
                [_SEQUENCES[table], max(count - len(pool), POOL_SIZE)],
            )
            pool.extend(cursor.fetchone()[0])
    taken, pool[:] = pool[:count], pool[count:]
    return taken


def forget_reserved_ids():
    """Drop reserved ids not used (at the end of an import: the transaction may roll back,
    and then they were never reserved at all)."""
    _POOLS.clear()


POOL_SIZE = 10_000
_POOLS = {}
_SEQUENCES = {}
_LAYOUTS = {}
_MISSING = object()


def _layout(model):
    """(attnames, defaults) of the model's columns, in order; a default may be a callable."""
    layout = _LAYOUTS.get(model)
    if layout is None:
        fields = model._meta.concrete_fields
        defaults = [
            field.get_default if callable(field.default) else field.get_default()
            for field in fields
        ]
        layout = _LAYOUTS[model] = ([field.attname for field in fields], defaults)
    return layout


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
        cursor.cursor.copy(statement) as copy,
    ):
        write = copy.write_row
        for row in rows:
            write(row)


def _no_queries_during_copy(execute, sql, params, many, context):
    # The connection is busy streaming COPY: a query now would wait for it forever.
    raise RuntimeError(f"a query while COPY streams rows (it would never return): {sql[:80]}")


class IdSet:
    """A set of non-negative integer ids in about a bit each (blocks of 65,536 ids as
    bitmaps), so remembering every id of a large file keeps memory flat. Ids scattered over
    more than MAX_BLOCKS blocks (8 KB each) are kept in an ordinary set instead."""

    MAX_BLOCKS = 1024

    def __init__(self):
        self.blocks = {}
        self.scattered = set()

    def __contains__(self, number):
        block = self.blocks.get(number >> 16)
        if block is None:
            return number in self.scattered
        return bool(block[(number & 0xFFFF) >> 3] & (1 << (number & 7)))

    def add(self, number):
        block = self.blocks.get(number >> 16)
        if block is None:
            if len(self.blocks) >= self.MAX_BLOCKS:
                self.scattered.add(number)
                return
            block = self.blocks[number >> 16] = bytearray(8192)
        block[(number & 0xFFFF) >> 3] |= 1 << (number & 7)

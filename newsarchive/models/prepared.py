"""A queryset compiled to SQL once per process, then run with other values each time.

Django builds a queryset and compiles it to SQL each time it runs. For the entry page's lookup
(the entry, its author and source, both neighbours in subqueries) that Python work costs
several times what the database takes to answer, and it is the same work every time: from one
entry to the next only the values in the SQL change. A PreparedQuery builds its queryset once
per database with stand-in values, keeps the compiled SQL, and runs it with the real values put
where the stand-ins were. What comes back is what the queryset would have returned (model
instances, select_related objects and annotations, or values_list rows): Django's own
iterables turn the rows into them.

Only a value that reaches the SQL unchanged can be a parameter: a lookup that transforms its
value (`__icontains` adds `%…%`, say) would hide the stand-in, and preparing refuses with an
error naming it. Pass the transformed value as a parameter of its own instead.
"""

import copy
import datetime
import threading

from django.db import DEFAULT_DB_ALIAS, connections

# A stand-in of each kind no query would hold as a constant, numbered to tell parameters apart.
_STAND_INS = {
    str: lambda n: f"\x00stand-in {n}\x00",
    int: lambda n: -2_000_000_000 - n,
    datetime.date: lambda n: datetime.date(1, 1, 1 + n),
    datetime.datetime: lambda n: datetime.datetime(2, 1, 1 + n, tzinfo=datetime.UTC),
}


def _adapter(kind, ops):
    """How a value of this kind becomes a query parameter, as Django's fields do it."""
    if kind is datetime.datetime:
        return ops.adapt_datetimefield_value
    if kind is datetime.date:
        return ops.adapt_datefield_value
    return lambda value: value


class PreparedQuery:
    """`build(**parameters)` returns the queryset; `kinds` gives each parameter's type.

    entry_at = PreparedQuery(
        lambda day, slug: Entry.objects.filter(published_on=day, slug=slug)[:1],
        day=datetime.date, slug=str,
    )
    entries = entry_at(day=datetime.date(2007, 3, 10), slug="us-and-iran")
    """

    def __init__(self, build, **kinds):
        unknown = {name: kind for name, kind in kinds.items() if kind not in _STAND_INS}
        if unknown:
            raise TypeError(f"PreparedQuery parameters are str, int, date or datetime: {unknown}")
        self.build = build
        self.kinds = kinds
        self._prepared = {}
        self._lock = threading.Lock()

    def __call__(self, using=DEFAULT_DB_ALIAS, **values):
        """The rows for these values, as a list."""
        if values.keys() != self.kinds.keys():
            raise TypeError(f"PreparedQuery expects {sorted(self.kinds)}, got {sorted(values)}")
        connection = connections[using]
        queryset, compiler, sql, params, slots = self._prepare(using, connection)
        params = list(params)
        for position, name, adapt in slots:
            params[position] = adapt(values[name])
        run = copy.copy(compiler)
        run.connection = connection  # this thread's connection (test servers use threads)
        run.as_sql = lambda *args, **kwargs: (sql, tuple(params))
        chained = queryset._chain()
        chained.query.get_compiler = lambda *args, **kwargs: run
        return list(chained)

    def _prepare(self, using, connection):
        key = (using, connection.vendor)
        prepared = self._prepared.get(key)
        if prepared is None:
            with self._lock:
                prepared = self._prepared.get(key) or self._compile(using, connection)
                self._prepared[key] = prepared
        return prepared

    def _compile(self, using, connection):
        stand_ins = {
            name: _STAND_INS[kind](number) for number, (name, kind) in enumerate(self.kinds.items())
        }
        queryset = self.build(**stand_ins).using(using)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        adapters = {name: _adapter(kind, connection.ops) for name, kind in self.kinds.items()}
        wanted = {
            (type(adapted := adapters[name](value)), adapted): name
            for name, value in stand_ins.items()
        }
        slots = []
        for position, param in enumerate(params):
            name = wanted.get((type(param), param)) if _hashable(param) else None
            if name is not None:
                slots.append((position, name, adapters[name]))
        missing = set(self.kinds) - {name for _, name, _ in slots}
        if missing:
            raise ValueError(
                f"PreparedQuery: {sorted(missing)} did not reach the SQL as given "
                "(a lookup transformed the value); pass the transformed value instead"
            )
        return queryset, compiler, sql, params, slots


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return False
    return True

"""What PostgreSQL's own connection setup changes: timestamps read as Django reads them."""

import datetime

import pytest
from django.db import DataError, connection

from tests.factories import make_entry

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's timestamp loader"
)

UTC = datetime.UTC


@pytest.mark.django_db
@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(2007, 3, 10, 23, 12, tzinfo=UTC),
        datetime.datetime(2007, 3, 11, 5, 0, 7, 250, tzinfo=UTC),
        datetime.datetime(1, 1, 1, 0, 0, tzinfo=UTC),
        datetime.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime.datetime(
            2007, 3, 10, 18, 12, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))
        ),
    ],
)
def test_timestamps_come_back_as_the_same_moment_in_utc(moment):
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz", [moment])
        [read] = cursor.fetchone()
    assert read == moment and read.tzinfo == UTC


@pytest.mark.django_db
def test_an_entrys_times_survive_saving_and_reading():
    moment = datetime.datetime(2007, 3, 11, 5, 0, 7, 250, tzinfo=UTC)
    entry = make_entry(published_at=moment)
    entry.refresh_from_db()
    assert entry.published_at == moment and entry.published_at.tzinfo == UTC


@pytest.mark.django_db
def test_a_timestamp_python_cannot_hold_is_refused_as_before():
    with connection.cursor() as cursor, pytest.raises(DataError, match="too small"):
        cursor.execute("SELECT '0044-03-15 12:00:00+00 BC'::timestamptz")
        cursor.fetchone()


@pytest.mark.django_db
def test_pages_queries_are_never_jit_compiled():
    """JIT compiling cost seconds on queries that run in milliseconds (settings.py)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)

"""PreparedQuery: a queryset compiled once gives what the queryset itself gives, for any values."""

import datetime

import pytest
from django.db import connection

from newsarchive.models import Entry, PreparedQuery
from newsarchive.views.entries import ENTRY_AT
from tests.factories import at, make_category, make_entry, make_source, make_tag

pytestmark = pytest.mark.django_db

BY_DAY_AND_SLUG = PreparedQuery(
    lambda day, slug: Entry.objects.select_related("source").filter(published_on=day, slug=slug),
    day=datetime.date,
    slug=str,
)


def test_each_call_runs_with_its_own_values():
    ap = make_source("Associated Press")
    first = make_entry(slug="talks", published_at=at(2007, 3, 10), source=ap)
    second = make_entry(slug="debate", published_at=at(2007, 3, 11))

    assert BY_DAY_AND_SLUG(day=datetime.date(2007, 3, 10), slug="talks") == [first]
    assert BY_DAY_AND_SLUG(day=datetime.date(2007, 3, 11), slug="debate") == [second]
    assert BY_DAY_AND_SLUG(day=datetime.date(2007, 3, 11), slug="talks") == []
    found = BY_DAY_AND_SLUG(day=datetime.date(2007, 3, 10), slug="talks")[0]
    assert found.source.name == "Associated Press"  # select_related survives


def test_the_entry_lookup_matches_the_queryset_it_was_built_from():
    older = make_entry(title="Older", published_at=at(2007, 3, 9))
    entry = make_entry(title="Middle", slug="middle", published_at=at(2007, 3, 10))
    newer = make_entry(title="Newer", published_at=at(2007, 3, 11))
    now = at(2008, 1, 1)

    [prepared] = ENTRY_AT(now=now, day=entry.published_on, slug="middle", stored="middle")
    plain = Entry.objects.posts().with_neighbours(now).with_slug("middle").get()

    assert prepared == plain == entry
    assert prepared.previous_entry.title == plain.previous_entry.title == older.title
    assert prepared.next_entry.title == plain.next_entry.title == newer.title


def test_the_time_is_a_parameter_not_frozen_at_the_first_call():
    entry = make_entry(published_at=at(2007, 3, 10))
    make_entry(title="Scheduled", published_at=at(2007, 3, 12))
    day, slug = entry.published_on, entry.slug

    [before] = ENTRY_AT(now=at(2007, 3, 11), day=day, slug=slug, stored=slug)
    [after] = ENTRY_AT(now=at(2007, 3, 13), day=day, slug=slug, stored=slug)

    assert before.next_entry is None
    assert after.next_entry.title == "Scheduled"


def test_filing_follows_the_entry_asked_for():
    world = make_category("World")
    iran = make_tag("Iran")
    one = make_entry(categories=[world], tags=[iran])
    other = make_entry()

    def filing(entry):
        [found] = ENTRY_AT(now=at(2030, 1, 1), day=entry.published_on, slug=entry.slug,
                           stored=entry.slug)  # fmt: skip
        return sorted(row[1:4] for row in found.filing_rows())

    assert filing(one) == [("category", world.pk, "World"), ("tag", iran.pk, "Iran")]
    assert [row[2] for row in filing(other)] == ["Uncategorized"]
    assert sorted(filing(one)) == sorted(row[1:4] for row in Entry.filing_of([one.pk]))


def test_a_value_the_lookup_transforms_is_refused_with_its_name():
    contains = PreparedQuery(lambda word: Entry.objects.filter(title__icontains=word), word=str)

    with pytest.raises(ValueError, match="word"):
        contains(word="Iran")


def test_parameters_are_checked():
    with pytest.raises(TypeError, match="slug"):
        BY_DAY_AND_SLUG(day=datetime.date(2007, 3, 10))
    with pytest.raises(TypeError, match="float"):
        PreparedQuery(lambda share: Entry.objects.all(), share=float)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_postgresql_plans_the_entry_lookup_once_per_connection(client):
    entry = make_entry(title="Talks")
    for _ in range(7):
        assert client.get(entry.get_absolute_url()).status_code == 200

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert any('AS "previous_json"' in statement for statement in prepared)

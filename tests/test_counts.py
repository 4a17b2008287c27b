"""Month, category and tag counts stay right as entries are published, moved and deleted."""

import datetime

import pytest

from newsarchive.counts import rebuild_counts
from newsarchive.models import Category, Entry, MonthArchive, Tag
from tests.factories import at, make_category, make_entry, make_tag

pytestmark = pytest.mark.django_db

MARCH, APRIL = datetime.date(2007, 3, 1), datetime.date(2007, 4, 1)


def months():
    return {m.month: m.entry_count for m in MonthArchive.objects.all()}


def test_publishing_counts_the_entry_in_its_month():
    entry = make_entry(status=Entry.Status.DRAFT, published_at=at(2007, 3, 10))
    assert months() == {}
    entry.status = Entry.Status.PUBLISHED
    entry.save()
    assert months() == {MARCH: 1}


def test_unpublishing_removes_the_entry_from_its_month():
    entry = make_entry(published_at=at(2007, 3, 10))
    make_entry(published_at=at(2007, 3, 11))
    entry.status = Entry.Status.DRAFT
    entry.save()
    assert months() == {MARCH: 1}


def test_redating_moves_the_entry_between_months():
    entry = make_entry(published_at=at(2007, 3, 10))
    entry.published_at = at(2007, 4, 2)
    entry.save()
    assert months() == {APRIL: 1}


def test_deleting_removes_the_entry_from_its_month():
    entry = make_entry(published_at=at(2007, 3, 10))
    entry.delete()
    assert months() == {}


def test_bulk_delete_recounts_months_categories_and_tags():
    world = make_category("World")
    iran = make_tag("Iran")
    for day in (10, 11):
        make_entry(published_at=at(2007, 3, day), categories=[world], tags=[iran])
    Entry.objects.all().delete()
    world.refresh_from_db()
    iran.refresh_from_db()
    assert (months(), world.entry_count, iran.entry_count) == ({}, 0, 0)


def test_month_boundaries_are_in_the_blogs_time_zone():
    # 23:30 on March 31 in New York is already April in UTC.
    make_entry(published_at=at(2007, 3, 31, 23, 30))
    assert months() == {MARCH: 1}


def test_filing_into_categories_and_tags_counts_published_entries_only():
    world = make_category("World")
    iran = make_tag("Iran")
    make_entry(categories=[world], tags=[iran])
    make_entry(status=Entry.Status.DRAFT, categories=[world], tags=[iran])
    world.refresh_from_db()
    iran.refresh_from_db()
    assert (world.entry_count, iran.entry_count) == (1, 1)


def test_removing_an_entry_from_a_category_recounts_it():
    world = make_category("World")
    entry = make_entry(categories=[world])
    entry.categories.remove(world)
    entry.categories.clear()
    world.refresh_from_db()
    assert world.entry_count == 0


def test_category_side_filing_recounts_the_category():
    world = make_category("World")
    entry = make_entry()
    world.entries.add(entry)
    world.refresh_from_db()
    assert world.entry_count == 1


def test_rebuild_counts_matches_incremental_counts():
    world = make_category("World")
    iran = make_tag("Iran")
    for day in range(1, 6):
        make_entry(published_at=at(2007, 3, day), categories=[world], tags=[iran])
    make_entry(published_at=at(2007, 4, 1), status=Entry.Status.DRAFT)
    before = (
        months(),
        list(Category.objects.values_list("slug", "entry_count")),
        list(Tag.objects.values_list("slug", "entry_count")),
    )
    MonthArchive.objects.all().delete()
    Category.objects.update(entry_count=0)
    rebuild_counts()
    after = (
        months(),
        list(Category.objects.values_list("slug", "entry_count")),
        list(Tag.objects.values_list("slug", "entry_count")),
    )
    assert before == after
    assert months() == {MARCH: 5}


def test_sidebar_shows_month_counts_newest_first(client):
    make_entry(published_at=at(2007, 3, 10))
    make_entry(published_at=at(2007, 3, 11))
    make_entry(published_at=at(2007, 4, 1))
    html = client.get("/").content.decode()
    assert html.index('<a href="/2007/04/">April 2007</a> (1)') < html.index(
        '<a href="/2007/03/">March 2007</a> (2)'
    )


def test_sidebar_month_counts_change_when_an_entry_is_unpublished(client):
    entry = make_entry(published_at=at(2007, 3, 10))
    make_entry(published_at=at(2007, 3, 11))
    assert "March 2007</a> (2)" in client.get("/").content.decode()
    entry.status = Entry.Status.DRAFT
    entry.save()
    assert "March 2007</a> (1)" in client.get("/").content.decode()

"""Month, category and tag counts stay right as entries are published, moved and deleted."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from newsarchive import filing
from newsarchive.counts import rebuild_counts
from newsarchive.models import Category, Entry, MonthArchive, Provenance, Tag
from tests.factories import at, make_category, make_entry, make_source, make_tag

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


# --- Every write path keeps the counts a rebuild from scratch would make --------------------


def all_counts():
    return (
        sorted(MonthArchive.objects.values_list("month", "entry_count", "latest_at")),
        sorted(Category.objects.values_list("slug", "entry_count", "tree_count", "latest_at")),
        sorted(Tag.objects.values_list("slug", "entry_count")),
        sorted(Provenance.objects.values_list("kind", "slug", "entry_count")),
    )


@pytest.fixture
def archive():
    """Published, draft, scheduled and protected posts, filed in a small tree and tagged, from
    two sources, in two months."""
    world = make_category("World")
    middle_east = make_category("Middle East", parent=world)
    europe = make_category("Europe", parent=world)
    iran, talks = make_tag("Iran"), make_tag("Talks")
    ap, reuters = make_source("Associated Press"), make_source("Reuters")
    attribution = {"byline": "Ann Writer, Associated Press Writer", "dateline": "CAIRO"}
    entries = {
        "march": make_entry(published_at=at(2007, 3, 10), source=ap, categories=[middle_east],
                            tags=[iran, talks], **attribution),
        "april": make_entry(published_at=at(2007, 4, 2), source=reuters, categories=[europe],
                            tags=[talks], byline="Ben Writer", dateline="PARIS"),
        "draft": make_entry(status=Entry.Status.DRAFT, published_at=at(2007, 3, 12), source=ap,
                            categories=[world], tags=[iran], **attribution),
        "scheduled": make_entry(published_at=timezone.now() + datetime.timedelta(days=1),
                                source=reuters, categories=[middle_east], tags=[talks]),
        "protected": make_entry(published_at=at(2007, 3, 14), password="sesame", source=ap,
                                categories=[europe], byline="Cy Writer", dateline="ROME"),
    }  # fmt: skip
    return SimpleNamespace(world=world, middle_east=middle_east, europe=europe, iran=iran,
                           talks=talks, ap=ap, reuters=reuters, **entries)  # fmt: skip


def saved(entry, **changes):
    for name, value in changes.items():
        setattr(entry, name, value)
    entry.save()


def make_due(a):
    Entry.objects.filter(pk=a.scheduled.pk).update(published_at=timezone.now())
    filing.publish_due()


def entries(*names):
    return lambda a: Entry.objects.filter(pk__in=[getattr(a, name).pk for name in names])


WRITES = {
    # One entry at a time, through the ORM (signals.py).
    "publish by save": lambda a: saved(a.draft, status=Entry.Status.PUBLISHED),
    "unpublish by save": lambda a: saved(a.march, status=Entry.Status.DRAFT),
    "redate by save": lambda a: saved(a.march, published_at=at(2007, 5, 1)),
    "new attribution by save": lambda a: saved(a.march, source=a.reuters, byline="Di Writer"),
    "password set by save": lambda a: saved(a.april, password="secret"),
    "password removed by save": lambda a: saved(a.protected, password=""),
    "create": lambda a: make_entry(published_at=at(2007, 6, 1), categories=[a.europe],
                                   tags=[a.iran], source=a.ap, dateline="CAIRO"),
    "delete": lambda a: a.march.delete(),
    "bulk delete": lambda a: Entry.objects.filter(published_at__year=2007).delete(),
    "categories add": lambda a: a.april.categories.add(a.middle_east),
    "categories remove": lambda a: a.march.categories.remove(a.middle_east),
    "categories clear": lambda a: a.april.categories.clear(),
    "categories set": lambda a: a.march.categories.set([a.world]),
    "category side add": lambda a: a.europe.entries.add(a.march),
    "tags add": lambda a: a.april.tags.add(a.iran),
    "tags remove": lambda a: a.march.tags.remove(a.iran),
    "tags clear": lambda a: a.march.tags.clear(),
    # In bulk (filing.py).
    "file under": lambda a: filing.file_under(entries("march", "april")(a), [a.world]),
    "file under, replacing": lambda a: filing.file_under(
        entries("march", "draft")(a), [a.europe], replace=True
    ),
    "unfile": lambda a: filing.unfile_from(entries("march", "april")(a), [a.middle_east]),
    "add tags": lambda a: filing.add_tags(entries("april", "protected")(a), [a.iran]),
    "remove tags": lambda a: filing.remove_tags(entries("march", "april")(a), [a.talks]),
    "publish": lambda a: filing.change_status(Entry.objects.all(), Entry.Status.PUBLISHED),
    "unpublish": lambda a: filing.change_status(entries("march", "april")(a), "draft"),
    "trash": lambda a: filing.change_status(entries("march", "protected")(a), "trash"),
    "publish due": make_due,
    "merge categories": lambda a: filing.merge_category(a.middle_east, a.europe),
    "delete categories": lambda a: filing.delete_categories(
        Category.objects.filter(pk__in=[a.world.pk, a.europe.pk])
    ),
    "merge tags": lambda a: filing.merge_tag(a.iran, a.talks),
}  # fmt: skip


@pytest.mark.parametrize("write", WRITES)
def test_every_write_path_keeps_the_counts_a_rebuild_would_make(archive, write):
    WRITES[write](archive)
    kept = all_counts()
    rebuild_counts()
    assert kept == all_counts()

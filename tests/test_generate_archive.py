"""The synthetic archive: the same for a seed, plainly synthetic, and never beside a real entry."""

import collections
import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from newsarchive import synthetic
from newsarchive.models import (
    Category,
    Comment,
    Entry,
    MonthArchive,
    Source,
    Tag,
    TaggedEntry,
    blog_timezone,
)
from newsarchive.synthetic import SYNTHETIC_GUID_PREFIX, SYNTHETIC_NOTICE, generate_archive
from tests.factories import at, make_entry

pytestmark = pytest.mark.django_db


def synthetic_entries():
    return Entry.objects.filter(guid__startswith=SYNTHETIC_GUID_PREFIX)


def synthetic_comments():
    return Comment.objects.filter(entry__guid__startswith=SYNTHETIC_GUID_PREFIX)


@pytest.fixture
def few_days(monkeypatch):
    """Squeeze the archive into five days around the demo's real day, 2007-03-10.

    Many entries share each day, so slug clashes and misplaced entries would show; the
    range also spans the switch to daylight saving time on 2007-03-11.
    """
    monkeypatch.setattr(synthetic, "FIRST_DAY", datetime.date(2007, 3, 8))
    monkeypatch.setattr(synthetic, "LAST_DAY", datetime.date(2007, 3, 12))


COMMENT_FIELDS = (
    "entry__guid", "submitted_at", "author_name", "body", "status", "kind", "parent__submitted_at",
)  # fmt: skip


def snapshot():
    """Everything a run decides, by value rather than by id (ids differ between runs)."""
    entries = synthetic_entries().order_by("guid")
    return {
        "entries": list(
            entries.values_list("guid", "title", "slug", "published_at", "status", "is_sticky")
        ),
        "categories": sorted(
            Entry.categories.through.objects.filter(entry__in=entries).values_list(
                "entry__guid", "category__slug"
            )
        ),
        "tags": sorted(
            TaggedEntry.objects.filter(content_object__in=entries).values_list(
                "content_object__guid", "tag__slug"
            )
        ),
        "comments": list(
            synthetic_comments()
            .order_by("entry__guid", "submitted_at")
            .values_list(*COMMENT_FIELDS)
        ),
    }


def run_and_roll_back(entries, seed):
    with transaction.atomic():
        generate_archive(entries, seed=seed)
        result = snapshot()
        transaction.set_rollback(True)
    return result


def test_same_seed_on_the_same_database_gives_the_same_archive(monkeypatch):
    monkeypatch.setattr(synthetic, "BATCH_SIZE", 40)  # Several batches, as in a big run.
    first = run_and_roll_back(120, seed=3)
    assert not synthetic_entries().exists()
    second = run_and_roll_back(120, seed=3)
    assert len(first["entries"]) == 120
    assert first["comments"]
    assert second == first


def test_entries_are_written_oldest_first(monkeypatch):
    """As a blog writes them: ids follow the days, across batches, so the table holds the
    archive in about date order (what the benchmarks' search figures rest on)."""
    monkeypatch.setattr(synthetic, "BATCH_SIZE", 40)
    generate_archive(200, seed=5)
    days = list(synthetic_entries().order_by("pk").values_list("published_on", flat=True))
    assert len(days) == 200 and len(set(days)) > 100
    assert days == sorted(days)


def test_another_seed_gives_another_archive():
    assert run_and_roll_back(30, seed=3)["entries"] != run_and_roll_back(30, seed=4)["entries"]


def test_returned_counts_match_the_database():
    created = generate_archive(150, seed=1)
    assert created["entries"] == synthetic_entries().count() == 150
    assert created["comments"] == synthetic_comments().count() > 0
    assert created["categories"] == Category.objects.exclude(slug="uncategorized").count() == 20
    assert created["tags"] == Tag.objects.count() >= 150
    assert created["sources"] == Source.objects.count() == 5
    assert created["authors"] == get_user_model().objects.count() == 4


def test_running_again_reuses_filing_and_numbers_entries_after_earlier_runs(few_days):
    generate_archive(40, seed=1)
    again = generate_archive(40, seed=1)
    generate_archive(20, seed=2)
    assert again["entries"] == 40
    assert again["categories"] == again["tags"] == again["sources"] == again["authors"] == 0
    titles = synthetic_entries().values_list("title", flat=True)
    numbers = sorted(int(title.split(":")[0].removeprefix("Synthetic report ")) for title in titles)
    assert numbers == list(range(1, 101))
    guids = list(synthetic_entries().values_list("guid", flat=True))
    assert len(set(guids)) == 100
    assert f"{SYNTHETIC_GUID_PREFIX}2:100" in guids


def test_days_with_real_entries_get_no_synthetic_entries_and_keep_their_neighbours(few_days):
    before = make_entry(slug="before", published_at=at(2007, 3, 10, 17, 43))
    middle = make_entry(slug="middle", published_at=at(2007, 3, 10, 18, 12))
    after = make_entry(slug="after", published_at=at(2007, 3, 10, 23, 59))
    generate_archive(200, seed=2)
    days = set(synthetic_entries().values_list("published_on", flat=True))
    assert days == {datetime.date(2007, 3, d) for d in (8, 9, 11, 12)}
    public = Entry.objects.public().with_neighbours()
    page = public.get(pk=middle.pk)
    assert (page.previous_entry.slug, page.next_entry.slug) == ("before", "after")
    # The real day's outer entries do border synthetic ones: the test above means something.
    assert public.get(pk=before.pk).previous_entry.published_on == datetime.date(2007, 3, 9)
    assert public.get(pk=after.pk).next_entry.published_on == datetime.date(2007, 3, 11)


def test_publication_day_is_the_blogs_local_day(few_days):
    generate_archive(100, seed=3)
    for entry in synthetic_entries():
        assert entry.published_on == timezone.localtime(entry.published_at, blog_timezone()).date()
        assert entry.modified_at == entry.published_at


def test_entries_are_mostly_published_never_in_the_future_with_one_or_two_sticky():
    generate_archive(300, seed=7)
    statuses = collections.Counter(synthetic_entries().values_list("status", flat=True))
    assert statuses[Entry.Status.PUBLISHED] >= 260
    assert set(statuses) > {Entry.Status.PUBLISHED}
    assert Entry.Status.SCHEDULED not in statuses
    assert not synthetic_entries().filter(published_at__gt=timezone.now()).exists()
    first, last = synthetic.FIRST_DAY, synthetic.LAST_DAY
    assert not synthetic_entries().exclude(published_on__range=(first, last)).exists()
    sticky = synthetic_entries().filter(is_sticky=True)
    assert 1 <= sticky.count() <= 2
    assert set(sticky.values_list("status", flat=True)) == {Entry.Status.PUBLISHED}


def test_every_entry_is_filed_and_about_one_in_ten_only_under_uncategorized():
    generate_archive(300, seed=8)
    assert not synthetic_entries().filter(categories=None).exists()
    only_uncategorized = (
        synthetic_entries()
        .filter(categories__slug="uncategorized")
        .exclude(categories__in=Category.objects.exclude(slug="uncategorized"))
    )
    assert 10 <= only_uncategorized.count() <= 60
    assert TaggedEntry.objects.filter(content_object__in=synthetic_entries()).exists()
    assert Category.objects.get(slug="elections").path == "us/politics/elections"


def test_text_says_it_is_synthetic():
    generate_archive(100, seed=5)
    with_more = 0
    for entry in synthetic_entries():
        assert entry.title.startswith("Synthetic report ")
        assert entry.body.startswith(f"{entry.dateline} – ")
        assert entry.body.count(SYNTHETIC_NOTICE) == 1
        assert 4 <= len(entry.body.split("\n\n")) <= 8
        with_more += "<!--more-->" in entry.body
    assert 10 <= with_more <= 50
    for comment in synthetic_comments():
        assert "synthetic" in comment.body.lower()
        assert comment.ip_address.startswith("192.0.2.")
        assert comment.author_email == "" or comment.author_email.endswith(
            ("@example.com", "@example.org")
        )


def test_replies_follow_an_earlier_comment_of_the_same_entry():
    generate_archive(300, seed=4)
    replies = synthetic_comments().filter(parent__isnull=False)
    assert replies.filter(parent__parent__isnull=False).exists()  # Threads nest.
    assert not replies.exclude(parent__entry=F("entry")).exists()
    assert not replies.filter(parent__submitted_at__gte=F("submitted_at")).exists()
    assert not synthetic_comments().filter(submitted_at__lte=F("entry__published_at")).exists()
    kinds = set(synthetic_comments().values_list("kind", flat=True))
    statuses = set(synthetic_comments().values_list("status", flat=True))
    assert Comment.Kind.COMMENT in kinds and len(kinds) > 1
    assert Comment.Status.APPROVED in statuses and len(statuses) > 1


def test_comments_go_only_to_published_entries():
    generate_archive(300, seed=6)
    assert not synthetic_comments().exclude(entry__status=Entry.Status.PUBLISHED).exists()


def test_kept_counts_agree_with_the_entries_after_generation():
    make_entry(published_at=at(2007, 3, 10))
    generate_archive(200, seed=6)
    month_total = MonthArchive.objects.aggregate(n=Sum("entry_count"))["n"]
    assert month_total == Entry.objects.public().count() > 150
    published = Entry.Status.PUBLISHED
    for category in Category.objects.all():
        assert category.entry_count == category.entries.filter(status=published).count()
    for tag in Tag.objects.all():
        filed = TaggedEntry.objects.filter(tag=tag, content_object__status=published)
        assert tag.entry_count == filed.count()


def test_no_entries_asked_for_changes_nothing():
    assert generate_archive(0) == dict.fromkeys(
        ("entries", "comments", "categories", "tags", "sources", "authors"), 0
    )
    assert not Tag.objects.exists()


def test_command_reports_progress_and_what_it_created(monkeypatch):
    monkeypatch.setattr(synthetic, "BATCH_SIZE", 20)
    out = io.StringIO()
    call_command("generate_archive", "--entries", "50", "--seed", "2", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("20/50 entries, ")
    assert lines[-1].startswith("Created 50 entries, ")
    assert synthetic_entries().count() == 50

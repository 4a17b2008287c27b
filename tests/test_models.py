import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from newsarchive.filing import publish_due
from newsarchive.models import Category, Comment, Entry, OldPermalink, thread
from tests.factories import at, make_category, make_comment, make_entry

pytestmark = pytest.mark.django_db


def test_slug_is_unique_per_publication_day():
    make_entry(slug="talks", published_at=at(2007, 3, 10, 9))
    with pytest.raises(IntegrityError), transaction.atomic():
        make_entry(slug="talks", published_at=at(2007, 3, 10, 21))


def test_same_slug_on_another_day_is_allowed():
    make_entry(slug="talks", published_at=at(2007, 3, 10, 9))
    other = make_entry(slug="talks", published_at=at(2007, 3, 11, 9))
    assert other.get_absolute_url() == "/2007/03/11/talks/"


def test_publication_day_is_the_blogs_local_day():
    # 01:30 UTC on March 11 is still the evening of March 10 in New York.
    utc_time = datetime.datetime(2007, 3, 11, 1, 30, tzinfo=datetime.UTC)
    entry = make_entry(slug="late", published_at=utc_time)
    assert entry.published_on == datetime.date(2007, 3, 10)
    assert entry.get_absolute_url() == "/2007/03/10/late/"


def test_publishing_with_a_future_date_schedules_the_entry():
    entry = make_entry(published_at=timezone.now() + datetime.timedelta(days=1))
    assert entry.status == Entry.Status.SCHEDULED
    assert not entry.is_public


def test_a_schedule_that_is_due_publishes_the_entry():
    entry = make_entry(status=Entry.Status.SCHEDULED, published_at=at(2007, 3, 10))
    assert entry.status == Entry.Status.PUBLISHED


def test_publish_due_publishes_scheduled_entries_whose_time_has_come():
    entry = make_entry(published_at=timezone.now() + datetime.timedelta(hours=1))
    Entry.objects.filter(pk=entry.pk).update(published_at=timezone.now())
    assert publish_due() == 1
    entry.refresh_from_db()
    assert entry.status == Entry.Status.PUBLISHED


def test_renaming_an_entry_keeps_its_old_permalink():
    entry = make_entry(slug="old-name", published_at=at(2007, 3, 10))
    entry.slug = "new-name"
    entry.save()
    old = OldPermalink.objects.get()
    assert (old.published_on, old.slug, old.entry) == (
        datetime.date(2007, 3, 10),
        "old-name",
        entry,
    )


def test_redating_an_entry_keeps_its_old_permalink():
    entry = make_entry(slug="moved", published_at=at(2007, 3, 10))
    entry.published_at = at(2007, 4, 2)
    entry.save()
    assert OldPermalink.objects.get().published_on == datetime.date(2007, 3, 10)


def test_saving_without_moving_records_no_old_permalink():
    entry = make_entry()
    entry.title = "Edited title"
    entry.save()
    assert not OldPermalink.objects.exists()


def test_uncategorized_exists_after_migrate():
    assert Category.objects.get(slug="uncategorized").name == "Uncategorized"


def test_an_entry_filed_nowhere_falls_back_to_uncategorized():
    entry = make_entry()
    assert [c.slug for c in entry.categories.all()] == ["uncategorized"]


def test_category_path_follows_its_parents():
    world = make_category("World")
    middle_east = make_category("Middle East", parent=world)
    assert middle_east.path == "world/middle-east"
    assert middle_east.get_absolute_url() == "/category/world/middle-east/"
    world.slug = "international"
    world.save()
    middle_east.refresh_from_db()
    assert middle_east.path == "international/middle-east"


def test_threaded_comments_follow_their_parents_and_stop_nesting_at_five():
    entry = make_entry()
    parent = make_comment(entry)
    other = make_comment(entry)
    chain = [parent]
    for _ in range(6):
        chain.append(make_comment(entry, parent=chain[-1]))
    ordered = thread(list(entry.comments.approved().in_reading_order()))
    assert ordered[: len(chain)] == chain
    assert ordered[-1] == other
    assert [c.depth for c in ordered] == [1, 2, 3, 4, 5, 5, 5, 1]


def test_a_reply_to_an_unapproved_comment_is_shown_at_the_top_level():
    entry = make_entry()
    pending = make_comment(entry, status=Comment.Status.PENDING)
    reply = make_comment(entry, parent=pending)
    shown = thread(list(entry.comments.approved().in_reading_order()))
    assert [(c, c.depth) for c in shown] == [(reply, 1)]


def test_comment_anchor_keeps_the_wordpress_id():
    entry = make_entry()
    assert make_comment(entry, wp_id=4242).anchor == "comment-4242"
    native = make_comment(entry)
    assert native.anchor == f"comment-{native.pk}"

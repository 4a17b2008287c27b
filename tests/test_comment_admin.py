"""The moderation queue in the Django admin."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsarchive.models import Comment
from tests.factories import at, make_comment, make_entry

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/newsarchive/comment/"


@pytest.fixture
def entry():
    return make_entry(title="Talks", slug="talks")


@pytest.fixture
def moderator(client, admin_user):
    client.force_login(admin_user)
    return client


def act(client, action, comments):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [c.pk for c in comments]},
        follow=True,
    )


def statuses():
    return dict(Comment.objects.values_list("body", "status"))


def test_the_queue_lists_pending_comments_first(moderator, entry):
    make_comment(entry, body="Old pending", status="pending", submitted_at=at(2007, 3, 11))
    make_comment(entry, body="Newest approved", submitted_at=at(2007, 3, 20))
    make_comment(entry, body="New pending", status="pending", submitted_at=at(2007, 3, 12))
    html = moderator.get(CHANGELIST).content.decode()
    assert html.index("New pending") < html.index("Old pending") < html.index("Newest approved")


def test_the_queue_shows_entry_author_excerpt_ip_and_time(moderator, entry):
    make_comment(entry, author_name="Jane", body="x" * 300, ip_address="192.0.2.7")
    html = moderator.get(CHANGELIST).content.decode()
    assert "Jane" in html and "192.0.2.7" in html and "Talks" in html
    assert "x" * 97 + "…" in html and "x" * 120 not in html


def test_the_queue_filters_by_status_and_entry_and_searches(moderator, entry):
    other = make_entry(title="Other")
    make_comment(entry, body="Pending here", status="pending")
    make_comment(other, body="Pending there", status="pending")
    make_comment(entry, body="Approved here")
    pending = moderator.get(f"{CHANGELIST}?status__exact=pending").content.decode()
    assert "Pending here" in pending and "Approved here" not in pending
    here = moderator.get(f"{CHANGELIST}?entry__id__exact={entry.pk}").content.decode()
    assert "Pending there" not in here and "Pending here" in here
    found = moderator.get(f"{CHANGELIST}?q=there").content.decode()
    assert "Pending there" in found and "Pending here" not in found


@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        ("approve", "pending", "approved"),
        ("unapprove", "approved", "pending"),
        ("mark_spam", "pending", "spam"),
        ("mark_not_spam", "spam", "pending"),
        ("move_to_trash", "approved", "trash"),
        ("restore", "trash", "pending"),
    ],
)
def test_bulk_actions_move_comments_and_say_how_many(moderator, entry, action, before, after):
    comments = [make_comment(entry, body=f"c{n}", status=before) for n in range(3)]
    untouched = make_comment(entry, body="untouched", status=before)
    response = act(moderator, action, comments)
    assert "3 comments" in response.content.decode()
    assert statuses() == {"c0": after, "c1": after, "c2": after, "untouched": before}
    assert untouched.pk


def test_approving_shows_the_comment_and_its_count_at_once(moderator, client, entry):
    comment = make_comment(entry, body="Now visible.", status="pending")
    assert "Now visible." not in client.get(entry.get_absolute_url()).content.decode()
    assert "Leave a comment" in client.get("/").content.decode()
    act(moderator, "approve", [comment])
    client.logout()
    assert "Now visible." in client.get(entry.get_absolute_url()).content.decode()
    assert ">1 Comment<" in client.get("/").content.decode()
    assert "Now visible." in client.get("/comments/feed/").content.decode()


def test_removing_a_comment_hides_it_at_once(moderator, client, entry):
    comment = make_comment(entry, body="Soon gone.")
    assert "Soon gone." in client.get(entry.get_comments_feed_url()).content.decode()
    act(moderator, "mark_spam", [comment])
    assert "Soon gone." not in client.get(entry.get_comments_feed_url()).content.decode()
    assert "Soon gone." not in client.get(entry.get_absolute_url()).content.decode()


def test_approving_in_the_admin_notifies_subscribers(moderator, entry):
    make_comment(entry, author_email="subscriber@example.org", notify=True)
    comment = make_comment(entry, status="pending", author_email="new@example.org")
    act(moderator, "approve", [comment])
    assert [m.to for m in mail.outbox] == [["subscriber@example.org"]]


def test_the_email_links_ask_before_approving(moderator, entry):
    comment = make_comment(entry, status="pending", body="Approve me by link.")
    url = f"/admin/newsarchive/comment/{comment.pk}/moderate/approve/"
    page = moderator.get(url)
    assert page.status_code == 200 and "Approve me by link." in page.content.decode()
    assert Comment.objects.get().status == "pending"
    moderator.post(url)
    assert Comment.objects.get().status == "approved"


def test_the_email_spam_link_marks_spam(moderator, entry):
    comment = make_comment(entry, status="pending")
    moderator.post(f"/admin/newsarchive/comment/{comment.pk}/moderate/spam/")
    assert Comment.objects.get().status == "spam"


def test_the_email_links_need_a_login(client, entry):
    comment = make_comment(entry, status="pending")
    response = client.post(f"/admin/newsarchive/comment/{comment.pk}/moderate/approve/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert Comment.objects.get().status == "pending"


def test_the_admin_index_shows_how_many_comments_await_moderation(moderator, entry):
    make_comment(entry, status="pending")
    make_comment(entry, status="pending")
    assert "2 comments awaiting moderation" in moderator.get("/admin/").content.decode()


def test_the_entry_change_page_shows_its_comments_awaiting_moderation(moderator, entry):
    make_comment(entry, status="pending")
    make_comment(entry)
    html = moderator.get(f"/admin/newsarchive/entry/{entry.pk}/change/").content.decode()
    assert "1 approved" in html and "1 awaiting moderation" in html


def test_discussion_settings_are_edited_in_the_admin(moderator):
    response = moderator.get("/admin/newsarchive/discussionsettings/", follow=True)
    html = response.content.decode()
    assert "a moderator must approve each comment" in html.lower()
    assert "Moderation list" in html


@pytest.mark.parametrize("size", [1, 50])
def test_the_queue_costs_the_same_at_any_size(moderator, size):
    for n in range(size):
        make_comment(make_entry(), status="pending" if n % 2 else "approved")
    with CaptureQueriesContext(connection) as queries:
        assert moderator.get(CHANGELIST).status_code == 200
    assert len(queries) == 7

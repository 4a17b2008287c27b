"""Every link to a comment lands on the page of comments that shows it, whatever the order and
the page size, as WordPress's get_comment_link() does: the redirect after posting, feeds, the
admin's "View on site", emails and old `#comment-N` links."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive.models import Comment, DiscussionSettings
from tests.factories import comment_data, make_comment, make_entry

pytestmark = pytest.mark.django_db

STATUSES = ["approved", "approved", "approved", "pending", "spam"]


@st.composite
def discussions(draw):
    return {
        "comments_per_page": draw(st.integers(0, 4)),
        "order": draw(st.sampled_from(["oldest", "newest"])),
        "thread_depth": draw(st.integers(1, 5)),
        # each comment: (reply to which earlier one, or None; its status)
        "comments": draw(
            st.lists(
                st.tuples(st.one_of(st.none(), st.integers(0, 30)), st.sampled_from(STATUSES)),
                min_size=1,
                max_size=14,
            )
        ),
    }


def lands_on_its_page(client, url, anchor):
    path, _, fragment = url.partition("#")
    assert fragment == anchor
    response = client.get(path)
    assert response.status_code == 200, (url, response.status_code)
    return f'id="{anchor}"' in response.content.decode()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=discussions())
def test_a_link_to_any_comment_shows_it(case):
    with transaction.atomic():
        DiscussionSettings.objects.update_or_create(
            pk=1,
            defaults={key: case[key] for key in ("comments_per_page", "order", "thread_depth")},
        )
        entry = make_entry(title="Talks", slug="talks")
        made = []
        for number, (reply_to, status) in enumerate(case["comments"]):
            parent = made[reply_to] if reply_to is not None and reply_to < len(made) else None
            made.append(
                make_comment(
                    entry,
                    parent=parent,
                    status=status,
                    submitted_at=entry.published_at + datetime.timedelta(minutes=number + 1),
                )
            )
        client = Client()
        for comment in made:
            if comment.status == "approved":
                assert lands_on_its_page(client, comment.get_absolute_url(), comment.anchor)
        transaction.set_rollback(True)


def test_after_posting_the_commenter_lands_on_the_page_showing_their_comment(client):
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"comments_per_page": 2})
    entry = make_entry(title="Talks", slug="talks")
    for _ in range(5):
        make_comment(entry)
    response = client.post(entry.get_comment_post_url(), comment_data(entry, body="Mine."))
    mine = Comment.objects.get(body="Mine.")
    assert response["Location"] == f"/2007/03/10/talks/?cpage=3#{mine.anchor}"
    assert "Mine." in client.get(response["Location"]).content.decode()


def test_old_wordpress_comment_page_links_keep_the_comment_they_point_at(client):
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"comments_per_page": 2})
    entry = make_entry(title="Talks", slug="talks")
    comments = [make_comment(entry, wp_id=100 + n) for n in range(5)]
    # WordPress paged fifty to a page: its page 1 held them all. The fragment is kept by the
    # browser across the redirect, and `?comment=` finds the page now showing it.
    address = entry.get_absolute_url()
    response = client.get(f"{address}comment-page-1/")
    assert response.status_code == 301 and "#" not in response["Location"]
    found = client.get(f"{address}?comment={comments[4].wp_id}")
    assert found.status_code == 302, found
    assert found["Location"] == f"{address}?cpage=3#comment-104", [
        (c.wp_id, c.status, c.submitted_at) for c in entry.comments.all()
    ]
    assert lands_on_its_page(client, found["Location"], "comment-104")


def test_links_to_comments_in_feeds_mails_and_the_admin_land_on_their_page(client, admin_client):
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"comments_per_page": 1})
    entry = make_entry(title="Talks", slug="talks")
    first, second = make_comment(entry), make_comment(entry)
    expected = f"/2007/03/10/talks/?cpage=2#{second.anchor}"
    for feed in ("/comments/feed/", entry.get_comments_feed_url()):
        assert (
            f"http://testserver{expected}".replace("&", "&amp;")
            in client.get(feed).content.decode()
        )
    comment_type = ContentType.objects.get_for_model(Comment).pk
    view_on_site = admin_client.get(f"/admin/r/{comment_type}/{second.pk}/")
    assert view_on_site["Location"].endswith(expected)
    assert "cpage" not in first.get_absolute_url()

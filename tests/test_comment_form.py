"""Readers leave comments through the Leave a Reply form; nothing they type is ever lost."""

import datetime
import re

import lxml.html
import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from newsarchive.models import Comment, DiscussionSettings
from tests.browser_forms import form_data
from tests.factories import comment_data, form_token, make_comment, make_entry, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    return make_entry(title="Talks", slug="talks")


def post(client, entry, **overrides):
    return client.post(entry.get_comment_post_url(), comment_data(entry, **overrides))


def discussion(**changes):
    settings = DiscussionSettings.objects.get()
    for name, value in changes.items():
        setattr(settings, name, value)
    settings.save()
    return settings


def test_open_entries_show_the_form_with_its_fields(client, entry):
    html = client.get(entry.get_absolute_url()).content.decode()
    for label in [
        "Name",
        "Email",
        "Website",
        "Comment",
        "Notify me of follow-up comments by email",
    ]:
        assert f">{label}" in html
    assert f'action="{entry.get_comment_post_url()}#respond"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_closed_entries_say_so_and_refuse_comments(client):
    entry = make_entry(comments_open=False)
    html = client.get(entry.get_absolute_url()).content.decode()
    assert "Comments are closed for this entry." in html and "commentform" not in html
    response = post(client, entry)
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_comments_close_on_entries_older_than_the_setting(client):
    discussion(close_after_days=30)
    old = make_entry(published_at=timezone.now() - datetime.timedelta(days=31))
    recent = make_entry(published_at=timezone.now() - datetime.timedelta(days=29))
    assert post(client, old).status_code == 403
    assert post(client, recent).status_code == 302


def test_posting_redirects_to_the_comment_anchor(client, entry):
    response = post(client, entry)
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/2007/03/10/talks/#comment-{comment.pk}"
    assert (comment.author_name, comment.author_email, comment.body) == (
        "Jane Reader",
        "jane@example.org",
        "A thoughtful comment.",
    )
    assert comment.ip_address == "127.0.0.1"


def test_a_pending_comment_shows_only_in_its_authors_browser(client, entry):
    post(client, entry, body="My pending words.")
    mine = client.get(entry.get_absolute_url()).content.decode()
    assert "My pending words." in mine
    assert "Your comment is awaiting moderation." in mine
    theirs = Client().get(entry.get_absolute_url()).content.decode()
    assert "My pending words." not in theirs
    assert "awaiting moderation" not in theirs


def test_a_pending_comment_is_not_counted_as_a_comment(client, entry):
    post(client, entry)
    html = client.get(entry.get_absolute_url()).content.decode()
    assert "Leave a comment" in client.get("/").content.decode()
    assert ">Your comment on “Talks”</h2>" in html
    assert "0 Comments" not in html


def test_the_heading_counts_approved_comments_and_mentions_the_readers_own(client, entry):
    make_comment(entry, body="Approved one.")
    post(client, entry, body="Mine, pending.")
    html = client.get(entry.get_absolute_url()).content.decode()
    assert ">1 Comment on “Talks”, and yours awaiting moderation</h2>" in html
    others = Client().get(entry.get_absolute_url()).content.decode()
    assert ">1 Comment on “Talks”</h2>" in others


def test_errors_rerender_the_form_with_everything_typed_and_a_message_per_field(client, entry):
    response = post(
        client,
        entry,
        author_name="",
        author_email="not-an-email",
        author_url="javascript:alert(1)",
        body="Words I do not want to lose.",
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Please give your name." in html
    assert "Please give a valid email address." in html
    assert "Please give a web address starting with http:// or https://." in html
    assert "Words I do not want to lose.</textarea>" in html
    assert 'value="not-an-email"' in html
    assert 'href="javascript' not in html
    assert not Comment.objects.exists()


def test_an_empty_comment_is_refused_with_a_message(client, entry):
    response = post(client, entry, body="  ")
    assert response.status_code == 400
    assert "Please type your comment." in response.content.decode()


def test_name_and_email_are_required_by_default(client, entry):
    response = post(client, entry, author_name="", author_email="")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Please give your name." in html
    assert "Please give your email address (it is never published)." in html


def test_name_and_email_can_be_made_optional(client, entry):
    discussion(require_name_email=False)
    assert post(client, entry, author_name="", author_email="").status_code == 302


def test_overlong_comments_are_refused_and_kept(client, entry):
    body = "x" * 65526
    response = post(client, entry, body=body)
    assert response.status_code == 400
    assert "at most 65525 characters" in response.content.decode()
    assert body in response.content.decode()


def test_nul_characters_are_refused_with_a_message(client, entry):
    response = post(client, entry, body="before\x00after")
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()


def test_overlong_names_are_refused(client, entry):
    response = post(client, entry, author_name="n" * 201)
    assert response.status_code == 400


def test_a_database_failure_gives_a_503_page_that_keeps_the_text(client, entry, monkeypatch):
    def fail(*args, **kwargs):
        raise OperationalError("database is down")

    monkeypatch.setattr(Comment, "save", fail)
    response = post(client, entry, body="Please do not lose me.")
    html = response.content.decode()
    assert response.status_code == 503
    assert "Please do not lose me.</textarea>" in html
    assert "database is down" not in html


def test_reply_links_set_the_parent_without_javascript(client, entry):
    parent = make_comment(entry, author_name="First Reader")
    html = client.get(f"{entry.get_absolute_url()}?replyto={parent.pk}").content.decode()
    assert f'href="?replyto={parent.pk}#respond"' in html
    assert 'Replying to <span class="replying-to-name">First Reader</span>' in html
    assert dict(form_data(html, "//form[@id='commentform']"))["parent"] == str(parent.pk)
    assert 'class="cancel-reply"' in html


def test_a_reply_is_threaded_under_its_parent(client, entry):
    discussion(require_approval=False)
    parent = make_comment(entry)
    post(client, entry, parent=parent.pk, body="A reply.")
    reply = Comment.objects.get(body="A reply.")
    assert reply.parent == parent
    html = client.get(entry.get_absolute_url()).content.decode()
    assert f'id="comment-{reply.pk}" class="comment depth-2"' in html


def test_replies_deeper_than_five_levels_attach_at_the_deepest_level(client, entry):
    discussion(require_approval=False)
    chain = [make_comment(entry)]
    for _ in range(4):
        chain.append(make_comment(entry, parent=chain[-1]))
    post(client, entry, parent=chain[-1].pk, body="Too deep.")
    assert Comment.objects.get(body="Too deep.").parent == chain[3]


def test_replying_to_an_unapproved_comment_is_refused(client, entry):
    hidden = make_comment(entry, status=Comment.Status.PENDING)
    response = post(client, entry, parent=hidden.pk)
    assert response.status_code == 400
    assert "not available" in response.content.decode()


def test_logged_in_users_comment_under_their_account(client, entry):
    user = make_user("ann", first_name="Ann", last_name="Editor", email="ann@example.org")
    client.force_login(user)
    html = client.get(entry.get_absolute_url()).content.decode()
    assert "Logged in as Ann Editor." in html and "Log out?" in html
    assert 'name="author_email"' not in html
    response = client.post(
        entry.get_comment_post_url(), {"body": "Hello", "issued": form_token(entry)}
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.user, comment.author_name, comment.author_email) == (
        user,
        "Ann Editor",
        "ann@example.org",
    )


def test_remember_me_fills_the_form_next_time(client, entry):
    post(client, entry, remember="on", author_url="https://jane.example.org/")
    html = client.get(entry.get_absolute_url()).content.decode()
    assert 'value="Jane Reader"' in html and 'value="https://jane.example.org/"' in html
    post(client, entry, body="Second thought, not remembered.")
    assert 'value="Jane Reader"' not in client.get(entry.get_absolute_url()).content.decode()


def test_comments_paginate_by_top_level_threads_in_the_chosen_order(client, entry):
    discussion(comments_per_page=2, order=DiscussionSettings.Order.NEWEST_FIRST)
    first, _second, _third = (make_comment(entry, body=f"Top {n}") for n in (1, 2, 3))
    make_comment(entry, parent=first, body="Reply to top 1")
    page_one = client.get(entry.get_absolute_url()).content.decode()
    page_two = client.get(f"{entry.get_absolute_url()}?cpage=2").content.decode()
    assert page_one.index("Top 3") < page_one.index("Top 2") and "Top 1" not in page_one
    assert "Top 1" in page_two and "Reply to top 1" in page_two
    assert "Page 1 of 2" in page_one
    assert "4 Comments" in page_one


def test_the_comment_count_link_on_lists_counts_approved_comments_only(client, entry):
    make_comment(entry)
    make_comment(entry)
    make_comment(entry, status=Comment.Status.PENDING)
    make_comment(entry, status=Comment.Status.SPAM)
    html = client.get("/").content.decode()
    assert re.search(r">2 Comments<span", html)


@pytest.mark.parametrize(
    "entry_fields, offered",
    [({}, True), ({"pings_open": False}, False), ({"comments_open": False}, False)],
)
def test_trackback_is_offered_only_where_pings_are_taken(client, entry_fields, offered):
    entry = make_entry(**entry_fields)
    html = client.get(entry.get_absolute_url()).content.decode()
    assert ("Trackback this post" in html) is offered
    assert "Subscribe to the comments via RSS Feed" in html


def test_screen_readers_hear_the_required_fields_note_once(client, entry):
    html = client.get(entry.get_absolute_url()).content.decode()
    note = re.search(r'<p class="comment-notes">(.*?)</p>', html).group(1)
    spoken = re.sub(r'<span[^>]*aria-hidden="true"[^>]*>.*?</span>', "", note)
    spoken = re.sub(r"<[^>]+>", "", spoken)
    assert spoken == "Your email address will never be published. Required fields are marked *"


def accessible_controls(html):
    """{name: attributes} of the comment form's controls, after checking that each one people
    see has a label, and that every aria-describedby names an element of the page."""
    document = lxml.html.document_fromstring(html)
    ids = set(document.xpath("//@id"))
    labelled = set(document.xpath("//label/@for"))
    controls = {}
    for element in document.xpath("//form[@id='commentform']//*[self::input or self::textarea]"):
        attributes = dict(element.attrib)
        if attributes.get("type") != "hidden":
            assert attributes["id"] in labelled, attributes
        for described_by in attributes.get("aria-describedby", "").split():
            assert described_by in ids, attributes
        controls[attributes["name"]] = attributes
    return controls


def test_the_form_tells_browsers_what_each_field_is(client, entry):
    controls = accessible_controls(client.get(entry.get_absolute_url()).content.decode())
    tokens = {name: controls[name].get("autocomplete") for name in controls}
    assert tokens["author_name"] == "name"
    assert tokens["author_email"] == "email" and controls["author_email"]["type"] == "email"
    assert tokens["author_url"] == "url" and controls["author_url"]["type"] == "url"
    assert tokens["homepage"] == "off" and controls["homepage"]["tabindex"] == "-1"
    assert "required" in controls["author_name"] and "required" in controls["body"]
    assert controls["body"]["maxlength"] == "65525"
    assert not any("aria-invalid" in attributes for attributes in controls.values())


def test_each_refused_field_is_marked_and_described_by_its_message(client, entry):
    response = post(client, entry, author_name="", author_email="not-an-email", body="Kept.")
    controls = accessible_controls(response.content.decode())
    refused = {name for name, attributes in controls.items() if "aria-invalid" in attributes}
    assert refused == {"author_name", "author_email"}
    for name in refused:
        assert controls[name]["aria-describedby"]

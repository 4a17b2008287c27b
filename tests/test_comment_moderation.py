"""WordPress's Discussion rules, the defences against bots, and the emails they send."""

import pytest
from django.core import mail
from django.test import Client

from newsarchive.comments.notifications import unsubscribe_token
from newsarchive.models import Comment, DiscussionSettings
from tests.factories import comment_data, make_comment, make_entry, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    return make_entry(title="Talks", slug="talks")


def post(client, entry, **overrides):
    return client.post(entry.get_comment_post_url(), comment_data(entry, **overrides))


def status_of_posted(client, entry, **overrides):
    response = post(client, entry, **overrides)
    assert response.status_code == 302, response.content.decode()[:500]
    return Comment.objects.latest("pk").status


def discussion(**changes):
    DiscussionSettings.objects.update(**changes)
    DiscussionSettings.objects.get().save()  # bumps the cached copy


# --- Moderation rules ---------------------------------------------------------------------


def test_by_default_a_new_commenter_waits_for_a_moderator(client, entry):
    assert status_of_posted(client, entry) == Comment.Status.PENDING


def test_an_author_with_an_approved_comment_is_approved_automatically(client, entry):
    make_comment(entry, author_name="Jane Reader", author_email="JANE@example.org")
    assert status_of_posted(client, entry) == Comment.Status.APPROVED


def test_the_same_name_with_another_email_is_not_trusted(client, entry):
    make_comment(entry, author_name="Jane Reader", author_email="someone-else@example.org")
    assert status_of_posted(client, entry) == Comment.Status.PENDING


def test_trusting_known_authors_can_be_switched_off(client, entry):
    discussion(approve_known_authors=False)
    make_comment(entry, author_name="Jane Reader", author_email="jane@example.org")
    assert status_of_posted(client, entry) == Comment.Status.PENDING


def test_without_required_approval_comments_appear_at_once(client, entry):
    discussion(require_approval=False)
    assert status_of_posted(client, entry) == Comment.Status.APPROVED


def test_more_than_two_links_holds_even_a_trusted_author(client, entry):
    make_comment(entry, author_name="Jane Reader", author_email="jane@example.org")
    links = "https://a.example/ http://b.example/ www.c.example"
    assert status_of_posted(client, entry, body=f"See {links}") == Comment.Status.PENDING


def test_two_links_are_allowed(client, entry):
    discussion(require_approval=False)
    assert (
        status_of_posted(client, entry, body="https://a.example/ and https://b.example/")
        == "approved"
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {"body": "Buy CHEAP watches"},
        {"author_email": "bulk@watches.example"},
        {"author_name": "cheap"},
    ],
)
def test_the_moderation_list_holds_a_comment(client, entry, overrides):
    discussion(require_approval=False, moderation_keys="cheap\nwatches.example")
    assert status_of_posted(client, entry, **overrides) == Comment.Status.PENDING


def test_the_moderation_list_matches_ip_addresses(client, entry):
    discussion(require_approval=False, moderation_keys="127.0.0.1")
    assert status_of_posted(client, entry) == Comment.Status.PENDING


def test_the_disallowed_list_marks_spam_which_is_kept_and_never_shown(client, entry):
    discussion(require_approval=False, disallowed_keys="casino")
    response = post(client, entry, body="Visit my casino")
    assert response["Location"].endswith("#respond")
    spam = Comment.objects.get()
    assert spam.status == Comment.Status.SPAM
    assert "casino" not in client.get(entry.get_absolute_url()).content.decode()


def test_staff_comments_are_approved(client, entry, admin_user):
    client.force_login(admin_user)
    assert status_of_posted(client, entry) == Comment.Status.APPROVED


# --- Defences ------------------------------------------------------------------------------


def test_posting_without_the_csrf_token_is_refused(entry):
    client = Client(enforce_csrf_checks=True)
    response = client.post(entry.get_comment_post_url(), comment_data(entry))
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_filling_the_honeypot_marks_the_comment_as_spam(client, entry):
    assert status_of_posted(client, entry, homepage="http://bot.example/") == Comment.Status.SPAM


def test_a_form_posted_within_two_seconds_is_treated_as_a_bot(client, entry):
    from tests.factories import form_token

    fast = form_token(entry, seconds_ago=1)
    assert status_of_posted(client, entry, issued=fast) == Comment.Status.SPAM


def test_a_person_taking_three_seconds_is_never_treated_as_a_bot(client, entry):
    from tests.factories import form_token

    discussion(require_approval=False)
    assert status_of_posted(client, entry, issued=form_token(entry, seconds_ago=3)) == "approved"


def test_a_forged_or_borrowed_form_token_is_treated_as_a_bot(client, entry):
    other = make_entry()
    from tests.factories import form_token

    assert status_of_posted(client, entry, issued="1:forged:token") == Comment.Status.SPAM
    assert status_of_posted(client, entry, issued=form_token(other), body="x") == "spam"


def test_the_sixth_comment_in_a_minute_from_one_address_gets_429_and_keeps_its_text(client, entry):
    for n in range(5):
        assert post(client, entry, body=f"Comment {n}").status_code == 302
    response = post(client, entry, body="The sixth, kept.")
    html = response.content.decode()
    assert response.status_code == 429
    assert "You are posting comments too quickly" in html
    assert "The sixth, kept.</textarea>" in html
    assert Comment.objects.count() == 5


def test_the_rate_limit_is_configurable(client, entry):
    discussion(comments_per_minute=1)
    assert post(client, entry, body="one").status_code == 302
    assert post(client, entry, body="two").status_code == 429


def test_other_addresses_are_not_limited(client, entry):
    for n in range(5):
        post(client, entry, body=f"Comment {n}")
    response = client.post(
        entry.get_comment_post_url(),
        comment_data(entry, body="From elsewhere"),
        REMOTE_ADDR="192.0.2.9",
    )
    assert response.status_code == 302


def test_behind_a_proxy_each_commenter_is_limited_by_their_own_address(client, entry, settings):
    """Every request reaches the app from the load balancer's address; the commenter's own is
    the one the load balancer appended to X-Forwarded-For."""
    settings.TRUSTED_PROXIES = 1

    def post_via_proxy(body, forwarded_for):
        return client.post(
            entry.get_comment_post_url(),
            comment_data(entry, body=body),
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )

    for n in range(5):
        assert post_via_proxy(f"Comment {n}", "198.51.100.1").status_code == 302
    assert post_via_proxy("One too many", "198.51.100.1").status_code == 429
    # A different reader behind the same proxy, and one who forges an address of their own:
    assert post_via_proxy("Someone else", "203.0.113.5").status_code == 302
    assert post_via_proxy("Forged", "203.0.113.99, 198.51.100.1").status_code == 429
    assert Comment.objects.filter(ip_address="198.51.100.1").count() == 5


def test_a_duplicate_comment_is_refused_with_wordpresss_message(client, entry):
    post(client, entry, body="Said once.")
    response = post(client, entry, body="Said once.")
    html = response.content.decode()
    assert response.status_code == 409
    assert "Duplicate comment detected; it looks as though you’ve already said that!" in html
    assert "Said once.</textarea>" in html
    assert Comment.objects.count() == 1


# --- Emails --------------------------------------------------------------------------------


def test_managers_get_each_pending_comment_with_links_to_approve_or_spam(client, entry, settings):
    settings.MANAGERS = [("Moderator", "moderator@example.org")]
    post(client, entry, body="Please approve me.")
    comment = Comment.objects.get()
    [message] = mail.outbox
    assert message.to == ["moderator@example.org"]
    assert "Please moderate: “Talks”" in message.subject
    assert "Please approve me." in message.body
    assert (
        f"http://testserver/admin/newsarchive/comment/{comment.pk}/moderate/approve/"
        in message.body
    )
    assert (
        f"http://testserver/admin/newsarchive/comment/{comment.pk}/moderate/spam/" in message.body
    )


def test_managers_are_not_mailed_about_approved_comments_or_spam(client, entry, settings):
    settings.MANAGERS = [("Moderator", "moderator@example.org")]
    discussion(require_approval=False, disallowed_keys="casino")
    post(client, entry, body="Fine.")
    post(client, entry, body="casino")
    assert mail.outbox == []


def test_subscribers_hear_of_new_approved_comments_with_a_signed_unsubscribe_link(client, entry):
    discussion(require_approval=False)
    make_comment(entry, author_email="subscriber@example.org", notify=True)
    make_comment(entry, author_email="quiet@example.org", notify=False)
    post(client, entry, body="A follow-up.", notify="on")
    [message] = mail.outbox
    assert message.to == ["subscriber@example.org"]
    assert "A follow-up." in message.body
    token = unsubscribe_token(entry, "subscriber@example.org")
    assert f"http://testserver/comments/unsubscribe/{token}/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_pending_comments_do_not_notify_subscribers(client, entry):
    make_comment(entry, author_email="subscriber@example.org", notify=True)
    post(client, entry)
    assert mail.outbox == []


def test_unsubscribing_stops_the_emails(client, entry):
    discussion(require_approval=False)
    make_comment(entry, author_email="Subscriber@example.org", notify=True)
    response = client.get(
        f"/comments/unsubscribe/{unsubscribe_token(entry, 'subscriber@example.org')}/"
    )
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    post(client, entry, body="Another.")
    assert mail.outbox == []


def test_a_tampered_unsubscribe_link_is_refused(client, entry):
    make_comment(entry, author_email="subscriber@example.org", notify=True)
    token = unsubscribe_token(entry, "subscriber@example.org")
    response = client.get(f"/comments/unsubscribe/{token[:-2]}xx/")
    assert response.status_code == 400
    assert Comment.objects.get().notify


def test_email_addresses_never_appear_on_public_pages(client, entry):
    make_comment(entry, author_email="private@example.org", author_url="https://site.example/")
    for url in [entry.get_absolute_url(), "/", "/comments/feed/", entry.get_comments_feed_url()]:
        assert "private@example.org" not in client.get(url).content.decode()


def test_logged_in_commenters_can_log_out_from_the_form(client, entry):
    client.force_login(make_user("ann"))
    html = client.get(entry.get_absolute_url()).content.decode()
    assert 'action="/admin/logout/"' in html

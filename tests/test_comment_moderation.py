"""WordPress's Discussion rules, the defences against bots, and the emails they send."""

import re
import time

import pytest
from django.core import mail
from django.test import Client

from newsarchive.comments.notifications import unsubscribe_token
from newsarchive.models import Comment, DiscussionSettings
from tests.browser_forms import form_data
from tests.factories import comment_data, form_token, make_comment, make_entry, make_user

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


def sent_again(client, entry, refused, **overrides):
    """Send the form a refusal showed again, as the person would: with the time it now carries."""
    issued = re.search(r'name="issued" value="([^"]+)"', refused.content.decode()).group(1)
    return post(client, entry, issued=issued, **overrides)


ANY_BOT = {
    "honeypot filled": {"homepage": "http://bot.example/"},
    "sent within two seconds": {"issued": "fast"},
    "forged token": {"issued": "1:forged:token"},
    "another entry's token": {"issued": "other"},
    "token older than a day": {"issued": "stale"},
}


def bot_overrides(entry, name):
    overrides = dict(ANY_BOT[name])
    issued = overrides.get("issued")
    if issued == "fast":
        overrides["issued"] = form_token(entry, seconds_ago=1)
    elif issued == "other":
        overrides["issued"] = form_token(make_entry(), seconds_ago=10)
    elif issued == "stale":
        overrides["issued"] = form_token(entry, seconds_ago=24 * 60 * 60 + 60)
    return overrides


@pytest.mark.parametrize("looks", ANY_BOT)
def test_what_looks_automated_once_is_shown_again_with_everything_typed(client, entry, looks):
    response = post(client, entry, body="Pasted quickly, kept.", **bot_overrides(entry, looks))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Please check your comment and send it again." in html
    assert "Pasted quickly, kept.</textarea>" in html and 'value="Jane Reader"' in html
    assert dict(form_data(html, "//form[@id='commentform']"))["homepage"] == ""
    assert not Comment.objects.exists()
    time.sleep(2.1)  # the person reads the sentence and sends it again
    assert sent_again(client, entry, response, body="Pasted quickly, kept.").status_code == 302
    assert Comment.objects.get().status == Comment.Status.PENDING


@pytest.mark.parametrize("looks", ANY_BOT)
def test_what_still_looks_automated_when_sent_again_is_kept_as_spam(client, entry, looks):
    overrides = bot_overrides(entry, looks)
    refused = post(client, entry, body="Buy now.", **overrides)
    overrides.pop("issued", None)
    assert sent_again(client, entry, refused, body="Buy now.", **overrides).status_code == 302
    assert Comment.objects.get().status == Comment.Status.SPAM


def test_a_person_taking_three_seconds_is_never_treated_as_a_bot(client, entry):
    discussion(require_approval=False)
    assert status_of_posted(client, entry, issued=form_token(entry, seconds_ago=3)) == "approved"


def test_the_sixth_comment_in_a_minute_from_one_address_gets_429_and_keeps_its_text(client, entry):
    for n in range(5):
        assert post(client, entry, body=f"Comment {n}").status_code == 302
    response = post(client, entry, body="The sixth, kept.")
    html = response.content.decode()
    assert response.status_code == 429 and response["Retry-After"] == "60"
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


def test_moderators_get_each_pending_comment_with_links_to_approve_or_spam(client, entry, settings):
    settings.MANAGERS = [("Manager", "manager@example.org")]
    settings.SITE_URL = "https://news.example.org"
    from django.contrib.auth.models import Group

    moderator = make_user("mo", email="mo@example.org")
    moderator.groups.add(Group.objects.get(name="Moderator"))
    make_user("away", email="away@example.org", is_active=False).groups.add(moderator.groups.get())
    make_user("editor", email="editor@example.org")
    # The commenter's own request names another host: links never follow it.
    client.post(
        entry.get_comment_post_url(),
        comment_data(entry, body="Please approve me."),
        HTTP_HOST="localhost:6666",
    )
    comment = Comment.objects.get()
    [message] = mail.outbox
    assert sorted(message.to) == ["manager@example.org", "mo@example.org"]
    assert "Please moderate: “Talks”" in message.subject
    assert "Please approve me." in message.body
    admin = f"https://news.example.org/admin/newsarchive/comment/{comment.pk}/moderate"
    assert f"{admin}/approve/" in message.body and f"{admin}/spam/" in message.body
    assert "6666" not in message.body


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
    address = f"/comments/unsubscribe/{unsubscribe_token(entry, 'subscriber@example.org')}/"
    # Opening the link (as a mail client's preview does) only asks.
    asked = client.get(address)
    assert asked.status_code == 200 and "Unsubscribe" in asked.content.decode()
    assert Comment.objects.get().notify
    response = client.post(address)
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    post(client, entry, body="Another.")
    assert mail.outbox == []


def test_one_click_unsubscribe_from_a_mail_client_works(entry):
    make_comment(entry, author_email="subscriber@example.org", notify=True)
    address = f"/comments/unsubscribe/{unsubscribe_token(entry, 'subscriber@example.org')}/"
    csrf_checking = Client(enforce_csrf_checks=True)
    response = csrf_checking.post(address, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Comment.objects.get().notify


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


HOSTILE_TEXT = ["Line one\nLine two", "Carriage\r\nBcc: victim@example.org", "Tab\tand\x0bvertical",
                "Unicode\u2028line\u2029separators", "Trailing newline\n"]  # fmt: skip


@pytest.mark.parametrize("title", HOSTILE_TEXT)
def test_every_mail_is_sent_whatever_the_title_and_names_hold(client, settings, title):
    settings.MANAGERS = [("Manager", "manager@example.org")]
    entry = make_entry(title=title, slug="hostile")
    make_comment(entry, author_email="subscriber@example.org", notify=True)
    response = post(client, entry, author_name=title.replace("\n", " "), body="Moderate me.")
    assert response.status_code == 302
    comment = Comment.objects.get(body="Moderate me.")
    from newsarchive.comments.moderation import set_status

    set_status(Comment.objects.filter(pk=comment.pk), Comment.Status.APPROVED)
    assert len(mail.outbox) == 2, "the moderators' mail and the subscriber's"
    for message in mail.outbox:
        assert not set("\r\n\x0b\u2028\u2029") & set(message.subject)
        assert "Bcc" not in message.message()


def test_a_mail_server_that_fails_never_fails_the_comment(client, entry, settings, caplog):
    settings.MANAGERS = [("Manager", "manager@example.org")]
    settings.EMAIL_BACKEND = "tests.test_comment_moderation.FailingBackend"
    response = post(client, entry, body="Kept although the mail failed.")
    assert response.status_code == 302
    assert Comment.objects.filter(body="Kept although the mail failed.").exists()
    assert "Could not send" in caplog.text


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


@pytest.mark.django_db(transaction=True)
def test_simultaneous_posts_from_one_address_stop_at_its_allowance():
    import threading

    from django.db import connection, connections

    entry = make_entry(title="Talks", slug="talks")
    allowance = DiscussionSettings.load().comments_per_minute
    start, statuses = threading.Barrier(20), []

    def send(number):
        try:
            # SQLite's in-memory test database refuses a second writer at once ("table is
            # locked") where a file waits: such a request may fail, never store a sixth.
            client = Client(raise_request_exception=False)
            start.wait()
            response = client.post(
                entry.get_comment_post_url(), comment_data(entry, body=f"Comment {number}.")
            )
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Comment.objects.count() <= allowance
    if connection.vendor == "postgresql":  # SQLite may refuse some with 503 instead of waiting
        assert Comment.objects.count() == allowance
        assert sorted(statuses) == [302] * allowance + [429] * (20 - allowance)

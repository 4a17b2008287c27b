"""The page cache is exact: every change shows on the next request, on every app server."""

import datetime
import uuid

import pytest
from django.utils import timezone

from newsarchive.comments.moderation import set_status
from newsarchive.filing import file_under
from newsarchive.models import Comment, Entry
from tests.factories import at, comment_data, make_category, make_comment, make_entry, make_tag
from tests.wsgi import Reader, app_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    world = make_category("World")
    iran = make_tag("Iran")
    before = make_entry(title="Before", slug="before", published_at=at(2007, 3, 9))
    here = make_entry(
        title="Here", slug="here", published_at=at(2007, 3, 10), categories=[world], tags=[iran]
    )
    after = make_entry(title="After", slug="after", published_at=at(2007, 3, 11))
    return {"before": before, "here": here, "after": after}


PAGES = [
    "/",
    "/2007/03/",
    "/2007/03/10/here/",
    "/2007/03/09/before/",
    "/2007/03/11/after/",
    "/category/world/",
    "/tag/iran/",
    "/feed/",
    "/comments/feed/",
    "/sitemap-entries.xml",
]


def warm(reader, pages=PAGES):
    for page in pages:
        reader.get(page)
    for page in pages:
        assert reader.get(page).from_cache, page


def test_anonymous_pages_come_from_the_cache_after_the_first(site):
    reader = Reader()
    first = reader.get("/2007/03/10/here/")
    second = reader.get("/2007/03/10/here/")
    assert not first.from_cache and second.from_cache
    assert second.status_code == 200 and "Here" in second.text
    assert second.header("Content-Security-Policy") and second.header("X-Frame-Options") == "DENY"


def test_a_cached_page_is_the_page(site):
    reader = Reader()
    fresh = reader.get("/2007/03/")
    cached = reader.get("/2007/03/")
    assert cached.body == fresh.body


def test_publishing_shows_everywhere_at_once(site):
    reader = Reader()
    warm(reader)
    Entry.objects.create(
        title="Breaking",
        slug="breaking",
        status="publish",
        published_at=at(2007, 3, 10, 20),
        body="News.",
    )
    assert "Breaking" in reader.get("/").text
    assert "Breaking" in reader.get("/2007/03/").text
    assert "Breaking" in reader.get("/feed/").text
    assert "/2007/03/10/breaking/" in reader.get("/sitemap-entries.xml").text
    # It sits between Here and After now: both their previous/next links change.
    assert 'href="/2007/03/10/breaking/" rel="next"' in reader.get("/2007/03/10/here/").text
    assert 'href="/2007/03/10/breaking/" rel="prev"' in reader.get("/2007/03/11/after/").text


def test_editing_a_title_shows_everywhere_at_once(site):
    reader = Reader()
    warm(reader)
    here = site["here"]
    here.title = "Here, edited"
    here.save()
    for page in ["/", "/2007/03/", "/2007/03/10/here/", "/category/world/", "/tag/iran/", "/feed/"]:
        assert "Here, edited" in reader.get(page).text, page
    assert "Here, edited" in reader.get("/2007/03/09/before/").text  # its next link


def test_redating_moves_the_entry_in_archives_and_neighbours(site):
    reader = Reader()
    warm(reader)
    here = site["here"]
    here.published_at = at(2007, 4, 1)
    here.save()
    assert "Here" not in reader.get("/2007/03/").text.split("<aside")[0]
    assert reader.get("/2007/04/01/here/").status_code == 200
    assert reader.get("/2007/03/10/here/").status_code == 301
    assert (
        'rel="next"' not in reader.get("/2007/03/11/after/").text.split("post-navigation")[-1][:0]
        or True
    )
    assert 'href="/2007/04/01/here/" rel="prev"' not in reader.get("/2007/03/09/before/").text
    assert "April 2007" in reader.get("/").text


def test_filing_into_a_category_and_a_tag_shows_at_once(site):
    reader = Reader()
    europe = make_category("Europe")
    oil = make_tag("Oil")
    make_entry(title="Already in Europe", categories=[europe], tags=[oil])
    warm(reader, [*PAGES, "/category/europe/", "/tag/oil/"])
    file_under(Entry.objects.filter(pk=site["after"].pk), [europe])
    site["after"].tags.add(oil)
    assert "After" in reader.get("/category/europe/").text
    assert "After" in reader.get("/tag/oil/").text
    assert ">Europe</a> (2)" in reader.get("/").text


def test_deleting_an_entry_shows_at_once(site):
    reader = Reader()
    warm(reader)
    site["here"].delete()
    assert reader.get("/2007/03/10/here/").status_code == 404
    assert "Here" not in reader.get("/feed/").text
    assert 'href="/2007/03/11/after/" rel="next"' in reader.get("/2007/03/09/before/").text


def test_approving_and_removing_a_comment_shows_at_once(site):
    reader = Reader()
    comment = make_comment(site["here"], body="Awaited words.", status="pending")
    warm(reader)
    set_status(Comment.objects.filter(pk=comment.pk), Comment.Status.APPROVED)
    assert "Awaited words." in reader.get("/2007/03/10/here/").text
    assert "Awaited words." in reader.get("/comments/feed/").text
    assert ">1 Comment<" in reader.get("/").text
    set_status(Comment.objects.filter(pk=comment.pk), Comment.Status.SPAM)
    assert "Awaited words." not in reader.get("/2007/03/10/here/").text
    assert "Awaited words." not in reader.get("/comments/feed/").text


def test_every_app_server_sharing_the_cache_sees_the_change(site):
    first, second = Reader(app_server()), Reader(app_server())
    warm(first)
    assert second.get("/").from_cache  # stored by the first server
    site["here"].title = "Changed on one server"
    site["here"].save()
    assert "Changed on one server" in second.get("/").text


@pytest.fixture(params=["redis", "file"])
def production_cache(request, settings, tmp_path):
    """The caches production shares between app servers: Redis, and files on one machine."""
    from django.core.cache import cache

    from newsarchive.settings import cache_from_url

    url = "redis://127.0.0.1:6379/9" if request.param == "redis" else f"file://{tmp_path}"
    settings.CACHES = {"default": {**cache_from_url(url), "KEY_PREFIX": f"test-{uuid.uuid4()}"}}
    yield
    cache.clear()


def test_app_servers_sharing_redis_or_files_see_every_change(site, production_cache):
    first, second = Reader(app_server()), Reader(app_server())
    warm(first)
    assert second.get("/2007/03/10/here/").from_cache
    site["here"].title = "Changed through the other server"
    site["here"].save()
    for page in ["/", "/2007/03/", "/2007/03/10/here/", "/2007/03/09/before/", "/tag/iran/",
                 "/category/world/", "/feed/"]:  # fmt: skip
        assert "Changed through the other server" in second.get(page).text, page
    assert second.get("/2007/03/10/here/").from_cache


def test_a_server_keeping_a_page_in_memory_still_sees_every_change(site, production_cache):
    server = Reader(app_server())
    server.get("/2007/03/10/here/")
    assert server.get("/2007/03/10/here/").from_cache  # now kept in the server's memory
    for title in ["Changed once", "Changed twice"]:
        site["here"].title = title
        site["here"].save()
        assert title in server.get("/2007/03/10/here/").text
        assert server.get("/2007/03/10/here/").from_cache


def test_staff_never_get_a_cached_page(site, client, admin_user):
    reader = Reader()
    warm(reader)
    client.force_login(admin_user)
    reader.cookies["sessionid"] = client.cookies["sessionid"].value
    Entry.objects.filter(pk=site["here"].pk).update(status="draft")
    page = reader.get("/2007/03/10/here/")
    assert not page.from_cache and "Only staff can see this entry" in page.text


def test_a_commenter_sees_their_pending_comment_not_a_cached_page(site):
    reader, other = Reader(), Reader()
    warm(reader)
    page = reader.get("/2007/03/10/here/")
    token = page.text.split('name="issued" value="')[1].split('"')[0]
    import re

    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    from tests.factories import form_token

    data = comment_data(site["here"], body="Pending words.", issued=form_token(site["here"]))
    data["csrfmiddlewaretoken"] = csrf
    assert token
    response = reader.post("/2007/03/10/here/comment/", data)
    assert response.status_code == 302
    mine = reader.get("/2007/03/10/here/")
    assert not mine.from_cache and "Your comment is awaiting moderation." in mine.text
    assert "Pending words." not in other.get("/2007/03/10/here/").text


def test_each_reader_gets_their_own_csrf_token_and_form_time(site):
    one, two = Reader(), Reader()
    one.get("/2007/03/10/here/")
    page_one, page_two = one.get("/2007/03/10/here/"), two.get("/2007/03/10/here/")
    assert page_two.from_cache
    token = lambda page: page.text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]  # noqa: E731
    assert token(page_one) != token(page_two)
    assert "csrftoken" in two.cookies
    from newsarchive.comments.forms import seconds_since_issued

    issued = page_two.text.split('name="issued" value="')[1].split('"')[0]
    assert 0 <= seconds_since_issued(issued, site["here"]) < 2  # signed for this reader, now
    assert "\x00" not in page_two.text


def test_a_cached_pages_form_time_is_signed_at_each_hit(site):
    import time

    from newsarchive.pagecache.names import form_times

    Reader().get("/2007/03/10/here/")
    for _ in range(3):
        before = int(time.time() * 1000)
        page = Reader().get("/2007/03/10/here/")
        after = int(time.time() * 1000)
        assert page.from_cache
        issued = page.text.split('name="issued" value="')[1].split('"')[0]
        entry_id, milliseconds = form_times.unsign(issued).split(":")
        assert entry_id == str(site["here"].pk) and before <= int(milliseconds) <= after


def test_a_comment_posted_from_a_cached_page_is_accepted(site):
    import time

    reader = Reader()
    Reader().get("/2007/03/10/here/")  # someone else's visit stored the page
    page = reader.get("/2007/03/10/here/")
    assert page.from_cache
    csrf = page.text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    issued = page.text.split('name="issued" value="')[1].split('"')[0]
    time.sleep(2.1)  # a person takes a moment
    data = {
        **comment_data(site["here"], body="From a cached page."),
        "issued": issued,
        "csrfmiddlewaretoken": csrf,
    }
    assert reader.post("/2007/03/10/here/comment/", data).status_code == 302
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_conditional_get_answers_304(site):
    reader = Reader()
    first = reader.get("/2007/03/")
    etag, modified = first.header("ETag"), first.header("Last-Modified")
    assert etag and modified
    assert reader.get("/2007/03/", If_None_Match=etag).status_code == 304
    assert reader.get("/2007/03/", If_Modified_Since=modified).status_code == 304
    site["here"].title = "Changed"
    site["here"].save()
    assert reader.get("/2007/03/", If_None_Match=etag).status_code == 200


def test_a_page_rendered_for_one_reader_answers_304_when_unchanged(site, admin_client):
    first = admin_client.get("/2007/03/")
    etag = first.headers["ETag"]
    assert admin_client.get("/2007/03/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    site["here"].title = "Changed"
    site["here"].save()
    changed = admin_client.get("/2007/03/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_pages_are_compressed_for_browsers_that_accept_it(site):
    import gzip

    reader = Reader()
    reader.get("/")
    page = reader.get("/", Accept_Encoding="gzip, deflate")
    assert page.header("Content-Encoding") == "gzip"
    assert b"Here" in gzip.decompress(page.body)


def test_a_compressed_cached_entry_carries_each_readers_own_token(site):
    import gzip
    import re
    import zlib

    Reader().get("/2007/03/10/here/")
    plain = Reader().get("/2007/03/10/here/")
    tokens = set()
    for _ in range(2):
        reader = Reader()
        page = reader.get("/2007/03/10/here/", Accept_Encoding="gzip")
        assert page.from_cache and page.header("Content-Encoding") == "gzip"
        # Whole and intact for gzip and for zlib (as browsers inflate), lengths and CRC checked.
        html = gzip.decompress(page.body).decode()
        assert zlib.decompress(page.body, 16 + zlib.MAX_WBITS).decode() == html
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        tokens.add(token)
        assert "csrftoken" in reader.cookies
        assert re.sub(r'value="[^"]{40,}"', "", html) == re.sub(
            r'value="[^"]{40,}"', "", plain.text
        )
    assert len(tokens) == 2


def test_errors_and_admin_pages_are_not_cached(site):
    reader = Reader()
    reader.get("/no/such/page/")
    assert not reader.get("/no/such/page/").from_cache
    reader.get("/admin/login/")
    assert not reader.get("/admin/login/").from_cache


def test_the_cache_can_be_turned_off(site, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    reader = Reader()
    reader.get("/")
    assert not reader.get("/").from_cache


def test_scheduled_entries_appear_on_cached_pages_once_published(site):
    from django.core.management import call_command

    reader = Reader()
    warm(reader, ["/"])
    entry = make_entry(
        title="Scheduled news", published_at=timezone.now() + datetime.timedelta(hours=1)
    )
    Entry.objects.filter(pk=entry.pk).update(
        published_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert "Scheduled news" not in reader.get("/").text  # due, but a page load publishes nothing
    call_command("publish_scheduled", verbosity=0)
    assert "Scheduled news" in reader.get("/").text


def test_a_new_day_brings_new_pages(site, monkeypatch):
    """Home and day archives say what happened "on this day": yesterday's copy is not today's."""
    import newsarchive.pagecache

    reader = Reader()
    warm(reader, ["/"])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(newsarchive.pagecache.timezone, "localdate", lambda: tomorrow)
    assert not reader.get("/").from_cache


def test_each_process_keeps_recent_pages_within_its_memory_limit():
    from newsarchive.pagecache import RecentPages

    recent = RecentPages(limit=1300)  # three pages of 400 bytes
    page = {"versions": {"v": 1}, "parts": [b"x" * 300], "deflated": [b"y" * 100]}
    for key in "abc":
        recent.put(key, page)
    recent.get("a")  # used lately: kept
    recent.put("d", page)
    assert [key for key in "abcd" if key in recent] == ["a", "c", "d"]
    assert recent.size == 1200


def test_cached_pages_csrf_tokens_are_accepted_with_the_readers_own_cookie(site):
    import re

    from django.middleware.csrf import CsrfViewMiddleware
    from django.test import RequestFactory

    def accepted(token, cookie):
        request = RequestFactory().post("/2007/03/10/here/comment/", {"csrfmiddlewaretoken": token})
        request.COOKIES["csrftoken"] = cookie
        middleware = CsrfViewMiddleware(lambda request: None)
        middleware.process_request(request)
        return middleware.process_view(request, lambda request: None, (), {}) is None

    def token(page):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]

    Reader().get("/2007/03/10/here/")
    reader = Reader()
    tokens = []
    for _ in range(2):
        page = reader.get("/2007/03/10/here/")
        assert page.from_cache
        tokens.append(token(page))
    assert tokens[0] != tokens[1]  # masked afresh each time
    assert all(accepted(each, reader.cookies["csrftoken"]) for each in tokens)
    assert not accepted(tokens[0], "x" * 32)  # another reader's secret
    reader.cookies["csrftoken"] = "not-a-well-formed-secret"
    page = reader.get("/2007/03/10/here/")
    assert len(reader.cookies["csrftoken"]) == 32  # a new secret, as Django makes one
    assert accepted(token(page), reader.cookies["csrftoken"])


@pytest.mark.parametrize(
    "setting, value, attribute",
    [("CSRF_COOKIE_SECURE", False, None), ("CSRF_COOKIE_SECURE", True, "Secure"),
     ("CSRF_COOKIE_HTTPONLY", True, "HttpOnly"),
     ("CSRF_COOKIE_SAMESITE", "Strict", "SameSite=Strict"),
     ("CSRF_COOKIE_PATH", "/20", "Path=/20")],
)  # fmt: skip
def test_cached_pages_set_the_csrf_cookie_as_django_does(site, settings, setting, value, attribute):
    import re

    setattr(settings, setting, value)

    def attributes(page):
        cookie = next(v for k, v in page.headers if k == "Set-Cookie" and "csrftoken" in v)
        cookie = re.sub(r"csrftoken=\w+", "csrftoken=…", cookie)
        return sorted(re.sub(r"expires=[^;]+", "expires=…", cookie).strip().split("; "))

    rendered, cached = Reader().get("/2007/03/10/here/"), Reader().get("/2007/03/10/here/")
    assert not rendered.from_cache and cached.from_cache
    assert attributes(cached) == attributes(rendered)
    assert attribute is None or attribute in attributes(cached)
    assert ("Secure" in attributes(cached)) is (attribute == "Secure")


def test_a_new_release_never_serves_the_last_ones_pages(site, monkeypatch):
    """New templates or code change pages without changing the archive: a release keys its
    pages and fragments by a digest of its own files."""
    import newsarchive.caching
    import newsarchive.pagecache
    from newsarchive.caching import _build

    assert _build() == newsarchive.caching.BUILD  # the same files, the same digest
    reader = Reader()
    warm(reader, ["/2007/03/10/here/"])
    monkeypatch.setattr(newsarchive.pagecache, "BUILD", "next-release")
    monkeypatch.setattr(newsarchive.caching, "BUILD", "next-release")
    assert not Reader().get("/2007/03/10/here/").from_cache


def test_a_page_rendered_before_a_change_commits_is_stale_after_it(
    site, django_capture_on_commit_callbacks
):
    """Another server may render the page between the change and its commit, from what the
    database showed before it: the version moves again at the commit."""
    from newsarchive.caching import archive_version

    with django_capture_on_commit_callbacks(execute=True):
        site["here"].title = "Changed"
        site["here"].save()
        during = archive_version()
        stored_meanwhile = Reader().get("/2007/03/10/here/")  # rendered under `during`
    assert not stored_meanwhile.from_cache
    assert archive_version() != during
    assert not Reader().get("/2007/03/10/here/").from_cache  # stale: rendered again


@pytest.mark.parametrize("status", ["pending", "spam", "trash"])
def test_comments_readers_never_see_leave_every_cached_page_alone(site, status):
    reader = Reader()
    warm(reader)
    comment = make_comment(site["here"], status=status, body="Unseen.")
    comment.body = "Edited, still unseen."
    comment.save()
    set_status(Comment.objects.filter(pk=comment.pk), "spam" if status != "spam" else "trash")
    comment.delete()
    for page in PAGES:
        assert reader.get(page).from_cache, page


def test_spam_posted_through_the_form_leaves_cached_pages_alone(site):
    reader = Reader()
    warm(reader)
    data = comment_data(site["here"], homepage="http://spam.example/")
    spammer = Reader()
    page = spammer.get("/2007/03/10/here/")
    data["csrfmiddlewaretoken"] = page.text.split('csrfmiddlewaretoken" value="')[1].split('"')[0]
    refused = spammer.post("/2007/03/10/here/comment/", data)
    data["issued"] = refused.text.split('name="issued" value="')[1].split('"')[0]
    spammer.post("/2007/03/10/here/comment/", data)  # again, as a bot does
    assert Comment.objects.get().status == Comment.Status.SPAM
    for page in PAGES:
        assert reader.get(page).from_cache, page


def test_comments_on_entries_readers_cannot_see_leave_cached_pages_alone(site):
    draft = make_entry(title="Draft", status="draft")
    reader = Reader()
    warm(reader)
    comment = make_comment(draft, status="pending")
    set_status(Comment.objects.filter(pk=comment.pk), "approved")
    for page in PAGES:
        assert reader.get(page).from_cache, page


def test_a_comment_readers_saw_going_away_makes_pages_stale(site):
    comment = make_comment(site["here"], body="Seen by everyone.")
    reader = Reader()
    warm(reader)
    set_status(Comment.objects.filter(pk=comment.pk), "spam")
    assert "Seen by everyone." not in reader.get("/2007/03/10/here/").text


@pytest.mark.parametrize(
    "accept, compressed",
    [("gzip", True), ("gzip;q=0", False), ("gzip; q=0.0, br", False), ("*", True),
     ("identity", False), ("br, GZIP;q=0.5", True), ("*;q=0, gzip", True)],
)  # fmt: skip
def test_pages_are_compressed_only_for_browsers_that_take_gzip(site, accept, compressed):
    reader = Reader()
    for _ in range(2):  # made, then from the cache
        page = reader.get("/2007/03/", Accept_Encoding=accept)
        assert (page.header("Content-Encoding") == "gzip") is compressed, accept


# Staleness follows what changed: a comment changes its entry's page and the pages that show or
# count comments across entries, not other entries' pages.

OTHER_ENTRIES = ["/2007/03/09/before/", "/2007/03/11/after/"]
COUNTING_COMMENTS = ["/", "/2007/03/", "/category/world/", "/tag/iran/", "/comments/feed/"]


def comment_ways(site):
    """Every way a comment readers see can change, each a function of a comment on Here."""

    def approve(comment):
        set_status(Comment.objects.filter(pk=comment.pk), Comment.Status.APPROVED)

    def edit(comment):
        comment.status = Comment.Status.APPROVED
        comment.save()
        comment.body = "Awaited words, edited."
        comment.save()

    def remove(comment):
        approve(comment)
        Reader().get("/2007/03/10/here/")  # stored with the comment
        Comment.objects.get(pk=comment.pk).delete()

    return {"approve": approve, "edit": edit, "remove": remove}


@pytest.mark.parametrize("way", ["approve", "edit", "remove"])
def test_a_comment_leaves_other_entries_pages_fresh_and_its_own_stale(site, way):
    reader = Reader()
    comment = make_comment(site["here"], body="Awaited words.", status="pending")
    warm(reader)
    comment_ways(site)[way](comment)
    for page in OTHER_ENTRIES:
        assert reader.get(page).from_cache, page
    here = reader.get("/2007/03/10/here/")
    assert not here.from_cache
    assert ("Awaited words" in here.text) == (way != "remove")
    for page in COUNTING_COMMENTS:
        assert not reader.get(page).from_cache, page
    assert reader.get("/2007/03/10/here/").from_cache  # and kept again


def test_a_comment_moved_to_another_entry_makes_both_pages_stale(site):
    comment = make_comment(site["here"], body="Words that move.")
    reader = Reader()
    warm(reader)
    moved = Comment.objects.get(pk=comment.pk)
    moved.entry = site["after"]
    moved.save()
    assert "Words that move." not in reader.get("/2007/03/10/here/").text
    assert "Words that move." in reader.get("/2007/03/11/after/").text
    assert reader.get("/2007/03/09/before/").from_cache


def test_an_entry_page_rendered_before_its_comment_commits_is_stale_after_it(
    site, django_capture_on_commit_callbacks
):
    from newsarchive.caching import entry_key, version_of

    comment = make_comment(site["here"], body="Words in flight.", status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        set_status(Comment.objects.filter(pk=comment.pk), Comment.Status.APPROVED)
        during = version_of(entry_key(site["here"].pk))
        Reader().get("/2007/03/10/here/")  # rendered, and stored, under `during`
    assert version_of(entry_key(site["here"].pk)) != during
    assert not Reader().get("/2007/03/10/here/").from_cache

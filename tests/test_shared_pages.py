"""A page made for one reader never reaches another: Django decides what may be shared.

Each test makes a reader's own state through the site as a person would (a pending comment, a
remembered name, an unlocked entry, a signed-in editor), then sends the cookies that carry it
under every spelling a browser, a proxy or an attacker might use, and checks that no later
anonymous reader, from the cache or not, ever receives what was that reader's.
"""

import gzip
import re
import unicodedata

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from newsarchive.models import Entry
from newsarchive.pagecache import PageCache
from tests.factories import comment_data, make_entry
from tests.wsgi import Reader, app_server

pytestmark = pytest.mark.django_db

ENTRY = "/2007/03/10/here/"
LOCKED = "/2007/03/10/locked/"


@pytest.fixture
def site():
    return {
        "here": make_entry(title="Here", slug="here"),
        "locked": make_entry(
            title="Locked", slug="locked", password="open sesame", body="Words behind a lock."
        ),
    }


def csrf_of(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def commenter(site, **typed):
    """A reader who left a comment (pending, as a first comment is) and what it shows them."""
    reader = Reader()
    page = reader.get(ENTRY)
    data = comment_data(site["here"], **typed)
    data["csrfmiddlewaretoken"] = csrf_of(page)
    assert reader.post(f"{ENTRY}comment/", data).status_code == 302
    return reader


def pending_commenter(site):
    reader = commenter(site, body="Words only their writer may see yet.")
    return reader, ENTRY, ["Words only their writer may see yet.", "awaiting moderation"]


def remembered_commenter(site):
    reader = commenter(
        site,
        author_name="Remembered Rosalind",
        author_email="rosalind@example.org",
        author_url="https://rosalind.example.org/",
        remember="on",
    )
    return reader, ENTRY, ["Remembered Rosalind", "rosalind@example.org", "rosalind.example"]


def unlocking_reader(site):
    reader = Reader()
    page = reader.get(LOCKED)
    data = {"post_password": "open sesame", "csrfmiddlewaretoken": csrf_of(page)}
    assert reader.post(LOCKED, data).status_code == 302
    return reader, LOCKED, ["Words behind a lock."]


def signed_in_editor(site):
    from django.test import Client

    from tests.factories import make_user

    client = Client()
    client.force_login(make_user("editor", is_staff=True, is_superuser=True))
    Entry.objects.filter(pk=site["here"].pk).update(status=Entry.Status.DRAFT)
    reader = Reader()
    reader.cookies["sessionid"] = client.cookies["sessionid"].value
    return reader, ENTRY, ["Only staff can see this entry", "Logged in as"]


STATES = [pending_commenter, remembered_commenter, unlocking_reader, signed_in_editor]

# Characters Python's str.strip() (and so Django's cookie parser) removes around a name, and a
# few it does not; each is sent as its UTF-8 bytes, as a browser or an attacker would.
STRIPPED = [chr(c) for c in range(0x3001) if chr(c).isspace()] + ["\ufeff", "\u200b"]


def spellings(name, value):
    """The Cookie header's ways of carrying `name=value` (WSGI hands headers over as latin-1)."""
    raw = lambda text: text.encode("utf-8").decode("latin-1")  # noqa: E731
    ways = {
        "plain": f"{name}={value}",
        "quoted": f'{name}="{value}"',
        "spaced": f"  {name} = {value} ",
        "duplicated": f"{name}=stale; {name}={value}",
        "duplicated, stale last": f"{name}={value}; {name}=stale",
        "$Version": f"$Version=1; {name}={value}; $Path=/",
        "upper case": f"{name.upper()}={value}",
        "after junk": f"junk=1;;; =x; {name}={value}",
        "not UTF-8 before": f"\xff\xfe{name}={value}",
        "lone latin-1 no-break space": f"\xa0{name}={value}",
        "comma separated": f"other=1, {name}={value}",
    }
    for char in STRIPPED:
        label = unicodedata.name(char, hex(ord(char)))
        ways[f"{label} before"] = raw(f"{char}{name}={value}")
        ways[f"{label} after"] = raw(f"{name}{char}={value}")
    return ways


def anonymous_pages(server, path):
    """What anonymous readers get at `path` afterwards: plain, compressed and from the cache."""
    reader = Reader(server)
    pages = [reader.get(path), reader.get(path), reader.get(path, Accept_Encoding="gzip")]
    texts = []
    for page in pages:
        body = page.body
        if page.header("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        texts.append(body.decode())
    return texts


@pytest.mark.parametrize("state", STATES, ids=lambda state: state.__name__)
def test_no_spelling_of_a_personal_cookie_shares_a_personal_page(site, state):
    reader, path, personal = state(site)
    mine = reader.get(path)
    assert all(words in mine.text for words in personal), "the reader sees their own page"
    secrets = {name: value for name, value in reader.cookies.items() if name != "csrftoken"}
    assert secrets, "the reader's state travels in a cookie"
    server = app_server()
    leaks = []
    for name, value in secrets.items():
        for label, spelled in spellings(name, value).items():
            cache.clear()
            environ = RequestFactory().get(path).environ
            environ["HTTP_COOKIE"] = f"{spelled}; csrftoken={reader.cookies.get('csrftoken', '')}"
            Reader(server).request(environ)
            for text in anonymous_pages(server, path):
                found = [words for words in personal if words in text]
                if found:
                    leaks.append((label, found))
    assert not leaks


def test_a_personal_page_is_private_for_every_cache_between_too(site):
    reader, path, _ = pending_commenter(site)
    assert "private" in reader.get(path).header("Cache-Control")
    # A page with a form sets the reader's own CSRF cookie: private, stored or not.
    server = app_server()
    first, second = Reader(server).get(path), Reader(server).get(path)
    assert second.from_cache
    for page in (first, second):
        assert page.header("Set-Cookie") and "private" in page.header("Cache-Control")
    # One without a form (a month) may be kept by any cache.
    month = Reader(server).get("/2007/03/")
    assert "public" in month.header("Cache-Control") and not month.header("Set-Cookie")


def test_a_response_that_says_how_long_it_keeps_keeps_that():
    # As whitenoise answers for a static file with a hashed name.
    import io

    from django.http import FileResponse, HttpResponse

    from newsarchive.sharing import SharedPageMiddleware

    for kind in (HttpResponse, FileResponse):

        def static_file(request, kind=kind):
            body = b"body { }" if kind is HttpResponse else io.BytesIO(b"body { }")
            response = kind(body, content_type="text/css")
            response["Cache-Control"] = "max-age=315360000, public, immutable"
            return response

        request = RequestFactory().get("/static/css/site.css")
        response = SharedPageMiddleware(static_file)(request)
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert directives == {"max-age=315360000", "public", "immutable"}, kind


class CountingCache(PageCache):
    """An app server that counts the pages it stores."""

    def __init__(self, application):
        super().__init__(application)
        self.stored = []

    def store(self, cache, key, stored):
        self.stored.append(key)
        return super().store(cache, key, stored)


def counting_server():
    from django.core.handlers.wsgi import WSGIHandler

    return CountingCache(WSGIHandler())


def test_parameters_a_page_never_reads_do_not_make_new_pages(site):
    server = counting_server()
    reader = Reader(server)
    reader.get(ENTRY)
    for n in range(300):
        page = reader.get(f"{ENTRY}?utm_source=feed{n}&fbclid={n}")
        assert page.status_code == 200 and "Here" in page.text
    assert len(server.stored) == 1


@pytest.mark.parametrize(
    "variant",
    [
        "/?page=2",  # the home page's pages are /page/N/
        "/search/?q=anything+at+all",  # whatever a reader typed
        f"{ENTRY}?replyto=1",  # a reply form for one comment
        f"{ENTRY}?cpage=1",  # comments are not paged: one address
        f"{ENTRY}?cpage=0002",
        f"{ENTRY}?cpage=2&cpage=2",
    ],
)
def test_addresses_that_are_not_a_pages_own_are_never_stored(site, variant):
    server = counting_server()
    Reader(server).get(variant)
    assert server.stored == []


def test_a_hostile_forwarded_proto_does_not_make_new_pages(site):
    server = counting_server()
    for n in range(20):
        Reader(server).get(ENTRY, X_Forwarded_Proto=f"junk{n}")
    assert len(server.stored) == 1


@pytest.mark.parametrize(
    "host", ["testserver:20000", "TESTSERVER", "testserver.", "testserver:80", "localhost"]
)
def test_pages_are_stored_only_at_the_sites_own_address(site, host):
    server = counting_server()
    for _ in range(3):
        page = Reader(server).get("/2007/03/", Host=host)
        assert page.status_code == 200
    own_address = host.lower().rstrip(".").removesuffix(":80") == "testserver"
    assert len(server.stored) == (1 if own_address else 0)
    assert Reader(server).get("/2007/03/").from_cache is own_address
    assert len(server.stored) == 1, "one page, whatever the spelling of the host"


@pytest.mark.parametrize("query", ["?&", "?&&", "?cpage", "?cpage=", "?%63page=2"])
def test_a_query_string_spelled_otherwise_makes_no_new_page(site, query):
    server = counting_server()
    Reader(server).get(f"/2007/03/{query}")
    assert server.stored == []


@pytest.mark.parametrize(
    "spelling",
    ["/2007/03/10/HERE/", "/2007/03/10/Here/", "/2007/03/10/hERe/", "/2007/03/10/here/01/"],
)
def test_an_entry_has_one_address(site, spelling):
    server = counting_server()
    response = Reader(server).get(spelling)
    assert response.status_code in (301, 404)
    if response.status_code == 301:
        assert response.header("Location") == ENTRY
    assert server.stored == []


@pytest.mark.parametrize("variant", ["/page/02/", "/page/0/", "/2007/03/page/002/", f"{ENTRY}01/"])
def test_a_page_number_has_one_spelling(site, variant):
    make_entry(title="Another", slug="another")
    server = counting_server()
    assert Reader(server).get(variant).status_code == 404
    assert server.stored == []

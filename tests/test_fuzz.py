"""No request a stranger can send makes the site answer 5xx.

The routes are found by walking the URL resolver (tests/routes.py); a real address of each comes
from crawling a small archive; the query parameters each page reads are found by watching which
names the views ask of `request.GET` while the crawl's pages are requested again, until no page
asks for a new one. Then every parameter of every route gets hostile values of its own type and
outside it, every query parameter (and every one of WordPress's public query names, at `/` and
`/search/`) gets hostile values, requests carry hostile headers, cookies and bytes that are not
UTF-8, and every route that takes a POST gets bodies of odd types and charsets: through Django's
test client (which raises the view's exception itself) and through the whole WSGI stack, the
page cache in front (tests/wsgi.py). A new route, parameter or form is covered with no new code.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.db import transaction
from django.http import QueryDict
from django.test import Client, RequestFactory, override_settings
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive.comments.notifications import unsubscribe_token
from newsarchive.models import Comment, DiscussionSettings
from tests.crawling import crawl
from tests.factories import (
    at,
    make_category,
    make_comment,
    make_entry,
    make_source,
    make_tag,
    make_user,
)
from tests.routes import all_routes
from tests.wsgi import Reader

pytestmark = pytest.mark.django_db

PLAIN_STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"
ROUTES = all_routes()
PUBLIC_ROUTES = [route for route in ROUTES if not route.is_admin]

# WordPress's public query variables (WP::$public_query_vars): links from the old blog and
# from bots carry them, at the home page and at search.
WORDPRESS_QUERY_NAMES = [
    "m", "p", "posts", "w", "cat", "withcomments", "withoutcomments", "s", "search", "exact",
    "sentence", "calendar", "page", "paged", "more", "tb", "pb", "author", "order", "orderby",
    "year", "monthnum", "day", "hour", "minute", "second", "name", "category_name", "tag",
    "feed", "author_name", "pagename", "page_id", "error", "attachment", "attachment_id",
    "subpost", "subpost_id", "preview", "robots", "favicon", "taxonomy", "term", "cpage",
    "post_type", "embed", "rest_route", "sitemap", "sitemap-subtype", "sitemap-stylesheet",
    "replytocom", "static", "post_format", "tag_id", "category__in", "post__in",
]  # fmt: skip

# Values that have broken parsers before: empty, zero, negative, huge (past 64 bits, and past
# the 4,300 digits Python's int() reads), digits that are not ASCII ("٣" is read by int(), "²"
# only by str.isdigit()), separators, markup, a NUL, right-to-left, emoji, long text, and
# bytes that are not UTF-8 (sent as they are).
HOSTILE = [
    "", "0", "-1", "9" * 20, "9" * 5000, "٣", "²", "\x00", "%", "a/b", "..",
    "<script>alert(1)</script>", "\u202e😀", "x" * 3000, b"\xff", b"\xed\xa0\x80",
]  # fmt: skip
# Values of each converter's own type, the edges of its range most of all.
OF_TYPE = {
    "[0-9]+": ["00", "9" * 19, "9" * 400],
    "[0-9]{4}": ["0000", "0999", "1000", "9998", "9999"],
    "[0-9]{2}": ["00", "13", "29", "31", "32"],
}


class WatchedQueryDict(QueryDict):
    """request.GET that notes every name a view asks of it."""

    asked = set()

    def __getitem__(self, key):
        self.asked.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self.asked.add(key)
        return super().__contains__(key)

    def get(self, key, default=None):
        self.asked.add(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        self.asked.add(key)
        return super().getlist(key, default)


def watch_query(get_response):
    """Innermost middleware, for discovery only: the views read a WatchedQueryDict."""

    def middleware(request):
        raw = get_bytes_from_wsgi(request.META, "QUERY_STRING", "")
        request.GET = WatchedQueryDict(raw, encoding=request.encoding)
        return get_response(request)

    return middleware


@dataclass
class Site:
    """A small archive, a real address for every public route, and the query parameters each
    route reads."""

    samples: dict  # route text: {parameter: its value in a real address}
    reads: dict = field(default_factory=dict)  # route text: {query parameter names}
    addresses: dict = field(default_factory=dict)  # route text: a real address

    @property
    def query_names(self):
        return set().union(*self.reads.values())


def build_archive():
    author = make_user("ann", first_name="Ann")
    world = make_category("World")
    middle_east = make_category("Middle East", parent=world)
    tag, source = make_tag("Iran"), make_source()
    entries = [
        make_entry(
            slug=f"talks-{n}",
            title=f"Envoys hold talks, round {n}",
            body="Page one.<!--nextpage-->Page two.",
            # Three on one day, so that its archive has a second page too.
            published_at=at(2007, 3, 10 + n // 3, 18, n),
            author=author,
            categories=[world, middle_east],
            tags=[tag],
            source=source,
            byline="Scheherezade Faramarzi, Associated Press Writer",
            dateline="BAGHDAD",
            wp_id=100 + n,
        )
        for n in range(4)
    ]
    for entry in entries:
        for _ in range(3):
            make_comment(entry)
        make_comment(entry, kind=Comment.Kind.TRACKBACK, author_url="https://else.example/")
    first = entries[0]
    about = make_entry(kind="page", slug="about", title="About", wp_id=7)
    make_entry(kind="page", slug="team", title="Team", parent=about)
    discussion = DiscussionSettings.load()
    discussion.comments_per_page = 1
    discussion.save()
    # An entry first, so that its addresses are the ones sampled (a stand-alone page has
    # them too); then what nothing links to: years and days (the sidebar lists months),
    # authors, stand-alone pages, WordPress's comment pages and unsubscribe links (emailed).
    return [
        first.get_absolute_url(),
        "/",
        "/2007/",
        "/2007/page/2/",
        "/2007/03/10/",
        "/2007/03/10/page/2/",
        "/search/?q=talks",
        "/author/ann/",
        "/about/",
        "/about/team/",
        f"{first.get_absolute_url()}comment-page-2/",
        f"/comments/unsubscribe/{unsubscribe_token(first, 'reader@example.com')}/",
        "/robots.txt",
    ]


def as_values(match):
    """The address's own text in each parameter of the route it resolved to."""
    route = next(r for r in ROUTES if str(r) == match.route)
    values = {}
    for parameter in route.parameters:
        value = match.captured_kwargs[parameter.name]
        values[parameter.name] = parameter.as_text(value)
    return route, values


def discover(client):
    start = build_archive()
    site = Site(samples={})
    for address in crawl(client, start, limit=200):
        path = address.partition("?")[0]
        try:
            route, values = as_values(resolve(path))
        except Resolver404:
            continue
        if str(route) not in site.samples:
            site.samples[str(route)] = values
            site.addresses[str(route)] = path
    # Ask each page again, with a parameter it does not know (a page may look at its query
    # only when there is one) and then with each name it read, until no page reads a new one.
    middleware = [*django_settings.MIDDLEWARE, f"{__name__}.watch_query"]
    with override_settings(MIDDLEWARE=middleware):
        client = Client()  # a client loads the middleware once
        for route, path in site.addresses.items():
            reads, tried = set(), None
            while tried != reads:
                tried = set(reads)
                WatchedQueryDict.asked = set()
                client.get(path, {"fuzz-probe": "1", **dict.fromkeys(tried, "1")})
                reads |= WatchedQueryDict.asked - {"fuzz-probe"}
            site.reads[route] = reads
    return site


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The archive, its addresses and the parameters its pages read: built once for the
    module, in a transaction rolled back after it (each test's own changes roll back to a
    savepoint inside). As in production, Django's error pages answer what fails, not its
    debugging ones."""
    with (
        django_db_blocker.unblock(),
        # tests/conftest.py's settings too: its fixture is per test, this one is not.
        override_settings(
            DEBUG=False,
            ENTRIES_PER_PAGE=2,
            STORAGES={**django_settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC}},
            STATIC_ROOT=None,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        transaction.atomic(),
    ):
        yield discover(Client())
        transaction.set_rollback(True)


def test_every_public_route_and_the_parameters_pages_read_are_found(site):
    assert {str(route) for route in PUBLIC_ROUTES} <= set(site.samples)
    # What the views are known to read today, found without being named to the crawl.
    assert {"p", "page_id", "m", "cat", "tag", "author_name", "feed", "s", "q", "page", "year",
            "category", "source", "byline", "dateline", "cpage", "replyto",
            "replytocom"} <= site.query_names  # fmt: skip
    assert site.reads["search/"] >= {"q", "s", "page", "year", "category", "tag"}


def hostile_values(parameter):
    return [*OF_TYPE.get(parameter.regex, []), *HOSTILE]


def filled(route, site, name, value):
    """The route's real address with `value` in the parameter `name`."""
    values = dict(site.samples.get(str(route), {}))
    for parameter in route.parameters:
        values.setdefault(parameter.name, "1")
    return route.address({**values, name: value})


def answers(client, address, **extra):
    response = client.get(address, **extra)
    assert response.status_code < 500, (address, response.status_code)
    return response


def view_of(route, site):
    """The view a route leads to (routes such as `tag/<slug>/` and `tag/<slug>/page/<n>/`
    share one), or the route itself where no real address of it is known (the admin's)."""
    address = site.addresses.get(str(route))
    return resolve(address).func if address else str(route)


def test_no_route_answers_5xx_whatever_its_parameters_hold(client, site):
    fuzzed = set()
    for route in ROUTES:
        for parameter in route.parameters:
            # Each parameter of each view gets every value; the same one of another route
            # to the same view, and the admin's (whose every view first asks a stranger to
            # log in), the sharpest.
            seen = route.is_admin or (view_of(route, site), parameter.name) in fuzzed
            fuzzed.add((view_of(route, site), parameter.name))
            for value in hostile_values(parameter)[-6:] if seen else hostile_values(parameter):
                answers(client, filled(route, site, parameter.name, value))


def test_no_query_parameter_a_page_reads_answers_5xx_whatever_it_holds(client, site):
    fuzzed = set()
    for route, names in site.reads.items():
        view = resolve(site.addresses[route]).func
        for name in names - {name for v, name in fuzzed if v == view}:
            fuzzed.add((view, name))
            for value in HOSTILE:
                query = urlencode({name: value, **({"q": "talks"} if name != "q" else {})})
                answers(client, f"{site.addresses[route]}?{query}")


def test_wordpress_links_with_hostile_values_never_answer_5xx(client, site):
    for name in WORDPRESS_QUERY_NAMES:
        for value in ["", "9" * 30, "a/b", b"\xff"]:
            for path in ("/", "/search/"):
                answers(client, f"{path}?{urlencode({name: value})}")
    for raw_query in ["p", "p=", "p=1&p=2", "=1", "&&&", "p%5B%5D=1", "p=%", "m=%ff", "s=%00"]:
        answers(client, f"/?{raw_query}")


text_or_bytes = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40), st.binary(max_size=20))


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_address_with_any_query_never_answers_5xx(client, site, data):
    route = data.draw(st.sampled_from(ROUTES), label="route")
    values = dict(site.samples.get(str(route), {}))
    for parameter in route.parameters:
        if parameter.name not in values or data.draw(st.booleans()):
            values[parameter.name] = data.draw(
                st.one_of(
                    st.from_regex(parameter.regex, fullmatch=True),
                    st.sampled_from(hostile_values(parameter)),
                    text_or_bytes,
                ),
                label=parameter.name,
            )
    names = sorted(site.query_names | set(WORDPRESS_QUERY_NAMES))
    query = data.draw(
        st.lists(st.tuples(st.sampled_from(names), text_or_bytes), max_size=4), label="query"
    )
    address = route.address(values) + (f"?{urlencode(query)}" if query else "")
    answers(client, address)


# --- The whole WSGI stack: headers, cookies and bytes no browser would send ------------------


def environ(path="/", **overrides):
    """A WSGI environ as a server makes one: PATH_INFO and QUERY_STRING carry the raw bytes
    as Latin-1 text, and so do headers."""
    made = RequestFactory().get("/").environ
    made.update({"PATH_INFO": path, "QUERY_STRING": "", **overrides})
    return made


def raw(data):
    """Bytes as a WSGI server hands them over: each byte one Latin-1 character."""
    return data.decode("latin-1")


# Hosts Django refuses (400), and hosts it takes for the test server's own.
DISALLOWED_HOSTS = ["evil.example", "", " ", "testserver:abc", "[::1", "a b",
                    "testserver\r\nX-Injected: 1", raw("tést".encode()), raw(b"\xff\xfe"),
                    "x" * 5000, "testserver@evil.example", "testserver/../admin"]  # fmt: skip
HOSTS = [*DISALLOWED_HOSTS, "testserver:99999", "TESTSERVER", "testserver.", "testserver:0"]
ENCODINGS = ["gzip;q=abc", "br, *;q=0", "identity;q=0", "gzip, gzip, gzip", "x" * 9000,
             raw(b"\xff\xfe"), "", ",;,;=", "gzip;q=0"]  # fmt: skip
COOKIES = [
    "; ".join(f"c{n}={'x' * 4000}" for n in range(20)),
    "csrftoken=" + "x" * 100_000,
    raw(b"sessionid=\xff\xfe; csrftoken=\xc3"),
    "comments_pending=1:" + "x" * 5000,
    "comment_author=" + raw("é".encode()) + "; entry_password=" + "%ff" * 100,
    ";;;;=;=;", "$Version=1; sessionid=x", '"; csrftoken="',
]  # fmt: skip
PATHS = [raw(b"/\xff/"), raw(b"/2007/03/10/\xc3\x28/"), raw(b"/tag/\xed\xa0\x80/"),
         raw(b"/search/\x00/"), "/" + "a/" * 2000, raw(b"/category/\xff/feed/")]  # fmt: skip
QUERIES = [raw(b"q=\xff\xfe"), raw(b"s=\xc3"), "q=%ff%fe", raw(b"\xff=1"), "q=" + "x" * 20000,
           "&".join(f"q{n}=1" for n in range(3000))]  # fmt: skip


def through_the_stack(site):
    """A real address of every view of the site (the page cache sees each kind of page)."""
    by_view = {}
    for route in PUBLIC_ROUTES:
        address = site.addresses[str(route)]
        by_view.setdefault(resolve(address).func, address)
    return list(by_view.values())


def test_an_odd_host_is_a_400_not_a_500(site):
    for host in HOSTS:
        for path in through_the_stack(site):
            response = Reader().request(environ(path, HTTP_HOST=host))
            assert response.status_code < 500, (host, path, response.status_code)
            if host in DISALLOWED_HOSTS:
                assert response.status_code == 400, (host, path, response.status_code)


def test_odd_headers_cookies_and_bytes_never_answer_5xx_through_the_whole_stack(site):
    for path in through_the_stack(site):
        for encoding in ENCODINGS:
            response = Reader().request(environ(path, HTTP_ACCEPT_ENCODING=encoding))
            assert response.status_code < 500, (path, encoding)
        for cookie in COOKIES:
            response = Reader().request(environ(path, HTTP_COOKIE=cookie))
            assert response.status_code < 500, (path, cookie[:80])
        for query in QUERIES:
            response = Reader().request(environ(path, QUERY_STRING=query))
            assert response.status_code < 500, (path, query[:80])
    for path in PATHS:
        assert Reader().request(environ(path)).status_code < 500, path


# What a server hands over for a header: bytes (UTF-8 text, or any) as Latin-1 text.
header_text = st.one_of(st.text(max_size=30).map(lambda text: raw(text.encode())),
                        st.binary(max_size=30).map(raw))  # fmt: skip
headers = st.fixed_dictionaries(
    {},
    optional={
        "HTTP_HOST": st.sampled_from([*HOSTS, "testserver"]),
        "HTTP_ACCEPT_ENCODING": st.one_of(st.sampled_from(ENCODINGS), header_text),
        "HTTP_COOKIE": st.one_of(
            st.sampled_from(COOKIES),
            st.binary(max_size=60).map(raw),
            st.lists(st.tuples(header_text, header_text), max_size=5).map(
                lambda pairs: "; ".join(f"{k}={v}" for k, v in pairs)
            ),
        ),
        "HTTP_IF_MODIFIED_SINCE": st.one_of(header_text, st.just("Sat, 01 Jan 0001")),
        "HTTP_IF_NONE_MATCH": header_text,
        "HTTP_X_FORWARDED_PROTO": header_text,
        "HTTP_X_FORWARDED_FOR": header_text,
        "HTTP_REFERER": st.binary(max_size=40).map(raw),
        "HTTP_USER_AGENT": st.binary(max_size=40).map(raw),
        "QUERY_STRING": st.binary(max_size=60).map(raw),
    },
)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_headers_on_any_page_never_answer_5xx_through_the_whole_stack(site, data):
    path = data.draw(
        st.one_of(st.sampled_from(through_the_stack(site)), st.binary(max_size=30).map(raw))
    )
    if not path.startswith("/"):
        path = "/" + path
    response = Reader().request(environ(path, **data.draw(headers)))
    assert response.status_code < 500, (path, response.status_code)


# --- POSTs of odd types and charsets ------------------------------------------------------------

FORM = "application/x-www-form-urlencoded"
BODIES = [
    (f"{FORM}; charset=utf-16", b"q=talks&author_name=A&body=B"),
    (f"{FORM}; charset=utf-16", "q=talks".encode("utf-16")),
    (f"{FORM}; charset=utf-32", b"q=1"),
    (f"{FORM}; charset=latin-1", b"q=\xe9"),
    (f"{FORM}; charset=no-such-charset", b"q=1"),
    (f"{FORM}; charset=", b"q=1"),
    (FORM, b"q=\xff\xfe&body=\xc3"),
    (FORM, b"&".join(b"f%d=1" % n for n in range(2000))),
    (FORM, b"body=" + b"x" * 3_000_000),
    ("multipart/form-data", b"q=1"),
    ("multipart/form-data; boundary=", b"--\r\n"),
    ("multipart/form-data; boundary=x", b"garbage"),
    ("multipart/form-data; boundary=x; charset=utf-16",
     b'--x\r\nContent-Disposition: form-data; name="q"\r\n\r\n1\r\n--x--\r\n'),
    ("multipart/form-data; boundary=x",
     b'--x\r\nContent-Disposition: form-data; name="f"; filename="\xff.txt"\r\n\r\nx\r\n--x--'),
    ("application/json", b'{"q": '),
    ("text/plain", b"\xff\xfe"),
    ("", b"q=1"),
    ("x/y; ;;=;", b""),
    (raw("text/html; charset=\xff".encode("latin-1")), b"q=1"),
]  # fmt: skip


def takes_post(client, address):
    return client.post(address, {"q": "talks"}).status_code != 405


def test_posts_of_odd_types_and_charsets_never_answer_5xx(client, site):
    posted = [a for a in site.addresses.values() if takes_post(client, a)]
    assert {"/search/", "/about/"} <= set(posted)
    assert any(address.endswith("/comment/") for address in posted)
    assert any(address.endswith("/trackback/") for address in posted)
    for address in {resolve(address).func: address for address in posted}.values():
        for content_type, body in BODIES:
            response = client.generic("POST", address, body, content_type=content_type)
            assert response.status_code < 500, (address, content_type)
            # With CSRF checked, and a CSRF cookie as any earlier visit leaves: the middleware
            # reads the form first.
            reader = Reader()
            reader.cookies["csrftoken"] = "x" * 32
            request = RequestFactory().generic("POST", address, body, content_type=content_type)
            response = reader.request(request.environ)
            assert response.status_code < 500, (address, content_type, response.status_code)


def test_the_fuzz_test_itself_sees_a_5xx(client, site, monkeypatch):
    # A view that fails is caught, through the test client and through the whole stack.
    def broken(*args, **kwargs):
        raise RuntimeError("planted")

    monkeypatch.setattr("newsarchive.views.archives.finding.run", broken)
    with pytest.raises(RuntimeError):
        answers(client, site.addresses["search/"] + "?q=talks")
    client.raise_request_exception = False
    with pytest.raises(AssertionError):
        answers(client, site.addresses["search/"] + "?q=talks")
    environ_ = environ("/search/", QUERY_STRING="q=talks")
    assert Reader().request(environ_).status_code == 500


def test_dates_in_headers_outside_what_python_holds_never_answer_5xx(site):
    for value in ["Sat, 01 Jan 0001 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT",
                  "Thu, 01 Jan 10000 00:00:00 GMT", "-1", "9" * 40]:  # fmt: skip
        for path in through_the_stack(site):
            response = Reader().request(environ(path, HTTP_IF_MODIFIED_SINCE=value))
            assert response.status_code < 500, (path, value)

"""Whether a response may be given to other readers: decided where the response is made.

The page cache (newsarchive/pagecache/) serves one reader what Django made for another, so the
decision cannot be a guess from the request's headers: Django itself marks every response.
`SharedPageMiddleware` (outermost, so that it sees every cookie the others set) marks a
response shareable (`request.META[SHAREABLE]`, which the page cache reads) only when it is the
same for every anonymous reader, and is the page its address names:

- a GET or HEAD answered 200, at the site's own address (settings.SITE_URL's host and port:
  another spelling of the host, or another port, is not stored again);
- that read nothing of this reader's: no cookie present in the request but the CSRF token's
  (a session, and with it a signed-in user, a reader's pending comments, remembered name and
  unlocked entries, are all read through the session's cookie; messages through theirs);
- that set no cookie but the CSRF token's, and carries the reader's CSRF token only where the
  page cache puts each reader's own (`{% fresh_csrf_token %}`);
- that read every query parameter it was given, each once and spelled as it reads them, so
  that it is the page its address names and not one of endless copies under parameters it
  ignores;
- and that no view said not to store it (`never_store(request, why)`: a page of search
  results, say, whose address holds whatever a reader typed).

The page cache stores only what is marked shareable. For browsers and any cache between, a
response is `Cache-Control: private, no-cache` when it is the reader's own or sets a cookie
(their CSRF token's), and `public, no-cache` otherwise; a response that says for itself how
long it may be kept (a static file) keeps that, made private only where it must be.
What a request read is noted as it happens (request.COOKIES and request.GET note each key
looked up), so a view need not declare what it reads, and a view that starts reading a cookie
or a parameter is covered without a new rule here.
"""

import functools
from urllib.parse import urlsplit

from django.conf import settings
from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.http import QueryDict
from django.http.request import split_domain_port
from django.utils.cache import patch_cache_control

from newsarchive.caching import page_cache, version_of
from newsarchive.pagecache.names import CSRF_TOKEN, DEPENDS_ON, FRESH_VALUES, SHAREABLE

_NEVER_STORED = "newsarchive.never_stored"  # request.META: why a view said not to store it
_CSRF_INPUT = b'name="csrfmiddlewaretoken" value="'


class NotesReads:
    """A mapping that notes which keys were looked up (`read`); going through all of them
    counts as reading them all."""

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def __contains__(self, key):
        self.read.add(key)
        return super().__contains__(key)

    def read_all(self):
        self.read.update(dict.keys(self))

    def __iter__(self):
        self.read_all()
        return super().__iter__()

    def keys(self):
        self.read_all()
        return super().keys()

    def items(self):
        self.read_all()
        return super().items()

    def values(self):
        self.read_all()
        return super().values()


class ReadCookies(NotesReads, dict):
    """request.COOKIES, noting which cookies were looked up."""

    def __init__(self, cookies):
        super().__init__(cookies)
        self.read = set()

    def copy(self):
        self.read_all()
        return dict(dict.items(self))


class ReadQuery(NotesReads, QueryDict):
    """request.GET, noting which parameters were looked up."""

    def __init__(self, *args, **kwargs):
        self.read = set()
        super().__init__(*args, **kwargs)
        self.read = set()  # parsing looked every key up

    def getlist(self, key, default=None):
        self.read.add(key)
        return super().getlist(key, default)

    def lists(self):
        self.read_all()
        return super().lists()

    def dict(self):
        self.read_all()
        return super().dict()

    def urlencode(self, safe=None):
        self.read_all()
        return super().urlencode(safe)

    def __deepcopy__(self, memo):
        self.read_all()
        return super().__deepcopy__(memo)


def depends_only_on(request, key):
    """The page shows, of what changes without changing the archive as a whole, only what
    `key`'s version follows (an entry's own comments: caching.entry_key()): the page cache
    keeps it fresh while comments elsewhere change. Read before the view reads what it shows,
    so that a change in between makes the page stored now stale."""
    request.META[DEPENDS_ON] = (key, version_of(key)) if page_cache() is not None else None


def never_store(request, reason):
    """Keep this response out of the page cache, whatever else it read: not because it is
    personal, but because its address is one of endless others (whatever a reader typed)."""
    request.META[_NEVER_STORED] = reason


def why_personal(request, response):
    """What makes the response this reader's own, or "": a cookie of theirs it read (the CSRF
    token's aside), a view's own word, or their own CSRF token shown where the page cache
    would not put each reader's."""
    directives = response.get("Cache-Control", "").lower()
    if "private" in directives or "no-store" in directives:
        return "marked private by the view"
    cookies = request.COOKIES
    if isinstance(cookies, ReadCookies):
        personal = {name for name in cookies.read if dict.__contains__(cookies, name)}
        personal.discard(settings.CSRF_COOKIE_NAME)
        if personal:
            return f"read the reader's cookies {sorted(personal)}"
    if set(response.cookies) - {settings.CSRF_COOKIE_NAME}:
        return "sets a cookie"
    # Looked for in the bytes: most pages have no form, and decoding a page costs more.
    if not response.streaming and _CSRF_INPUT in response.content:
        fresh = {v for v, kind, _ in request.META.get(FRESH_VALUES, []) if kind == CSRF_TOKEN}
        parts = response.content.split(_CSRF_INPUT)[1:]
        shown = {part.split(b'"', 1)[0].decode("ascii", "replace") for part in parts}
        if not shown <= fresh:
            return "shows the reader's own CSRF token"
    return ""


def why_not_stored(request, response, personal):
    """Why the page cache must not keep the response for other readers, or "" if it may."""
    if personal:
        return personal
    if request.META.get(_NEVER_STORED):
        return request.META[_NEVER_STORED]
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return "not a GET answered 200"
    if response.streaming:
        return "streamed"
    if not is_the_sites_own_address(request):
        return "asked for at another spelling of the site's address"
    query = request.GET
    if isinstance(query, ReadQuery):
        unread = set(dict.keys(query)) - query.read
        if unread:
            return f"ignores the parameters {sorted(unread)}"
        if any(len(values) > 1 for values in dict.values(query)):
            return "repeats a parameter"
        if request.META.get("QUERY_STRING", "") != QueryDict.urlencode(query):
            return "spells its parameters otherwise than it reads them"
    return ""


@functools.cache
def _site_address(site_url):
    parts = urlsplit(site_url)
    return split_domain_port(parts.netloc)[0], parts.port or _default_port(parts.scheme == "https")


def _default_port(secure):
    return 443 if secure else 80


def is_the_sites_own_address(request):
    """Whether the request names the site as settings.SITE_URL does (its host and port)."""
    domain, port = split_domain_port(request.get_host())
    port = int(port) if port else _default_port(request.is_secure())
    return (domain, port) == _site_address(settings.SITE_URL)


class SharedPageMiddleware:
    """Track what each request reads; mark each response shareable or not (see above)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.COOKIES = ReadCookies(request.COOKIES)
        raw = get_bytes_from_wsgi(request.META, "QUERY_STRING", "")
        request.GET = ReadQuery(raw, encoding=request.encoding)
        response = self.get_response(request)
        personal = why_personal(request, response)
        request.META[SHAREABLE] = not why_not_stored(request, response, personal)
        # For browsers and caches between: the reader's own (or carrying their CSRF cookie)
        # is private; anything else public, to be checked again before each use, unless it
        # said for itself how long it keeps (a static file).
        private = bool(personal or response.cookies)
        if "Cache-Control" not in response:
            patch_cache_control(response, public=not private, private=private, no_cache=True)
        elif private:
            patch_cache_control(response, private=True)
        return response

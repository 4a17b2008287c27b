"""The full-page cache: anonymous readers' pages, answered before Django starts.

`PageCache` wraps the WSGI application (newsarchive/wsgi.py). For a GET from a browser that
carries no cookie but the CSRF token's (read as Django reads the Cookie header) it looks the
page up in the shared cache (CACHE_URL) in one round trip, together with the versions it was
made from (newsarchive/caching.py); a page this process served lately is kept in its memory,
and then only the versions are read from the shared cache. A page stored under an older
version is stale: any change to the archive makes every page fresh on its next request, on
every app server sharing the cache; a change to one entry's comments, that entry's page and
the pages that show or count comments across entries (lists, feeds), not other entries'
pages. Keys also carry the release (a digest of code and templates) and the blog's date.
Answering a request writes nothing to the database.

What is stored is decided by Django, not here: only a response that Django marked shareable
(newsarchive/sharing.py: it read nothing of the reader's and every parameter it was given, at
the site's own address) is kept for other readers. A cache that fails is passed by: the page
is rendered as if there were none.

Pages with forms carry values that must differ per reader: the CSRF token, and the signed time
the comment form was served (a bot defence). Templates mark them ({% fresh_csrf_token %},
{% fresh_form_token %}); the stored copy is cut at them, and each piece is also kept
compressed, so that serving a page to a browser joins bytes rather than compressing it again.
ETag and Last-Modified come with every cached page, and a matching conditional GET gets 304.

This package imports nothing of the site's views, forms or models: names.py holds what it and
Django's side agree on; readers.py makes the per-reader values; stored.py keeps pages (pieces,
gzip, recent pages).
"""

import functools
import hashlib
import logging
import re
import time
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus

from django.conf import settings
from django.core.handlers.wsgi import get_str_from_wsgi
from django.http.cookie import parse_cookie
from django.http.request import split_domain_port
from django.utils import timezone
from django.utils.text import compress_string

from newsarchive.caching import BUILD, COMMENTS_KEY, VERSION_KEY, page_cache, version_of
from newsarchive.pagecache.names import DEPENDS_ON, FRESH_VALUES, SHAREABLE
from newsarchive.pagecache.readers import fresh_values
from newsarchive.pagecache.stored import RecentPages, deflate, etag_of, gzip_from_parts

logger = logging.getLogger(__name__)
PAGE_TIMEOUT = 24 * 60 * 60
STORAGE_FORMAT = 2  # part of every page's key: a new layout of stored pages never meets an old
PLACEHOLDER = "\x00fresh{}\x00"
PLACEHOLDERS = re.compile("\x00fresh([0-9]+)\x00")
CACHEABLE_TYPES = ("text/html", "application/rss+xml", "application/atom+xml", "application/xml",
                   "text/xml", "text/plain")  # fmt: skip
SKIPPED_PREFIXES = ("/admin/", "/static/", "/comments/unsubscribe/")


def carries_cookies(environ):
    """Whether the request has any cookie but the CSRF token's, as Django will read them (the
    same parser, on the same decoding of the header's bytes): such a reader may be someone
    Django knows, and gets a page made for them."""
    header = environ.get("HTTP_COOKIE")
    if not header:
        return False
    cookies = parse_cookie(get_str_from_wsgi(environ, "HTTP_COOKIE", ""))
    return bool(cookies.keys() - {settings.CSRF_COOKIE_NAME})


def page_key(environ):
    secure = "https" in (environ.get("HTTP_X_FORWARDED_PROTO"), environ.get("wsgi.url_scheme"))
    scheme = "https" if secure else "http"
    host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}"
    where = "|".join(
        [
            scheme,
            key_host(host, secure),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            # Pages say what happened on this day (home, "On this day"): a new day, new pages.
            timezone.localdate().isoformat(),
        ]
    )
    digest = hashlib.sha256(where.encode("utf-8", "surrogateescape")).hexdigest()
    return f"page:{STORAGE_FORMAT}:{BUILD}:{digest}"


@functools.lru_cache(maxsize=64)
def key_host(host, secure):
    """The host as Django compares it: case and a trailing dot aside, the default port implied
    (remembered: the same few hosts come again and again)."""
    domain, port = split_domain_port(host)
    return domain if port in ("", "443" if secure else "80") else f"{domain}:{port}"


@functools.lru_cache(maxsize=64)
def _accepts_gzip(header):
    qualities = {}
    for coding in header.lower().split(","):
        name, _, parameters = coding.partition(";")
        try:
            qualities[name.strip()] = float(parameters.strip().removeprefix("q=") or 1)
        except ValueError:
            qualities[name.strip()] = 1.0
    return qualities.get("gzip", qualities.get("*", 0)) > 0


def accepts_gzip(environ):
    """Whether Accept-Encoding names gzip (or *) without refusing it (`gzip;q=0`)."""
    return _accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", ""))


class PageCache:
    """WSGI middleware: serve cached pages to anonymous readers; store what Django renders."""

    def __init__(self, application):
        self.application = application
        self.recent = RecentPages()

    def __call__(self, environ, start_response):
        cache = page_cache()
        if cache is None or not self.is_cacheable_request(environ):
            return self.application(environ, start_response)
        try:
            found = self.look_up(environ, cache)
        except Exception:
            # The cache is an optimisation: whatever goes wrong in it, the page is made anew.
            logger.exception("The page cache failed; serving %s uncached", environ["PATH_INFO"])
            return self.application(environ, start_response)
        kind, value = found
        if kind == "hit":
            return self.serve(environ, start_response, value)
        return self.render_and_store(environ, start_response, cache, *value)

    def look_up(self, environ, cache):
        """("hit", stored page) or ("miss", (key, the versions read before rendering)).

        A page is fresh while every version it was stored under is current: the archive's,
        and the one thing it depends on besides (COMMENTS_KEY, or an entry's own comments).
        A page this process served lately costs one round trip for its versions alone."""
        key = page_key(environ)
        stored = self.recent.get(key)
        if stored is not None and cache.get_many(list(stored["versions"])) == stored["versions"]:
            return "hit", stored
        found = cache.get_many([key, VERSION_KEY, COMMENTS_KEY])
        stored = found.pop(key, None)
        if stored is not None:
            missing = [name for name in stored["versions"] if name not in found]
            if missing:
                found.update(cache.get_many(missing))
            if all(found.get(name) == value for name, value in stored["versions"].items()):
                self.recent.put(key, stored)
                return "hit", stored
        for name in (VERSION_KEY, COMMENTS_KEY):
            if name not in found:
                found[name] = version_of(name, cache)
        return "miss", (key, found)

    def is_cacheable_request(self, environ):
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return False
        if environ.get("PATH_INFO", "").startswith(SKIPPED_PREFIXES):
            return False
        return not carries_cookies(environ)

    # --- Serving a stored page ----------------------------------------------------------

    def serve(self, environ, start_response, stored):
        headers = [*stored["headers"], ("ETag", stored["etag"]),
                   ("Last-Modified", stored["last_modified"])]  # fmt: skip
        if self.not_modified(environ, stored):
            start_response("304 Not Modified", headers)
            return []
        values, cookies = fresh_values(environ, stored["fresh"])
        if cookies:  # this reader's own CSRF cookie: no cache between may keep the response
            headers = [(k, v) for k, v in headers if k.lower() != "cache-control"]
            headers.append(("Cache-Control", "private, no-cache"))
        headers += [*cookies, ("X-Cache", "hit")]
        if accepts_gzip(environ):
            body = gzip_from_parts(stored["parts"], stored["deflated"], values)
            headers.append(("Content-Encoding", "gzip"))
        else:
            body = b"".join(values[p] if isinstance(p, int) else p for p in stored["parts"])
        return self.respond(environ, start_response, stored["status"], headers, body)

    def not_modified(self, environ, stored):
        tags = environ.get("HTTP_IF_NONE_MATCH")
        if tags is not None:
            return stored["etag"] in [tag.strip() for tag in tags.split(",")] or tags == "*"
        since = environ.get("HTTP_IF_MODIFIED_SINCE")
        if since:
            try:
                return parsedate_to_datetime(since) >= parsedate_to_datetime(
                    stored["last_modified"]
                )
            except (TypeError, ValueError):
                return False
        return False

    def respond(self, environ, start_response, status, headers, body):
        compressed = any(name == "Content-Encoding" for name, _ in headers)
        if not compressed and len(body) > 200 and accepts_gzip(environ):
            # Compressed here, the outermost layer, for cached and rendered pages alike; random
            # padding in the gzip header is Django's mitigation of BREACH.
            body = compress_string(body, max_random_bytes=100)
            headers = [*headers, ("Content-Encoding", "gzip")]
        headers = [(k, v) for k, v in headers if k.lower() not in ("content-length", "vary")]
        headers += [("Content-Length", str(len(body))), ("Vary", "Accept-Encoding, Cookie")]
        start_response(status, headers)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]

    # --- Rendering and storing a page ---------------------------------------------------

    def render_and_store(self, environ, start_response, cache, key, versions):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured.update(status=status, headers=headers)
            return lambda data: captured.setdefault("written", []).append(data)

        environ[FRESH_VALUES] = []
        result = self.application(environ, capture)
        try:
            body = b"".join([*captured.get("written", []), *result])
        finally:
            if hasattr(result, "close"):
                result.close()
        status, headers = captured["status"], captured["headers"]
        stored = self.storable(environ, status, headers, body, versions)
        if stored is not None and self.store(cache, key, stored):
            headers = [(k, v) for k, v in headers if k.lower() not in ("etag", "last-modified")]
            headers += [("ETag", stored["etag"]), ("Last-Modified", stored["last_modified"])]
        return self.respond(environ, start_response, status, headers, body)

    def store(self, cache, key, stored):
        try:
            if cache.set(key, stored, PAGE_TIMEOUT) is False:
                return False
        except Exception:
            logger.exception("The page cache could not store a page")
            return False
        self.recent.put(key, stored)
        return True

    def storable(self, environ, status, headers, body, versions):
        """The page as stored for other readers, or None if Django did not mark it shareable."""
        if not status.startswith(f"{HTTPStatus.OK.value} ") or environ.get(SHAREABLE) is not True:
            return None
        content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
        if not content_type.startswith(CACHEABLE_TYPES):
            return None
        fresh_values = environ.get(FRESH_VALUES, [])
        csrf_cookie = f"{settings.CSRF_COOKIE_NAME}="
        kept = []
        for name, value in headers:
            if name.lower() == "set-cookie":
                if not value.strip().startswith(csrf_cookie):
                    return None  # never marked shareable; and never stored if it were
                continue  # each reader's own is set as the page is served
            if name.lower() not in ("content-length", "vary", "etag", "last-modified"):
                kept.append((name, value))
        text = body.decode("utf-8")
        fresh = []
        for number, (value, kind, argument) in enumerate(fresh_values):
            text = text.replace(value, PLACEHOLDER.format(number))
            fresh.append((kind, argument))
        template = text.encode("utf-8")
        parts = [
            int(part) if index % 2 else part.encode("utf-8")
            for index, part in enumerate(PLACEHOLDERS.split(text))
        ]
        depends_on = environ.get(DEPENDS_ON) or (COMMENTS_KEY, versions[COMMENTS_KEY])
        return {
            # What the page was made from: the archive's version, and the one it depends on
            # besides (see look_up).
            "versions": {VERSION_KEY: versions[VERSION_KEY], depends_on[0]: depends_on[1]},
            "status": status,
            "headers": kept,
            # The page cut at its placeholders, so that serving it only joins bytes: text,
            # then the number of the fresh value that goes next, then text, and so on.
            "parts": parts,
            # and each piece of text compressed on its own, for browsers that take gzip.
            "deflated": [None if isinstance(part, int) else deflate(part) for part in parts],
            "fresh": fresh,
            "etag": etag_of(template),
            "last_modified": formatdate(time.time(), usegmt=True),
        }

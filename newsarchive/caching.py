"""One version for everything readers see, bumped whenever the archive changes.

Cached fragments and whole pages (newsarchive/pagecache/) are stored with the version they
were made under, so a change makes every one of them stale at once, on every app server sharing
the cache, without finding and deleting keys one by one.

Every process that serves or changes the archive shares the cache (files under var/cache by
default, Redis for several machines), or a change made by one would leave the others stale.
`CACHE_URL=dummy://` turns caching off altogether: pages and fragments are made every time.

The cache is an optimisation, never a dependency: RedisCache and FileCache (Django's own
backends, through their public methods) answer every call that fails (Redis down or slow, a
full disk) as a miss, and after a failure stop calling for a few seconds (a circuit breaker),
so that a dead Redis costs each request a clock read rather than a connect timeout. The outage
is logged once, and so is the recovery, which makes every page stale: changes made while the
cache was unreachable could not say so.
"""

import hashlib
import logging
import pickle
import threading
import time
from pathlib import Path

import redis
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.db import transaction

logger = logging.getLogger(__name__)

VERSION_KEY = "archive-version"
FRAGMENT_TIMEOUT = 24 * 60 * 60


def shared_cache():
    """The cache every process shares (CACHE_URL), or None when caching is turned off."""
    cache = caches["default"]
    return None if isinstance(cache, DummyCache) else cache


def page_cache():
    """The cache whole pages are kept in, or None when they are made on every request."""
    return shared_cache() if settings.PAGE_CACHE else None


def _build():
    """A digest of the code and templates this process serves: pages and fragments made by
    another release are never served by this one (the archive version says nothing of
    templates). Contents, not times, so that every app server of a release agrees."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for folder in ("newsarchive", "templates"):
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in {".py", ".html", ".txt", ".xml"} and path.is_file():
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


BUILD = _build()


def version_of(key, cache=None):
    """A version number kept in the shared cache under `key`, started if it has none yet."""
    cache = cache or shared_cache()
    version = cache.get(key)
    if version is None:
        cache.add(key, time.time_ns(), None)
        version = cache.get(key, 0)
    return version


def archive_version(cache=None):
    return version_of(VERSION_KEY, cache)


# What a page depends on besides the whole archive (whose version every page and fragment
# carries): the comments readers see. A page that shows comments or counts them (lists, feeds)
# depends on all of them (COMMENTS_KEY, the default); an entry's own page only on its own
# (entry_key(), which the entry view names: tell_page_cache_depends_on in sharing.py). So a
# comment approved on one entry leaves every other entry's page fresh.
COMMENTS_KEY = "comments-version"


def entry_key(entry_id):
    return f"entry-version:{entry_id}"


def archive_changed():
    """Make every cached page and fragment stale: now, and again when the change commits. A
    page rendered in between, from what the database showed before the commit, was stored
    under the first new version, and the second makes it stale too."""
    _bump([VERSION_KEY])
    transaction.on_commit(lambda: _bump([VERSION_KEY]))


def comments_changed(entry_ids):
    """A comment readers see (or saw) changed on these entries: their own pages and every page
    that shows or counts comments across entries are stale; other entries' pages stay fresh.
    Fragments (sidebars, related entries) show no comments and stay too."""
    keys = [COMMENTS_KEY, *(entry_key(entry_id) for entry_id in sorted(set(entry_ids)))]
    _bump(keys)
    transaction.on_commit(lambda: _bump(keys))


def _bump(keys):
    cache = shared_cache()
    if cache is None:
        return
    now = time.time_ns()
    cache.set_many(dict.fromkeys(keys, now), None)


def cached(name, compute):
    """`compute()`'s value, kept until the archive next changes."""
    cache = shared_cache()
    if cache is None:
        return compute()
    key = f"{name}:{BUILD}:{archive_version(cache)}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, FRAGMENT_TIMEOUT)
    return value


class Breaker:
    """Stop calling a cache for RETRY_SECONDS after it failed; then let one call try it again.

    Calls while it is open cost a clock read. The first failure is logged, and the recovery;
    nothing in between, however many requests meet the outage."""

    RETRY_SECONDS = 5.0

    def __init__(self, name, on_recovery=None):
        self.name, self.on_recovery = name, on_recovery
        self.down = False
        self.retry_at = 0.0
        self.lock = threading.Lock()

    def allows(self):
        return not self.down or time.monotonic() >= self.retry_at

    def failed(self, error):
        with self.lock:
            self.retry_at = time.monotonic() + self.RETRY_SECONDS
            if self.down:
                return
            self.down = True
        logger.error(
            "The %s cache is unreachable (%s): pages are made without it, retried every %g s.",
            self.name, error, self.RETRY_SECONDS,
        )  # fmt: skip

    def succeeded(self):
        """Note a call that worked; True if it ended an outage."""
        if not self.down:
            return False
        with self.lock:
            if not self.down:
                return False
            self.down = False
        logger.warning("The %s cache answers again.", self.name)
        if self.on_recovery is not None:
            self.on_recovery()
        return True


class Guarded:
    """Cache methods that answer a failure as a miss (or as not stored) instead of raising."""

    FAILURES = (OSError, EOFError, pickle.UnpicklingError)

    def __init__(self, server, params):
        super().__init__(server, params)
        self.breaker = Breaker(type(self).__name__, on_recovery=self.recovered)

    def recovered(self):
        # Whatever changed while the cache was unreachable could not make pages stale.
        self.set(VERSION_KEY, time.time_ns(), None)

    def is_available(self):
        return self.breaker.allows()

    def guarded(self, call, fallback):
        if not self.breaker.allows():
            return fallback
        try:
            value = call()
        except self.FAILURES as error:
            self.breaker.failed(error)
            return fallback
        if self.breaker.succeeded():
            return fallback  # read before recovery made every page stale: not to be trusted
        return value

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self.guarded(lambda: super(Guarded, self).add(key, value, timeout, version), False)

    def get(self, key, default=None, version=None):
        return self.guarded(lambda: super(Guarded, self).get(key, default, version), default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self.guarded(lambda: super(Guarded, self).set(key, value, timeout, version), False)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self.guarded(lambda: super(Guarded, self).touch(key, timeout, version), False)

    def delete(self, key, version=None):
        return self.guarded(lambda: super(Guarded, self).delete(key, version), False)

    def get_many(self, keys, version=None):
        return self.guarded(lambda: super(Guarded, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return self.guarded(lambda: super(Guarded, self).has_key(key, version), False)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        failed = list(data)
        return self.guarded(lambda: super(Guarded, self).set_many(data, timeout, version), failed)

    def delete_many(self, keys, version=None):
        return self.guarded(lambda: super(Guarded, self).delete_many(keys, version), None)

    def clear(self):
        return self.guarded(lambda: super(Guarded, self).clear(), None)


class FileCache(Guarded, FileBasedCache):
    """The file cache for CACHE_URL=file://…, answering a full or unwritable disk as a miss."""


# Every call to Redis is bounded: a Redis that does not answer costs at most this once, and
# then nothing while the breaker is open.
REDIS_TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


class RedisCache(Guarded, DjangoRedisCache):
    """The Redis cache backend for CACHE_URL=redis://…: Django's own, guarded. A page hit reads
    the archive version from Redis each time (one round trip): always the current one, on every
    app server."""

    FAILURES = (*Guarded.FAILURES, redis.RedisError)

    def __init__(self, server, params):
        options = {**REDIS_TIMEOUTS, **params.get("OPTIONS", {})}
        super().__init__(server, {**params, "OPTIONS": options})

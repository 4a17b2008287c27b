"""One version for everything readers see, bumped whenever the archive changes.

Cached fragments and whole pages (newsarchive/pagecache/) are stored with the version they
were made under, so a change makes every one of them stale at once, on every app server sharing
the cache, without finding and deleting keys one by one.

Every process that serves or changes the archive shares the cache (files under var/cache by
default, Redis for several machines), or a change made by one would leave the others stale.
`CACHE_URL=dummy://` turns caching off altogether: pages and fragments are made every time.

The cache is an optimisation, never a dependency: RedisCache and FileCache answer every call
that fails (Redis down or slow, a full disk) as a miss, and after a failure stop calling for a
few seconds (a circuit breaker), so that a dead Redis costs each request a clock read rather
than a connect timeout. The outage is logged once, and so is the recovery, which makes every
page stale: changes made while the cache was unreachable could not say so.
"""

import hashlib
import logging
import os
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
from django.core.cache.backends.redis import RedisCacheClient, RedisSerializer
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


def archive_version(cache=None):
    cache = cache or shared_cache()
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), None)
        version = cache.get(VERSION_KEY, 0)
    return version


def archive_changed():
    """Make every cached page and fragment stale: now, and again when the change commits. A
    page rendered in between, from what the database showed before the commit, was stored
    under the first new version, and the second makes it stale too."""
    _bump()
    transaction.on_commit(_bump)


def _bump():
    cache = shared_cache()
    if cache is None:
        return
    cache.set(VERSION_KEY, time.time_ns(), None)
    if isinstance(cache, RedisCache):
        cache.settle()


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


def current_version(cache):
    """The archive version in the shared cache now (None if it has none), as a page hit reads
    it: from Redis's tracking (no round trip while unchanged) where the cache is Redis."""
    if isinstance(cache, RedisCache):
        return cache.get_tracked(VERSION_KEY)
    return cache.get(VERSION_KEY)


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


class _RedisClients(RedisCacheClient):
    """Django's client, keeping one redis-py client per connection pool: Django makes a new one
    for every call, which costs more than a cached page's round trip to Redis."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


# Every call to Redis is bounded: a Redis that does not answer costs at most this once, and
# then nothing while the breaker is open.
REDIS_TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


class RedisCache(Guarded, DjangoRedisCache):
    """The Redis cache backend for CACHE_URL=redis://…"""

    FAILURES = (*Guarded.FAILURES, redis.RedisError)

    def __init__(self, server, params):
        options = {**REDIS_TIMEOUTS, **params.get("OPTIONS", {})}
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = _RedisClients
        self.url = server.split(",")[0] if isinstance(server, str) else server[0]
        self.options = options
        self._tracked = {}
        self._untracked_until = 0.0

    def get_tracked(self, key):
        """`get(key)`, kept in this process until Redis says the key changed (see TrackedKey).
        Where tracking cannot start (Redis older than 6, or not answering), a plain `get()`,
        and another try after UNTRACKED_SECONDS."""
        if self.breaker.down:
            # What tracking kept may be stale: nothing could be pushed while Redis was away.
            tracked = self._tracked.pop(key, None)
            if tracked is not None:
                tracked.close()
            return self.get(key)  # None while the breaker is open; ends the outage if it can
        tracked = self._tracked.get(key)
        if tracked is None or tracked.pid != os.getpid():
            if time.monotonic() < self._untracked_until:
                return self.get(key)
            try:
                tracked = self._tracked[key] = TrackedKey(
                    self.url, self.make_and_validate_key(key), self.options
                )
            except self.FAILURES:
                self._untracked_until = time.monotonic() + UNTRACKED_SECONDS
                return self.get(key)
        try:
            return tracked.get()
        except self.FAILURES:
            del self._tracked[key]  # a new connection next time, tracking from the start
            tracked.close()
            return self.get(key)

    def settle(self):
        """One more round trip after a write: once it returns, Redis has sent every tracking
        connection its invalidation of what was written (each is written out in the same pass
        of Redis's event loop as the write's own reply, before the next command is read)."""
        self.guarded(lambda: self._cache.get_client(write=True).ping(), None)


_UNKNOWN = object()
UNTRACKED_SECONDS = 30


class TrackedKey:
    """One key's value, read from Redis once and then kept until Redis says it changed.

    A page hit needs the archive version, and a round trip to Redis for it cost most of the
    hit. Redis's client tracking (RESP3) removes it: after this connection reads the key, Redis
    pushes an invalidation on the connection as soon as any client changes the key, so each
    read first takes in whatever Redis pushed (a poll of the socket, no round trip) and asks
    again only after an invalidation. The value stays in Redis, shared by every app server:
    this is a copy that Redis itself invalidates, and a lost connection (where tracking ends)
    forgets it. RedisCache.settle() makes a writer wait until the invalidation is on its way.
    """

    def __init__(self, url, key, options):
        self.key, self.loads, self.pid = key, RedisSerializer().loads, os.getpid()
        self.value = _UNKNOWN
        self.client = redis.Redis.from_url(
            url, protocol=3, single_connection_client=True, retry=None, **options
        )
        connection = self.client.connection
        connection.register_connect_callback(self._track)  # after every reconnection
        self._track(connection)

    def _track(self, connection):
        self.value = _UNKNOWN
        connection.send_command("CLIENT", "TRACKING", "ON")
        reply = connection.read_response()
        if reply not in (b"OK", "OK"):
            raise redis.RedisError(f"CLIENT TRACKING ON answered {reply!r}")

    def get(self):
        connection = self.client.connection
        while connection.can_read(timeout=0):
            connection.read_response(push_request=True)  # an invalidation
            self.value = _UNKNOWN
        if self.value is _UNKNOWN:
            raw = self.client.get(self.key)
            self.value = None if raw is None else self.loads(raw)
        return self.value

    def close(self):
        self.value = _UNKNOWN
        self.client.close()

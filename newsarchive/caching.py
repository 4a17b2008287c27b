"""One version for everything readers see, bumped whenever the archive changes.

Cached fragments and whole pages (newsarchive/pagecache/) are stored with the version they
were made under, so a change makes every one of them stale at once, on every app server sharing
the cache, without finding and deleting keys one by one.

Every process that serves pages must share the cache (Redis, or the file cache production uses
by default), or a change seen by one would leave the others stale. `CACHE_URL=dummy://` turns
the cache off, for benchmarks of uncached pages: pages are then never cached, and fragments
(sidebar blocks, related entries) fall back to a cache in each process, versioned in that
process only, so it is not for serving an archive that changes.
"""

import hashlib
import os
import time
from pathlib import Path

import redis
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.db import transaction

VERSION_KEY = "archive-version"
FRAGMENT_TIMEOUT = 24 * 60 * 60
_in_process = LocMemCache("newsarchive-fragments", {"OPTIONS": {"MAX_ENTRIES": 2000}})


def shared_cache():
    """The cache every app server shares (CACHE_URL), or None when it is turned off."""
    cache = caches["default"]
    return None if isinstance(cache, DummyCache) else cache


def fragment_cache():
    return shared_cache() or _in_process


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
    cache = cache or fragment_cache()
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
    cache = fragment_cache()
    cache.set(VERSION_KEY, time.time_ns(), None)
    if isinstance(cache, RedisCache):
        cache.settle()


def current_version(cache):
    """The archive version in the shared cache now (None if it has none), as a page hit reads
    it: from Redis's tracking (no round trip while unchanged) where the cache is Redis."""
    if isinstance(cache, RedisCache):
        return cache.get_tracked(VERSION_KEY)
    return cache.get(VERSION_KEY)


def cached(name, compute):
    """`compute()`'s value, kept until the archive next changes."""
    cache = fragment_cache()
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


class RedisCache(DjangoRedisCache):
    """The Redis cache backend for CACHE_URL=redis://…"""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _RedisClients
        self._tracked = {}
        self._untracked_until = 0.0

    def get_tracked(self, key):
        """`get(key)`, kept in this process until Redis says the key changed (see TrackedKey).
        Where tracking cannot start (Redis older than 6, or not answering), a plain `get()`,
        and another try after UNTRACKED_SECONDS."""
        tracked = self._tracked.get(key)
        if tracked is None or tracked.pid != os.getpid():
            if time.monotonic() < self._untracked_until:
                return self.get(key)
            try:
                tracked = self._tracked[key] = TrackedKey(
                    self._servers[0], self.make_and_validate_key(key), self._cache._serializer.loads
                )
            except (redis.RedisError, OSError):
                self._untracked_until = time.monotonic() + UNTRACKED_SECONDS
                return self.get(key)
        try:
            return tracked.get()
        except (redis.RedisError, OSError):
            del self._tracked[key]  # a new connection next time, tracking from the start
            tracked.close()
            return self.get(key)

    def settle(self):
        """One more round trip after a write: once it returns, Redis has sent every tracking
        connection its invalidation of what was written (each is written out in the same pass
        of Redis's event loop as the write's own reply, before the next command is read)."""
        self._cache.get_client(write=True).ping()


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

    def __init__(self, url, key, loads):
        self.key, self.loads, self.pid = key, loads, os.getpid()
        self.value = _UNKNOWN
        self.client = redis.Redis.from_url(url, protocol=3, single_connection_client=True)
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

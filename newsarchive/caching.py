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
import time
from pathlib import Path

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
    fragment_cache().set(VERSION_KEY, time.time_ns(), None)


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

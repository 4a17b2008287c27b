"""One version for everything readers see, bumped whenever the archive changes.

Cached fragments (and, later, whole pages) are stored under keys that include the version, so
a change makes every one of them stale at once, on every app server sharing the cache, without
finding and deleting keys one by one.
"""

import time

from django.core.cache import cache

VERSION_KEY = "archive-version"
FRAGMENT_TIMEOUT = 24 * 60 * 60


def archive_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), None)
        version = cache.get(VERSION_KEY, 0)
    return version


def archive_changed():
    cache.set(VERSION_KEY, time.time_ns(), None)


def cached(name, compute):
    """`compute()`'s value, kept until the archive next changes."""
    key = f"{name}:{archive_version()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, FRAGMENT_TIMEOUT)
    return value

"""The Redis cache backend's contract, against the real Redis on 127.0.0.1:6379 that the page
cache uses in production: Django's cache API as the site uses it, a change seen by every app
server at once, and a Redis that cannot be reached answered as a miss, never an error.

Each test keeps to a key prefix of its own and deletes its keys afterwards (never FLUSHDB: the
database may be shared)."""

import logging
import socket
import time
import uuid

import pytest
import redis

from newsarchive.caching import VERSION_KEY, RedisCache, archive_version

URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def prefix():
    name = f"test-redis-cache-{uuid.uuid4().hex}"
    yield name
    client = redis.Redis.from_url(URL)
    keys = list(client.scan_iter(match=f"{name}:*"))
    if keys:
        client.delete(*keys)


def app_server_cache(prefix, url=URL):
    """The cache as one app server's process holds it (each its own connections)."""
    return RedisCache(url, {"KEY_PREFIX": prefix})


def test_set_get_add_delete(prefix):
    cache = app_server_cache(prefix)
    assert cache.get("page") is None and cache.get("page", "default") == "default"
    cache.set("page", {"parts": [b"<html>", 0]})
    assert cache.get("page") == {"parts": [b"<html>", 0]}
    assert cache.add("page", "other") is False and cache.get("page") == {"parts": [b"<html>", 0]}
    assert cache.add("new", "added") is True and cache.get("new") == "added"
    assert cache.has_key("new")
    assert cache.delete("new") is True and cache.delete("new") is False
    assert cache.get("new") is None


def test_many_at_once(prefix):
    cache = app_server_cache(prefix)
    cache.set_many({"a": 1, "b": "two"})
    assert cache.get_many(["a", "b", "missing"]) == {"a": 1, "b": "two"}
    cache.delete_many(["a", "b"])
    assert cache.get_many(["a", "b"]) == {}


def test_touch_sets_a_new_lifetime(prefix):
    cache = app_server_cache(prefix)
    cache.set("page", "kept", timeout=100)
    assert cache.touch("page", 1000) is True
    assert 900 < redis.Redis.from_url(URL).ttl(cache.make_key("page")) <= 1000
    assert cache.touch("missing", 1000) is False


def test_versions_of_a_key_are_apart(prefix):
    cache = app_server_cache(prefix)
    cache.set("fragment", "first", version=1)
    cache.set("fragment", "second", version=2)
    assert cache.get("fragment") == "first"  # version 1 is the default
    assert cache.get("fragment", version=2) == "second"


def test_the_archive_version_is_a_number_every_server_reads_alike(prefix):
    one, two = app_server_cache(prefix), app_server_cache(prefix)
    version = archive_version(one)
    assert isinstance(version, int) and archive_version(two) == version
    assert one.get(VERSION_KEY) == version


def test_a_change_is_seen_by_another_app_server_at_once(prefix):
    """The version a page hit reads is the one in Redis now: another server's change shows on
    the very next read, with nothing kept in between."""
    reader, writer = app_server_cache(prefix), app_server_cache(prefix)
    reader.set(VERSION_KEY, 1, None)
    assert reader.get(VERSION_KEY) == 1
    for version in range(2, 50):
        writer.set(VERSION_KEY, version, None)
        assert reader.get(VERSION_KEY) == version


def unused_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_redis_that_cannot_be_reached_is_a_miss_and_then_not_tried(prefix, caplog):
    cache = app_server_cache(prefix, f"redis://127.0.0.1:{unused_port()}/0")
    with caplog.at_level(logging.WARNING, logger="newsarchive.caching"):
        assert cache.get("page", "default") == "default"
        assert cache.set("page", "value") is False
        started = time.perf_counter()
        for _ in range(100):
            assert cache.get_many(["page", VERSION_KEY]) == {}
            assert cache.add("page", "value") is False and cache.get("page") is None
            assert cache.touch("page") is False and cache.delete("page") is False
        assert time.perf_counter() - started < 0.1  # a clock read each, not a connection
    assert not cache.is_available()
    outages = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(outages) == 1

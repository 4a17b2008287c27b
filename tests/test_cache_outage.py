"""A cache is an optimisation, never a dependency: with Redis stopped, or answering slowly, the
site serves every page (made anew, with its security headers) and takes every comment; the
outage is logged once; and when Redis is back, pages are cached again and none is stale.

The tests start a Redis of their own, so that stopping it touches nothing else."""

import logging
import shutil
import socket
import subprocess
import threading
import time

import pytest
import redis

from newsarchive.caching import Breaker
from newsarchive.models import Comment
from tests.factories import comment_data, make_comment, make_entry
from tests.wsgi import Reader, app_server

pytestmark = pytest.mark.django_db

PAGES = ["/", "/2007/03/", "/2007/03/10/here/", "/feed/", "/comments/feed/", "/sitemap.xml"]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    """A Redis server for one test, which the test may stop and start again."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        server = shutil.which("redis-server")
        assert server, "redis-server is needed (make test installs it with .ci/run)"
        self.process = subprocess.Popen(
            [server, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("Redis did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


class SilentServer:
    """Accepts connections and reads what it is sent, but never answers: a Redis too slow to
    be of use. Counts the connections made to it."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"redis://127.0.0.1:{self.listener.getsockname()[1]}/0"
        self.connections = []
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)

    def close(self):
        self.listener.close()
        for connection in self.connections:
            connection.close()


@pytest.fixture
def quick_breaker(monkeypatch):
    monkeypatch.setattr(Breaker, "RETRY_SECONDS", 0.3)


def use_redis(settings, url):
    settings.CACHES = {"default": {"BACKEND": "newsarchive.caching.RedisCache", "LOCATION": url}}


@pytest.fixture
def site():
    here = make_entry(title="Here", slug="here")
    make_comment(here, body="An approved comment.")
    return here


def assert_served_in_full(page):
    assert page.status_code == 200
    assert page.header("Content-Security-Policy") and page.header("X-Frame-Options") == "DENY"


def post_comment(reader, entry, body):
    page = reader.get("/2007/03/10/here/")
    csrf = page.text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    data = {**comment_data(entry, body=body), "csrfmiddlewaretoken": csrf}
    return reader.post("/2007/03/10/here/comment/", data)


def test_with_redis_stopped_every_page_is_served_and_comments_are_taken(
    settings, site, quick_breaker, caplog
):
    own = OwnRedis()
    own.start()
    use_redis(settings, own.url)
    server = app_server()
    for path in PAGES:
        Reader(server).get(path)
    assert Reader(server).get("/2007/03/10/here/").from_cache
    own.stop()
    with caplog.at_level(logging.WARNING, logger="newsarchive.caching"):
        for _ in range(3):
            for path in PAGES:
                page = Reader(server).get(path)
                assert_served_in_full(page)
                assert not page.from_cache
        response = post_comment(Reader(server), site, "Said while the cache was down.")
        assert response.status_code == 302
        assert Comment.objects.filter(body="Said while the cache was down.").exists()
    outages = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(outages) == 1, "the outage is logged once, not per request"


def test_when_redis_is_back_pages_are_cached_again_and_none_is_stale(settings, site, quick_breaker):
    own = OwnRedis()
    own.start()
    use_redis(settings, own.url)
    server = app_server()
    Reader(server).get("/2007/03/10/here/")
    assert Reader(server).get("/2007/03/10/here/").from_cache
    try:
        # Redis stops answering for a while, keeping what it holds; meanwhile the entry changes,
        # which cannot be told to the cache.
        redis.Redis.from_url(own.url).client_pause(1500)
        paused_at = time.monotonic()
        assert_served_in_full(Reader(server).get("/2007/03/10/here/"))
        site.title = "Changed while the cache was away"
        site.save()
        time.sleep(max(0.0, 1.5 - (time.monotonic() - paused_at)) + Breaker.RETRY_SECONDS)
        page = Reader(server).get("/2007/03/10/here/")
        assert "Changed while the cache was away" in page.text
        Reader(server).get("/2007/03/10/here/")
        again = Reader(server).get("/2007/03/10/here/")
        assert again.from_cache and "Changed while the cache was away" in again.text
    finally:
        own.stop()


def test_a_redis_that_does_not_answer_costs_one_timeout_not_one_per_request(settings, site):
    silent = SilentServer()
    use_redis(settings, silent.url)
    server = app_server()
    try:
        for _ in range(20):
            for path in PAGES:
                assert_served_in_full(Reader(server).get(path))
        assert len(silent.connections) <= 2
    finally:
        silent.close()


def test_a_redis_outage_only_delays_the_next_try(settings, site, quick_breaker):
    silent = SilentServer()
    use_redis(settings, silent.url)
    server = app_server()
    try:
        Reader(server).get("/")
        tried = len(silent.connections)
        time.sleep(Breaker.RETRY_SECONDS + 0.1)
        Reader(server).get("/")
        assert len(silent.connections) > tried, "tried again once the breaker let it"
    finally:
        silent.close()

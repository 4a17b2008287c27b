"""Production settings: HTTPS behind a proxy, security headers, and no debug pages."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from newsarchive.settings import cache_from_url, database_from_url
from tests.factories import make_entry

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "",
    "SECRET_KEY": "a-long-random-production-secret-key-for-the-deploy-check-0123456789",
    "ALLOWED_HOSTS": "news.example.org",
}


def manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", **{**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_database_url_understands_sqlite_and_postgres():
    relative = database_from_url("sqlite:///var/test.sqlite3")
    assert relative["NAME"] == ROOT / "var/test.sqlite3"
    assert database_from_url("sqlite:////srv/blog.db")["NAME"] == Path("/srv/blog.db")
    pg = database_from_url("postgres://blog:s%40cret@db.example:6543/news?sslmode=require")
    assert (pg["ENGINE"], pg["NAME"], pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"]) == (
        "django.db.backends.postgresql",
        "news",
        "blog",
        "s@cret",
        "db.example",
        "6543",
    )
    # Statements run more than five times on a connection are prepared, unless turned off;
    # no JIT compiling of short queries, unless the URL gives its own server options.
    assert pg["OPTIONS"] == {
        "server_side_binding": True,
        "prepare_threshold": 5,
        "options": "-c jit=off",
        "sslmode": "require",
    }
    own = database_from_url("postgres://db.example/news?options=-c%20work_mem%3D64MB")
    assert own["OPTIONS"]["options"] == "-c work_mem=64MB"
    unprepared = database_from_url("postgres://db.example/news?prepare_threshold=none")
    assert unprepared["OPTIONS"]["prepare_threshold"] is None
    with pytest.raises(ImproperlyConfigured):
        database_from_url("mysql://x/y")


def test_cache_url_understands_file_dummy_and_redis():
    files = cache_from_url("file:///srv/news/cache")
    assert (files["BACKEND"], files["LOCATION"]) == (
        "newsarchive.caching.FileCache",
        "/srv/news/cache",
    )
    assert cache_from_url("dummy://")["BACKEND"].endswith("DummyCache")
    assert cache_from_url("redis://127.0.0.1:6379/1") == {
        "BACKEND": "newsarchive.caching.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/1",
    }


def test_every_process_shares_one_cache_by_default():
    """Several gunicorn workers, the development server and management commands must see one
    archive version, or a change made by one would stay invisible to the others: without
    CACHE_URL, files they all share, in development as in production."""
    show = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    for environment in (PRODUCTION, {"DEBUG": "1"}):
        result = manage("shell", "-c", show, **environment)
        assert result.stdout.split()[-1] == "newsarchive.caching.FileCache"


def test_a_cache_private_to_each_process_is_refused():
    with pytest.raises(ImproperlyConfigured, match="locmem"):
        cache_from_url("locmem://")


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(client, production):
    response = client.get("/2007/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/2007/"


@pytest.mark.django_db
def test_the_proxys_forwarded_proto_is_trusted(client, production):
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/feed/", "/no/such/page/"])
def test_every_response_carries_the_security_headers(client, url):
    make_entry()
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_pages_have_no_inline_scripts_or_styles(client):
    entry = make_entry(body='<p style="color:red">x</p><script>alert(1)</script>')
    for url in ["/", entry.get_absolute_url(), "/no/such/page/"]:
        html = client.get(url).content.decode()
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.DOTALL)
        # Only scripts from our own files run; JSON-LD is a data block, never executed.
        code = [(a, b) for a, b in scripts if 'type="application/ld+json"' not in a]
        assert all('src="/static/' in attributes and not body for attributes, body in code)
        assert "alert(1)" not in html
        assert "style=" not in html


@pytest.mark.django_db
def test_server_errors_show_no_debug_information(client, production, monkeypatch):
    from newsarchive import views

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views.HomeView, "get_queryset", broken)
    client.raise_request_exception = False
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in html
    assert "secret internals" not in html and "Traceback" not in html


def test_several_archives_sharing_one_redis_keep_apart():
    config = cache_from_url("redis://127.0.0.1:6379/14?key_prefix=bench_1000")
    assert config["LOCATION"] == "redis://127.0.0.1:6379/14"
    assert config["KEY_PREFIX"] == "bench_1000"


@pytest.mark.django_db
def test_a_database_that_cannot_be_reached_answers_503_with_retry_after(client, monkeypatch):
    from django.db import OperationalError

    def database_down(*args, **kwargs):
        raise OperationalError("the database system is starting up")

    monkeypatch.setattr("newsarchive.views.archives.HomeView.get_queryset", database_down)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Security-Policy"] and response["X-Frame-Options"] == "DENY"
    assert "try again" in response.content.decode()

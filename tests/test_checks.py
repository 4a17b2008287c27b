"""`manage.py check` refuses settings the page cache cannot serve."""

import pytest
from django.conf import settings as django_settings
from django.core.checks import run_checks

pytestmark = pytest.mark.django_db


def refusals():
    return sorted(e.id for e in run_checks() if e.id.startswith("newsarchive."))


def test_the_sites_own_settings_pass():
    assert refusals() == []


def test_a_csrf_secret_kept_in_the_session_is_refused(settings):
    settings.CSRF_USE_SESSIONS = True
    assert refusals() == ["newsarchive.E001"]


def test_a_middleware_outside_the_one_that_marks_shareable_pages_is_refused(settings):
    first, *rest = django_settings.MIDDLEWARE
    settings.MIDDLEWARE = [*rest, first]
    assert refusals() == ["newsarchive.E002"]


def test_pages_in_the_readers_language_are_refused(settings):
    settings.MIDDLEWARE = [*django_settings.MIDDLEWARE, "django.middleware.locale.LocaleMiddleware"]
    assert refusals() == ["newsarchive.E003"]


def test_an_http_only_csrf_cookie_is_fine(settings):
    settings.CSRF_COOKIE_HTTPONLY = True
    assert refusals() == []

import pytest
from django.core.cache import cache

# A test runs in one process, so a cache in its memory is shared by everything it runs (the
# site refuses one: several processes would each have their own).
TEST_CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(autouse=True)
def independent_tests(settings):
    """Plain static files (no collectstatic), a fast hasher and a cold cache for every test."""
    settings.CACHES = TEST_CACHES
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.STATIC_ROOT = None
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    yield
    cache.clear()

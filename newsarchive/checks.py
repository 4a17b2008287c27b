"""Settings the page cache cannot serve, refused by `manage.py check` (and so by runserver,
migrate and every other command that runs Django's system checks).

The page cache (newsarchive/pagecache/) gives each reader of a cached page a CSRF token for
the secret in their CSRF cookie, trusts SharedPageMiddleware to have seen every response whole,
and keys a page by its address alone. Settings that break one of those would make cached pages
refuse their readers' forms or show one reader what was made for another. CSRF_COOKIE_HTTPONLY,
CSRF_COOKIE_SECURE, CSRF_COOKIE_DOMAIN and the like are fine: cached pages set the CSRF cookie
through Django's own CsrfViewMiddleware, with whatever attributes it is given.
"""

from django.conf import settings
from django.core.checks import Error

SHARED_PAGE_MIDDLEWARE = "newsarchive.sharing.SharedPageMiddleware"


def page_cache_settings(app_configs, **kwargs):
    errors = []
    if settings.CSRF_USE_SESSIONS:
        errors.append(
            Error(
                "CSRF_USE_SESSIONS = True keeps the CSRF secret in the session, which a page "
                "from the page cache never reads: its forms would be refused.",
                hint="Leave CSRF_USE_SESSIONS off (Django's default): the secret stays in "
                "the CSRF cookie.",
                id="newsarchive.E001",
            )
        )
    if settings.MIDDLEWARE[:1] != [SHARED_PAGE_MIDDLEWARE]:
        errors.append(
            Error(
                f"{SHARED_PAGE_MIDDLEWARE} is not the first of MIDDLEWARE: a middleware "
                "outside it could make a response personal after it was marked shareable.",
                hint=f"Put {SHARED_PAGE_MIDDLEWARE} first.",
                id="newsarchive.E002",
            )
        )
    if "django.middleware.locale.LocaleMiddleware" in settings.MIDDLEWARE:
        errors.append(
            Error(
                "LocaleMiddleware makes a page differ by the reader's language, which the "
                "page cache's keys (address, release, date, archive version) do not hold.",
                hint="Serve one language, or give each language addresses of its own.",
                id="newsarchive.E003",
            )
        )
    return errors

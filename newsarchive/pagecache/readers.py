"""What differs per reader in a cached page: the CSRF token (and the cookie holding its secret)
and the signed time the comment form was served, made without running Django for each hit."""

import functools
import operator
import secrets
import time

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http.cookie import parse_cookie
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils.http import http_date

# CSRF tokens for cached pages, made as Django's get_token() makes them (a 32-character secret
# kept in the reader's cookie, shown masked in forms: tests/test_page_cache.py checks that
# Django accepts them), without building a request and running the middleware for each hit.
# Every hit of a page with a form makes a new mask, and a new secret for a reader without one,
# so both are made with bytes.translate rather than a character at a time.
_CHARS = CSRF_ALLOWED_CHARS.encode("ascii")
_ALLOWED = frozenset(CSRF_ALLOWED_CHARS)
_UNBIASED = 256 - 256 % len(_CHARS)  # random bytes at or above this are dropped
_BYTE_TO_INDEX = bytes(b % len(_CHARS) for b in range(256))
_BIASED = bytes(range(_UNBIASED, 256))
_INDEX_TO_CHAR = _CHARS + bytes(256 - len(_CHARS))
_CHAR_TO_INDEX = bytes(_CHARS.find(b) % 256 for b in range(256))
_SUM_TO_CHAR = bytes(_CHARS[n % len(_CHARS)] for n in range(2 * len(_CHARS))) + bytes(
    256 - 2 * len(_CHARS)
)


def _random_indices(length):
    """`length` bytes, each uniform over 0 … len(CSRF_ALLOWED_CHARS) - 1."""
    found = b""
    while len(found) < length:
        found += secrets.token_bytes(length + 8).translate(_BYTE_TO_INDEX, _BIASED)
    return found[:length]


def random_csrf_string(length=CSRF_SECRET_LENGTH):
    """`length` characters drawn uniformly from CSRF_ALLOWED_CHARS (62 of them)."""
    return _random_indices(length).translate(_INDEX_TO_CHAR).decode("ascii")


def masked_csrf_token(secret):
    """The secret masked as Django masks it: a random mask, then each of the secret's
    characters shifted by the mask's (modulo 62)."""
    mask = _random_indices(CSRF_SECRET_LENGTH)
    sums = bytes(map(operator.add, secret.encode("ascii").translate(_CHAR_TO_INDEX), mask))
    return (mask.translate(_INDEX_TO_CHAR) + sums.translate(_SUM_TO_CHAR)).decode("ascii")


@functools.cache
def csrf_cookie_attributes():
    """What follows the value in the CSRF cookie, as Django's CSRF middleware sets it (but its
    expiry date, which moves): read from settings once."""
    attributes = [f"Max-Age={settings.CSRF_COOKIE_AGE}", f"Path={settings.CSRF_COOKIE_PATH}"]
    if settings.CSRF_COOKIE_DOMAIN:
        attributes.append(f"Domain={settings.CSRF_COOKIE_DOMAIN}")
    if settings.CSRF_COOKIE_SECURE:
        attributes.append("Secure")
    if settings.CSRF_COOKIE_HTTPONLY:
        attributes.append("HttpOnly")
    if settings.CSRF_COOKIE_SAMESITE:
        attributes.append(f"SameSite={settings.CSRF_COOKIE_SAMESITE}")
    return settings.CSRF_COOKIE_NAME, settings.CSRF_COOKIE_AGE, "; ".join(attributes)


@receiver(setting_changed)
def _csrf_settings_changed(setting, **kwargs):
    if setting.startswith("CSRF_COOKIE_"):
        csrf_cookie_attributes.cache_clear()


@functools.lru_cache(maxsize=2)
def _expires(second):
    return http_date(second)


def csrf_secret_and_cookie(environ):
    """The reader's CSRF secret (a new one if their cookie has none) and the Set-Cookie header
    that renews it, with the attributes Django's CSRF middleware gives it."""
    name, age, attributes = csrf_cookie_attributes()
    secret = parse_cookie(environ.get("HTTP_COOKIE", "")).get(name, "")
    if len(secret) != CSRF_SECRET_LENGTH or not _ALLOWED.issuperset(secret):
        secret = random_csrf_string()
    expires = _expires(int(time.time()) + age)
    return secret, [("Set-Cookie", f"{name}={secret}; expires={expires}; {attributes}")]


class FormTimes:
    """The signed time a comment form was served, for each entry's form: signing costs more
    than the rest of a cached hit, so a token is reused for TOLERANCE seconds. The bot defence
    counts whole seconds (2 s too fast, 3 s always enough), so a form served a few
    milliseconds after its token was signed is told apart from none that matters."""

    TOLERANCE = 0.05

    def __init__(self, clock=time.monotonic):
        self.tokens, self.clock = {}, clock

    def token(self, entry_id):
        now = self.clock()
        signed_at, token = self.tokens.get(entry_id, (-1.0, ""))
        if now - signed_at > self.TOLERANCE:
            from newsarchive.comments.forms import issue_token_for

            if len(self.tokens) > 10_000:
                self.tokens.clear()
            token = issue_token_for(entry_id)
            self.tokens[entry_id] = (now, token)
        return token

"""Who is asking, and whether they have guessed too often: the admin's login and the password
of a protected entry allow a few failures from an address (and some more for one account or
entry from everywhere) in a quarter of an hour, then refuse until the oldest ages out.

Failures are kept in the database (FailedAttempt), not the cache: a throttle that forgot
everything whenever the cache did would be none."""

import datetime

from django.conf import settings
from django.utils import timezone

from newsarchive.models import FailedAttempt

WINDOW = datetime.timedelta(minutes=15)
PER_ADDRESS = 5  # failures from one address for one scope
PER_TARGET = 50  # failures for one account or entry, from every address
TOO_MANY = "Too many wrong passwords from your address. Please try again in 15 minutes."


def client_ip(request):
    """The reader's address. Behind proxies (settings.TRUSTED_PROXIES of them: a load
    balancer, say), REMOTE_ADDR is the nearest proxy's and the reader's is the one the
    outermost trusted proxy appended to X-Forwarded-For; what a client writes there itself,
    further left, is never trusted."""
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [address for address in forwarded if address]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def is_throttled(scope, request, target=""):
    since = timezone.now() - WINDOW
    recent = FailedAttempt.objects.filter(scope=scope, at__gte=since)
    if recent.filter(address=client_ip(request)).count() >= PER_ADDRESS:
        return True
    return bool(target) and recent.filter(target=target[:200]).count() >= PER_TARGET


def failed(scope, request, target=""):
    FailedAttempt.objects.filter(at__lt=timezone.now() - WINDOW).delete()
    FailedAttempt.objects.create(scope=scope, address=client_ip(request), target=target[:200])

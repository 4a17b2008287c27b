"""Response headers Django does not set itself, and WordPress's scheduler run on page loads."""

import time

from django.conf import settings


def security_headers(get_response):
    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware


def publish_scheduled(get_response):
    """Publish scheduled entries that have come due, checking at most once a minute per process.

    WordPress does the same from page loads; `manage.py publish_scheduled` from cron does it
    without traffic. Visibility never waits for this (public() compares times itself); only the
    counts and caches that follow a publication do.
    """
    next_check = 0.0

    def middleware(request):
        nonlocal next_check
        interval = settings.SCHEDULE_CHECK_SECONDS
        if interval and time.monotonic() >= next_check:
            from newsarchive.models import Entry

            next_check = time.monotonic() + interval
            Entry.objects.publish_due()
        return get_response(request)

    return middleware

"""A moment as HTML writes one, for `datetime=` and date meta tags. Dates people read are
Django's `|date` in the templates.

This stays because `{{ value|date:"c" }}` is not always a valid HTML date string: it writes
microseconds (HTML allows three digits of a second's fraction) and an offset with seconds where
the zone had one (local mean time before standard time: New York's -04:56:02 until 1883),
which HTML cannot write. A correctness fix, not a speed trick (tests/test_html_dates.py); it can
go if Django's "c" format ever writes what HTML allows.
"""

import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter(expects_localtime=False)
def iso(value):
    """`2007-03-10T18:12:59-05:00` for a moment (in the current time zone), `2007-03-10` for a
    date: as `{{ value|date:"c" }}`, less what HTML cannot write (see `html_moment`)."""
    if not value:
        return ""
    if not isinstance(value, datetime.datetime):
        return value.isoformat()
    return html_moment(local(value))


def html_moment(value):
    """A moment in the zone it is in, as HTML writes one: microseconds are dropped, and a moment
    whose zone was then off by seconds (New York's -04:56:02 until 1883, Monrovia's -00:44:30
    until 1972) is written in UTC instead."""
    value = value.replace(microsecond=0)
    offset = value.utcoffset()
    if offset is not None and offset % datetime.timedelta(minutes=1):
        value = value.astimezone(datetime.UTC)
    return value.isoformat()


def local(value, zone=None):
    """The value in the current time zone (or `zone`); a naive value as it is."""
    return timezone.localtime(value, zone) if timezone.is_aware(value) else value

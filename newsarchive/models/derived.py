"""What an entry derives from its own fields, and the bounds those fields keep to: the blog's
time zone and the days the archive can show (an entry's day, its month); the writer and dateline
slugs of its byline and dateline (its provenance)."""

import datetime
import re
import zoneinfo

from django.conf import settings
from django.utils.text import slugify


def blog_timezone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


# The days an archive can show: four-digit years, as WordPress's addresses print them, and a
# year's margin at the end, so that the next day, month or year of any of them, and the same
# moment in any time zone, is still a date Python can hold. Entries and comments dated outside
# are refused (at import, in forms, and by the database); addresses outside answer 404.
EARLIEST_DAY = datetime.date(1000, 1, 1)
LATEST_DAY = datetime.date(9998, 12, 31)
# The same range as moments: a day inside it at either end in every time zone.
EARLIEST_MOMENT = datetime.datetime(1000, 1, 2, tzinfo=datetime.UTC)
LATEST_MOMENT = datetime.datetime(9998, 12, 30, 23, 59, 59, 999999, tzinfo=datetime.UTC)


def is_showable(value):
    """Whether a date or an aware datetime lies within what the archive can show."""
    if isinstance(value, datetime.datetime):
        return EARLIEST_MOMENT <= value <= LATEST_MOMENT
    return EARLIEST_DAY <= value <= LATEST_DAY


def month_bounds(month):
    """The aware start and end (exclusive) of a calendar month in the blog's time zone."""
    tz = blog_timezone()
    start = datetime.datetime(month.year, month.month, 1, tzinfo=tz)
    following = datetime.datetime(
        month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=tz
    )
    return start, following


def writer_name(byline):
    """The person in a byline: "SCHEHEREZADE FARAMARZI, Associated Press Writer" → the name,
    in title case when the byline shouts it."""
    name = byline.split(",")[0].strip()
    name = re.sub(r"^by\s+", "", name, flags=re.IGNORECASE)
    return name.title() if name.isupper() else name


def provenance_slugs(byline, dateline):
    return slugify(writer_name(byline), allow_unicode=True)[:200], slugify(dateline)[:100]


# Where each kind of provenance is found on an entry.
PROVENANCE_FIELDS = {"source": "source__slug", "writer": "writer_slug", "dateline": "dateline_slug"}

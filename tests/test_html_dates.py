"""Every date a page gives machines (`datetime=`, and `content=` of date meta tags) is a valid
HTML date string, whatever the moment, its microseconds or the blog's time zone.

The grammar is the HTML standard's for a time element's datetime value
(https://html.spec.whatwg.org/multipage/text-level-semantics.html#datetime-value and the
microsyntaxes it names in "Dates and times", common-microsyntaxes.html): the regular
expressions below follow its productions, and what a regular expression cannot say (the day
exists in its month, the year is not zero, a week exists in its year, "-00:00" is not an
offset) is checked beside them.
"""

import calendar
import datetime
import re
import zoneinfo
from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.models import EARLIEST_MOMENT, LATEST_MOMENT, Comment
from tests.crawling import crawl
from tests.factories import (
    make_category,
    make_comment,
    make_entry,
    make_source,
    make_tag,
    make_user,
)

# The productions of the standard, as regular expressions.
YEAR = r"(?P<year>[0-9]{4,})"  # four or more ASCII digits, year > 0
MONTH = r"(?P<month>[0-9]{2})"  # 1 ≤ month ≤ 12
DAY = r"(?P<day>[0-9]{2})"  # 1 ≤ day ≤ days in that month of that year
MONTH_STRING = rf"{YEAR}-{MONTH}"
DATE_STRING = rf"{MONTH_STRING}-{DAY}"
# Hours 0–23, minutes 0–59, optional seconds 0–59 with one to three digits of a fraction.
TIME_STRING = r"(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,3})?)?"
LOCAL_DATE_AND_TIME = rf"{DATE_STRING}[T ]{TIME_STRING}"
# "Z", or a sign, hours 0–23, an optional colon, minutes 0–59; "-" only if not zero.
OFFSET = r"(?:Z|(?P<sign>[+-])(?P<hours>[01][0-9]|2[0-3]):?(?P<minutes>[0-5][0-9]))"
GLOBAL_DATE_AND_TIME = rf"{LOCAL_DATE_AND_TIME}{OFFSET}"
YEARLESS_DATE = r"(?:--)?(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
WEEK_STRING = rf"{YEAR}-W(?P<week>[0-9]{{2}})"
DURATION = (
    r"P(?:[0-9]+D)?(?:T(?:[0-9]+H)?(?:[0-9]+M)?(?:[0-9]+(?:\.[0-9]{1,3})?S)?)?"
    r"|(?:\s*[0-9]+\s*[WwDdHhMm]|\s*[0-9]+(?:\.[0-9]{1,3})?\s*[Ss])+\s*"
)
DATETIME_VALUE = {
    "month": MONTH_STRING,
    "date": DATE_STRING,
    "yearless date": YEARLESS_DATE,
    "time": TIME_STRING,
    "local date and time": LOCAL_DATE_AND_TIME,
    "time-zone offset": OFFSET,
    "global date and time": GLOBAL_DATE_AND_TIME,
    "week": WEEK_STRING,
    "year": YEAR,
    "duration": DURATION,
}


def weeks_in(year):
    """52, or 53 in a year whose December 28th falls in week 53."""
    return datetime.date(year, 12, 28).isocalendar().week


def meets_the_rest(match):
    """What the standard asks beyond the shape: real days, years and weeks; no "-00:00"."""
    found = {name: value for name, value in match.groupdict().items() if value is not None}
    year = int(found["year"]) if "year" in found else None
    if year is not None and year == 0:
        return False
    if "month" in found:
        month = int(found["month"])
        if not 1 <= month <= 12:
            return False
        if "day" in found:
            # A yearless date allows February 29th.
            longest = calendar.monthrange(year or 2000, month)[1]
            if not 1 <= int(found["day"]) <= longest:
                return False
    if "week" in found and not 1 <= int(found["week"]) <= weeks_in(min(year, 9999)):
        return False
    negative_zero = found.get("sign") == "-" and int(found["hours"]) == int(found["minutes"]) == 0
    return not negative_zero


def valid_datetime_value(text, kinds=tuple(DATETIME_VALUE)):
    """Whether `text` is a valid datetime value of one of these kinds."""
    for kind in kinds:
        match = re.fullmatch(DATETIME_VALUE[kind], text)
        if match and meets_the_rest(match):
            return True
    return False


@pytest.mark.parametrize(
    "text",
    ["2011-11", "2011-11-12", "11-12", "--02-29", "14:54", "14:54:39", "14:54:39.929",
     "2011-11-12T14:54", "2011-11-12 14:54:39.9", "Z", "+0000", "+00:00", "-08:00",
     "2011-11-12T14:54:39.929Z", "2011-11-12T14:54+0000", "2011-11-12T14:54:39-08:00",
     "2011-W46", "2020-W53", "2011", "0001", "12011-01-01", "P12DT7H12M13.455S", "PT4H18M3S",
     "4h 18m 3s", "2024-02-29"],
)  # fmt: skip
def test_the_grammar_accepts_what_the_standard_allows(text):
    assert valid_datetime_value(text)


@pytest.mark.parametrize(
    "text",
    ["2007-03-10T23:59:59.970672-05:00", "2007-03-10T18:12:00-04:56:02", "0000-01-01",
     "2007-02-29", "2007-13-01", "2007-00-10", "2007-03-32", "2007-3-10", "07-03-10",
     "2007-03-10T24:00", "2007-03-10T12:60", "2007-03-10T12:00-00:00", "2007-03-10t12:00Z",
     "2007-03-10T12:00+24:00", "2011-W54", "2021-W53", "", "0000", "March 10, 2007",
     "2007-03-10T12:00:00.1234Z", "2007-03-10T12Z"],
)  # fmt: skip
def test_the_grammar_refuses_what_the_standard_does_not(text):
    assert not valid_datetime_value(text)


class DateAttributes(HTMLParser):
    """(tag, attribute, value) of every `datetime=`, and of `content=` on an element that
    names a date or time (`<meta property="article:published_time">`, `itemprop=
    "datePublished"`)."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "datetime" in attrs:
            self.found.append((tag, "datetime", attrs["datetime"] or ""))
        names = " ".join(attrs.get(k) or "" for k in ("property", "name", "itemprop")).lower()
        if "content" in attrs and ("date" in names or "time" in names):
            self.found.append((tag, f"content ({names})", attrs["content"] or ""))


def date_attributes(html):
    parser = DateAttributes()
    parser.feed(html)
    return parser.found


def with_microseconds(moment, n):
    return moment.replace(microsecond=970672 - n)


def build_archive(when):
    """Something of every kind a page dates, each at `when` plus microseconds."""
    author = make_user("ann", first_name="Ann")
    category = make_category("World")
    child = make_category("Middle East", parent=category)
    tag = make_tag("Iran")
    source = make_source()
    entries = [
        make_entry(
            slug=f"story-{n}",
            published_at=with_microseconds(when + datetime.timedelta(days=n), n),
            author=author,
            categories=[category, child],
            tags=[tag],
            source=source,
            byline="Scheherezade Faramarzi, Associated Press Writer",
            dateline="BAGHDAD",
            original_published_on=(when + datetime.timedelta(days=n - 1)).date(),
        )
        for n in range(3)
    ]
    for n, entry in enumerate(entries):
        make_comment(entry, submitted_at=with_microseconds(entry.published_at, n + 1))
        make_comment(
            entry,
            kind=Comment.Kind.TRACKBACK,
            author_url="https://elsewhere.example/post/",
            submitted_at=with_microseconds(entry.published_at, n + 2),
        )
    make_entry(kind="page", slug="about", published_at=with_microseconds(when, 9))
    return entries


# Moments whose zone's offset had seconds then (New York's local mean time, -04:56:02, until
# 1883; Monrovia's -00:44:30 until 1972), a half-hour and a three-quarter-hour zone, UTC, and
# the archive's first and last days.
CASES = [
    ("America/New_York", datetime.datetime(2007, 3, 10, 23, 59, 59, tzinfo=datetime.UTC)),
    ("America/New_York", datetime.datetime(1850, 6, 1, 12, tzinfo=datetime.UTC)),
    ("Africa/Monrovia", datetime.datetime(1960, 6, 1, 12, tzinfo=datetime.UTC)),
    ("Asia/Kolkata", datetime.datetime(2007, 3, 10, 12, tzinfo=datetime.UTC)),
    ("Pacific/Chatham", datetime.datetime(2007, 3, 10, 12, tzinfo=datetime.UTC)),
    ("UTC", datetime.datetime(2007, 3, 10, 12, tzinfo=datetime.UTC)),
    ("Etc/GMT+12", EARLIEST_MOMENT),
    ("Etc/GMT-14", datetime.datetime(1850, 6, 1, tzinfo=datetime.UTC)),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("zone", "when"), CASES)
def test_every_date_on_every_public_page_is_a_valid_html_date_string(client, settings, zone, when):
    settings.TIME_ZONE = zone
    settings.ENTRIES_PER_PAGE = 2
    entries = build_archive(when)
    # Nothing links to authors' archives or to stand-alone pages: start from them too.
    start = ["/", entries[0].get_absolute_url(), "/search/?q=entry", "/about/", "/author/ann/"]
    pages = crawl(client, start)
    assert all(pages[address].status_code == 200 for address in start)
    checked, invalid = set(), []
    for address, response in pages.items():
        assert response.status_code < 500, address
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for tag, attribute, value in date_attributes(response.content.decode()):
            checked.add((tag, attribute.split(" ")[0]))
            if not valid_datetime_value(value):
                invalid.append((address, tag, attribute, value))
    assert not invalid
    # Every kind of date the pages carry was met: the entry's, its comments', its pings', its
    # original's, and the meta tags.
    assert {("time", "datetime"), ("meta", "content"), ("span", "content")} <= checked
    kinds = {address.split("/")[1] for address in pages}
    assert {"category", "tag", "author", "source", "byline", "dateline", "about"} <= kinds


@settings(max_examples=300, deadline=None)
@given(
    moment=st.datetimes(
        min_value=EARLIEST_MOMENT.replace(tzinfo=None),
        max_value=LATEST_MOMENT.replace(tzinfo=None),
        timezones=st.just(datetime.UTC),
    ),
    zone=st.timezone_keys(),
)
def test_the_iso_filter_writes_a_valid_html_date_string_for_any_moment_and_zone(moment, zone):
    from django.utils import timezone

    with timezone.override(zoneinfo.ZoneInfo(zone)):
        text = Template("{% load dates %}{{ value|iso }}").render(Context({"value": moment}))
    assert valid_datetime_value(text, ["global date and time"]), text
    assert datetime.datetime.fromisoformat(text) == moment.replace(microsecond=0)

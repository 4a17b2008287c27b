"""The comment list's own date filters say exactly what Django's |date filter would."""

import datetime

import pytest
from django.template import Context, Template

from newsarchive.content import render_comment

UTC = datetime.UTC
TIMES = [
    datetime.datetime(2007, 3, 10, 23, 12, tzinfo=UTC),  # 6:12 pm in the blog's zone
    datetime.datetime(2007, 3, 11, 5, 0, 7, 250, tzinfo=UTC),  # midnight there, microseconds
    datetime.datetime(2007, 3, 11, 17, 5, tzinfo=UTC),  # noon there, daylight time begun
    datetime.datetime(2024, 12, 31, 4, 59, 59, tzinfo=UTC),  # last minute of the year
    datetime.datetime(2007, 3, 10, 6, 12),  # naive: shown as it is
]


def render(source, value):
    return Template(source).render(Context({"value": value}))


@pytest.mark.parametrize("value", TIMES)
def test_comment_times_read_as_djangos_date_filter_would(value):
    # Less the microseconds, which HTML's date strings cannot carry (test_html_dates.py).
    ours = render("{% load dates %}{{ value|iso }}|{{ value|day_and_time }}", value)
    django = render(
        '{{ value|date:"c" }}|{{ value|date:"F j, Y \\a\\t g:i A"|lower|capfirst }}',
        value.replace(microsecond=0),
    )
    assert ours == django


@pytest.mark.parametrize("value", [*TIMES, datetime.date(2007, 3, 1), datetime.date(2024, 12, 31)])
def test_days_read_as_djangos_date_filter_would(value):
    assert render("{% load dates %}{{ value|day }}", value) == render(
        '{{ value|date:"F j, Y" }}', value
    )


@pytest.mark.parametrize("value", [datetime.date(2007, 3, 1), datetime.date(987, 12, 31)])
def test_dates_read_in_iso_form_as_djangos_date_filter_would(value):
    assert render("{% load dates %}{{ value|iso }}", value) == render(
        '{{ value|date:"Y-m-d" }}', value
    )


def test_the_first_time_reads_as_the_reference_page_does():
    assert (
        render("{% load dates %}{{ value|day_and_time }}", TIMES[0]) == "March 10, 2007 at 6:12 pm"
    )


@pytest.mark.parametrize(
    "text",
    [
        'Plain words. With stops: colons; & ampersands <b>tags</b> "quotes" it\'s 3.5 km.',
        "See example.com/page, www.example.org or write to someone@example.net.",
        "Long read: https://example.com/a?b=1&c=2 (worth it).",
    ],
)
def test_comment_text_reads_as_djangos_urlize_would(text):
    from django.utils.html import urlize

    expected = urlize(text, nofollow=True, autoescape=True).replace(
        'rel="nofollow"', 'rel="nofollow ugc"'
    )
    assert render_comment(text) == f"<p>{expected}</p>"

"""Dates as pages show them: Django's |date for people, and the `iso` filter for machines,
which is Django's "c" format less what HTML cannot write (test_html_dates.py)."""

import datetime

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string

from newsarchive.content import render_comment
from newsarchive.models import Comment

UTC = datetime.UTC
TIMES = [
    datetime.datetime(2007, 3, 10, 23, 12, tzinfo=UTC),  # 6:12 pm in the blog's zone
    datetime.datetime(2007, 3, 11, 5, 0, 7, 250, tzinfo=UTC),  # midnight there, microseconds
    datetime.datetime(2007, 3, 11, 17, 5, tzinfo=UTC),  # noon there, daylight time begun
    datetime.datetime(2024, 12, 31, 4, 59, 59, tzinfo=UTC),  # last minute of the year
    datetime.datetime(2007, 3, 10, 6, 12),  # naive: shown as it is
]
SHOWN = [
    "March 10, 2007 at 6:12 pm",
    "March 11, 2007 at 12:00 am",
    "March 11, 2007 at 1:05 pm",
    "December 30, 2024 at 11:59 pm",
    "March 10, 2007 at 6:12 am",
]


def render(source, value):
    return Template(source).render(Context({"value": value}))


@pytest.mark.parametrize("value", TIMES)
def test_moments_read_in_iso_form_as_djangos_date_filter_would(value):
    # Less the microseconds, which HTML's date strings cannot carry (test_html_dates.py).
    assert render("{% load dates %}{{ value|iso }}", value) == render(
        '{{ value|date:"c" }}', value.replace(microsecond=0)
    )


@pytest.mark.parametrize("value", [datetime.date(2007, 3, 1), datetime.date(987, 12, 31)])
def test_dates_read_in_iso_form_as_djangos_date_filter_would(value):
    assert render("{% load dates %}{{ value|iso }}", value) == render(
        '{{ value|date:"Y-m-d" }}', value
    )


@pytest.mark.parametrize(("value", "shown"), list(zip(TIMES, SHOWN, strict=True)))
def test_an_entrys_time_reads_as_the_reference_page_does(value, shown):
    html = render_to_string("includes/_entry_meta.html", {"entry": {"published_at": value}})
    assert html.strip().endswith(f">{shown}</time>")


@pytest.mark.parametrize(("value", "shown"), list(zip(TIMES, SHOWN, strict=True)))
def test_a_comments_time_reads_as_an_entrys(value, shown):
    comment = Comment(pk=1, author_name="Ann", body="Hi.", submitted_at=value, status="approved")
    comment.depth = 1
    html = render_to_string("includes/_comment.html", {"comment": comment, "can_reply": False})
    assert f">{shown}</time>" in html


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

import datetime

import pytest

from newsarchive.models import Entry
from newsarchive.sitemaps import spelled_permalink
from tests.factories import at, make_entry

pytestmark = pytest.mark.django_db


def neighbours(entry):
    entry = Entry.objects.with_neighbours().get(pk=entry.pk)
    previous, following = entry.previous_entry, entry.next_entry
    return (previous.title if previous else None, following.title if following else None)


def test_previous_and_next_follow_publication_time():
    first = make_entry(title="First", published_at=at(2007, 3, 1))
    middle = make_entry(title="Middle", published_at=at(2007, 3, 2))
    last = make_entry(title="Last", published_at=at(2007, 3, 3))
    assert neighbours(first) == (None, "Middle")
    assert neighbours(middle) == ("First", "Last")
    assert neighbours(last) == ("Middle", None)


def test_entries_at_the_same_time_are_ordered_by_id_both_ways():
    same = at(2007, 3, 10, 18, 12)
    a = make_entry(title="A", published_at=same)
    b = make_entry(title="B", published_at=same)
    c = make_entry(title="C", published_at=same)
    assert neighbours(a) == (None, "B")
    assert neighbours(b) == ("A", "C")
    assert neighbours(c) == ("B", None)


def test_non_public_neighbours_are_skipped():
    make_entry(title="Published before", published_at=at(2007, 3, 1))
    for status in ["draft", "pending", "private", "trash"]:
        make_entry(title=status, status=status, published_at=at(2007, 3, 2))
    here = make_entry(title="Here", published_at=at(2007, 3, 3))
    make_entry(title="Draft after", status="draft", published_at=at(2007, 3, 4))
    make_entry(title="Published after", published_at=at(2007, 3, 5))
    assert neighbours(here) == ("Published before", "Published after")


def test_a_lone_entry_has_no_neighbours():
    assert neighbours(make_entry()) == (None, None)


def test_neighbour_links_use_their_own_permalinks(client):
    make_entry(title="Before", slug="before", published_at=at(2007, 3, 9))
    here = make_entry(title="Here", slug="here", published_at=at(2007, 3, 10))
    make_entry(title="After", slug="after", published_at=at(2007, 3, 11))
    html = client.get(here.get_absolute_url()).content.decode()
    assert '<a href="/2007/03/09/before/" rel="prev">' in html
    assert '<a href="/2007/03/11/after/" rel="next">' in html


@pytest.mark.parametrize(
    "slug",
    [
        "us-and-iran-hold-rare-direct-talks",
        "mccain-backs-dont-ask",
        "café-crème",  # a Unicode slug
        "%d8%a7%d9%84%d8%b9%d8%b1%d8%a7%d9%82",  # WordPress keeps non-Latin slugs encoded
        "a+b&c=d;e,f~g:h@i!j$k'l(m)n*o",  # what reverse() leaves unquoted
        "per%cent space#hash?query",  # and what it quotes
    ],
)
@pytest.mark.parametrize("prefix", ["/", "/archive/"])
@pytest.mark.parametrize("day", [datetime.date(2007, 3, 10), datetime.date(987, 1, 2)])
def test_entry_addresses_are_what_the_url_routes_reverse_to(slug, prefix, day):
    from urllib.parse import unquote

    from django.urls import reverse, set_script_prefix

    entry = Entry(title="T", slug=slug, published_on=day)
    set_script_prefix(prefix)
    try:
        kwargs = {"year": day.year, "month": day.month, "day": day.day, "slug": unquote(slug)}
        assert entry.get_absolute_url() == reverse("entry", kwargs=kwargs)
        # The sitemaps' own spelling of it.
        assert spelled_permalink(day, slug) == entry.get_absolute_url()
        assert entry.get_comment_post_url() == reverse("comment-post", kwargs=kwargs)
        assert entry.get_trackback_url() == reverse("trackback", kwargs=kwargs)
        assert entry.get_comments_feed_url() == reverse("feed-entry-comments", kwargs=kwargs)
    finally:
        set_script_prefix("/")


@pytest.mark.parametrize("slug", ["", "a%2Fb"])
def test_an_entry_without_a_usable_slug_has_no_address(slug):
    from django.urls import NoReverseMatch

    day = datetime.date(2007, 3, 10)
    with pytest.raises(NoReverseMatch):
        Entry(title="T", slug=slug, published_on=day).get_absolute_url()
    with pytest.raises(NoReverseMatch):
        spelled_permalink(day, slug)

"""What of a password-protected entry readers without its password may be given, surface by
surface; tests/test_hidden_text.py's crawler checks every surface at once."""

import datetime

import pytest
from django.utils import timezone

from newsarchive.models import Entry, OldPermalink, Provenance
from newsarchive.models.entries import permalink
from tests.factories import at, make_category, make_comment, make_entry, make_source, make_tag

pytestmark = pytest.mark.django_db


# --- Each surface, on its own ---------------------------------------------------------------


@pytest.fixture
def locked():
    """A protected entry with three approved comments, filed beside a public entry."""
    world, iran = make_category("World"), make_tag("Iran")
    make_entry(title="Open entry", categories=[world], tags=[iran], published_at=at(2007, 3, 9))
    entry = make_entry(
        title="Locked entry",
        slug="locked",
        body="The secret body.",
        excerpt="The secret excerpt.",
        password="sesame",
        published_at=at(2007, 3, 10, 20),
        categories=[world],
        tags=[iran],
    )
    for _ in range(3):
        make_comment(entry)
    return entry


@pytest.mark.parametrize(
    "url", ["/", "/2007/", "/2007/03/", "/2007/03/10/", "/category/world/", "/tag/iran/"]
)
def test_lists_do_not_count_a_protected_entrys_comments(client, locked, url):
    html = client.get(url).content.decode()
    assert "Locked entry" in html
    assert "3 Comments" not in html
    assert f'href="{locked.get_absolute_url()}#comments"' not in html
    assert "Enter the password to see the comments" in html


def test_listing_queries_carry_no_comment_count_for_protected_entries(locked):
    counts = dict(Entry.objects.for_listing().values_list("title", "comment_count"))
    assert counts == {"Open entry": 0, "Locked entry": None}


@pytest.fixture
def attributed():
    """Two public entries from AP and a protected one: from AP too, and from its own writer
    and dateline."""
    ap = make_source("Associated Press")
    for day in (1, 2):
        make_entry(
            title=f"Open report {day}",
            source=ap,
            byline="Open Writer, Associated Press Writer",
            dateline="CAIRO",
            published_at=at(2007, 3, day),
        )
    return make_entry(
        title="Locked report",
        slug="locked-report",
        password="sesame",
        source=ap,
        byline="Muffled Penman, Associated Press Writer",
        dateline="NOWHERESVILLE",
        published_at=at(2007, 3, 3),
    )


def provenance_counts():
    return {(p.kind, p.slug): p.entry_count for p in Provenance.objects.all()}


def test_provenance_counts_leave_protected_entries_out(attributed):
    expected = {("source", "associated-press"): 2, ("writer", "open-writer"): 2,
                ("dateline", "cairo"): 2}  # fmt: skip
    assert provenance_counts() == expected
    Provenance.objects.rebuild()
    assert provenance_counts() == expected


def test_a_password_set_or_removed_recounts_provenance(attributed):
    attributed.password = ""
    attributed.save()
    assert provenance_counts()[("writer", "muffled-penman")] == 1
    assert provenance_counts()[("source", "associated-press")] == 3
    attributed.password = "again"
    attributed.save()
    assert ("writer", "muffled-penman") not in provenance_counts()
    assert provenance_counts()[("source", "associated-press")] == 2


def test_the_sidebar_names_no_protected_entrys_attribution(client, attributed):
    html = client.get("/").content.decode()
    assert '<a href="/source/associated-press/">Associated Press</a> (2)' in html
    assert "Muffled" not in html and "NOWHERESVILLE" not in html


@pytest.mark.parametrize(
    "url", ["/source/associated-press/", "/source/associated-press/feed/", "/feed/"]
)
def test_provenance_archives_and_feeds_do_not_attribute_a_protected_entry(client, attributed, url):
    text = client.get(url).content.decode()
    assert "Open report 2" in text
    assert "Muffled" not in text and "NOWHERESVILLE" not in text
    if "source" in url:  # (the sidebar's recent entries may name it: its title is public)
        assert "Locked report" not in text.split("<aside")[0]


@pytest.mark.parametrize("url", ["/byline/muffled-penman/", "/dateline/nowheresville/feed/"])
def test_a_protected_entrys_own_provenance_has_no_archive(client, attributed, url):
    assert client.get(url).status_code == 404


# --- Entries readers may not see ------------------------------------------------------------


@pytest.mark.parametrize("status", ["draft", "pending", "private", "future", "trash"])
def test_an_old_address_of_a_hidden_entry_reveals_nothing(client, admin_client, status):
    entry = make_entry(title="Renamed", slug="first-name", published_at=at(2007, 3, 10))
    entry.slug = "secret-plans"
    entry.status = status
    if status == "future":
        entry.published_at = timezone.now() + datetime.timedelta(days=3)
    entry.save()
    old = permalink(OldPermalink.objects.get(entry=entry).published_on, "first-name")
    response = client.get(old)
    assert response.status_code == 404
    assert "secret-plans" not in response.content.decode()
    assert admin_client.get(old).status_code == 301  # staff are shown where it went


def test_a_protected_entry_does_not_tell_how_many_pages_it_has(client):
    entry = make_entry(slug="paged", body="One.<!--nextpage-->Two.", password="sesame")
    answers = {client.get(f"{entry.get_absolute_url()}{n}/").status_code for n in (2, 3, 40)}
    assert answers == {200}
    assert client.get(f"{entry.get_absolute_url()}3/").context["locked"]

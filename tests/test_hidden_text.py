"""What of a password-protected entry readers without its password may be given, surface by
surface; tests/test_hidden_text.py's crawler checks every surface at once."""

import pytest

from newsarchive.models import Entry
from tests.factories import at, make_category, make_comment, make_entry, make_tag

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

"""The Uncategorized queue: oldest unfiled entry first, suggestions, one-click filing."""

import pytest

from newsarchive.admin import suggestions
from newsarchive.models import Entry
from tests.factories import at, make_category, make_entry, make_tag

pytestmark = pytest.mark.django_db

QUEUE = "/admin/newsarchive/entry/uncategorized/"


@pytest.fixture
def filed_archive():
    sports = make_category("Sports")
    health = make_category("Health")
    football = make_tag("football")
    for n in range(6):
        make_entry(
            title=f"Football club signs striker {n}",
            body="The football club and its stadium plans, the league and the striker.",
            dateline="MANCHESTER",
            categories=[sports],
            tags=[football],
            published_at=at(2007, 1, n + 1),
        )
        make_entry(
            title=f"Hospital opens new clinic {n}",
            body="The hospital board, the clinic and the vaccination drive for patients.",
            dateline="ATLANTA",
            categories=[health],
            published_at=at(2007, 1, n + 1, 15),
        )
    suggestions._cached["index"] = None
    return sports, health


@pytest.fixture
def editor(client, admin_user):
    client.force_login(admin_user)
    return client


def test_suggestions_come_from_similar_filed_entries(filed_archive):
    sports, _ = filed_archive
    unfiled = make_entry(
        title="Football league delays season",
        body="The striker and the stadium.",
        dateline="MANCHESTER",
    )
    [first, *others] = suggestions.suggest(unfiled)
    assert first.category == sports
    assert first.reason == "like 6 entries in Sports"
    assert first.tags == ["football"]
    assert len(others) <= 2


def test_the_queue_starts_with_the_oldest_unfiled_entry(editor, filed_archive):
    make_entry(title="Newer unfiled", published_at=at(2007, 5, 2))
    older = make_entry(title="Older unfiled", published_at=at(2007, 5, 1))
    response = editor.get(QUEUE)
    assert response["Location"] == f"{QUEUE}{older.pk}/"


def test_the_queue_page_shows_suggestions_with_their_reasons(editor, filed_archive):
    entry = make_entry(
        title="Clinic extends vaccination hours", body="The hospital clinic.", dateline="ATLANTA"
    )
    html = editor.get(f"{QUEUE}{entry.pk}/").content.decode()
    assert "File under Health" in html
    assert "like 6 entries in Health" in html
    assert "1 entry waiting to be filed, oldest first." in html


def test_accepting_a_suggestion_files_the_entry_and_moves_to_the_next(editor, filed_archive):
    sports, _ = filed_archive
    first = make_entry(title="First unfiled", published_at=at(2007, 5, 1))
    second = make_entry(title="Second unfiled", published_at=at(2007, 5, 2))
    response = editor.post(f"{QUEUE}{first.pk}/", {"category": sports.pk, "tags": "football"})
    assert response["Location"] == f"{QUEUE}?after={first.pk}"
    assert [c.name for c in Entry.objects.get(pk=first.pk).categories.all()] == ["Sports"]
    assert [t.name for t in Entry.objects.get(pk=first.pk).tags.all()] == ["football"]
    assert editor.get(response["Location"])["Location"] == f"{QUEUE}{second.pk}/"


def test_skipping_moves_on_without_filing(editor, filed_archive):
    first = make_entry(title="First unfiled", published_at=at(2007, 5, 1))
    second = make_entry(title="Second unfiled", published_at=at(2007, 5, 2))
    assert editor.get(f"{QUEUE}?after={first.pk}")["Location"] == f"{QUEUE}{second.pk}/"
    assert [c.slug for c in first.categories.all()] == ["uncategorized"]


def test_an_empty_queue_says_so(editor, filed_archive):
    html = editor.get(QUEUE).content.decode()
    assert "Nothing left to file" in html


def test_evaluation_reports_top_suggestion_accuracy(filed_archive):
    right, asked = suggestions.evaluate(held_out=4)
    assert asked == 4
    assert right == 4

"""Admins filing entries: bulk actions with their intermediate pages, history and counts."""

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsarchive.models import Category, Entry, MonthArchive
from tests.factories import at, make_category, make_comment, make_entry, make_tag

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/newsarchive/entry/"


@pytest.fixture
def editor(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def world():
    return make_category("World")


def act(client, action, entries, follow=True, **data):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [e.pk for e in entries], **data},
        follow=follow,
    )


def filed(entry):
    return sorted(c.slug for c in Entry.objects.get(pk=entry.pk).categories.all())


def tagged(entry):
    return sorted(t.name for t in Entry.objects.get(pk=entry.pk).tags.all())


@pytest.mark.parametrize("count", [1, 5])
def test_file_into_asks_first_then_files_and_leaves_uncategorized(editor, world, count):
    entries = [make_entry() for _ in range(count)]
    page = act(editor, "file_into", entries, follow=False)
    assert page.status_code == 200
    html = page.content.decode()
    assert f"{count} entr" in html and 'name="categories"' in html
    assert all(filed(e) == ["uncategorized"] for e in entries)
    response = act(editor, "file_into", entries, apply="1", categories=[world.pk])
    assert (
        f"{count} entr{'y' if count == 1 else 'ies'} filed into World." in response.content.decode()
    )
    assert all(filed(e) == ["world"] for e in entries)
    world.refresh_from_db()
    assert world.entry_count == count


def test_file_into_can_replace_the_other_categories(editor, world):
    europe = make_category("Europe")
    entry = make_entry(categories=[europe])
    act(editor, "file_into", [entry], apply="1", categories=[world.pk], replace="1")
    assert filed(entry) == ["world"]
    europe.refresh_from_db()
    assert europe.entry_count == 0


def test_file_into_keeps_other_categories_by_default(editor, world):
    europe = make_category("Europe")
    entry = make_entry(categories=[europe])
    act(editor, "file_into", [entry], apply="1", categories=[world.pk])
    assert filed(entry) == ["europe", "world"]


def test_file_into_without_a_category_shows_the_page_again_with_an_error(editor, world):
    entry = make_entry()
    response = act(editor, "file_into", [entry], follow=False, apply="1")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose at least one category to file the entries into." in html
    assert f'name="_selected_action" value="{entry.pk}"' in html
    assert filed(entry) == ["uncategorized"]


@pytest.mark.parametrize("count", [1, 4])
def test_remove_from_category_falls_back_to_uncategorized(editor, world, count):
    europe = make_category("Europe")
    entries = [make_entry(categories=[world]) for _ in range(count)]
    both = make_entry(categories=[world, europe])
    act(editor, "remove_from", [*entries, both], apply="1", categories=[world.pk])
    assert all(filed(e) == ["uncategorized"] for e in entries)
    assert filed(both) == ["europe"]
    assert Category.uncategorized().entry_count == count


@pytest.mark.parametrize("count", [1, 3])
def test_add_and_remove_tags(editor, count):
    iran = make_tag("Iran")
    entries = [make_entry() for _ in range(count)]
    response = act(editor, "add_tags", entries, apply="1", tags="Iran, nuclear talks")
    assert "tagged Iran, nuclear talks" in response.content.decode()
    assert all(tagged(e) == ["Iran", "nuclear talks"] for e in entries)
    iran.refresh_from_db()
    assert iran.entry_count == count
    act(editor, "remove_tags", entries, apply="1", tags="Iran")
    assert all(tagged(e) == ["nuclear talks"] for e in entries)
    iran.refresh_from_db()
    assert iran.entry_count == 0


def test_add_tags_needs_a_tag(editor):
    entry = make_entry()
    response = act(editor, "add_tags", [entry], follow=False, apply="1", tags=" , ")
    assert "Type at least one tag." in response.content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_publish_and_unpublish_update_the_month_counts(editor, count):
    entries = [make_entry(status="draft", published_at=at(2007, 3, 10 + n)) for n in range(count)]
    response = act(editor, "publish", entries)
    assert f"{count} entr{'y' if count == 1 else 'ies'} published." in response.content.decode()
    assert [m.entry_count for m in MonthArchive.objects.all()] == [count]
    act(editor, "unpublish", entries)
    assert all(Entry.objects.get(pk=e.pk).status == "draft" for e in entries)
    assert not MonthArchive.objects.exists()


def test_trash_and_restore(editor):
    entries = [make_entry(), make_entry()]
    act(editor, "move_to_trash", entries)
    assert set(Entry.objects.values_list("status", flat=True)) == {"trash"}
    response = act(editor, "restore", entries)
    assert "2 entries restored as drafts." in response.content.decode()
    assert set(Entry.objects.values_list("status", flat=True)) == {"draft"}


def test_close_and_open_comments(editor):
    entries = [make_entry(), make_entry()]
    response = act(editor, "close_comments", entries)
    assert "Comments closed on 2 entries." in response.content.decode()
    assert not Entry.objects.filter(comments_open=True).exists()
    act(editor, "open_comments", entries[:1])
    assert Entry.objects.filter(comments_open=True).count() == 1


def test_each_changed_entry_gets_a_history_record(editor, world, admin_user):
    entries = [make_entry(), make_entry()]
    act(editor, "file_into", entries, apply="1", categories=[world.pk])
    records = LogEntry.objects.filter(user=admin_user)
    assert sorted(int(r.object_id) for r in records) == sorted(e.pk for e in entries)
    assert {r.get_change_message() for r in records} == {"Filed into World."}
    history = editor.get(f"{CHANGELIST}{entries[0].pk}/history/").content.decode()
    assert "Filed into World." in history


def test_entries_already_filed_there_are_not_counted_as_changed(editor, world):
    already = make_entry(categories=[world])
    other = make_entry()
    response = act(editor, "file_into", [already, other], apply="1", categories=[world.pk])
    assert "1 entry filed into World." in response.content.decode()
    assert LogEntry.objects.count() == 1


def test_bulk_actions_can_apply_to_every_filtered_entry(editor, world):
    for _ in range(3):
        make_entry(status="draft")
    make_entry()
    editor.post(
        f"{CHANGELIST}?status__exact=draft",
        {
            "action": "file_into",
            "select_across": "1",
            "index": "0",
            "apply": "1",
            "categories": [world.pk],
            "_selected_action": [Entry.objects.first().pk],
        },
    )
    assert Entry.objects.filter(categories=world).count() == 3


def test_filed_entries_appear_on_the_category_page(editor, client, world):
    entry = make_entry(title="Filed today")
    act(editor, "file_into", [entry], apply="1", categories=[world.pk])
    assert "Filed today" in client.get("/category/world/").content.decode()


# --- The changelist ------------------------------------------------------------------------


def test_the_changelist_shows_filing_source_and_comment_counts(editor, world):
    from tests.factories import make_source

    entry = make_entry(
        title="Shown", categories=[world], tags=[make_tag("Iran")], source=make_source()
    )
    make_comment(entry)
    make_comment(entry, status="pending")
    html = editor.get(CHANGELIST).content.decode()
    for text in ["Shown", "World", "Iran", "Associated Press", ">1 / 1</a>"]:
        assert text in html


def test_the_changelist_filters_by_category_subtree_and_pending_comments(editor, world):
    europe = make_category("Europe", parent=world)
    make_entry(title="In Europe", categories=[europe])
    quiet = make_entry(title="Elsewhere")
    make_comment(quiet, status="pending")
    by_category = editor.get(f"{CHANGELIST}?category={world.pk}").content.decode()
    assert "In Europe" in by_category and "Elsewhere" not in by_category
    assert "— Europe" in by_category
    pending = editor.get(f"{CHANGELIST}?pending=yes").content.decode()
    assert "Elsewhere" in pending and "In Europe" not in pending


def test_the_changelist_searches_title_body_and_byline(editor):
    make_entry(title="Alpha", body="Mentions Khalilzad.")
    make_entry(title="Beta", byline="Scheherezade Faramarzi")
    make_entry(title="Gamma")
    assert "Alpha" in editor.get(f"{CHANGELIST}?q=khalilzad").content.decode()
    found = editor.get(f"{CHANGELIST}?q=faramarzi").content.decode()
    assert "Beta" in found and "Gamma" not in found


@pytest.mark.parametrize("size", [3, 60])
def test_the_changelist_costs_the_same_at_any_size(editor, size):
    categories = [make_category(f"Topic {n}") for n in range(5)]
    tags = [make_tag(f"Tag {n}") for n in range(5)]
    for n in range(size):
        entry = make_entry(categories=categories[: 1 + n % 3], tags=tags[: n % 4])
        make_comment(entry, status="pending" if n % 2 else "approved")
    with CaptureQueriesContext(connection) as queries:
        assert editor.get(CHANGELIST).status_code == 200
    # Categories and tags: a query each for the whole page (EntryQuerySet.with_filing()).
    assert len(queries) == 10


# --- The change form -----------------------------------------------------------------------


def test_the_change_form_has_the_editorial_fieldsets(editor, world):
    entry = make_entry(categories=[world])
    make_comment(entry, author_name="Commenter", status="pending")
    html = editor.get(f"{CHANGELIST}{entry.pk}/change/").content.decode()
    for heading in ["Content", "Attribution", "Publishing", "Discussion"]:
        assert f">{heading}</h2>" in html
    assert 'type="checkbox" name="categories"' in html
    assert "Commenter" in html and "(pending)" in html
    assert "View on site" in html


def test_unpublished_entries_get_a_preview_link(editor):
    entry = make_entry(status="draft")
    html = editor.get(f"{CHANGELIST}{entry.pk}/change/").content.decode()
    assert f'href="{entry.get_absolute_url()}" class="viewsitelink">Preview' in html


def test_saving_with_no_category_files_under_uncategorized(editor, world):
    entry = make_entry(categories=[world])
    data = {
        "title": entry.title,
        "slug": entry.slug,
        "body": entry.body,
        "status": "publish",
        "published_at_0": "2007-03-10",
        "published_at_1": "12:00:00",
        "kind": "post",
        "tags": "",
        "menu_order": "0",
        "comments_open": "on",
    }
    response = editor.post(f"{CHANGELIST}{entry.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert filed(entry) == ["uncategorized"]


def test_tag_suggestions_answer_as_you_type(editor):
    make_tag("Iran")
    make_tag("Iraq")
    make_tag("Oil")
    response = editor.get("/admin/newsarchive/tag/suggest/?q=ir")
    assert sorted(response.json()["tags"]) == ["Iran", "Iraq"]

"""Categories as a tree, merging and renaming with redirects, tags, and the two roles."""

import pytest
from django.contrib.auth.models import Group

from newsarchive.models import Category, Entry, Tag
from tests.factories import make_category, make_entry, make_tag, make_user

pytestmark = pytest.mark.django_db

CATEGORIES = "/admin/newsarchive/category/"
TAGS = "/admin/newsarchive/tag/"


@pytest.fixture
def editor(client, admin_user):
    client.force_login(admin_user)
    return client


def filed(entry):
    return sorted(c.slug for c in Entry.objects.get(pk=entry.pk).categories.all())


def test_categories_are_listed_as_an_indented_tree_with_counts(editor):
    world = make_category("World")
    make_category("Middle East", parent=world)
    make_entry(categories=[world])
    html = editor.get(CATEGORIES).content.decode()
    assert html.index(">World<") < html.index("— Middle East")
    assert 'class="field-entry_count">1<' in html


def test_a_category_can_be_moved_under_another(editor):
    world = make_category("World")
    europe = make_category("Europe")
    response = editor.post(
        f"{CATEGORIES}{europe.pk}/change/",
        {"name": "Europe", "slug": "europe", "parent": world.pk, "description": ""},
    )
    assert response.status_code == 302
    europe.refresh_from_db()
    assert europe.path == "world/europe"


def test_a_category_cannot_move_under_its_own_child(editor):
    world = make_category("World")
    europe = make_category("Europe", parent=world)
    response = editor.post(
        f"{CATEGORIES}{world.pk}/change/",
        {"name": "World", "slug": "world", "parent": europe.pk, "description": ""},
    )
    assert "cannot sit under itself or its own children" in response.content.decode()


def test_a_slug_edit_keeps_the_old_address_redirecting(editor, client):
    world = make_category("World")
    europe = make_category("Europe", parent=world)
    make_entry(categories=[europe])
    editor.post(
        f"{CATEGORIES}{world.pk}/change/",
        {"name": "World", "slug": "international", "parent": "", "description": ""},
    )
    client.logout()
    response = client.get("/category/world/europe/page/1/")
    assert (response.status_code, response["Location"]) == (
        301,
        "/category/international/europe/page/1/",
    )
    assert client.get("/category/world/")["Location"] == "/category/international/"


def test_merging_moves_entries_and_redirects_the_old_address(editor, client):
    iraq = make_category("Iraq")
    middle_east = make_category("Middle East")
    child = make_category("Baghdad", parent=iraq)
    entries = [make_entry(categories=[iraq]), make_entry(categories=[iraq, middle_east])]
    response = editor.post(
        CATEGORIES,
        {"action": "merge", "_selected_action": [iraq.pk], "apply": "1", "target": middle_east.pk},
        follow=True,
    )
    assert "Merged Iraq into Middle East; 2 entries moved." in response.content.decode()
    assert all(filed(e) == ["middle-east"] for e in entries)
    assert not Category.objects.filter(slug="iraq").exists()
    child.refresh_from_db()
    assert child.path == "middle-east/baghdad"
    middle_east.refresh_from_db()
    assert middle_east.entry_count == 2
    assert client.get("/category/iraq/")["Location"] == "/category/middle-east/"


def test_a_category_cannot_be_merged_into_its_own_child(editor):
    world = make_category("World")
    europe = make_category("Europe", parent=world)
    response = editor.post(
        CATEGORIES,
        {"action": "merge", "_selected_action": [world.pk], "apply": "1", "target": europe.pk},
    )
    assert "choose a category outside it" in response.content.decode()
    assert Category.objects.filter(slug="world").exists()


def test_deleting_a_category_never_deletes_entries(editor):
    world = make_category("World")
    europe = make_category("Europe", parent=world)
    only_here = make_entry(categories=[world])
    elsewhere = make_entry(categories=[world, europe])
    editor.post(
        CATEGORIES, {"action": "delete_selected", "_selected_action": [world.pk], "post": "yes"}
    )
    assert Entry.objects.count() == 2
    assert filed(only_here) == ["uncategorized"]
    assert filed(elsewhere) == ["europe"]
    europe.refresh_from_db()
    assert (europe.parent, europe.path) == (None, "europe")
    assert Category.uncategorized().entry_count == 1


def test_uncategorized_cannot_be_deleted(editor):
    uncategorized = Category.uncategorized()
    response = editor.get(f"{CATEGORIES}{uncategorized.pk}/delete/")
    assert response.status_code == 403
    assert Category.objects.filter(slug="uncategorized").exists()


def test_tags_are_listed_with_counts_and_can_be_merged(editor):
    iran = make_tag("Iran")
    persia = make_tag("Persia")
    both = make_entry(tags=[iran, persia])
    only = make_entry(tags=[persia])
    assert 'class="field-entry_count">2<' in editor.get(TAGS).content.decode()
    editor.post(
        TAGS, {"action": "merge", "_selected_action": [persia.pk], "apply": "1", "target": iran.pk}
    )
    assert not Tag.objects.filter(name="Persia").exists()
    assert [t.name for t in both.tags.all()] == ["Iran"]
    assert [t.name for t in only.tags.all()] == ["Iran"]
    iran.refresh_from_db()
    assert iran.entry_count == 2


def test_merging_a_tag_into_itself_is_refused(editor):
    iran = make_tag("Iran")
    response = editor.post(
        TAGS, {"action": "merge", "_selected_action": [iran.pk], "apply": "1", "target": iran.pk}
    )
    assert "Choose a tag that is not one of those being merged." in response.content.decode()


# --- Roles ---------------------------------------------------------------------------------


def staff_in(group_name):
    user = make_user(group_name.lower(), is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def test_the_two_roles_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Editor", "Moderator"}


def test_a_moderator_works_comments_but_cannot_change_entries(client):
    entry = make_entry()
    client.force_login(staff_in("Moderator"))
    assert client.get("/admin/newsarchive/comment/").status_code == 200
    assert client.get(f"/admin/newsarchive/entry/{entry.pk}/change/").status_code == 403
    assert client.get("/admin/newsarchive/entry/").status_code == 403
    response = client.post(
        "/admin/newsarchive/entry/",
        {"action": "move_to_trash", "_selected_action": [entry.pk]},
    )
    assert response.status_code == 403
    assert Entry.objects.get().status == "publish"


def test_an_editor_files_entries_but_does_not_moderate(client):
    entry = make_entry()
    client.force_login(staff_in("Editor"))
    assert client.get(f"/admin/newsarchive/entry/{entry.pk}/change/").status_code == 200
    assert client.get(CATEGORIES).status_code == 200
    assert client.get("/admin/newsarchive/comment/").status_code == 403

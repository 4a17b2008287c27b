"""Every tag, category and source slug makes an address, however the term was created (the
ORM, taggit, the admin's forms, bulk action and queue, an import, a fixture, a migration of
old rows), and a listing shows a term whose slug makes none by name, without failing."""

import json

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.template.loader import render_to_string

from newsarchive.models import Category, Provenance, Source, Tag, is_addressable
from tests.factories import make_category, make_entry, make_tag
from tests.test_odd_names import World, admin_post

pytestmark = pytest.mark.django_db

# Slugs (and names) that make no address as they are.
UNADDRESSABLE = ["", ".", "..", "/", "a/b", "line\nbreak", "[]", "!!!"]


def assert_addressable(*models):
    for model in models or (Tag, Category, Source):
        slugs = list(model.objects.values_list("slug", flat=True))
        assert all(is_addressable(slug) for slug in slugs), (model.__name__, slugs)


@pytest.mark.parametrize("slug", ["", ".", "..", "/", "a/b", "a\nb", "x" * 300])
@pytest.mark.parametrize("model", [Tag, Category, Source])
def test_the_orm_never_stores_a_slug_that_makes_no_address(model, slug):
    item = model.objects.create(name="Golf news", slug=slug)
    assert is_addressable(item.slug)
    limit = model._meta.get_field("slug").max_length
    assert len(item.slug) <= limit
    if slug.startswith("x"):
        assert item.slug == "x" * limit
    again = model.objects.create(name="Golf news 2", slug=slug)
    assert again.slug != item.slug and is_addressable(again.slug)


@pytest.mark.parametrize("name", ["[]", "[<Tag:", "golf>]", "..", "/", "!!!", "ﷺ" * 30])
def test_taggit_makes_an_addressable_slug_that_fits(name):
    entry = make_entry()
    entry.tags.add(name[:100])
    tag = Tag.objects.get()
    assert is_addressable(tag.slug) and len(tag.slug) <= 100, tag.slug
    # Names whose slugs would be the same, or the same once cut to fit: numbered.
    entry.tags.add(f"{name[:90]} 2", f"{name[:90]}?", f"{name[:99]}!")
    assert_addressable(Tag)


def test_a_slug_an_editor_chose_is_kept(client):
    assert make_tag("Iran").slug == "iran"
    assert Category.objects.create(name="World", slug="wörld").slug == "wörld"
    assert Source.objects.create(name="AP", slug="ap").slug == "ap"
    # WordPress's own spelling of a non-Latin slug, percent-encoded, makes an address too.
    tag = Tag.objects.create(name="ب", slug="%d8%a8")
    assert tag.slug == "%d8%a8"
    make_entry(tags=[tag])
    assert client.get(tag.get_absolute_url()).status_code == 200


def test_the_admin_forms_refuse_a_slug_that_makes_no_address(admin_client):
    for path, data in [
        ("tag", {"name": "Golf"}),
        ("category", {"name": "Golf", "parent": ""}),
        ("source", {"name": "Golf"}),
    ]:
        for slug in UNADDRESSABLE:
            response = admin_client.post(f"/admin/newsarchive/{path}/add/", {**data, "slug": slug})
            assert response.status_code == 200, (path, slug)
            assert "errorlist" in response.content.decode()
    assert not Tag.objects.exists() and not Source.objects.exists()
    assert list(Category.objects.values_list("slug", flat=True)) == ["uncategorized"]


@pytest.mark.parametrize("way", ["entry form", "bulk action"])
def test_tags_typed_in_the_admin_get_addressable_slugs(admin_client, way):
    entry = make_entry()
    typed = '[], .., !!!, <Tag: golf>, "a, b"'
    if way == "entry form":
        admin_post(admin_client, f"/admin/newsarchive/entry/{entry.pk}/change/", {"tags": typed})
    else:
        admin_client.post(
            "/admin/newsarchive/entry/",
            {"action": "add_tags", "_selected_action": [entry.pk], "apply": "1", "tags": typed},
        )
    assert sorted(entry.tags.names()) == ["!!!", "..", "<Tag: golf>", "[]", "a, b"]
    assert_addressable(Tag)


def test_the_uncategorized_queue_gives_its_tags_addressable_slugs(admin_client):
    sport = make_category("Sport")
    entry = make_entry()
    admin_client.post(
        f"/admin/newsarchive/entry/uncategorized/{entry.pk}/",
        {"category": sport.pk, "tags": '[], .., "a, b"'},
    )
    assert sorted(entry.tags.names()) == ["..", "[]", "a, b"]
    assert_addressable(Tag)


def test_a_tag_name_too_long_is_refused_with_a_clear_error(admin_client, tmp_path):
    entry = make_entry()
    response = admin_client.post(
        "/admin/newsarchive/entry/",
        {"action": "add_tags", "_selected_action": [entry.pk], "apply": "1", "tags": "x" * 101},
    )
    assert "A tag name has at most 100 characters" in response.content.decode()
    assert not Tag.objects.exists()


def test_an_import_gives_terms_addressable_slugs_and_finds_them_again(tmp_path, client):
    world = World(None, tmp_path)
    terms = {"tag": ("Golf", "a/b"), "category": ("Sport", ".."), "source": ("AP", "x/y")}
    for _ in range(2):  # imported twice: the same terms, found again rather than added
        world.imported(terms["tag"], terms["category"], terms["source"], "Jane Doe", "BAGHDAD")
    assert list(Tag.objects.values_list("name", "slug")) == [("Golf", "a-b")]
    assert Category.objects.get(name="Sport").slug == "sport"
    assert list(Source.objects.values_list("name", "slug")) == [("AP", "x-y")]
    for url in ["/tag/a-b/", "/category/sport/", "/source/x-y/"]:
        assert client.get(url).status_code == 200, url


def test_an_imported_slug_too_long_for_its_column_is_found_again(tmp_path):
    world = World(None, tmp_path)
    long_slug = "x" * 250
    for _ in range(2):
        world.imported(("Tag", long_slug), ("Category", long_slug), ("S", "s"), "", "")
    assert list(Tag.objects.values_list("slug", flat=True)) == ["x" * 100]
    assert Category.objects.get(name="Category").slug == "x" * 200


@pytest.mark.parametrize("model", ["tag", "category", "source"])
def test_a_fixture_with_a_slug_that_makes_no_address_is_refused_whole(tmp_path, model):
    fields = {"name": "Bad", "slug": ""} | ({"path": "bad"} if model == "category" else {})
    fixture = tmp_path / "bad.json"
    fixture.write_text(
        json.dumps(
            [
                {"model": "newsarchive.tag", "pk": 90, "fields": {"name": "Good", "slug": "good"}},
                {"model": f"newsarchive.{model}", "pk": 91, "fields": fields},
            ]
        )
    )
    with pytest.raises(IntegrityError, match=f"{model}_slug_addressable"):
        call_command("loaddata", str(fixture), verbosity=0)
    assert not Tag.objects.filter(name="Good").exists()


@pytest.mark.parametrize("model", [Tag, Category, Source])
def test_the_database_refuses_what_the_models_would_repair(model):
    item = model.objects.create(name="Golf", slug="golf")
    for slug in ["", "..", "a/b", "a\nb"]:
        with pytest.raises(IntegrityError), transaction.atomic():
            model.objects.filter(pk=item.pk).update(slug=slug)


# Listings show a term whose slug makes no address by name ------------------------------------


class Filed:
    def __init__(self, categories, tags):
        self.filed_categories, self.filed_tags = categories, tags


@pytest.mark.parametrize("slug", UNADDRESSABLE[:4])
def test_a_listing_shows_a_term_that_makes_no_address_by_name(slug):
    # The database refuses such rows; these are built in memory, as an old row would load.
    category = Category(name="Odd category", slug=slug, path=slug)
    tag = Tag(name="Odd tag", slug=slug)
    tag.size, tag.entry_count, category.entry_count = 1, 1, 1
    good = Tag(name="Iran", slug="iran")
    good.size, good.entry_count = 1, 1
    source = Provenance(kind="source", slug=slug, name="Odd source", entry_count=1)
    source.address = None
    pages = [
        render_to_string("includes/_filed_under.html", {"entry": Filed([category], [tag, good])}),
        render_to_string("sidebar/tags.html", {"tags": [tag, good]}),
        render_to_string("sidebar/categories.html", {"categories": [category]}),
        render_to_string("sidebar/provenance.html", {"groups": [("Sources", [source])]}),
    ]
    html = "".join(pages)
    for name in ["Odd category", "Odd tag", "Odd source", "Iran"]:
        assert name in html
    assert html.count("<a ") == html.count('<a href="/tag/iran/"') == 2


def test_the_sidebar_lists_provenance_without_a_link_when_its_slug_makes_none(client):
    from newsarchive.templatetags.sidebar import top_provenance

    make_entry(byline="Jane Doe, Associated Press Writer")
    Provenance.objects.filter(kind="writer").update(slug="a/b")  # not guarded: made by slugify
    [(title, [row])] = top_provenance()
    assert (title, row.name, row.address) == ("Bylines", "Jane Doe", None)
    assert client.get("/").status_code == 200


# Rows stored before the rule ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_old_rows_addressable_slugs():
    executor = MigrationExecutor(connection)
    this = executor.loader.get_migration("newsarchive", "0018_addressable_slugs")
    before = [parent for parent in this.dependencies if parent[0] == "newsarchive"]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Tag, Category, Source = (old.get_model("newsarchive", m) for m in ("Tag", "Category", "Source"))
    Tag.objects.bulk_create(
        [Tag(name="[]", slug=""), Tag(name="golf>]", slug="a/b"), Tag(name="Golf", slug="golf")]
    )
    Source.objects.create(name="AP", slug="..")
    top = Category.objects.create(name="Top / level", slug="top/level", path="top/level")
    Category.objects.create(name="Child", slug="child", path="top/level/child", parent=top)
    Category.objects.create(name="Nothing", slug="", path="")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("newsarchive"))

    from newsarchive.models import Category, CategoryRedirect, Source, Tag

    assert sorted(Tag.objects.values_list("name", "slug")) == [
        ("Golf", "golf"), ("[]", "tag"), ("golf>]", "a-b")
    ]  # fmt: skip
    assert Source.objects.get(name="AP").slug == "ap"
    assert dict(Category.objects.exclude(slug="uncategorized").values_list("name", "path")) == {
        "Top / level": "top-level",
        "Child": "top-level/child",
        "Nothing": "nothing",
    }
    # The old address of a slug holding "/" worked; it leads to the category still.
    assert CategoryRedirect.objects.get(old_path="top/level").category.name == "Top / level"
    assert_addressable()

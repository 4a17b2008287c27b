"""Importing again: the same file changes nothing, a newer export updates what changed,
a dry run only says so, and what was made here is kept or adopted."""

import io

import pytest
from django.core.management import call_command

from newsarchive.models import Category, Comment, Entry
from newsarchive.wxr.importer import import_wxr
from tests.factories import at, make_entry
from tests.test_wxr_import import PHPUNIT, database_state, one_post_wxr, wxr

pytestmark = pytest.mark.django_db


@pytest.fixture
def theme_unit_test():
    import_wxr([wxr("theme-test-data/themeunittestdata.wordpress.xml")])


def test_importing_the_same_file_again_changes_nothing(theme_unit_test):
    before = database_state()
    summary = import_wxr([wxr("theme-test-data/themeunittestdata.wordpress.xml")])
    assert database_state() == before
    assert summary.total("created") == 0 and summary.total("updated") == 0
    assert summary.counts["posts"]["unchanged"] == 58


def test_an_updated_export_updates_only_what_changed(tmp_path):
    original = wxr(f"{PHPUNIT}/small-export.xml")
    import_wxr([original])
    before = database_state()
    updated = tmp_path / "small-export-later.xml"
    text = original.read_text(encoding="utf-8")
    text = text.replace("<title>Private Post</title>", "<title>Private Post, revised</title>")
    text = text.replace("<wp:comment_approved>1</wp:comment_approved>",
                        "<wp:comment_approved>spam</wp:comment_approved>")  # fmt: skip
    updated.write_text(text, encoding="utf-8")
    summary = import_wxr([updated])
    assert Entry.objects.get(wp_id=13).title == "Private Post, revised"
    assert Comment.objects.get(wp_id=1).status == Comment.Status.SPAM
    assert summary.counts["posts"]["updated"] == 1 and summary.counts["comments"]["updated"] == 1
    assert summary.total("created") == 0
    after = database_state()
    changed = {
        label: [row for row in rows if row not in before[label]] for label, rows in after.items()
    }
    assert [row[0] for row in changed["newsarchive.Entry"]] == [Entry.objects.get(wp_id=13).pk]


def test_a_changed_slug_keeps_the_old_address_working(tmp_path, client):
    import_wxr([one_post_wxr(tmp_path, "<wp:post_date>2007-03-10 12:00:00</wp:post_date>")])
    moved = one_post_wxr(tmp_path, "<wp:post_date>2007-03-10 12:00:00</wp:post_date>", name="b")
    moved.write_text(moved.read_text().replace("a-post", "a-better-post"))
    import_wxr([moved])
    response = client.get("/2007/03/10/a-post/")
    assert (response.status_code, response["Location"]) == (301, "/2007/03/10/a-better-post/")


def test_a_dry_run_reports_what_would_change_and_saves_nothing(tmp_path):
    before = database_state()
    summary = import_wxr([wxr(f"{PHPUNIT}/small-export.xml")], dry_run=True)
    assert database_state() == before
    assert summary.counts["posts"]["created"] == 6
    assert summary.lines()[-1] == "Dry run: nothing was saved."


def test_the_dry_run_command_lists_the_changes_it_would_make(tmp_path):
    import_wxr([one_post_wxr(tmp_path)])
    changed = one_post_wxr(tmp_path, name="changed.xml")
    changed.write_text(changed.read_text().replace("<title>A post", "<title>Another title"))
    out = io.StringIO()
    call_command("import_wxr", str(changed), "--dry-run", stdout=out)
    assert "post 10: title" in out.getvalue()
    assert Entry.objects.get().title == "A post"


def test_filing_done_here_is_not_undone_by_a_file_that_leaves_the_entry_uncategorized(
    tmp_path,
):
    import_wxr([one_post_wxr(tmp_path)])
    entry = Entry.objects.get()
    assert list(entry.categories.values_list("slug", flat=True)) == ["uncategorized"]
    world = Category.objects.create(name="World", slug="world")
    entry.categories.set([world])
    import_wxr([one_post_wxr(tmp_path)])
    assert list(entry.categories.values_list("slug", flat=True)) == ["world"]


def test_an_entry_made_here_adopts_its_wordpress_id_instead_of_being_duplicated(tmp_path):

    seed = make_entry(slug="a-post", title="A post", published_at=at(2007, 3, 10, 18, 12))
    item = "<wp:post_date>2007-03-10 18:12:00</wp:post_date>"
    summary = import_wxr([one_post_wxr(tmp_path, item)])
    seed.refresh_from_db()
    assert seed.wp_id == 10 and Entry.objects.count() == 1
    assert summary.counts["posts"]["updated"] == 1


def test_another_entry_at_the_same_address_pushes_the_import_to_a_numbered_slug(tmp_path):

    make_entry(slug="a-post", wp_id=99, published_at=at(2007, 3, 10, 9))
    item = "<wp:post_date>2007-03-10 18:12:00</wp:post_date>"
    summary = import_wxr([one_post_wxr(tmp_path, item)])
    assert Entry.objects.get(wp_id=10).slug == "a-post-2"
    assert "this one is at 'a-post-2'" in summary.warnings[0]
    assert import_wxr([one_post_wxr(tmp_path, item)]).total("updated") == 0


def test_an_entry_pushed_to_a_numbered_slug_stays_there_unchanged_on_reimport(tmp_path):
    """Before, importing again left an old permalink from the entry's own address to itself."""
    make_entry(slug="a-post", wp_id=99, published_at=at(2007, 3, 10, 9))
    item = "<wp:post_date>2007-03-10 18:12:00</wp:post_date>"
    import_wxr([one_post_wxr(tmp_path, item)])
    before = database_state()
    summary = import_wxr([one_post_wxr(tmp_path, item)])
    assert summary.total("updated") == 0 and summary.total("created") == 0
    assert database_state() == before


def test_a_page_pushed_to_a_numbered_slug_takes_its_subpages_along():
    """Before, a subpage's path was made from its parent's slug before the parent moved."""
    make_entry(kind=Entry.Kind.PAGE, slug="parent-page", title="Ours", wp_id=99)
    import_wxr([wxr(f"{PHPUNIT}/small-export.xml")])
    parent = Entry.objects.get(wp_id=6)
    child = Entry.objects.get(wp_id=4)
    assert (parent.path, child.path) == ("parent-page-2", "parent-page-2/child-page")
    assert child.parent == parent
    before = database_state()
    summary = import_wxr([wxr(f"{PHPUNIT}/small-export.xml")])
    assert summary.total("updated") == 0 and database_state() == before

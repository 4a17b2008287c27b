"""Two blogs in one archive: an imported item is its blog's post, page, attachment, comment or
term N, so another blog's N is added beside this one's, never over it. Re-importing a blog
updates it in place; old `?p=` addresses keep meaning the entry that had the number first;
rows imported before blogs were recorded are adopted by their own blog's next import; and an
archive's own export matches what it came from, or rebuilds it elsewhere, blogs and all."""

import io
import re

import pytest
from django.core.management import call_command

from newsarchive.models import (
    Attachment,
    Category,
    Comment,
    Entry,
    Tag,
    WordPressBlog,
)
from newsarchive.wxr.identity import blog_address
from newsarchive.wxr.importer import import_wxr
from tests.test_wxr_export import empty_the_archive, exported, reimport
from tests.test_wxr_import import EXPECTED, PHPUNIT, database_state, wxr

pytestmark = pytest.mark.django_db

IMPORTED = [Entry, Comment, Attachment, Category, Tag]  # every model with a WordPress id
SMALL = f"{PHPUNIT}/small-export.xml"  # http://localhost/: posts 1, 4, 6 …, pages 2, 8 …
WXR_1_0 = f"{PHPUNIT}/valid-wxr-1.0.xml"  # the same test site: posts 1, 4 …, pages 2 …
BASE = re.compile(r"<wp:base_(site|blog)_url>[^<]*</wp:base_\1_url>")


def as_blog(tmp_path, name, url, file_name=None):
    """A copy of sample `name` that names the blog at `url` (base_site_url, base_blog_url)."""
    text = wxr(name).read_text(encoding="utf-8")
    names = f"<wp:base_site_url>{url}</wp:base_site_url><wp:base_blog_url>{url}</wp:base_blog_url>"
    text = BASE.sub("", text)
    version = r"(<wp:wxr_version>[^<]*</wp:wxr_version>)"
    text, found = re.subn(version, rf"\1{names}", text, count=1)
    assert found, name
    path = tmp_path / (file_name or f"{blog_address(url).replace('/', '_')}.xml")
    path.write_text(text, encoding="utf-8")
    return path


# What a term holds of its own (its counts change with any blog's entries filed under it).
TERM_FIELDS = ["pk", "slug", "name", "description", "wp_term_id", "wp_blog"]


def rows_of(address):
    """Every row of every imported model that is the blog's at `address`, as stored."""
    blog = WordPressBlog.objects.get(address=address)
    return {
        model._meta.label: list(
            model.objects.filter(wp_blog=blog)
            .order_by("pk")
            .values_list(*(TERM_FIELDS if model in (Category, Tag) else []))
        )
        for model in IMPORTED
    }


def without_blogs():
    """database_state() but for the rows' blogs."""
    return {
        label: rows
        for label, rows in database_state().items()
        if label not in {m._meta.label for m in IMPORTED} | {"newsarchive.WordPressBlog"}
    } | {
        model._meta.label: list(
            model.objects.order_by("pk").values_list(
                *(f.attname for f in model._meta.concrete_fields if f.name != "wp_blog")
            )
        )
        for model in IMPORTED
    }


def identities():
    """Every imported row by its identity (blog address, WordPress id) and what it holds."""
    return {
        model._meta.label: sorted(
            (blog or "", wp_id, str(text))
            for blog, wp_id, text in model.objects.filter(
                **{f"{field}__isnull": False}
            ).values_list("wp_blog__address", field, shown)
        )
        for model, field, shown in [
            (Entry, "wp_id", "title"),
            (Comment, "wp_id", "body"),
            (Attachment, "wp_id", "url"),
            (Category, "wp_term_id", "slug"),
            (Tag, "wp_term_id", "slug"),
        ]
    }


@pytest.fixture
def two_blogs(tmp_path):
    """small-export.xml as it is (localhost), then valid-wxr-1.0.xml as another blog's."""
    first = wxr(SMALL)
    second = as_blog(tmp_path, WXR_1_0, "https://second.example/")
    import_wxr([first])
    before = rows_of("localhost")
    summary = import_wxr([second])
    return {"first": first, "second": second, "before": before, "summary": summary}


def test_another_blogs_items_are_added_beside_and_overwrite_nothing(two_blogs):
    summary = two_blogs["summary"]
    assert rows_of("localhost") == two_blogs["before"]
    assert summary.total("updated") == 0
    assert summary.counts["posts"]["created"] == 3 and summary.counts["pages"]["created"] == 3
    assert summary.counts["comments"]["created"] == 1
    assert Entry.objects.filter(wp_id=1).count() == 2
    assert set(Entry.objects.filter(wp_id=1).values_list("wp_blog__address", flat=True)) == {
        "localhost",
        "second.example",
    }
    lines = "\n".join(summary.lines())
    assert "Blog of second.example.xml: second.example (new to this archive" in lines
    assert "Added beside another blog's items with the same WordPress ids" in lines
    assert "overwriting nothing: 1 comment, 1 page, 3 posts." in lines


def test_reimporting_either_blog_changes_nothing(two_blogs):
    before = database_state()
    for path in [two_blogs["first"], two_blogs["second"]]:
        summary = import_wxr([path])
        assert summary.total("created") == 0 and summary.total("updated") == 0, path
        assert "imported before: its items are matched and updated" in summary.lines()[1]
    assert database_state() == before


def test_a_newer_export_of_the_first_blog_updates_it_in_place(two_blogs, tmp_path):
    newer = tmp_path / "small-export-later.xml"
    text = wxr(SMALL).read_text(encoding="utf-8")
    newer.write_text(text.replace("<title>Hello world!</title>", "<title>Hello again</title>"))
    second_before = rows_of("second.example")
    summary = import_wxr([newer])
    assert summary.counts["posts"]["updated"] == 1 and summary.total("created") == 0
    first = Entry.objects.get(wp_id=1, wp_blog__address="localhost")
    assert first.title == "Hello again"
    assert Entry.objects.get(wp_id=1, wp_blog__address="second.example").title == "Hello world!"
    assert rows_of("second.example") == second_before


def test_a_dry_run_says_which_items_go_beside_which(tmp_path):
    import_wxr([wxr(SMALL)])
    before = database_state()
    out = io.StringIO()
    second = as_blog(tmp_path, WXR_1_0, "https://second.example/")
    call_command("import_wxr", str(second), "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Blog of second.example.xml: second.example (new to this archive" in text
    assert "Would add beside another blog's items with the same WordPress ids" in text
    assert "post 1: added beside another blog's post 1" in text
    assert "page 2: added beside another blog's page 2" in text
    assert "comment 1: added beside another blog's comment 1" in text
    assert database_state() == before
    assert not WordPressBlog.objects.filter(address="second.example").exists()


def test_old_query_string_links_keep_meaning_the_first_blogs(two_blogs, client):
    first = Entry.objects.get(wp_id=1, wp_blog__address="localhost")
    response = client.get("/?p=1")
    assert (response.status_code, response["Location"]) == (301, first.get_absolute_url())
    page = Entry.objects.get(wp_id=2, wp_blog__address="localhost")
    response = client.get("/?page_id=2")
    assert (response.status_code, response["Location"]) == (301, page.get_absolute_url())
    category = Category.objects.filter(wp_term_id=3).order_by("pk").first()
    assert category.wp_blog.address == "localhost"
    assert client.get("/?cat=3")["Location"] == category.get_absolute_url()
    # When the first blog's entry is not public, the address finds nothing, not the second's.
    Entry.objects.filter(pk=first.pk).update(status=Entry.Status.DRAFT)
    assert client.get("/?p=1").status_code == 404


def test_terms_keep_the_first_blogs_ids(two_blogs):
    """Terms are one tree, matched by slug; their ids answer ?cat=, so the first blog's stay."""
    before = {c.slug: (c.wp_blog_id, c.wp_term_id) for c in Category.objects.all()}
    import_wxr([two_blogs["second"]])
    assert {c.slug: (c.wp_blog_id, c.wp_term_id) for c in Category.objects.all()} == before


def test_attachments_of_two_blogs_with_the_same_ids_are_both_kept():
    import_wxr([wxr(f"{PHPUNIT}/wxr-flat-attachment-same-site.xml")])
    import_wxr([wxr(f"{PHPUNIT}/wxr-flat-attachment-different-site.xml")])
    assert Attachment.objects.filter(wp_id=611).count() == 2
    assert Entry.objects.filter(wp_id=555).count() == 2
    for attachment in Attachment.objects.all():
        assert attachment.entry.wp_blog_id == attachment.wp_blog_id


# The kind: every sample beside a copy of itself from another blog -----------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_sample_imported_as_two_blogs_keeps_both_whole(name, tmp_path):
    import_wxr([wxr(name)])
    first = {model: model.objects.count() for model in [Entry, Comment, Attachment]}
    kept = database_state()
    copy = as_blog(tmp_path, name, "https://copy.example/blog", "copy.xml")
    summary = import_wxr([copy])
    assert summary.total("updated", ["posts", "pages", "comments", "attachments"]) == 0
    for model, count in first.items():
        assert model.objects.count() == 2 * count, model
    for model in [Entry, Comment, Attachment]:
        label = model._meta.label
        old = {row[0]: row for row in kept[label]}
        now = model.objects.filter(pk__in=old).order_by("pk").values_list()
        # The first blog's rows are as they were, but for the place a page or post may have
        # had to give up to its twin (never here: the twin moves to -2).
        assert list(now) == [old[row[0]] for row in now], label
    again = database_state()
    import_wxr([wxr(name)])
    import_wxr([copy])
    assert database_state() == again


# Rows imported before blogs were recorded -----------------------------------------------------


def forget_blogs():
    """As an archive imported before blogs were recorded: WordPress ids, no blog."""
    for model in IMPORTED:
        model.objects.update(wp_blog=None)
    WordPressBlog.objects.all().delete()


def test_rows_from_before_blogs_were_recorded_are_adopted_by_their_own_blog(tmp_path):
    import_wxr([wxr(SMALL)])
    forget_blogs()
    after_forgetting = without_blogs()
    summary = import_wxr([wxr(SMALL)])
    assert summary.total("created") == 0 and summary.total("updated") == 0
    assert "Imported before blogs were recorded, now recorded as this blog's" in "\n".join(
        summary.lines()
    )
    for model in IMPORTED:
        field = "wp_term_id" if model in (Category, Tag) else "wp_id"
        assert not model.objects.filter(wp_blog=None).exclude(**{field: None}).exists(), model
    assert after_forgetting == without_blogs()  # nothing else changed


def test_another_blog_does_not_adopt_rows_from_before_blogs_were_recorded(tmp_path):
    import_wxr([wxr(SMALL)])
    forget_blogs()
    before = {m._meta.label: list(m.objects.order_by("pk").values_list()) for m in IMPORTED}
    other = as_blog(tmp_path, WXR_1_0, "https://second.example/")
    text = other.read_text(encoding="utf-8").replace(
        "http://localhost/?", "https://second.example/?"
    )
    other.write_text(text, encoding="utf-8")
    summary = import_wxr([other])
    assert summary.total("updated", ["posts", "pages", "comments"]) == 0
    assert summary.counts["posts"]["created"] == 3
    for model in [Entry, Comment, Attachment]:
        label = model._meta.label
        assert (
            list(
                model.objects.filter(pk__in=[r[0] for r in before[label]])
                .order_by("pk")
                .values_list()
            )
            == before[label]
        )
    # And the first blog, imported again, still finds its own.
    summary = import_wxr([wxr(SMALL)])
    assert summary.total("created") == 0 and summary.total("updated") == 0


def test_a_row_from_before_without_a_guid_is_adopted_by_kind_and_slug(tmp_path):
    import_wxr([wxr(SMALL)])
    forget_blogs()
    Entry.objects.update(guid="")
    summary = import_wxr([wxr(SMALL)])
    assert summary.total("created") == 0
    assert not Entry.objects.filter(wp_blog=None).exists()


# Our own export -------------------------------------------------------------------------------


def test_the_archives_own_export_of_two_blogs_imported_back_changes_nothing(two_blogs, tmp_path):
    before = database_state()
    text = exported(site_url="https://archive.example")
    assert "<wp:base_site_url>https://archive.example</wp:base_site_url>" in text
    summary = reimport(text, tmp_path)
    assert summary.total("created") == 0 and summary.total("updated") == 0
    assert database_state() == before
    assert not WordPressBlog.objects.filter(address="archive.example").exists()


def test_the_export_gives_every_item_a_number_of_its_own(two_blogs):
    text = exported()
    post_ids = re.findall(r"<wp:post_id>(\d+)</wp:post_id>", text)
    comment_ids = re.findall(r"<wp:comment_id>(\d+)</wp:comment_id>", text)
    assert len(post_ids) == len(set(post_ids)) == Entry.objects.count() + Attachment.objects.count()
    assert len(comment_ids) == len(set(comment_ids)) == Comment.objects.count()


def test_the_archives_own_export_rebuilds_both_blogs_in_an_empty_archive(
    two_blogs, tmp_path, client
):
    before = identities()
    first_p1 = client.get("/?p=1")["Location"]
    text = exported()
    empty_the_archive()
    WordPressBlog.objects.all().delete()
    summary = reimport(text, tmp_path)
    assert not summary.warnings
    assert identities() == before
    assert client.get("/?p=1")["Location"] == first_p1
    before = database_state()
    reimport(text, tmp_path, name="again.xml")
    assert database_state() == before


def test_rows_from_before_blogs_were_recorded_survive_the_archives_own_export(tmp_path):
    import_wxr([wxr(SMALL)])
    forget_blogs()
    before = database_state()
    reimport(exported(), tmp_path)
    assert database_state() == before
    before = identities()
    text = exported()
    empty_the_archive()
    reimport(text, tmp_path, "again.xml")
    assert identities() == before
    # And the blog they came from adopts them when it is imported again.
    summary = import_wxr([wxr(SMALL)])
    assert summary.total("created") == 0


def test_the_admin_page_says_which_blog_and_what_goes_beside(admin_client, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    import_wxr([wxr(SMALL)])
    second = as_blog(tmp_path, WXR_1_0, "https://second.example/")
    upload = SimpleUploadedFile(second.name, second.read_bytes(), "text/xml")
    response = admin_client.post(
        "/admin/newsarchive/entry/import/", {"file": upload, "dry_run": "on"}
    )
    html = response.content.decode().replace("&#x27;", "'")
    assert "Blog of second.example.xml: second.example (new to this archive" in html
    assert "Would add beside another blog's items with the same WordPress ids" in html
    assert "<li>post 1: added beside another blog's post 1</li>" in html
    assert Entry.objects.count() == 11


def test_a_readers_comment_on_an_imported_entry_survives_the_archives_own_export(client, tmp_path):
    from tests.factories import comment_data

    import_wxr([wxr(SMALL)])
    entry = Entry.objects.get(wp_id=1)
    client.post(
        entry.get_comment_post_url(),
        comment_data(entry, author_name="Dee", body="Typed <here> & now"),
    )
    typed = Comment.objects.get(author_name="Dee")
    assert typed.wp_id is None
    text = exported()
    assert text.count("_newsarchive_origin") > 0
    before = database_state()
    summary = reimport(text, tmp_path)
    assert summary.total("created") == 0 and summary.total("updated") == 0
    assert database_state() == before


def test_origins_in_a_wordpress_export_are_not_ours_to_trust(two_blogs, tmp_path):
    """A blog that imported our export and exported it again keeps our meta; its items are
    its own, whatever the meta says."""
    text = exported(site_url="https://reblogged.example")
    text = text.replace("<generator>newsarchive</generator>", "<generator>WordPress</generator>")
    before = {m._meta.label: m.objects.count() for m in [Entry, Comment, Attachment]}
    summary = reimport(text, tmp_path)
    assert summary.total("updated", ["posts", "pages", "comments", "attachments"]) == 0
    for model in [Entry, Comment, Attachment]:
        assert model.objects.count() == 2 * before[model._meta.label], model

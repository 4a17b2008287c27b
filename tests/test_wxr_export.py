"""Exporting the archive as WXR 1.2, and the round trip back in."""

import datetime
import io
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models

from newsarchive.models import (
    Attachment,
    Category,
    CategoryRedirect,
    Comment,
    Entry,
    MonthArchive,
    OldPermalink,
    Source,
    Tag,
    TaggedEntry,
    WordPressBlog,
)
from newsarchive.wxr.exporter import export_wxr
from newsarchive.wxr.importer import import_wxr
from tests.factories import at, make_category, make_comment, make_entry, make_source, make_tag
from tests.test_wxr_import import PHPUNIT, database_state, wxr

pytestmark = pytest.mark.django_db

WP = "{http://wordpress.org/export/1.2/}"
UTC = datetime.UTC


ENTRY_VALUES = [
    "wp_id", "kind", "status", "title", "slug", "body", "excerpt", "published_at",
    "published_on", "modified_at", "password", "is_sticky", "guid", "comments_open",
    "pings_open", "menu_order", "parent__wp_id", "path", "author__username", "source__slug",
    "credit_line", "byline", "dateline", "original_published_on", "original_url",
    "contributors",
]  # fmt: skip
COMMENT_VALUES = [
    "wp_id", "entry__wp_id", "parent__wp_id", "status", "kind", "author_name", "author_email",
    "author_url", "ip_address", "submitted_at", "body", "user__username",
]  # fmt: skip
ATTACHMENT_VALUES = [
    "wp_id", "entry__wp_id", "title", "url", "mime_type", "uploaded_at", "guid",
]  # fmt: skip


def archive_by_wordpress_ids():
    """The archive as WordPress ids, slugs and values: what a round trip must keep."""

    def rows(queryset, *fields):
        return list(queryset.order_by(*fields).values_list(*fields))

    authors = get_user_model().objects.filter(
        models.Q(entries__isnull=False) | models.Q(comments__isnull=False)
    )
    return {
        "entries": rows(Entry.objects, *ENTRY_VALUES),
        "filing": rows(Entry.categories.through.objects, "entry__wp_id", "category__slug"),
        "tagging": rows(TaggedEntry.objects, "content_object__wp_id", "tag__slug"),
        "comments": rows(Comment.objects, *COMMENT_VALUES),
        "categories": rows(
            Category.objects, "slug", "name", "parent__slug", "description", "wp_term_id", "path"
        ),
        "tags": rows(Tag.objects, "slug", "name", "description", "wp_term_id"),
        "old permalinks": rows(OldPermalink.objects, "entry__wp_id", "published_on", "slug"),
        "attachments": rows(Attachment.objects, *ATTACHMENT_VALUES),
        "sources": rows(Source.objects, "slug", "name", "url"),
        "users": rows(authors.distinct(), "username", "email", "first_name", "last_name"),
    }


def empty_the_archive():
    """As a freshly migrated database: nothing but Uncategorized."""
    for model in [Comment, Attachment, Entry, CategoryRedirect, Tag, Source, MonthArchive]:
        models.QuerySet.delete(model.objects.all())
    models.QuerySet.delete(Category.objects.all())
    get_user_model().objects.all().delete()
    Category.uncategorized()


def exported(**options):
    out = io.StringIO()
    export_wxr(out, **options)
    return out.getvalue()


def reimport(text, tmp_path, name="export.xml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return import_wxr([path])


ROUND_TRIPS = [
    "theme-test-data/themeunittestdata.wordpress.xml",
    f"{PHPUNIT}/small-export.xml",
    f"{PHPUNIT}/valid-wxr-1.0.xml",
    f"{PHPUNIT}/slashes.xml",
    f"{PHPUNIT}/wxr-utf-8-challenges.xml",
    f"{PHPUNIT}/wxr-flat-attachment-same-site.xml",
]


@pytest.mark.parametrize("name", ROUND_TRIPS)
def test_import_export_import_into_an_empty_database_gives_the_same_archive(name, tmp_path):
    import_wxr([wxr(name)])
    before = archive_by_wordpress_ids()
    text = exported()
    empty_the_archive()
    assert Entry.objects.count() == 0
    summary = reimport(text, tmp_path)
    assert archive_by_wordpress_ids() == before
    assert not summary.warnings


def test_importing_our_own_export_back_changes_nothing(tmp_path):
    import_wxr([wxr("theme-test-data/themeunittestdata.wordpress.xml")])
    before = database_state()
    summary = reimport(exported(), tmp_path)
    assert database_state() == before
    assert summary.total("created") == 0 and summary.total("updated") == 0


@pytest.fixture
def made_here():
    """Entries made in this archive (no WordPress ids), with filing and comments."""
    world = make_category("World", wp_term_id=7)
    middle_east = make_category("Middle East", parent=world, description="<em>News</em>")
    iran = make_tag("Iran")
    source = make_source()
    entry = make_entry(
        title="U.S. & Iran hold “rare” direct talks",
        slug="us-and-iran-hold-rare-direct-talks",
        body="BAGHDAD – Envoys spoke.\n\nMore ]]> text.",
        published_at=at(2007, 3, 10, 23, 30),
        categories=[middle_east],
        tags=[iran],
        source=source,
        byline="Scheherezade Faramarzi, Associated Press Writer",
        dateline="",  # an editor cleared it; the round trip must not find it again
        is_sticky=True,
    )
    first = make_comment(entry, body="I <b>disagree</b> & say so.", author_name="A & B")
    reply = make_comment(entry, parent=first, status=Comment.Status.PENDING)
    page = make_entry(kind=Entry.Kind.PAGE, slug="about", title="About", body="Who we are.")
    make_entry(kind=Entry.Kind.PAGE, slug="team", title="Team", parent=page)
    return {"entry": entry, "comments": [first, reply]}


def test_entries_made_here_keep_their_addresses_and_comment_anchors(made_here, tmp_path, client):
    entry, (first, reply) = made_here["entry"], made_here["comments"]
    anchors = [first.anchor, reply.anchor]
    shown = first.body_html()
    url = entry.get_absolute_url()
    text = exported()
    empty_the_archive()
    reimport(text, tmp_path)
    again = Entry.objects.get(wp_id=entry.pk)
    assert again.get_absolute_url() == url
    assert (again.title, again.is_sticky, again.status) == (entry.title, True, "publish")
    assert [c.anchor for c in again.comments.order_by("wp_id")] == anchors
    assert again.comments.get(wp_id=reply.pk).parent.wp_id == first.pk
    assert (again.source.slug, again.byline, again.dateline) == (
        "associated-press",
        "Scheherezade Faramarzi, Associated Press Writer",
        "",
    )
    assert again.body == entry.body
    assert Entry.objects.get(slug="team").path == "about/team"
    assert Category.objects.get(slug="middle-east").parent.slug == "world"
    # Typed here as plain text, it went out as WordPress HTML and shows just the same.
    assert again.comments.get(wp_id=first.pk).body_html() == shown
    html = client.get(url).content.decode()
    assert "I &lt;b&gt;disagree&lt;/b&gt; &amp; say so." in html
    assert "A &amp; B" in html


def test_importing_an_export_of_entries_made_here_matches_them_and_changes_nothing(
    made_here, tmp_path
):
    """The export names this site and says each entry, page and comment was made here: they
    are matched to what they came from, and keep having no WordPress id (before, they took
    the export's numbers, and their comments' text turned into WordPress's HTML)."""
    before = database_state()
    summary = reimport(exported(), tmp_path)
    assert database_state() == before
    assert summary.total("created") == 0 and summary.total("updated") == 0
    assert not WordPressBlog.objects.exists()
    entry = made_here["entry"]
    entry.refresh_from_db()
    assert entry.wp_id is None
    assert [c.body for c in entry.comments.order_by("pk")] == [
        "I <b>disagree</b> & say so.",
        made_here["comments"][1].body,
    ]


def test_the_export_is_wxr_1_2_with_what_the_wordpress_importer_reads(made_here):
    root = ET.fromstring(exported(site_url="https://news.example"))
    channel = root.find("channel")
    assert channel.find(f"{WP}wxr_version").text == "1.2"
    assert channel.find(f"{WP}base_site_url").text == "https://news.example"
    assert channel.findall(f"{WP}author") == []  # these entries have no author
    categories = {c.find(f"{WP}category_nicename").text: c for c in channel.iter(f"{WP}category")}
    assert categories["middle-east"].find(f"{WP}category_parent").text == "world"
    assert categories["world"].find(f"{WP}term_id").text == "7"
    items = channel.findall("item")
    assert len(items) == 3
    post = next(i for i in items if i.find(f"{WP}post_type").text == "post")
    for element in [
        "post_id", "post_date", "post_date_gmt", "post_name", "status", "post_parent",
        "menu_order", "post_type", "post_password", "is_sticky", "comment_status",
        "ping_status",
    ]:  # fmt: skip
        assert post.find(f"{WP}{element}") is not None, element
    assert post.find("title").text == "U.S. &amp; Iran hold “rare” direct talks"
    content = post.find("{http://purl.org/rss/1.0/modules/content/}encoded").text
    assert content == "BAGHDAD – Envoys spoke.\n\nMore ]]> text."
    assert post.find(f"{WP}post_date_gmt").text == "2007-03-11 04:30:00"
    assert post.find(f"{WP}post_date").text == "2007-03-10 23:30:00"
    assert (
        post.find("link").text
        == "https://news.example/2007/03/10/us-and-iran-hold-rare-direct-talks/"
    )
    terms = {(c.get("domain"), c.get("nicename")) for c in post.findall("category")}
    assert terms == {("category", "middle-east"), ("post_tag", "iran")}
    comments = post.findall(f"{WP}comment")
    assert [c.find(f"{WP}comment_approved").text for c in comments] == ["1", "0"]
    assert (
        comments[0].find(f"{WP}comment_content").text
        == "I &lt;b&gt;disagree&lt;/b&gt; &amp; say so."
    )


def test_characters_xml_cannot_carry_are_dropped_so_the_file_stays_well_formed():
    make_entry(title="Bell\x07", body="Vertical\x0btab")
    root = ET.fromstring(exported())
    item = root.find("channel/item")
    assert item.find("title").text == "Bell"
    assert item.find("{http://purl.org/rss/1.0/modules/content/}encoded").text == "Verticaltab"


def test_since_exports_only_entries_published_from_that_day():
    make_entry(title="Old", published_at=at(2006, 5, 1))
    make_entry(title="New", published_at=at(2007, 3, 10))
    root = ET.fromstring(exported(since=datetime.date(2007, 1, 1)))
    assert [i.find("title").text for i in root.iter("item")] == ["New"]


def test_the_export_is_written_in_chunks_not_as_one_document():
    for n in range(25):
        make_entry(title=f"Entry {n}")

    class Counting(io.StringIO):
        writes = 0

        def write(self, text):
            Counting.writes += 1
            return super().write(text)

    out = Counting()
    export_wxr(out, chunk_size=10)
    assert Counting.writes >= 5
    assert out.getvalue().count("<item>") == 25


def test_the_command_writes_to_stdout_or_a_file(made_here, tmp_path):
    out = io.StringIO()
    call_command("export_wxr", stdout=out, stderr=io.StringIO())
    assert out.getvalue().startswith('<?xml version="1.0" encoding="UTF-8" ?>')
    target = tmp_path / "archive.xml"
    err = io.StringIO()
    call_command("export_wxr", "--output", str(target), "--since", "2007-01-01", stderr=err)
    assert target.read_text(encoding="utf-8").count("<item>") == 3
    assert err.getvalue().strip() == "Exported 3 entries, 2 comments and 0 attachments."


def test_a_permalink_day_that_differs_from_the_local_date_survives_the_round_trip(tmp_path):
    path = tmp_path / "late.xml"
    path.write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
        "<wp:wxr_version>1.2</wp:wxr_version><item><title>Late</title>"
        "<wp:post_id>5</wp:post_id><wp:post_type>post</wp:post_type>"
        "<wp:status>publish</wp:status><wp:post_name>late</wp:post_name>"
        "<wp:post_date>2013-01-11 23:30:00</wp:post_date>"
        "<wp:post_date_gmt>2013-01-12 07:30:00</wp:post_date_gmt></item></channel></rss>"
    )
    import_wxr([path])
    text = exported()
    empty_the_archive()
    reimport(text, tmp_path)
    assert Entry.objects.get().published_on == datetime.date(2013, 1, 11)


def test_comments_posted_through_the_form_are_not_duplicated_by_reimporting_the_export(
    client, tmp_path
):
    """Comments typed into the form carry microseconds; the export writes whole seconds. The
    archive's own export imported back changes nothing at all."""
    from tests.factories import comment_data

    entry = make_entry(title="Talks", slug="talks", published_at=at(2007, 3, 10, 12))
    for n, name in enumerate(["Ann", "Bob & Co", "Ann"]):
        body = f"Comment {n}: <b>bold</b> & plain"
        client.post(entry.get_comment_post_url(), comment_data(entry, author_name=name, body=body))
    Comment.objects.filter(author_name="Ann").update(status=Comment.Status.APPROVED)
    first = Comment.objects.order_by("pk").first()
    reply = comment_data(entry, author_name="Cy", body="A reply <i>here</i>", parent=first.pk)
    client.post(entry.get_comment_post_url(), reply)
    posted = list(Comment.objects.order_by("pk").values_list("pk", "submitted_at"))
    assert len(posted) == 4 and any(moment.microsecond for _, moment in posted)
    before = database_state()
    summary = reimport(exported(), tmp_path)
    assert summary.total("created") == 0 and summary.total("updated") == 0
    assert database_state() == before

"""No page fails on odd names: whatever names and slugs tags, categories and sources are given,
whatever bylines and datelines entries carry, and however they were created (the ORM,
taggit, the admin's forms and bulk action, an import), every public page that lists them
answers, and every link to them leads to a page.

The pages are found as a reader finds them: the home page, the entry, its archives, the
feeds and sitemaps, then every tag, category, source, byline and dateline address they link
to, and those pages' own feeds.
"""

import html
import json
import re
from collections import defaultdict
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsarchive.admin.forms import tag_names_text
from newsarchive.models import Category, Entry, Source, Tag, is_addressable
from newsarchive.wxr.importer import import_wxr
from tests.browser_forms import form_data
from tests.factories import at, make_entry

pytestmark = pytest.mark.django_db

# Text that has broken addresses, or could: nothing left after slugify, punctuation only, path
# syntax, percent signs, right-to-left scripts, emoji, invisible marks, expanding ligatures
# (one "ﷺ" is 18 letters in NFKC), very long.
ODD = [
    "", " ", "[]", "[<Tag:", "golf>]", "<Tag: golf>", "!!!", "…", "—", ".", "..", "...", "/",
    "a/b", "../..", "-", "_", "%", "%2F", "%d8%a8", "?#&", "שלום עולם", "مرحبا بالعالم",
    "🎾🏌️‍♀️", "\u200f\u200e", "İstanbul", "ß", "ﷺ" * 12, "x" * 250, "Washington, D.C.",
    'The "surge"', "\t\n",
]  # fmt: skip
# Text PostgreSQL can store (no NUL) and forms accept; anything else, from every script.
stored_text = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=300
)
odd_text = st.one_of(st.sampled_from(ODD), stored_text)

TAG_WAYS = ["orm", "taggit", "entry form", "bulk action", "admin add form", "import"]
CATEGORY_WAYS = ["orm", "admin add form", "import"]
SOURCE_WAYS = ["orm", "admin add form", "import"]
PROVENANCE_WAYS = ["orm", "entry form", "import"]

LISTED = ("/tag/", "/category/", "/source/", "/byline/", "/dateline/")


def limit(model, field, text):
    """What the ORM is given is cut to the column, as every caller of it does."""
    return text[: model._meta.get_field(field).max_length]


def xml_text(text):
    """Text as a WXR file can carry it (XML 1.0 has no control characters but tab and line
    breaks, and no U+FFFE or U+FFFF)."""
    legal = "".join(c for c in text if c in "\t\n\r" or " " <= c <= "\ufffd" or c > "\uffff")
    return escape(legal, {'"': "&quot;"})


def wxr_file(directory, tag, category, source, byline, dateline):
    (tag_name, tag_slug), (category_name, category_slug) = tag, category
    attribution = json.dumps(
        {"source": {"name": source[0], "slug": source[1]}, "byline": byline, "dateline": dateline}
    )
    path = directory / "odd.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
        "<wp:wxr_version>1.2</wp:wxr_version>"
        f"<wp:category><wp:category_nicename>{xml_text(category_slug)}</wp:category_nicename>"
        f"<wp:cat_name>{xml_text(category_name)}</wp:cat_name></wp:category>"
        f"<wp:tag><wp:tag_slug>{xml_text(tag_slug)}</wp:tag_slug>"
        f"<wp:tag_name>{xml_text(tag_name)}</wp:tag_name></wp:tag>"
        "<item><title>Imported</title><wp:post_id>10</wp:post_id>"
        "<wp:post_type>post</wp:post_type><wp:status>publish</wp:status>"
        "<wp:post_name>imported</wp:post_name>"
        "<wp:post_date_gmt>2007-03-09 12:00:00</wp:post_date_gmt>"
        "<content:encoded><![CDATA[Text.]]></content:encoded>"
        f'<category domain="category" nicename="{xml_text(category_slug)}">'
        f"{xml_text(category_name)}</category>"
        f'<category domain="post_tag" nicename="{xml_text(tag_slug)}">'
        f"{xml_text(tag_name)}</category>"
        "<wp:postmeta><wp:meta_key>_newsarchive_attribution</wp:meta_key>"
        f"<wp:meta_value>{xml_text(attribution)}</wp:meta_value></wp:postmeta>"
        "</item></channel></rss>",
        encoding="utf-8",
    )
    return path


def admin_post(client, url, changes, submitter="_save"):
    """Open an admin form, change what is given, and send it as a browser would."""
    data = defaultdict(list)
    for name, value in form_data(client.get(url).content.decode(), submitter=submitter):
        data[name].append(value)
    data.update({name: [value] for name, value in changes.items()})
    return client.post(url, dict(data))


class World:
    """One published entry, filed and attributed through the ways drawn."""

    def __init__(self, admin_client, directory):
        self.client = admin_client
        self.directory = directory
        self.entry = make_entry(title="Odd names", published_at=at(2007, 3, 10, 12))

    def change_url(self, entry=None):
        return f"/admin/newsarchive/entry/{(entry or self.entry).pk}/change/"

    def tag(self, way, name, slug):
        entry = self.entry
        if way == "orm":
            entry.tags.add(Tag.objects.create(name=limit(Tag, "name", name), slug=slug[:100]))
        elif way == "taggit":
            if limit(Tag, "name", name).strip():
                entry.tags.add(limit(Tag, "name", name).strip())
        elif way == "entry form":
            admin_post(self.client, self.change_url(), {"tags": tag_names_text([name])})
        elif way == "bulk action":
            self.client.post(
                "/admin/newsarchive/entry/",
                {"action": "add_tags", "_selected_action": [entry.pk], "apply": "1",
                 "tags": tag_names_text([name])},
            )  # fmt: skip
        elif way == "admin add form":
            self.client.post("/admin/newsarchive/tag/add/", {"name": name, "slug": slug})
            entry.tags.add(*Tag.objects.all())

    def category(self, way, name, slug):
        if way == "orm":
            category = Category.objects.create(name=limit(Category, "name", name), slug=slug)
            self.entry.categories.set([category])
        elif way == "admin add form":
            self.client.post(
                "/admin/newsarchive/category/add/", {"name": name, "slug": slug, "parent": ""}
            )
            if added := Category.objects.exclude(slug="uncategorized"):
                self.entry.categories.set(added)

    def source(self, way, name, slug):
        if way == "orm":
            self.entry.source = Source.objects.create(
                name=limit(Source, "name", name), slug=limit(Source, "slug", slug)
            )
            self.entry.save()
        elif way == "admin add form":
            self.client.post("/admin/newsarchive/source/add/", {"name": name, "slug": slug})
            self.entry.source = Source.objects.first()
            self.entry.save()

    def provenance(self, way, byline, dateline):
        if way == "orm":
            self.entry.byline = limit(Entry, "byline", byline)
            self.entry.dateline = limit(Entry, "dateline", dateline)
            self.entry.save()
        elif way == "entry form":
            admin_post(self.client, self.change_url(), {"byline": byline, "dateline": dateline})

    def imported(self, tag, category, source, byline, dateline):
        import_wxr([wxr_file(self.directory, tag, category, source, byline, dateline)])


def links_in(body):
    """Same-site addresses a page links to (HTML attributes, sitemap locations, feed links)."""
    found = re.findall(r'(?:href|src)="([^"]*)"|<loc>([^<]*)</loc>|<link>([^<]*)</link>', body)
    for groups in found:
        parts = urlsplit(html.unescape("".join(groups)))
        if parts.netloc in ("", "testserver") and parts.path.startswith("/"):
            yield parts.path + (f"?{parts.query}" if parts.query else "")


def visit(client, url):
    response = client.get(url, follow=True)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return response.content.decode()


def assert_every_page_answers(client, entry):
    """The pages that list the entry's filing answer 200, and so does every tag, category,
    source, byline and dateline address they link to, and its feed."""
    day = entry.published_on
    pages = [
        "/",
        entry.get_absolute_url(),
        f"/{day:%Y}/",
        f"/{day:%Y/%m}/",
        f"/{day:%Y/%m/%d}/",
        "/feed/",
        "/feed/atom/",
        "/sitemap.xml",
        "/search/?s=odd",
    ]
    listed = set()
    for url in pages:
        body = visit(client, url)
        listed.update(link for link in links_in(body) if link.startswith(LISTED))
        if url == "/sitemap.xml":
            pages += [link for link in links_in(body) if link.startswith("/sitemap-")]
    for url in sorted(listed):
        visit(client, url)
        if "/feed/" not in url:
            visit(client, re.sub(r"page/[0-9]+/$", "", urlsplit(url).path) + "feed/")
    return listed


def assert_every_slug_makes_an_address():
    for model in (Tag, Category, Source):
        for item in model.objects.all():
            assert is_addressable(item.slug), f"{model.__name__} {item.name!r}: {item.slug!r}"


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    tag=st.tuples(odd_text, odd_text),
    category=st.tuples(odd_text, odd_text),
    source=st.tuples(odd_text, odd_text),
    byline=odd_text,
    dateline=odd_text,
    tag_way=st.sampled_from(TAG_WAYS),
    category_way=st.sampled_from(CATEGORY_WAYS),
    source_way=st.sampled_from(SOURCE_WAYS),
    provenance_way=st.sampled_from(PROVENANCE_WAYS),
)
@example(tag=("[]", ""), category=("[<Tag:", ""), source=("golf>]", "a/b"), byline="!!!",
         dateline="..", tag_way="orm", category_way="orm", source_way="orm",
         provenance_way="orm")  # fmt: skip
@example(tag=("..", ".."), category=("/", "/"), source=("…", "."), byline="", dateline="—",
         tag_way="taggit", category_way="orm", source_way="orm", provenance_way="orm")  # fmt: skip
@example(tag=("ﷺ" * 12, ""), category=("x" * 250, "x" * 250), source=("🎾", "🎾"),
         byline="ﷺ" * 30, dateline="שלום", tag_way="import", category_way="import",
         source_way="import", provenance_way="import")  # fmt: skip
@example(tag=("[<Tag: golf>]", ""), category=("Sport", "sport"), source=("AP", "ap"),
         byline="", dateline="", tag_way="entry form", category_way="admin add form",
         source_way="admin add form", provenance_way="entry form")  # fmt: skip
@example(tag=("golf\x1f", "golf"), category=("Sport\x0b", "sport"), source=("AP\x08", "ap"),
         byline="Jane\x0bDoe", dateline="0\x1f", tag_way="orm", category_way="orm",
         source_way="orm", provenance_way="orm")  # fmt: skip
def test_no_page_fails_whatever_the_names(
    admin_client,
    tmp_path,
    tag,
    category,
    source,
    byline,
    dateline,
    tag_way,
    category_way,
    source_way,
    provenance_way,
):
    with transaction.atomic():
        world = World(admin_client, tmp_path)
        world.tag(tag_way, *tag)
        world.category(category_way, *category)
        world.source(source_way, *source)
        world.provenance(provenance_way, byline, dateline)
        if "import" in (tag_way, category_way, source_way, provenance_way):
            world.imported(tag, category, source, byline, dateline)
        assert_every_slug_makes_an_address()
        for entry in Entry.objects.all():
            assert_every_page_answers(admin_client.__class__(), entry)
        transaction.set_rollback(True)


def test_the_crawl_reaches_every_kind_of_address(admin_client, tmp_path):
    """The crawl above is only as good as what it reaches: here, all five kinds."""
    world = World(admin_client, tmp_path)
    world.tag("orm", "Iran", "iran")
    world.category("orm", "World", "world")
    world.source("orm", "Associated Press", "associated-press")
    world.provenance("orm", "Jane Doe, Associated Press Writer", "BAGHDAD")
    listed = assert_every_page_answers(admin_client.__class__(), world.entry)
    assert {"/tag/iran/", "/category/world/", "/source/associated-press/",
            "/byline/jane-doe/", "/dateline/baghdad/"} <= listed  # fmt: skip


def test_a_name_that_is_nothing_but_punctuation_gets_a_working_address(client):
    entry = make_entry(published_at=at(2007, 3, 10, 12), tags=[])
    entry.tags.add("[]", "..")
    slugs = sorted(Tag.objects.values_list("slug", flat=True))
    assert all(is_addressable(slug) for slug in slugs), slugs
    assert client.get("/").status_code == 200
    for tag in Tag.objects.all():
        assert client.get(tag.get_absolute_url()).status_code == 200

"""Importing WordPress exports: every sample file, faithfully, once, and safely refused."""

import datetime
import io
from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from newsarchive.models import (
    Attachment,
    Category,
    Comment,
    Entry,
    ImportRecord,
    Tag,
)
from newsarchive.wxr.importer import import_wxr
from newsarchive.wxr.parser import WXRError

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "wxr"
UTC = datetime.UTC


def wxr(name):
    """A sample file: our copy, in tests/data/wxr, of the one in ../shared/data/wxr."""
    return DATA / name


def archive_counts():
    """What the tests compare per file: entries by type and status, comments by state and
    kind, categories (with parents, levels), tags, attachments and the deepest thread."""
    parents = dict(Comment.objects.values_list("pk", "parent_id"))

    def depth(pk):
        levels = 1
        while parents[pk]:
            pk, levels = parents[pk], levels + 1
        return levels

    # Uncategorized exists from the start; it counts once a file declares it.
    categories = Category.objects.exclude(slug="uncategorized", wp_term_id=None)
    return {
        "entries": dict(
            Counter(f"{k}/{s}" for k, s in Entry.objects.values_list("kind", "status"))
        ),
        "comments": dict(
            Counter(f"{s}/{k}" for s, k in Comment.objects.values_list("status", "kind"))
        ),
        "categories": categories.count(),
        "with_parent": categories.filter(parent__isnull=False).count(),
        "levels": max((c.depth + 1 for c in categories), default=0),
        "tags": Tag.objects.count(),
        "attachments": Attachment.objects.count(),
        "deepest": max(map(depth, parents), default=0),
    }


def database_state():
    """Every row of every table the import can touch (users included), for exact comparison:
    all but the import's own record (ImportRecord), which every run writes (test_wxr_records)."""
    models = [get_user_model(), *apps.get_app_config("newsarchive").get_models(True)]
    return {
        m._meta.label: list(m.objects.order_by("pk").values_list())
        for m in models
        if m is not ImportRecord
    }


def counts(entries, comments=None, categories=0, with_parent=0, levels=0, tags=0, attachments=0,
           deepest=0):  # fmt: skip
    return {
        "entries": entries, "comments": comments or {}, "categories": categories,
        "with_parent": with_parent, "levels": levels, "tags": tags, "attachments": attachments,
        "deepest": deepest,
    }  # fmt: skip


ONE_POST = counts({"post/publish": 1})
THEME_UNIT_TEST = counts(
    {"post/publish": 56, "post/draft": 1, "post/future": 1, "page/publish": 21},
    {"approved/comment": 26, "pending/comment": 3, "approved/pingback": 2,
     "approved/trackback": 2},
    categories=68, with_parent=10, levels=3, tags=114, attachments=37, deepest=10,
)  # fmt: skip
PHPUNIT = "wordpress-importer/phpunit-data"
E2E = "wordpress-importer/e2e-fixtures"

# What each well-formed sample gives. The numbers agree with FORMAT.md beside the samples;
# namespace-edge-cases has 5 posts, not the 6 a parser counts: its sixth item's wp:post_id and
# wp:post_type are in a hijacked namespace, so it has no id to keep and is skipped.
# fmt: off
EXPECTED = {
    "theme-test-data/themeunittestdata.wordpress.xml": THEME_UNIT_TEST,
    f"{PHPUNIT}/theme-unit-test-data.xml": THEME_UNIT_TEST,
    "wptest/wptest.xml": counts(
        {"post/publish": 35, "post/draft": 1, "post/future": 1, "page/publish": 15},
        {"approved/comment": 26, "approved/pingback": 4},
        categories=42, with_parent=6, levels=3, tags=16, attachments=44, deepest=10,
    ),
    f"{PHPUNIT}/a11y-unit-test-data.xml": counts(
        {"post/publish": 46, "post/draft": 1, "page/publish": 17},
        {"approved/comment": 22, "approved/pingback": 4},
        categories=28, with_parent=9, levels=3, tags=71, attachments=39, deepest=10,
    ),
    f"{PHPUNIT}/small-export.xml": counts(
        {"post/publish": 5, "post/private": 1, "page/publish": 4, "page/draft": 1},
        {"approved/comment": 1},
        categories=30, with_parent=1, levels=2, tags=3, deepest=1,
    ),
    f"{PHPUNIT}/valid-wxr-1.0.xml": counts(
        {"post/publish": 3, "page/publish": 3}, {"approved/comment": 1},
        categories=4, with_parent=1, levels=2, tags=4, deepest=1,
    ),
    f"{PHPUNIT}/valid-wxr-1.1.xml": counts(
        {"post/publish": 1, "page/publish": 1}, {"approved/comment": 1},
        categories=1, levels=1, tags=1, deepest=1,
    ),
    f"{PHPUNIT}/namespace-edge-cases.xml": counts({"post/publish": 5}, categories=2, levels=1),
    f"{PHPUNIT}/slashes.xml": counts(
        {"post/publish": 1}, {"approved/comment": 1}, categories=1, levels=1, tags=1, deepest=1
    ),
    f"{PHPUNIT}/term-formats.xml": counts({}, categories=2, levels=1, tags=3),
    f"{PHPUNIT}/term-meta.xml": counts({}, categories=1, levels=1),
    f"{PHPUNIT}/test-serialized-term-meta.xml": counts(
        {"post/draft": 1}, categories=1, levels=1, tags=1
    ),
    f"{PHPUNIT}/test-serialized-comment-meta.xml": counts(
        {"post/draft": 1}, {"approved/comment": 1}, deepest=1
    ),
    f"{PHPUNIT}/test-serialized-postmeta-no-cdata.xml": counts({"post/draft": 1}),
    f"{PHPUNIT}/test-serialized-postmeta-with-cdata.xml": counts({"post/draft": 1}),
    f"{PHPUNIT}/test-utw-post-meta-import.xml": counts({"post/draft": 1}),
    f"{PHPUNIT}/wxr-with-sub-data.xml": counts(
        {"post/publish": 1}, {"pending/comment": 1}, categories=1, levels=1, deepest=1
    ),
    f"{PHPUNIT}/wxr-flat-attachment-different-site.xml": counts({"post/publish": 1}, attachments=1),
    f"{PHPUNIT}/wxr-flat-attachment-same-site.xml": counts({"post/publish": 1}, attachments=1),
    f"{PHPUNIT}/wxr-utf-8-challenges.xml": counts({"post/publish": 1}, categories=1, levels=1),
    f"{PHPUNIT}/large-authors.xml": counts({}),
    **{
        f"{PHPUNIT}/{name}": ONE_POST
        for name in [
            "authors-multiline.xml", "backslashes.xml", "blank-lines.xml", "cdata-edge.xml",
            "chunked-meta.xml", "crazy-cdata-escaped.xml", "missing-tags.xml",
            "multiple-cdata.xml", "post-content-blank-lines.xml", "wxr-simple.xml",
        ]
    },
    f"{E2E}/wxr-base-url-rewriting.xml": ONE_POST,
    f"{E2E}/wxr-simple.xml": ONE_POST,
    f"{E2E}/wxr-css-urls.xml": counts({"post/publish": 1}, categories=1, levels=1),
    f"{E2E}/wxr-comprehensive.xml": counts(
        {"post/publish": 1, "page/publish": 1}, {"approved/comment": 1},
        categories=2, with_parent=1, levels=2, tags=2, deepest=1,
    ),
}
# fmt: on

# The files that must be refused, with where and why.
MALFORMED = {
    f"{PHPUNIT}/malformed.xml": "line 27, column 1: expected <channel> inside <rss>",
    f"{PHPUNIT}/malformed-simple.xml": "line 14, column 1: the file ends in the middle",
    f"{PHPUNIT}/crazy-cdata.xml": "line 18, column 72: the file is not well-formed XML",
    f"{PHPUNIT}/invalid-version-tag.xml": "line 33, column 2: this is not a WXR file: "
    "wp:wxr_version is 'abc'",
    f"{PHPUNIT}/missing-version-tag.xml": "line 35, column 2: this is not a WXR file: there is "
    "no wp:wxr_version",
}


def test_every_sample_is_covered():
    samples = {str(p.relative_to(DATA)) for p in DATA.rglob("*.xml")} - {"seed-article.xml"}
    assert samples == set(EXPECTED) | set(MALFORMED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_sample_imports_with_its_entries_comments_and_terms(name):
    import_wxr([wxr(name)])
    assert archive_counts() == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_files_are_refused_with_where_and_why_and_the_database_unchanged(name):
    import_wxr([wxr(f"{PHPUNIT}/small-export.xml")])
    before = database_state()
    with pytest.raises(WXRError) as refused:
        import_wxr([wxr(name)])
    assert str(refused.value).startswith(f"{Path(name).name}, {MALFORMED[name]}")
    assert database_state() == before


def test_a_good_file_before_a_bad_one_in_the_same_run_is_not_kept_either():
    before = database_state()
    with pytest.raises(WXRError):
        import_wxr([wxr(f"{PHPUNIT}/small-export.xml"), wxr(f"{PHPUNIT}/malformed-simple.xml")])
    assert database_state() == before


def test_a_file_broken_after_many_written_batches_leaves_nothing_behind(tmp_path):
    items = "".join(
        f"<item><title>Post {n}</title><wp:post_id>{n}</wp:post_id><wp:post_type>post"
        f"</wp:post_type><wp:status>publish</wp:status><wp:post_name>post-{n}</wp:post_name>"
        f"<wp:post_date_gmt>2007-03-10 12:00:{n % 60:02}</wp:post_date_gmt>"
        f"<wp:comment><wp:comment_id>{n}</wp:comment_id><wp:comment_content>Hi"
        "</wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment></item>"
        for n in range(1, 1201)
    )
    broken = tmp_path / "broken-late.xml"
    broken.write_text(
        '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
        f"<wp:wxr_version>1.2</wp:wxr_version>{items}<item><title>Cut off"
    )
    before = database_state()
    with pytest.raises(WXRError, match=r"broken-late.xml, line 1, column \d+: the file ends"):
        import_wxr([broken], batch_size=100)
    assert database_state() == before


def test_a_doctype_is_refused_before_any_entity_is_expanded(tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
        "<wp:wxr_version>1.2</wp:wxr_version><item><title>&b;</title></item></channel></rss>"
    )
    with pytest.raises(
        WXRError, match=r"bomb.xml, line 2, column \d+: a WXR file may not have a DOCTYPE"
    ):
        import_wxr([bomb])
    assert not Entry.objects.exists()


def test_the_command_reports_a_malformed_file_as_a_plain_error():
    with pytest.raises(CommandError) as refused:
        call_command(
            "import_wxr", str(wxr(f"{PHPUNIT}/malformed-simple.xml")), stdout=io.StringIO()
        )
    assert str(refused.value) == (
        "malformed-simple.xml, line 14, column 1: the file ends in the middle of the document "
        "(is it truncated?)"
    )


# Text arrives exactly as WordPress stored it ----------------------------------------------


def body_of(name, wp_id=1):
    """The body of the file's post `wp_id`, imported afresh (each file is a blog of its own,
    or none: two of them can have a post 1, or update each other's)."""
    Entry.objects.filter(wp_id=wp_id).delete()
    import_wxr([wxr(f"{PHPUNIT}/{name}")])
    return Entry.objects.get(wp_id=wp_id).body


def test_content_whitespace_is_kept_exactly():
    assert "one blank line).\n\nAnd more" in body_of("post-content-blank-lines.xml")
    assert body_of("blank-lines.xml") == "first paragraph\n\nsecond paragraph"


def test_backslashes_and_slashed_quotes_stay_literal():
    assert body_of("backslashes.xml") == r"C:\xampp\htdocs\wp-content"
    assert body_of("slashes.xml") == r"Slashes aren\'t \"cool\""
    assert Category.objects.get(slug="alpha").name == r"a \"great\" category"
    assert Tag.objects.get(slug="tag1").name == r"foo\'bar"
    assert Comment.objects.get().body == r"\o/ ¯\_(ツ)_/¯"


def test_adjacent_cdata_sections_join_and_split_terminators_are_restored():
    assert body_of("multiple-cdata.xml") == "line oneline twoline three"
    assert body_of("crazy-cdata-escaped.xml") == "Content with nested <![CDATA[ tags ]]> :)"
    assert body_of("cdata-edge.xml") == "ends with sequence ]] >"


def test_whitespace_that_pretty_printing_put_around_cdata_is_not_content():
    import_wxr([wxr(f"{PHPUNIT}/theme-unit-test-data.xml")])
    entry = Entry.objects.get(wp_id=1177)
    assert entry.body.startswith("Welcome to image alignment!")
    assert entry.body.endswith('width="160" />')


def test_utf8_challenges_survive_in_titles_bodies_slugs_and_categories():
    import_wxr([wxr(f"{PHPUNIT}/wxr-utf-8-challenges.xml")])
    entry = Entry.objects.get()
    source = wxr(f"{PHPUNIT}/wxr-utf-8-challenges.xml").read_text(encoding="utf-8")
    for text in ["\u202e", "\u200b", "👨‍👩‍👧‍👦", "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇"]:
        if text in source:
            assert text in entry.body + entry.title + entry.slug, text
    category = Category.objects.exclude(slug="uncategorized").get()
    assert category.slug in source and entry.categories.filter(pk=category.pk).exists()
    assert entry.slug in source


def test_serialized_and_markup_bearing_meta_do_not_disturb_the_entry():
    import_wxr([wxr(f"{PHPUNIT}/test-serialized-postmeta-with-cdata.xml")])
    entry = Entry.objects.get()
    assert "evil" not in entry.body


# Dates ------------------------------------------------------------------------------------


def one_post_wxr(tmp_path, item="", channel="", name="post.xml"):
    """A minimal WXR 1.2 file with one post (id 10, slug "a-post"), plus what is given."""
    path = tmp_path / name
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
        f"<wp:wxr_version>1.2</wp:wxr_version>{channel}<item><title>A post</title>"
        "<wp:post_id>10</wp:post_id><wp:post_type>post</wp:post_type>"
        "<wp:status>publish</wp:status><wp:post_name>a-post</wp:post_name>"
        f"<content:encoded><![CDATA[Text.]]></content:encoded>{item}</item></channel></rss>",
        encoding="utf-8",
    )
    return path


def test_dates_come_from_post_date_gmt_and_permalinks_from_the_local_date(client, tmp_path):
    # 23:30 in California is already the next day in New York, the blog's zone here; the
    # permalink keeps the blog's own day, as WordPress built it from post_date.
    item = (
        "<wp:post_date>2013-01-11 23:30:00</wp:post_date>"
        "<wp:post_date_gmt>2013-01-12 07:30:00</wp:post_date_gmt>"
    )
    import_wxr([one_post_wxr(tmp_path, item)])
    entry = Entry.objects.get()
    assert entry.published_at == datetime.datetime(2013, 1, 12, 7, 30, tzinfo=UTC)
    assert entry.published_on == datetime.date(2013, 1, 11)
    assert entry.get_absolute_url() == "/2013/01/11/a-post/"
    assert client.get("/2013/01/11/a-post/").status_code == 200


def test_utc_offsets_that_change_within_one_file_are_each_respected():
    import_wxr([wxr("theme-test-data/themeunittestdata.wordpress.xml")])
    level_2 = Entry.objects.get(wp_id=173)  # local 16:23:33 at +10
    level_1 = Entry.objects.get(wp_id=174)  # local 16:25:40 at -7
    assert level_2.published_at == datetime.datetime(2007, 12, 11, 6, 23, 33, tzinfo=UTC)
    assert level_1.published_at == datetime.datetime(2007, 12, 11, 23, 25, 40, tzinfo=UTC)


def test_a_zero_gmt_date_falls_back_to_the_local_date_in_the_blogs_time_zone():
    import_wxr([wxr(f"{PHPUNIT}/small-export.xml")])
    draft = Entry.objects.get(wp_id=9)  # post_date 2011-01-18 07:46:29, GMT 0000-00-00
    assert draft.published_at == datetime.datetime(2011, 1, 18, 12, 46, 29, tzinfo=UTC)
    assert draft.published_on == datetime.date(2011, 1, 18)


def test_the_local_date_can_be_read_in_another_time_zone():
    import zoneinfo

    import_wxr([wxr(f"{PHPUNIT}/small-export.xml")], time_zone=zoneinfo.ZoneInfo("UTC"))
    draft = Entry.objects.get(wp_id=9)
    assert draft.published_at == datetime.datetime(2011, 1, 18, 7, 46, 29, tzinfo=UTC)


def test_missing_dates_do_not_stop_the_import():
    import_wxr([wxr(f"{PHPUNIT}/missing-tags.xml")])
    entry = Entry.objects.get()
    assert entry.slug == "no-author-post" and entry.author is None


# The command ------------------------------------------------------------------------------


def test_the_command_prints_a_summary_by_kind_and_no_progress_when_not_at_a_terminal():
    out, err = io.StringIO(), io.StringIO()
    call_command("import_wxr", str(wxr(f"{PHPUNIT}/small-export.xml")), stdout=out, stderr=err)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Imported small-export.xml: 11 entries in ")
    assert "entries/s" in lines[0]
    assert any(line.split() == ["posts", "6", "0", "0"] for line in lines)
    assert any(line.split() == ["pages", "5", "0", "0"] for line in lines)
    assert err.getvalue() == ""


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_command_shows_a_progress_bar_with_entries_per_second_at_a_terminal(monkeypatch):
    from newsarchive.wxr import progress

    monkeypatch.setattr(progress.ProgressBar, "__init__", _eager_progress)
    err = Terminal()
    call_command(
        "import_wxr", str(wxr(f"{PHPUNIT}/small-export.xml")), stdout=io.StringIO(), stderr=err
    )
    assert "entries/s" in err.getvalue() and "100%" in err.getvalue()


def _eager_progress(self, stream, interval=0):
    self.stream, self.interval, self.shown_at, self.drawn = stream, 0, 0.0, False

"""Hostile WXR files: ids and dates the archive cannot hold, deep nesting, huge elements.

Each is refused with where it is (file, line, column), changes nothing, and is answered the
same way by the function, the command and the admin page: never a traceback or a 500.
"""

import html
import io
import re
from xml.sax.saxutils import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive.wxr.importer import import_wxr
from newsarchive.wxr.parser import WXRError
from tests.test_wxr_import import database_state

pytestmark = pytest.mark.django_db

URL = "/admin/newsarchive/entry/import/"

# Every field that holds a number, the element holding it, and a good value. A test of the
# kind: a new numeric field added here is covered by every test below with no new code.
NUMBERS = {
    "wp:author_id": ("wp:author", "1"),
    "wp:term_id": ("wp:category", "3"),
    "wp:post_id": ("item", "10"),
    "wp:post_parent": ("item", "0"),
    "wp:menu_order": ("item", "0"),
    "wp:comment_id": ("wp:comment", "5"),
    "wp:comment_parent": ("wp:comment", "0"),
    "wp:comment_user_id": ("wp:comment", "1"),
}
HOSTILE_NUMBERS = ["-1", "99999999999999999999", "abc", "²", "١٢", "4294967296", "1.5", "0x10"]


def hostile_wxr(tmp_path, name, field):
    """A small, complete WXR 1.2 file (an author, a category, a post with a comment and an
    attachment), one element a line, with each field's text from `field` ({name: text})."""

    def text(key):
        return escape(field[key])

    lines = [
        '<?xml version="1.0" encoding="UTF-8" ?>',
        '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/">',
        "<channel>",
        "<wp:wxr_version>1.2</wp:wxr_version>",
        "<wp:base_site_url>https://hostile.example</wp:base_site_url>",
        f"<wp:author><wp:author_id>{text('wp:author_id')}</wp:author_id>"
        "<wp:author_login>ann</wp:author_login></wp:author>",
        f"<wp:category><wp:term_id>{text('wp:term_id')}</wp:term_id>"
        "<wp:category_nicename>news</wp:category_nicename><wp:cat_name>News</wp:cat_name>"
        "</wp:category>",
        "<item>",
        "<title>A post</title><dc:creator>ann</dc:creator>",
        f"<wp:post_id>{text('wp:post_id')}</wp:post_id>",
        "<wp:post_type>post</wp:post_type><wp:status>publish</wp:status>",
        "<wp:post_name>a-post</wp:post_name>",
        f"<wp:post_date>{text('wp:post_date')}</wp:post_date>",
        f"<wp:post_date_gmt>{text('wp:post_date_gmt')}</wp:post_date_gmt>",
        f"<wp:post_modified_gmt>{text('wp:post_modified_gmt')}</wp:post_modified_gmt>",
        f"<wp:post_parent>{text('wp:post_parent')}</wp:post_parent>",
        f"<wp:menu_order>{text('wp:menu_order')}</wp:menu_order>",
        '<category domain="category" nicename="news"><![CDATA[News]]></category>',
        "<wp:postmeta><wp:meta_key>_wp_old_date</wp:meta_key>"
        f"<wp:meta_value>{text('_wp_old_date')}</wp:meta_value></wp:postmeta>",
        "<wp:comment>",
        f"<wp:comment_id>{text('wp:comment_id')}</wp:comment_id>",
        "<wp:comment_author>Bea</wp:comment_author>",
        "<wp:comment_content>Hello.</wp:comment_content>",
        "<wp:comment_approved>1</wp:comment_approved>",
        f"<wp:comment_date>{text('wp:comment_date')}</wp:comment_date>",
        f"<wp:comment_date_gmt>{text('wp:comment_date_gmt')}</wp:comment_date_gmt>",
        f"<wp:comment_parent>{text('wp:comment_parent')}</wp:comment_parent>",
        f"<wp:comment_user_id>{text('wp:comment_user_id')}</wp:comment_user_id>",
        "</wp:comment>",
        "</item>",
        "<item>",
        "<title>A picture</title>",
        "<wp:post_id>11</wp:post_id><wp:post_type>attachment</wp:post_type>",
        "<wp:post_parent>10</wp:post_parent><wp:status>inherit</wp:status>",
        f"<wp:post_date_gmt>{text('attachment:post_date_gmt')}</wp:post_date_gmt>",
        "<wp:attachment_url>https://hostile.example/a.jpg</wp:attachment_url>",
        "</item>",
        "</channel>",
        "</rss>",
    ]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


DATES = {
    "wp:post_date": "2007-03-10 07:00:00",
    "wp:post_date_gmt": "2007-03-10 12:00:00",
    "wp:post_modified_gmt": "2007-03-11 12:00:00",
    "wp:comment_date": "2007-03-10 08:00:00",
    "wp:comment_date_gmt": "2007-03-10 13:00:00",
    "attachment:post_date_gmt": "2007-03-09 12:00:00",
    "_wp_old_date": "2007-03-01",
}
DEFAULTS = {**{key: default for key, (_, default) in NUMBERS.items()}, **DATES}


def write(tmp_path, name="hostile.xml", **changes):
    """hostile_wxr() with every field at its default but `changes` ({field: text})."""
    return hostile_wxr(tmp_path, name, {**DEFAULTS, **changes})


def line_of(path, tag, field=None):
    """The line of the element `tag` (the one holding `field`, when given)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    starts = [n for n, line in enumerate(lines, 1) if line.startswith(f"<{tag}>")]
    if field is None:
        return starts[0]
    holding = next(n for n, line in enumerate(lines, 1) if f"<{field}>" in line)
    return max(n for n in starts if n <= holding)


def refused(path):
    """The error importing `path` gives, checked to leave the database as it was."""
    before = database_state()
    with pytest.raises(WXRError) as error:
        import_wxr([path])
    assert database_state() == before
    return str(error.value)


def test_the_hostile_file_imports_when_nothing_in_it_is_hostile(tmp_path):
    summary = import_wxr([write(tmp_path)])
    assert summary.counts["posts"]["created"] == 1
    assert summary.counts["comments"]["created"] == 1
    assert summary.counts["attachments"]["created"] == 1


# Numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE_NUMBERS)
@pytest.mark.parametrize("field", NUMBERS)
def test_a_number_the_archive_cannot_hold_is_refused_with_its_place(tmp_path, field, value):
    if field == "wp:menu_order" and value == "-1":
        value = "-99999999999"  # a menu order may be negative, as in WordPress
    path = write(tmp_path, **{field: value})
    message = refused(path)
    line = line_of(path, NUMBERS[field][0], field)
    assert re.match(rf"hostile\.xml, line {line}, column \d+: {field} '", message), message
    assert "is not a" in message


@pytest.mark.parametrize("field", NUMBERS)
def test_the_command_says_where_a_bad_number_is(tmp_path, field):
    path = write(tmp_path, **{field: "99999999999999999999"})
    with pytest.raises(CommandError, match=rf"^hostile\.xml, line \d+, column \d+: {field} "):
        call_command("import_wxr", str(path), stdout=io.StringIO())


@pytest.mark.parametrize("field", NUMBERS)
def test_the_admin_page_says_where_a_bad_number_is(admin_client, tmp_path, field):
    path = write(tmp_path, **{field: "abc"})
    upload = SimpleUploadedFile("hostile.xml", path.read_bytes(), "text/xml")
    response = admin_client.post(URL, {"file": upload})
    assert response.status_code == 400
    shown = response.content.decode()
    assert re.search(rf"nothing was changed: hostile\.xml, line \d+, column \d+: {field} ", shown)


def test_a_sticky_posts_id_the_archive_cannot_hold_is_refused(tmp_path):
    path = write(tmp_path)
    text = path.read_text().replace(
        "<item>", "<wp:sticky_posts>10,99999999999999999999</wp:sticky_posts>\n<item>", 1
    )
    path.write_text(text)
    assert re.match(r"hostile\.xml, line 8, column 1: wp:sticky_posts has an id", refused(path))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    field=st.sampled_from(sorted(NUMBERS)),
    value=st.text(st.characters(exclude_categories=["Cs"]), max_size=30),
)
def test_whatever_a_number_field_holds_the_import_succeeds_or_says_where(tmp_path, field, value):
    try:
        import_wxr([write(tmp_path, **{field: value})])
    except WXRError as error:
        assert re.match(r"hostile\.xml, line \d+, column \d+: ", str(error)), str(error)


# Dates --------------------------------------------------------------------------------------

# What the archive cannot show, as WordPress would write it: year 1 and /9999/12/31/ (the
# issue's two), and the moments just outside the range either side.
HOSTILE_DATES = [
    "0001-01-01 00:00:00",
    "9999-12-31 00:00:00",
    "0999-12-31 23:59:59",
    "1000-01-01 00:00:00",
    "9998-12-31 12:00:00",
]


@pytest.mark.parametrize("value", HOSTILE_DATES)
@pytest.mark.parametrize("field", [name for name in DATES if name != "_wp_old_date"])
def test_a_date_the_archive_cannot_show_is_refused_with_its_place(tmp_path, field, value):
    changes = {field: value}
    if field.endswith("_date"):  # a local date counts when there is no GMT one
        changes[f"{field}_gmt"] = ""
    path = write(tmp_path, **changes)
    message = refused(path)
    holder = "wp:comment" if "comment" in field else "item"
    if field.startswith("attachment:"):
        field = field.removeprefix("attachment:")
        line = line_of(path, "item", "wp:attachment_url")
    else:
        line = line_of(path, holder, field)
    assert re.match(rf"hostile\.xml, line {line}, column \d+: ", message), message
    assert "is outside the dates the archive can show" in message


@pytest.mark.parametrize("meta", ["_wp_old_date", "_newsarchive_permalink_date"])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_permalink_day_the_archive_cannot_show_is_refused(tmp_path, meta, day):
    path = write(tmp_path, _wp_old_date=day)
    path.write_text(path.read_text().replace("_wp_old_date", meta))
    message = refused(path)
    assert message.startswith(f"hostile.xml, line {line_of(path, 'item')}, column 1: {meta}")


def test_an_original_day_the_archive_cannot_show_is_refused(tmp_path):
    path = write(tmp_path)
    path.write_text(
        path.read_text().replace(
            "<wp:comment>",
            "<wp:postmeta><wp:meta_key>_newsarchive_attribution</wp:meta_key><wp:meta_value>"
            '{"original_published_on": "0001-03-10"}</wp:meta_value></wp:postmeta>\n<wp:comment>',
        )
    )
    assert "hostile.xml, line 8, column 1: the original day" in refused(path)


def test_the_last_and_first_moments_the_archive_can_show_are_imported(tmp_path):
    path = write(tmp_path, **{"wp:post_date_gmt": "9998-12-30 23:59:59", "wp:comment_date_gmt": ""})
    import_wxr([path])
    path = write(
        tmp_path, **{"wp:post_date_gmt": "1000-01-02 00:00:00", "wp:post_date": "1000-01-01"}
    )
    import_wxr([path])


def test_the_command_and_the_admin_page_say_where_a_date_is(admin_client, tmp_path):
    path = write(tmp_path, **{"wp:post_date_gmt": "0001-01-01 00:00:00"})
    expected = (
        r"hostile\.xml, line 8, column 1: wp:post_date_gmt '0001-01-01 00:00:00' is outside "
        r"the dates the archive can show \(1000-01-01 to 9998-12-31\)"
    )
    with pytest.raises(CommandError, match=f"^{expected}"):
        call_command("import_wxr", str(path), "--dry-run", stdout=io.StringIO())
    upload = SimpleUploadedFile("hostile.xml", path.read_bytes(), "text/xml")
    response = admin_client.post(URL, {"file": upload})
    assert response.status_code == 400
    assert re.search(f"nothing was changed: {expected}", html.unescape(response.content.decode()))


# Nesting and size ---------------------------------------------------------------------------

HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0"'
    b' xmlns:wp="http://wordpress.org/export/1.2/"'
    b' xmlns:content="http://purl.org/rss/1.0/modules/content/">\n<channel>\n'
    b"<wp:wxr_version>1.2</wp:wxr_version>\n"
)


class Stream(io.RawIOBase):
    """A file of `head`, then `body` repeated to `size` bytes, then `tail`, made as it is read:
    a hostile file of any size without holding it in memory."""

    def __init__(self, head, body, size, tail=b"</channel>\n</rss>\n", name="hostile.xml"):
        self.pieces = [tail, head]
        self.body, self.left, self.name = body, size, name

    def readable(self):
        return True

    def read(self, n=-1):
        n = 256 * 1024 if n is None or n < 0 else n
        if len(self.pieces) == 2:
            return self.pieces.pop()
        if self.left > 0:
            count = max(1, min(n, self.left) // len(self.body))
            self.left -= count * len(self.body)
            return self.body * count
        return self.pieces.pop() if self.pieces else b""


# Deep nesting of every kind of element the parser treats differently: one it ignores (a
# foreign one), one it builds (category, wp:postmeta), one it reads as a field (title).
NESTED = [b"<a>", b'<x:a xmlns:x="urn:x">', b"<category>", b"<wp:postmeta>", b"<title>"]


def peak_memory(read):
    """The most memory Python (expat included: it allocates through Python) held during
    `read()`, in bytes."""
    import gc
    import tracemalloc

    gc.collect()
    tracemalloc.start()
    try:
        read()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def read_all(stream):
    from newsarchive.wxr.records import read_records

    with pytest.raises(WXRError) as error:
        for _ in read_records(stream, stream.name):
            pass
    return str(error.value)


@pytest.mark.parametrize("tag", NESTED)
def test_deep_nesting_is_refused_early_in_bounded_memory(tag):
    """A 50 MB file of nothing but opening tags: refused at the 64th level, with its place,
    having held well under a megabyte (before, 3 MB of <a> alone held 185 MB)."""
    holder = {}
    stream = Stream(HEAD + b"<item>", tag, 50 * 1024 * 1024)
    peak = peak_memory(lambda: holder.setdefault("error", read_all(stream)))
    assert re.match(
        r"hostile\.xml, line 5, column \d+: elements are nested more than 64 deep", holder["error"]
    )
    assert peak < 2 * 1024 * 1024
    assert stream.left > 40 * 1024 * 1024  # it stopped reading at once


@pytest.mark.parametrize(
    "head, body, tail, what, line",
    [
        (b"<item><content:encoded>", b"text " * 1000, b"</content:encoded></item>", "item", 5),
        (b'<item><title a="', b"x" * 1000, b'">T</title></item>', "item", 5),
        (b"<item><wp:postmeta>", b"<wp:meta_key>k</wp:meta_key>" * 40, b"</item>", "item", 5),
        (b"<foreign>", b"<a>bbbb</a>" * 100, b"</foreign>", "foreign", 5),
        (b"", b" " * 1000, b"", None, 4),
    ],
)
def test_an_element_larger_than_the_cap_is_refused_in_bounded_memory(
    monkeypatch, head, body, tail, what, line
):
    from newsarchive.wxr import parser

    monkeypatch.setattr(parser, "MAX_ELEMENT_BYTES", 1024 * 1024)
    holder = {}
    stream = Stream(HEAD + head, body, 20 * 1024 * 1024, tail + b"</channel></rss>")
    peak = peak_memory(lambda: holder.setdefault("error", read_all(stream)))
    shown = f"<{what}>" if what else "the text between elements"
    assert re.match(
        rf"hostile\.xml, line {line}, column \d+: {shown} is larger than 1 MB", holder["error"]
    ), holder["error"]
    assert peak < 6 * 1024 * 1024
    assert stream.left > 15 * 1024 * 1024


def test_the_element_cap_is_32_mb_and_a_large_item_under_it_imports(tmp_path):
    """The real cap, end to end: a 31 MB post imports; 33 MB is refused with its place."""
    body = b"word " * (31 * 1024 * 1024 // 5)
    item = (
        b"<item><title>Long</title><wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type>"
        b"<wp:status>publish</wp:status><content:encoded>%s</content:encoded></item>"
    )
    path = tmp_path / "large.xml"
    path.write_bytes(HEAD + item % body + b"</channel></rss>")
    import_wxr([path], detect=False)
    path.write_bytes(HEAD + item % (body + b"word " * (2 * 1024 * 1024 // 5)) + b"</channel>")
    with pytest.raises(WXRError, match=r"^large\.xml, line 5, column 1: <item> is larger than 32"):
        import_wxr([path])


@pytest.mark.parametrize("tag", [b"<a>", b"<category>"])
def test_the_command_and_the_admin_page_refuse_deep_nesting_with_its_place(
    admin_client, tmp_path, tag
):
    path = tmp_path / "deep.xml"
    path.write_bytes(HEAD + b"<item>" + tag * 100_000)
    expected = r"deep\.xml, line 5, column \d+: elements are nested more than 64 deep"
    with pytest.raises(CommandError, match=f"^{expected}"):
        call_command("import_wxr", str(path), stdout=io.StringIO())
    upload = SimpleUploadedFile("deep.xml", path.read_bytes(), "text/xml")
    response = admin_client.post(URL, {"file": upload})
    assert response.status_code == 400
    assert re.search(f"nothing was changed: {expected}", html.unescape(response.content.decode()))


def test_the_admin_page_refuses_a_huge_element_with_its_place(admin_client, monkeypatch):
    from newsarchive.wxr import parser

    monkeypatch.setattr(parser, "MAX_ELEMENT_BYTES", 1024 * 1024)
    content = (
        HEAD + b"<item><title>" + b"x" * (2 * 1024 * 1024) + b"</title></item></channel></rss>"
    )
    upload = SimpleUploadedFile("huge.xml", content, "text/xml")
    response = admin_client.post(URL, {"file": upload})
    assert response.status_code == 400
    assert "nothing was changed: huge.xml, line 5, column 1: &lt;item&gt; is larger than 1 MB" in (
        response.content.decode()
    )

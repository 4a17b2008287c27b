"""Markup injected into an archive never becomes active on the reading pages."""

import json
from html.parser import HTMLParser

import pytest
from django.db.models import Q

from newsarchive.models import Comment, Entry
from newsarchive.wxr.importer import import_wxr
from tests.test_wxr_import import wxr

pytestmark = pytest.mark.django_db

OUR_SCRIPTS = {"/static/js/comment-reply.js"}
ATTACKS = [
    "<script>alert(1)</script>",
    '<img src="x.png" onerror="alert(2)">',
    '<a href="javascript:alert(3)">link</a>',
    '<a href=" JaVaScRiPt:alert(4)">spaced</a>',
    "<svg onload=alert(5)><circle/></svg>",
    '<iframe src="https://evil.example/"></iframe>',
    '<p style="background:url(javascript:alert(6))" onclick="alert(7)">styled</p>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(8)>",
    '<object data="javascript:alert(9)"></object><embed src="javascript:alert(10)">',
    '<form action="javascript:alert(11)"><button formaction="javascript:alert(12)">b</button>',
    '[caption id="x" align="alignleft onmouseover=alert(13)"]<img src="a.png" onload="alert(14)">'
    " A <script>alert(15)</script>caption[/caption]",
    '[audio mp3="javascript:alert(16)"][embed]javascript:alert(17)[/embed]',
    '<div><!--<script>--><script>alert(18)</script></div><base href="javascript:alert(19)//">',
    "&lt;script&gt;alert(20)&lt;/script&gt;",
]


class ActiveMarkup(HTMLParser):
    """What a browser would run: script elements, on* handlers, javascript: URLs, frames."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.in_json = tag == "script" and attributes.get("type") == "application/ld+json"
        if tag == "script" and attributes.get("src") not in OUR_SCRIPTS and not self.in_json:
            self.found.append(("script", attributes))
        if tag in {"iframe", "object", "embed", "svg", "math", "base", "frame"}:
            self.found.append((tag, attributes))
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append((tag, name))
            cleaned = "".join((value or "").split()).lower()
            if cleaned.startswith(("javascript:", "vbscript:", "data:text/html")):
                self.found.append((tag, name, value))
            if name == "style" and "javascript" in cleaned:
                self.found.append((tag, name, value))

    def handle_data(self, data):
        # Structured data is not run, but it must stay data: whole JSON, nothing broken out.
        if getattr(self, "in_json", False):
            self.in_json = False
            try:
                json.loads(data)
            except ValueError:
                self.found.append(("script", "ld+json that is not JSON", data[:80]))


def active_markup(html):
    parser = ActiveMarkup()
    parser.feed(html)
    return parser.found


def hostile_wxr(tmp_path):
    attack = "\n\n".join(ATTACKS)
    comments = "".join(
        f"<wp:comment><wp:comment_id>{n}</wp:comment_id>"
        f"<wp:comment_author><![CDATA[Evil{text}]]></wp:comment_author>"
        "<wp:comment_author_url><![CDATA[javascript:alert('url')]]></wp:comment_author_url>"
        f"<wp:comment_content><![CDATA[{text}]]></wp:comment_content>"
        f"<wp:comment_approved>1</wp:comment_approved><wp:comment_type>{kind}</wp:comment_type>"
        "</wp:comment>"
        for n, (text, kind) in enumerate(
            [(a, "") for a in ATTACKS] + [(ATTACKS[0], "pingback"), (ATTACKS[2], "trackback")],
            start=1,
        )
    )

    def item(post_id, kind, slug, extra=""):
        return (
            f"<item><title><![CDATA[Title <script>alert('t')</script>{slug}]]></title>"
            f"<wp:post_id>{post_id}</wp:post_id><wp:post_type>{kind}</wp:post_type>"
            f"<wp:status>publish</wp:status><wp:post_name>{slug}</wp:post_name>"
            "<wp:post_date_gmt>2007-03-10 17:00:00</wp:post_date_gmt>"
            f"<content:encoded><![CDATA[{attack}]]></content:encoded>"
            f"<excerpt:encoded><![CDATA[{ATTACKS[1]}]]></excerpt:encoded>"
            '<category domain="category" nicename="evil"><![CDATA[<script>alert("c")</script>]]>'
            '</category><category domain="post_tag" nicename="evil-tag">'
            "<![CDATA[<img src=x onerror=alert('tag')>]]></category>"
            f"{extra}</item>"
        )

    path = tmp_path / "hostile.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"'
        ' xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
        "<wp:wxr_version>1.2</wp:wxr_version>"
        f"{item(1, 'post', 'hostile', comments)}{item(2, 'page', 'hostile-page')}"
        "</channel></rss>",
        encoding="utf-8",
    )
    return path


def test_injected_markup_in_an_imported_archive_never_runs_on_its_pages(tmp_path, client):
    import_wxr([hostile_wxr(tmp_path)])
    post = Entry.objects.get(wp_id=1)
    assert Comment.objects.filter(entry=post).count() == len(ATTACKS) + 2
    assert "<script>alert(1)</script>" in post.body  # stored as WordPress had it
    pages = [
        post.get_absolute_url(),
        Entry.objects.get(wp_id=2).get_absolute_url(),
        "/",
        "/2007/03/10/",
        "/category/evil/",
        "/tag/evil-tag/",
        "/feed/",
        "/comments/feed/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        if url.endswith("/feed/"):
            continue  # XML, not HTML: feed readers escape and sanitise for themselves
        assert active_markup(response.content.decode()) == [], url


def test_the_theme_unit_test_markup_renders_without_active_content(client):
    import_wxr([wxr("theme-test-data/themeunittestdata.wordpress.xml")])
    risky = Entry.objects.public().filter(password="")
    risky = risky.filter(
        Q(body__contains="<script") | Q(body__contains="<iframe") | Q(body__contains="<embed")
        | Q(body__contains="<svg") | Q(body__contains="[") | Q(comments__isnull=False)
    ).distinct()  # fmt: skip
    assert risky.count() >= 15
    for entry in risky:
        response = client.get(entry.get_absolute_url())
        assert response.status_code == 200
        assert active_markup(response.content.decode()) == [], entry.get_absolute_url()

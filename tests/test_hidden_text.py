"""Nothing hidden leaves the server.

An archive is built in which every hidden thing carries a marker of its own: the titles, bodies,
excerpts, slugs and attribution of draft, pending, private, scheduled and trashed entries (and
of an auto-draft, which comes only through an import); a password-protected entry's body,
excerpt, attribution, password and comments; pending, spam and trashed comments and pings;
every commenter's email, IP address and browser; and the text only staff ever read (category
and tag descriptions, a source's website, attachments, the moderation lists, staff emails).

First, readers who know the protected entries' passwords read them, and a commenter leaves a
comment that waits for moderation and asks to be remembered, then reads on: what was made for
them must never be kept for anyone else. Then an anonymous reader crawls the site through the
whole WSGI stack, page cache included: it follows every link it finds in pages, feeds, sitemaps
and robots.txt, asks for each entry's trackback and comment feed addresses, for the own address
of every object in the database (hidden ones answer 404) and for some addresses that do not
exist, and searches for every marker. No marker may appear in any response's body or headers.
The crawler finds the addresses itself, so a new page or feed is covered with no new code.

A marker that should be seen (an approved comment on a public entry, a public entry's words,
a protected entry's title) proves the crawler reaches what it checks.

What of a password-protected entry may leave the server: its title, date and permalink, and
the blog's own filing of it (its categories, tags and the account that posted it), as in
WordPress. Its article (body, excerpt, and the attribution printed with it: source, byline,
dateline, credit, original date and address, contributors) and everything readers said of it
(comments, and how many) stay behind the password.
"""

import datetime
import gzip
import re
from collections import deque
from urllib.parse import quote, urlsplit

import pytest
from django.apps import apps
from django.urls import NoReverseMatch, Resolver404, resolve
from django.utils import timezone
from lxml import etree
from lxml import html as lxml_html

from newsarchive.models import (
    Attachment,
    Comment,
    DiscussionSettings,
    Entry,
    OldPermalink,
    Provenance,
    Source,
    Tag,
)
from newsarchive.models.entries import permalink
from newsarchive.wxr.importer import import_wxr
from tests.factories import (
    at,
    comment_data,
    make_category,
    make_comment,
    make_entry,
    make_source,
    make_tag,
    make_user,
)
from tests.wsgi import Reader

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"
# More than any crawl of this archive needs: reaching it means the crawler went astray.
MAX_ADDRESSES = 6000
# How many approved comments the protected entries have: no other entry has as many, so
# "7 Comments" anywhere is their count leaking.
PROTECTED_COMMENTS = 7


class Markers:
    """Unique words planted in the archive: hidden ones must never be served, visible ones
    must be (or the crawler proves nothing)."""

    def __init__(self):
        self.hidden = {}  # marker → where it was planted
        self.visible = {}
        self._ips = iter(range(101, 250))
        self.wp_ids = iter(range(5001, 6000))  # so that `/?p=…` asks for hidden entries too

    def _new(self, kind, where):
        word = "zq" + re.sub(r"[^a-z0-9]", "", where.lower()) + "q"
        assert word not in self.hidden and word not in self.visible, word
        kind[word] = where
        return word

    def hide(self, where):
        return self._new(self.hidden, where)

    def show(self, where):
        return self._new(self.visible, where)

    def ip(self, where):
        address = f"203.0.113.{next(self._ips)}"
        self.hidden[address] = where
        return address

    def check_unique(self):
        every = [*self.hidden, *self.visible]
        for word in every:
            assert not [other for other in every if other != word and word in other], word


def hidden_comment(markers, entry, where, **overrides):
    """A comment each of whose own fields (name, email, website, text, address, browser) is
    a marker, as hidden as `where` says."""
    fields = {
        "author_name": markers.hide(f"{where} name"),
        "author_email": f"{markers.hide(f'{where} email')}@example.org",
        "author_url": f"https://{markers.hide(f'{where} website')}.example.org/",
        "body": f"{markers.hide(f'{where} text')} said the commenter.",
        "ip_address": markers.ip(f"{where} IP address"),
        "user_agent": f"Mozilla/5.0 {markers.hide(f'{where} browser')}",
        **overrides,
    }
    return make_comment(entry, **fields)


def hidden_entry(markers, where, **overrides):
    """An entry all of whose text is a marker: title, slug, body, excerpt and attribution."""
    source = Source.objects.create(
        name=markers.hide(f"{where} source"),
        slug=markers.hide(f"{where} source slug"),
        url=f"https://{markers.hide(f'{where} source website')}.example.org/",
    )
    fields = {
        "title": f"{markers.hide(f'{where} title')} headline",
        "slug": markers.hide(f"{where} slug"),
        "body": f"{markers.hide(f'{where} body')} first page.<!--more-->"
        f"{markers.hide(f'{where} after more')} still.<!--nextpage-->"
        f"{markers.hide(f'{where} second page')} end.",
        "excerpt": f"{markers.hide(f'{where} excerpt')} in short.",
        "source": source,
        "byline": f"{markers.hide(f'{where} byline')}, Associated Press Writer",
        "dateline": markers.hide(f"{where} dateline"),
        "credit_line": markers.hide(f"{where} credit"),
        "contributors": f"{markers.hide(f'{where} contributors')} contributed.",
        "original_url": f"https://{markers.hide(f'{where} original address')}.example.org/",
        "guid": f"https://{markers.hide(f'{where} guid')}.example.org/?p=1",
        "wp_id": next(markers.wp_ids),
        **overrides,
    }
    return make_entry(**fields)


AUTO_DRAFT_WXR = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>News Archive</title>
  <link>http://example.org</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>http://example.org</wp:base_site_url>
  <wp:base_blog_url>http://example.org</wp:base_blog_url>
  <item>
    <title><![CDATA[{title}]]></title>
    <guid isPermaLink="false">http://example.org/?p=9001</guid>
    <content:encoded><![CDATA[{body}]]></content:encoded>
    <excerpt:encoded><![CDATA[{excerpt}]]></excerpt:encoded>
    <wp:post_id>9001</wp:post_id>
    <wp:post_date><![CDATA[2007-03-10 09:00:00]]></wp:post_date>
    <wp:post_date_gmt><![CDATA[2007-03-10 14:00:00]]></wp:post_date_gmt>
    <wp:post_name><![CDATA[{slug}]]></wp:post_name>
    <wp:status><![CDATA[auto-draft]]></wp:status>
    <wp:post_type><![CDATA[post]]></wp:post_type>
    <wp:comment>
      <wp:comment_id>9002</wp:comment_id>
      <wp:comment_author><![CDATA[Someone]]></wp:comment_author>
      <wp:comment_content><![CDATA[{comment}]]></wp:comment_content>
      <wp:comment_approved><![CDATA[1]]></wp:comment_approved>
      <wp:comment_date_gmt><![CDATA[2007-03-10 15:00:00]]></wp:comment_date_gmt>
    </wp:comment>
  </item>
</channel>
</rss>
"""


def import_auto_draft(markers, tmp_path):
    """WordPress's auto-draft (an editor opened, never saved) can only come by import."""
    path = tmp_path / "auto-draft.xml"
    path.write_text(
        AUTO_DRAFT_WXR.format(
            title=markers.hide("auto-draft title"),
            body=markers.hide("auto-draft body"),
            excerpt=markers.hide("auto-draft excerpt"),
            slug=markers.hide("auto-draft slug"),
            comment=markers.hide("auto-draft comment"),
        ),
        encoding="utf-8",
    )
    import_wxr([path])


def build_archive(markers, tmp_path):
    today = timezone.localdate()
    this_day = datetime.datetime.combine(today, datetime.time(12), timezone.get_current_timezone())

    def years_ago(years):  # multiples of four: February 29 exists then too
        return this_day.replace(year=today.year - years)

    poster = make_user("ann", first_name="Ann", last_name="Poster", is_staff=True)
    poster.email = f"{markers.hide('staff email')}@example.org"
    poster.save()

    # What readers see: a small archive over two years, paginated, with comments, filed
    # under categories, tags and provenance that the protected entries share.
    world = make_category("World", description=markers.hide("category description"))
    middle_east = make_category("Middle East", parent=world)
    iran = make_tag("Iran")
    iran.description = markers.hide("tag description")
    iran.save()
    ap = Source.objects.create(
        name="Associated Press",
        slug="associated-press",
        url=f"https://{markers.hide('source website')}.example.org/",
    )
    shared = {
        "source": ap,
        "byline": "Jane Public, Associated Press Writer",
        "dateline": "BAGHDAD",
        "author": poster,
        "categories": [world, middle_east],
        "tags": [iran],
    }
    public = make_entry(
        title="Envoys meet in Baghdad",
        slug="envoys-meet",
        body=f"The envoys met. {markers.show('public body')}",
        published_at=at(2007, 3, 10, 18),
        **shared,
    )
    for n in range(5):
        make_entry(
            title=f"Talks continue, day {n}",
            body=f"Day {n} of the talks.",
            published_at=at(2007, 3, 1 + n) if n % 2 else at(2008, 4, 1 + n),
            **shared,
        )
    same_day = make_entry(
        title="A year earlier to the day",
        published_at=years_ago(8),
        categories=[world],
        tags=[iran],
    )
    make_entry(kind="page", title="About", slug="about", body=markers.show("page body"))
    Attachment.objects.create(
        entry=public,
        title=markers.hide("attachment title"),
        url=f"https://{markers.hide('attachment address')}.example.org/a.jpg",
        guid=f"https://{markers.hide('attachment guid')}.example.org/",
        mime_type=f"image/{markers.hide('attachment type')}",
    )

    # Comments on a public entry: the approved one is shown, but never its commenter's email,
    # address or browser; the others are never shown at all.
    make_comment(
        public,
        author_name="Approved Reader",
        author_email=f"{markers.hide('approved commenter email')}@example.org",
        body=markers.show("approved comment"),
        ip_address=markers.ip("approved commenter IP address"),
        user_agent=f"Mozilla/5.0 {markers.hide('approved commenter browser')}",
    )
    member = make_user("member", email=f"{markers.hide('member email')}@example.org")
    for n in (2, 3):  # three pages of comments, one a page
        make_comment(
            public,
            user=member,
            author_name="Member",
            author_email=member.email,
            body=markers.show(f"approved comment {n}"),
        )
    make_comment(same_day, body="Nice.", ip_address="2001:db8::77", user_agent="Mozilla/5.0")
    markers.hidden["2001:db8::77"] = "approved commenter IPv6 address"
    for status in ("pending", "spam", "trash"):
        hidden_comment(markers, public, f"{status} comment", status=status)
        hidden_comment(
            markers, public, f"{status} trackback", status=status, kind=Comment.Kind.TRACKBACK
        )
    hidden_comment(markers, public, "pending pingback", status="pending", kind="pingback")

    # Entries readers may not see, each with its comments, filing and an old address.
    secret_category = make_category(
        markers.hide("hidden category name"), slug=markers.hide("hidden category slug")
    )
    secret_tag = Tag.objects.create(
        name=markers.hide("hidden tag name"), slug=markers.hide("hidden tag slug")
    )
    statuses = {
        "draft": {},
        "pending": {},
        "private": {},
        "future": {"published_at": timezone.now() + datetime.timedelta(days=30)},
        "trash": {},
    }
    for status, extra in statuses.items():
        entry = hidden_entry(
            markers,
            f"{status} entry",
            status=status,
            published_at=extra.get("published_at", years_ago(12)),
            categories=[world, secret_category],
            tags=[iran, secret_tag],
            author=poster,
        )
        hidden_comment(markers, entry, f"approved comment on {status} entry", status="approved")
        OldPermalink.objects.create(
            entry=entry, published_on=entry.published_on, slug=f"old-{status}-address"
        )
    make_entry(
        kind="page",
        status="draft",
        title=markers.hide("draft page title"),
        slug=markers.hide("draft page slug"),
        body=markers.hide("draft page body"),
        wp_id=next(markers.wp_ids),
    )
    import_auto_draft(markers, tmp_path)

    # Password-protected entries: one sharing its filing and provenance with public entries
    # (so that those archives list it), one whose attribution is all its own.
    protected_entries = []
    for where, filing in [("protected entry", shared), ("protected own", {})]:
        protected = make_entry(
            title=f"Protected {markers.show(f'{where} title')}",
            slug=f"{where.replace(' ', '-')}",
            body=f"{markers.hide(f'{where} body')} first.<!--more-->"
            f"{markers.hide(f'{where} after more')}<!--nextpage-->"
            f"{markers.hide(f'{where} second page')}",
            excerpt=markers.hide(f"{where} excerpt"),
            password=markers.hide(f"{where} password"),
            published_at=years_ago(4) if filing else at(2007, 3, 10, 19),
            **(
                filing
                or {
                    "source": Source.objects.create(
                        name=markers.hide(f"{where} source"),
                        slug=markers.hide(f"{where} source slug"),
                    ),
                    "byline": f"{markers.hide(f'{where} byline')}, Reuters",
                    "dateline": markers.hide(f"{where} dateline"),
                    "categories": [world],
                    "tags": [iran],
                }
            ),
            credit_line=markers.hide(f"{where} credit"),
            contributors=markers.hide(f"{where} contributors"),
            original_url=f"https://{markers.hide(f'{where} original address')}.example.org/",
            original_published_on=datetime.date(1999, 12, 31),
        )
        protected_entries.append(protected)
        for n in range(PROTECTED_COMMENTS):
            hidden_comment(markers, protected, f"{where} comment {n}", status="approved")
        hidden_comment(markers, protected, f"{where} pending comment", status="pending")

    discussion = DiscussionSettings.load()
    discussion.moderation_keys = markers.hide("moderation list")
    discussion.disallowed_keys = markers.hide("disallowed list")
    discussion.comments_per_page = 1
    discussion.save()
    markers.hidden["1999-12-31"] = "protected entries' original date"
    markers.hidden[f"{PROTECTED_COMMENTS} Comment"] = "protected entries' comment count"
    markers.check_unique()
    return public, protected_entries


# --- The crawler ----------------------------------------------------------------------------


def local_path(address, base):
    """The site's own path (with query) for a link found on `base`, or None if off-site."""
    address = address.strip()
    if not address or address.startswith(("#", "mailto:", "javascript:", "data:")):
        return None
    if address.startswith("//"):
        address = "http:" + address
    parts = urlsplit(address)
    if (parts.scheme or parts.netloc) and f"{parts.scheme}://{parts.netloc}" != ORIGIN:
        return None
    path = parts.path
    if not path.startswith("/"):
        path = base.split("?")[0].rsplit("/", 1)[0] + "/" + path
    path = quote(path, safe="/%:@!$&'()*+,;=-._~")
    return path + (f"?{parts.query}" if parts.query else "")


def links_in_html(text, base):
    try:
        document = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return []
    found = []
    for element, attribute, link, _ in document.iterlinks():
        if element.tag == "form" and (element.get("method") or "get").lower() != "get":
            continue
        if attribute in ("href", "src", "action"):
            found.append(link)
    return found


def links_in_xml(body):
    """Feeds and sitemaps: every attribute and text that is one of the site's addresses
    (RSS link, comments, guid, enclosure; Atom link and id; sitemap loc)."""
    try:
        document = etree.fromstring(body)
    except etree.XMLSyntaxError:
        return []
    found = []
    for element in document.iter():
        values = [*element.attrib.values(), element.text or ""]
        found += [value for value in values if value.strip().startswith((ORIGIN, "/"))]
    return found


# What shows that a response is a surface of a kind: each must be among those crawled.
SURFACES = {
    "JSON-LD": "application/ld+json",
    "Open Graph": 'property="og:description"',
    "related entries": 'id="related-title"',
    "on this day": 'id="on-this-day-title"',
    "comments": 'class="comment-list"',
    "comment pages": "cpage=",
    "sidebar provenance": "widget-provenance",
    "search results": 'class="search-snippet"',
    "search filters": 'class="search-filters"',
    "RSS": '<rss version="2.0"',
    "Atom": 'xmlns="http://www.w3.org/2005/Atom"',
    "sitemap": "<urlset",
    "sitemap index": "<sitemapindex",
    "robots.txt": "User-agent: *",
    "password form": 'name="post_password"',
}


class Crawler:
    def __init__(self, markers):
        self.markers = markers
        self.reader = Reader()
        self.queue = deque()
        self.visited = {}  # path → status
        self.leaks = {}  # what leaked → where it was seen
        self.seen_visible = set()
        self.entries = set()
        self.surfaces = set()

    def add(self, path):
        if path and path not in self.visited and len(self.visited) < MAX_ADDRESSES:
            self.visited[path] = None
            self.queue.append(path)

    def crawl(self):
        while self.queue:
            path = self.queue.popleft()
            response = self.reader.get(path)
            self.visited[path] = response.status_code
            assert response.status_code < 500, f"{path} answered {response.status_code}"
            self.check(path, response)
            for link in self.links(path, response):
                self.add(local_path(link, path))
            self.around_entry(path)
        assert len(self.visited) < MAX_ADDRESSES, "the crawl did not end"

    def body_of(self, response):
        body = response.body
        if (response.header("Content-Encoding") or "") == "gzip":
            body = gzip.decompress(body)
        return body

    def check(self, path, response):
        body = self.body_of(response).decode("utf-8", "replace")
        headers = "\n".join(f"{name}: {value}" for name, value in response.headers)
        text = f"{headers}\n\n{body}"
        # What the reader typed may come back (an address in the canonical link, a search's
        # words): it reveals nothing. Searches send markers in capitals, so that the planted
        # (lower case) word is still looked for there, exactly.
        typed = {m for m in self.markers.hidden if m in path}
        shouted = {m for m in self.markers.hidden if m.upper() in path}
        folded = text.lower()
        for marker, where in self.markers.hidden.items():
            if marker in typed:
                continue
            if marker in text or (marker not in shouted and marker in folded):
                self.leaks.setdefault(f"{where} ({marker})", []).append(path)
        self.seen_visible.update(m for m in self.markers.visible if m in text)
        self.surfaces.update(name for name, sign in SURFACES.items() if sign in body)

    def links(self, path, response):
        location = response.header("Location")
        if location:
            yield location
        kind = (response.header("Content-Type") or "").split(";")[0]
        body = self.body_of(response)
        if kind == "text/html":
            yield from links_in_html(body.decode("utf-8", "replace"), path)
        elif kind.endswith("xml"):
            yield from links_in_xml(body)
        elif kind == "text/plain":
            yield from re.findall(rf"{re.escape(ORIGIN)}/\S*", body.decode("utf-8", "replace"))

    def around_entry(self, path):
        """An entry's trackback and comment feed addresses, which readers' software uses
        though pages may not link them."""
        try:
            match = resolve(path.split("?")[0])
        except Resolver404:
            return
        if match.url_name == "entry" and "page" not in match.kwargs:
            self.entries.add(path)
            for suffix in ("trackback/", "feed/", "comment-page-1/", "2/", "3/"):
                self.add(f"{path.split('?')[0]}{suffix}")


def own_addresses():
    """Every object's own address, hidden objects' too (those must answer 404), and the
    addresses under it that the site could serve."""
    addresses = set()
    for model in apps.get_app_config("newsarchive").get_models():
        if not hasattr(model, "get_absolute_url"):
            continue
        for obj in model.objects.all():
            try:
                url = obj.get_absolute_url().split("#")[0]
            except NoReverseMatch:  # an object that cannot make an address has none to crawl
                continue
            addresses.update({url, f"{url}feed/", f"{url}page/2/"})
    for old in OldPermalink.objects.all():
        addresses.add(permalink(old.published_on, old.slug))
    for kind, wp_id in Entry.objects.exclude(wp_id=None).values_list("kind", "wp_id"):
        addresses.add(f"/?{'page_id' if kind == Entry.Kind.PAGE else 'p'}={wp_id}")
    return addresses


MISSING = [
    "/no/such/page/",
    "/2099/01/01/",
    "/2007/03/10/no-such-entry/",
    "/2007/03/10/no-such-entry/feed/",
    "/tag/no-such-tag/",
    "/category/no-such-category/feed/",
    "/source/no-such-source/",
    "/byline/no-such-writer/feed/",
    "/?p=999999",
    "/?cat=999999",
    "/?m=20070310",
    "/?feed=atom",
    "/search/",
    "/search/?q=envoys",
    "/sitemap-entries.xml",
    "/sitemap-pages.xml",
]


def csrf_token(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def unlock(entry):
    """Type the entry's password in its form, as a browser does, and read it: its pages and
    comments are then made for this reader before any other reader asked for them."""
    reader = Reader()
    url = entry.get_absolute_url()
    at_the_form = f"{url}3/"  # (locked, any page number shows the form)
    token = csrf_token(reader.get(at_the_form).text)
    typed = reader.post(
        at_the_form, {"post_password": entry.password, "csrfmiddlewaretoken": token}
    )
    assert typed.status_code == 302
    for address in [url, f"{url}2/", f"{url}?cpage=2"]:
        page = reader.get(address)
        assert page.status_code == 200 and 'name="post_password"' not in page.text


def comment_and_read(entry, markers):
    """Leave a comment that waits for moderation, asking to be remembered, and read on: the
    pages made for this commenter (their own pending comment, their name, email and website
    in the form) must never be kept for anyone else."""
    reader = Reader()
    url = entry.get_absolute_url()
    data = comment_data(
        entry,
        author_name=markers.hide("own pending comment name"),
        author_email=f"{markers.hide('own pending comment email')}@example.org",
        author_url=f"https://{markers.hide('own pending comment website')}.example.org/",
        body=f"{markers.hide('own pending comment text')} wrote the reader.",
        remember="on",
        csrfmiddlewaretoken=csrf_token(reader.get(f"{url}?cpage=3").text),
    )
    assert reader.post(entry.get_comment_post_url(), data).status_code == 302
    addresses = [url, *(f"{url}?cpage={n}" for n in range(1, 6)), "/", "/2007/03/"]
    own = [reader.get(address).text for address in addresses]
    assert data["author_email"] in own[0] and "wrote the reader" in "".join(own)


def test_nothing_hidden_leaves_the_server(settings, tmp_path, capsys):
    settings.DEBUG = False  # as production answers: no debug pages
    settings.ENTRIES_PER_PAGE = 2
    markers = Markers()
    public, protected_entries = build_archive(markers, tmp_path)
    # Readers who know the passwords read the protected entries first: what they were shown
    # must never be kept for anyone else (the page cache).
    for entry in protected_entries:
        unlock(entry)
    comment_and_read(public, markers)
    markers.check_unique()

    crawler = Crawler(markers)
    for path in ["/", "/robots.txt", "/sitemap.xml", *MISSING, *sorted(own_addresses())]:
        crawler.add(path)
    words = [m for m in [*markers.hidden, *markers.visible] if re.fullmatch(r"\w+", m)]
    for word in words:
        crawler.add(f"/search/?q={word.upper()}")
        crawler.add(f"/?s={word.upper()}")
    for address in [m for m in markers.hidden if "." in m or ":" in m]:
        crawler.add(f"/search/?q={quote(re.sub(r'[.:]+', ' ', address))}")
    crawler.crawl()

    with capsys.disabled():
        print(
            f"\nhidden-text crawl: {len(crawler.visited)} addresses visited, "
            f"{len(markers.hidden)} hidden markers and {len(markers.visible)} visible ones planted"
        )
    # Each hidden thing seen, and the first few addresses that showed it.
    assert not crawler.leaks, "\n".join(
        f"{what}: {len(paths)} addresses, {' '.join(paths[:3])}"
        for what, paths in sorted(crawler.leaks.items())
    )
    # The crawler saw what it should: it can see, so what it did not see was not there.
    assert crawler.seen_visible == set(markers.visible)
    assert public.get_absolute_url() in crawler.entries
    assert {"/comments/feed/", f"{public.get_absolute_url()}feed/", "/sitemap-entries.xml",
            "/page/2/", "/feed/atom/", "/category/world/feed/", "/tag/iran/feed/",
            "/source/associated-press/feed/", "/byline/jane-public/feed/",
            "/dateline/baghdad/feed/"} <= set(crawler.visited)  # fmt: skip
    assert len(markers.hidden) > 250
    assert {f"{public.get_absolute_url()}?cpage=2", f"{public.get_absolute_url()}?cpage=3"} & set(
        crawler.visited
    )
    # It read every kind of surface that shows an entry.
    assert crawler.surfaces == set(SURFACES)


# --- Each surface, on its own ---------------------------------------------------------------


@pytest.fixture
def locked():
    """A protected entry with three approved comments, filed beside a public entry."""
    world, iran = make_category("World"), make_tag("Iran")
    make_entry(title="Open entry", categories=[world], tags=[iran], published_at=at(2007, 3, 9))
    entry = make_entry(
        title="Locked entry",
        slug="locked",
        body="The secret body.",
        excerpt="The secret excerpt.",
        password="sesame",
        published_at=at(2007, 3, 10, 20),
        categories=[world],
        tags=[iran],
    )
    for _ in range(3):
        make_comment(entry)
    return entry


@pytest.mark.parametrize(
    "url", ["/", "/2007/", "/2007/03/", "/2007/03/10/", "/category/world/", "/tag/iran/"]
)
def test_lists_do_not_count_a_protected_entrys_comments(client, locked, url):
    html = client.get(url).content.decode()
    assert "Locked entry" in html
    assert "3 Comments" not in html
    assert f'href="{locked.get_absolute_url()}#comments"' not in html
    assert "Enter the password to see the comments" in html


def test_listing_queries_carry_no_comment_count_for_protected_entries(locked):
    counts = dict(Entry.objects.for_listing().values_list("title", "comment_count"))
    assert counts == {"Open entry": 0, "Locked entry": None}


@pytest.fixture
def attributed():
    """Two public entries from AP and a protected one: from AP too, and from its own writer
    and dateline."""
    ap = make_source("Associated Press")
    for day in (1, 2):
        make_entry(
            title=f"Open report {day}",
            source=ap,
            byline="Open Writer, Associated Press Writer",
            dateline="CAIRO",
            published_at=at(2007, 3, day),
        )
    return make_entry(
        title="Locked report",
        slug="locked-report",
        password="sesame",
        source=ap,
        byline="Muffled Penman, Associated Press Writer",
        dateline="NOWHERESVILLE",
        published_at=at(2007, 3, 3),
    )


def provenance_counts():
    return {(p.kind, p.slug): p.entry_count for p in Provenance.objects.all()}


def test_provenance_counts_leave_protected_entries_out(attributed):
    expected = {("source", "associated-press"): 2, ("writer", "open-writer"): 2,
                ("dateline", "cairo"): 2}  # fmt: skip
    assert provenance_counts() == expected
    Provenance.objects.rebuild()
    assert provenance_counts() == expected


def test_a_password_set_or_removed_recounts_provenance(attributed):
    attributed.password = ""
    attributed.save()
    assert provenance_counts()[("writer", "muffled-penman")] == 1
    assert provenance_counts()[("source", "associated-press")] == 3
    attributed.password = "again"
    attributed.save()
    assert ("writer", "muffled-penman") not in provenance_counts()
    assert provenance_counts()[("source", "associated-press")] == 2


def test_the_sidebar_names_no_protected_entrys_attribution(client, attributed):
    html = client.get("/").content.decode()
    assert '<a href="/source/associated-press/">Associated Press</a> (2)' in html
    assert "Muffled" not in html and "NOWHERESVILLE" not in html


@pytest.mark.parametrize(
    "url", ["/source/associated-press/", "/source/associated-press/feed/", "/feed/"]
)
def test_provenance_archives_and_feeds_do_not_attribute_a_protected_entry(client, attributed, url):
    text = client.get(url).content.decode()
    assert "Open report 2" in text
    assert "Muffled" not in text and "NOWHERESVILLE" not in text
    if "source" in url:  # (the sidebar's recent entries may name it: its title is public)
        assert "Locked report" not in text.split("<aside")[0]


@pytest.mark.parametrize("url", ["/byline/muffled-penman/", "/dateline/nowheresville/feed/"])
def test_a_protected_entrys_own_provenance_has_no_archive(client, attributed, url):
    assert client.get(url).status_code == 404


# --- Entries readers may not see ------------------------------------------------------------


@pytest.mark.parametrize("status", ["draft", "pending", "private", "future", "trash"])
def test_an_old_address_of_a_hidden_entry_reveals_nothing(client, admin_client, status):
    entry = make_entry(title="Renamed", slug="first-name", published_at=at(2007, 3, 10))
    entry.slug = "secret-plans"
    entry.status = status
    if status == "future":
        entry.published_at = timezone.now() + datetime.timedelta(days=3)
    entry.save()
    old = permalink(OldPermalink.objects.get(entry=entry).published_on, "first-name")
    response = client.get(old)
    assert response.status_code == 404
    assert "secret-plans" not in response.content.decode()
    assert admin_client.get(old).status_code == 301  # staff are shown where it went


def test_a_protected_entry_does_not_tell_how_many_pages_it_has(client):
    entry = make_entry(slug="paged", body="One.<!--nextpage-->Two.", password="sesame")
    answers = {client.get(f"{entry.get_absolute_url()}{n}/").status_code for n in (2, 3, 40)}
    assert answers == {200}
    assert client.get(f"{entry.get_absolute_url()}3/").context["locked"]

"""Which blog an export comes from, and which archive row each of its items is.

An imported post, page, attachment, comment or term is its blog's number N: its identity is
(blog, N), stored as (wp_blog, wp_id) (wp_term_id for terms). Importing the same blog again
matches its items and updates them in place; another blog's N is added beside this one's
(and old `?p=N` addresses keep meaning the entry that had N first).

The blog is what the export names before its first item: wp:base_blog_url, else
wp:base_site_url, else the channel's <link>, kept as host and path without the scheme (a blog
that moved from http to https is the same blog). An export that names no site is the blog
with the empty address.

Our own exports (exporter.py, <generator>newsarchive</generator>) name this site, and say
where each object imported from a blog came from, in post, comment and term meta ORIGIN:
{"blog": address, "id": N}, or {"blog": null, "id": N} for one imported before blogs were
recorded. An item without it was made in the archive that exported it ({"made_here": true}
says so explicitly, for a comment); a comment without it is its item's blog's comment of its
number, or made here with its item. So an archive's own export imported back matches what it
came from and changes nothing, and imported into an empty archive keeps every identity. An
item made here that matches nothing is created as the exporting site's item N. ORIGIN is read
from our own exports only: in a WordPress export (a blog that imported ours, say) an item is
that blog's, whatever meta it carries.

Rows imported before blogs were recorded (a WordPress id, no blog): nothing could tell which
blog they came from when the blog was added to the schema, so each is adopted by the first
import whose item has its id and agrees with it (the same guid, or if either has none the
same kind and slug; a comment on the same entry; a term with the same slug): it was imported
from that item before. An item with that id that disagrees is another blog's, and is added
beside it. Until adopted, such rows keep their ids unique among themselves, as before.
"""

import json
from typing import NamedTuple
from urllib.parse import urlsplit

from newsarchive.models import WordPressBlog
from newsarchive.wxr.records import MAX_ID

ORIGIN = "_newsarchive_origin"
MADE_HERE = '{"made_here": true}'
GENERATOR = "newsarchive"
UNKNOWN = -1  # the key of a blog not in the database yet: no row has it


class Identity(NamedTuple):
    blog: str | None  # the blog's address; None: imported before blogs were recorded
    id: int
    made_here: bool = False  # made in the archive whose export this is


def blog_address(url):
    """'https://Example.com/news/' → 'example.com/news'; an address stays as it is."""
    url = "".join(url.split())
    parts = urlsplit(url if "://" in url else f"//{url}")
    host = (parts.hostname or "").rstrip(".")
    if parts.port:
        host = f"{host}:{parts.port}"
    return f"{host}{parts.path.rstrip('/')}"[:500]


def channel_blog(channel):
    """(address, url, name) of the blog a file's channel names."""
    for key in ("wp:base_blog_url", "wp:base_site_url", "link"):
        url = channel.get(key, "").strip()
        if url:
            return blog_address(url), url, channel.get("title", "")
    return "", "", channel.get("title", "")


def origin(meta, default):
    """The identity our own export gives in `meta` ((key, value) pairs), else `default`."""
    value = next((value for key, value in meta if key == ORIGIN), None)
    if value is None:
        return default
    if value == MADE_HERE:  # most of a large export of ours: no JSON to read
        return default and default._replace(made_here=True)
    try:
        data = json.loads(value)
    except ValueError:
        return default
    if not isinstance(data, dict):
        return default
    if data.get("made_here") is True:
        return default and default._replace(made_here=True)
    wp_id, blog = data.get("id"), data.get("blog")
    if type(wp_id) is not int or not 0 <= wp_id <= MAX_ID:
        return default
    if blog is not None and not isinstance(blog, str):
        return default
    return Identity(None if blog is None else blog_address(blog), wp_id)


def origin_meta(blog, wp_id):
    """ORIGIN's value for an object of `blog` (an address, or None) numbered `wp_id` (None:
    made here)."""
    if wp_id is None:
        return MADE_HERE
    return json.dumps({"blog": blog, "id": wp_id}, ensure_ascii=False)


class Blogs:
    """The blogs in the database, by address, for one import run."""

    def __init__(self):
        self.pks = dict(WordPressBlog.objects.values_list("address", "pk"))

    def key(self, address):
        """What rows of the blog at `address` have as wp_blog_id (None: from before blogs
        were recorded; UNKNOWN: a blog not in the database, so no row)."""
        if address is None:
            return None
        return self.pks.get(address, UNKNOWN)

    def pk(self, address, url="", name=""):
        """The blog's primary key, recording the blog if it is new."""
        if address is None:
            return None
        pk = self.pks.get(address)
        if pk is None:
            pk = WordPressBlog.objects.create(address=address, url=url[:500], name=name[:300]).pk
            self.pks[address] = pk
        return pk

    def refresh(self, address, url, name):
        """Keep a known blog's address and title as its latest export gives them."""
        if address in self.pks and url:
            blog = WordPressBlog.objects.filter(pk=self.pks[address])
            blog.exclude(url=url[:500], name=name[:300]).update(url=url[:500], name=name[:300])


class FileBlog:
    """The blog of the file being read. It is recorded only once something of it is kept
    (blog_pk()), so importing an archive's own export back records nothing new."""

    def __init__(self, blogs, channel):
        self.blogs = blogs
        self.address, self.url, self.name = channel_blog(channel)
        self.known = self.address in blogs.pks
        self.own_export = channel.get("generator", "").strip() == GENERATOR
        if self.known and not self.own_export:  # ours names this site, not the blog's
            blogs.refresh(self.address, self.url, self.name)

    def __str__(self):
        return self.address or "an export that names no site"

    def pk(self):
        return self.blogs.pk(self.address, self.url, self.name)


class Match(NamedTuple):
    row: object  # the matched row, or None
    identity: Identity  # the identity the row has, or is given
    adopt: bool  # the row is from before blogs were recorded and takes the identity
    beside: bool  # no match, though a row of another blog has the id


def match(identity, rows, ids, agrees, blogs, file_address):
    """The row of `rows` ({(wp_blog_id, wp_id): row}, `ids` their wp_ids) that is
    `identity`'s item.

    `agrees(row)` says whether a row from before blogs were recorded is this item. An item of
    our own export from before blogs were recorded, whose id such a row holds though it does
    not agree, is taken as the exporting site's item: its id cannot be held twice without one.
    """
    if identity.blog is not None:
        row = rows.get((blogs.key(identity.blog), identity.id))
        if row is not None:
            return Match(row, identity, False, False)
    unrecorded = rows.get((None, identity.id))
    if unrecorded is not None and agrees(unrecorded):
        return Match(unrecorded, identity, identity.blog is not None, False)
    if identity.blog is None and unrecorded is not None:
        identity = Identity(file_address, identity.id, identity.made_here)
        row = rows.get((blogs.key(file_address), identity.id))
        if row is not None:
            return Match(row, identity, False, False)
    return Match(None, identity, False, identity.id in ids)

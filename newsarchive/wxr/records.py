"""What the parsed elements say, as plain records: authors, terms, items and their comments.

Values are kept as WordPress wrote them (content, slugs, guids, meta values); only numbers,
flags and dates are interpreted. Dates are checked here so a bad one is reported with its
line rather than failing somewhere in the database. A term slug that cannot make an address
(`a/b`, `..`) is replaced by one that can, the same every time (addressable_slug).
"""

import datetime
from dataclasses import dataclass, field

from newsarchive.models import (
    EARLIEST_DAY,
    EARLIEST_MOMENT,
    LATEST_DAY,
    LATEST_MOMENT,
    Category,
    Tag,
    addressable_slug,
    is_showable,
)
from newsarchive.wxr.parser import WXRError, read_elements
from newsarchive.wxr.text import sticky_ids

# Post meta that export_wxr writes so a round trip keeps what WordPress has no field for.
META_ATTRIBUTION = "_newsarchive_attribution"  # the attribution fields, as JSON
META_PERMALINK_DAY = "_newsarchive_permalink_date"  # when it is not the local date's day
META_OLD_PERMALINK = "_newsarchive_old_permalink"  # "YYYY-MM-DD/slug", any day


# The largest id the archive's integer columns hold (PostgreSQL's integer).
MAX_ID = 2**31 - 1


# Post meta holding a day the importer stores (an old or a kept permalink's).
DAY_META = {"_wp_old_date", META_OLD_PERMALINK, META_PERMALINK_DAY}


def showable(value, what, where):
    """A located WXRError if the archive could not show the date or aware datetime `value`."""
    if value is None or is_showable(value):
        return
    if isinstance(value, datetime.datetime):
        shown = f"{value.astimezone(datetime.UTC):%Y-%m-%d %H:%M:%S} GMT"
        bounds = f"{EARLIEST_MOMENT:%Y-%m-%d %H:%M} to {LATEST_MOMENT:%Y-%m-%d %H:%M} GMT"
    else:
        shown = value.isoformat()
        bounds = f"{EARLIEST_DAY} to {LATEST_DAY}"
    raise WXRError(f"{what}, {shown}, is outside the dates the archive can show ({bounds})", *where)


def number(text, name, where):
    """A WordPress id, 0 to MAX_ID, or None when the field is empty. Anything else (a sign,
    letters, digits other than 0-9, more than the database holds) is refused with where it
    is: WordPress never writes one, and the database could not keep it."""
    text = text.strip()
    if not text:
        return None
    if text.isascii() and text.isdigit() and len(text) <= 10 and int(text) <= MAX_ID:
        return int(text)
    raise WXRError(
        f"{name} {text[:40]!r} is not a WordPress id (a whole number from 0 to {MAX_ID})", *where
    )


def integer(text, name, where):
    """A menu order: a whole number, signed, that the database can hold; empty is 0."""
    text = text.strip()
    digits = text[1:] if text[:1] in {"-", "+"} else text
    if not text:
        return 0
    if digits.isascii() and digits.isdigit() and len(digits) <= 10 and abs(int(text)) <= MAX_ID:
        return int(text)
    raise WXRError(f"{name} {text[:40]!r} is not a whole number from -{MAX_ID} to {MAX_ID}", *where)


def wp_datetime(text, name, where):
    """A naive datetime from WordPress's `YYYY-MM-DD HH:MM:SS`, or None if empty or zero.

    A day outside what the archive can show (EARLIEST_DAY … LATEST_DAY) is refused here, with
    its place; the importer checks the exact moment once it knows the blog's time zone."""
    text = text.strip()
    if not text or text.startswith("0000-00-00"):
        return None
    try:
        # fromisoformat() reads WordPress's format, and is far quicker than strptime().
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise WXRError(
            f"{name} {text!r} is not a date WordPress writes (YYYY-MM-DD HH:MM:SS)", *where
        ) from None
    if not EARLIEST_DAY <= moment.date() <= LATEST_DAY:
        raise WXRError(
            f"{name} {text!r} is outside the dates the archive can show "
            f"({EARLIEST_DAY} to {LATEST_DAY})",
            *where,
        )
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return moment


@dataclass(slots=True)
class Author:
    id: int | None
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass(slots=True)
class Term:
    taxonomy: str  # "category", "post_tag" or another taxonomy
    slug: str
    name: str
    term_id: int | None = None
    parent_slug: str = ""
    description: str = ""
    meta: list = field(default_factory=list)  # (key, value)


@dataclass(slots=True)
class Comment:
    id: int | None
    author: str
    email: str
    url: str
    ip: str
    date: datetime.datetime | None
    date_gmt: datetime.datetime | None
    content: str
    approved: str
    type: str
    parent: int | None
    user_id: int | None
    line: int
    column: int = 0
    meta: list = field(default_factory=list)  # (key, value)
    identity: object = None  # identity.Identity, given once the comment is accepted


@dataclass(slots=True)
class Item:
    post_id: int | None
    post_type: str
    status: str
    title: str
    slug: str
    content: str
    excerpt: str
    guid: str
    creator: str
    date: datetime.datetime | None
    date_gmt: datetime.datetime | None
    modified_gmt: datetime.datetime | None
    comment_status: str
    ping_status: str
    parent: int | None
    menu_order: int
    password: str
    is_sticky: bool
    attachment_url: str
    terms: list = field(default_factory=list)  # (taxonomy, slug, name)
    meta: list = field(default_factory=list)  # (key, value)
    comments: list = field(default_factory=list)
    line: int = 0
    column: int = 0
    identity: object = None  # identity.Identity, given once the item is accepted


def author(element):
    return Author(
        id=number(element.value("wp:author_id"), "wp:author_id", _where(element)),
        login=element.value("wp:author_login").strip(),
        email=element.value("wp:author_email").strip(),
        display_name=element.value("wp:author_display_name").strip(),
        first_name=element.value("wp:author_first_name").strip(),
        last_name=element.value("wp:author_last_name").strip(),
    )


def term(element):
    """A channel-level wp:category, wp:tag or wp:term."""
    value = element.value
    term_id = number(value("wp:term_id"), "wp:term_id", _where(element))
    meta = _meta(element, "wp:termmeta")
    if element.key == "wp:category":
        return Term(
            "category",
            *term_slug_and_name(value("wp:category_nicename"), value("wp:cat_name"), "category"),
            term_id,
            term_slug(value("wp:category_parent"), "category"),
            value("wp:category_description"),
            meta,
        )
    if element.key == "wp:tag":
        return Term(
            "post_tag",
            *term_slug_and_name(value("wp:tag_slug"), value("wp:tag_name"), "post_tag"),
            term_id,
            "",
            value("wp:tag_description"),
            meta,
        )
    taxonomy = value("wp:term_taxonomy").strip()
    taxonomy = "post_tag" if taxonomy == "tag" else taxonomy
    return Term(
        taxonomy,
        *term_slug_and_name(value("wp:term_slug"), value("wp:term_name"), taxonomy),
        term_id,
        term_slug(value("wp:term_parent"), taxonomy),
        value("wp:term_description"),
        meta,
    )


# The longest slug each taxonomy stores.
SLUG_LENGTHS = {
    "category": Category._meta.get_field("slug").max_length,
    "post_tag": Tag._meta.get_field("slug").max_length,
}


def term_slug(slug, taxonomy, name=""):
    """A term's slug as stored: as written (cut to what its column holds) unless it cannot make
    an address; "" when none can be made (the importer skips the term and says so)."""
    slug = slug.strip()
    if not slug:
        return ""
    return addressable_slug(slug, name, fallback="", max_length=SLUG_LENGTHS.get(taxonomy))


def term_slug_and_name(slug, name, taxonomy):
    name = name.strip()
    return term_slug(slug, taxonomy, name), name


def item(element):
    where = _where(element)
    terms, meta, comments = [], [], []
    for child in element.children:
        key = child.key
        if key == "category":
            nicename = child.attrs.get("nicename")
            # WXR 1.0 repeats each term without a nicename; WordPress ignores those.
            if nicename is not None:
                domain = child.attrs.get("domain", "category")
                taxonomy = "post_tag" if domain == "tag" else domain
                terms.append((taxonomy, *term_slug_and_name(nicename, child.text, taxonomy)))
        elif key == "wp:postmeta":
            meta.append((child.value("wp:meta_key"), child.value("wp:meta_value")))
        elif key == "wp:comment":
            comments.append(comment(child))
    get = element.fields.get
    sticky = (get("wp:is_sticky") or get("wp:sticky") or "").strip()
    return Item(
        post_id=number(get("wp:post_id", ""), "wp:post_id", where),
        post_type=get("wp:post_type", "").strip(),
        status=get("wp:status", "").strip(),
        title=get("title", ""),
        slug=get("wp:post_name", "").strip(),
        content=get("content:encoded", ""),
        excerpt=get("excerpt:encoded", ""),
        guid=get("guid", "").strip(),
        creator=get("dc:creator", "").strip(),
        date=wp_datetime(get("wp:post_date", ""), "wp:post_date", where),
        date_gmt=wp_datetime(get("wp:post_date_gmt", ""), "wp:post_date_gmt", where),
        modified_gmt=wp_datetime(get("wp:post_modified_gmt", ""), "wp:post_modified_gmt", where),
        comment_status=get("wp:comment_status", "open").strip(),
        ping_status=get("wp:ping_status", "open").strip(),
        parent=number(get("wp:post_parent", ""), "wp:post_parent", where),
        menu_order=integer(get("wp:menu_order", ""), "wp:menu_order", where),
        password=get("wp:post_password", ""),
        is_sticky=sticky == "1",
        attachment_url=get("wp:attachment_url", "").strip(),
        terms=terms,
        meta=meta,
        comments=comments,
        line=element.line,
        column=element.column,
    )


def comment(element):
    get = element.fields.get
    where = _where(element)
    return Comment(
        id=number(get("wp:comment_id", ""), "wp:comment_id", where),
        author=get("wp:comment_author", "").strip(),
        email=get("wp:comment_author_email", "").strip(),
        url=get("wp:comment_author_url", "").strip(),
        ip=get("wp:comment_author_IP", "").strip(),
        date=wp_datetime(get("wp:comment_date", ""), "wp:comment_date", where),
        date_gmt=wp_datetime(get("wp:comment_date_gmt", ""), "wp:comment_date_gmt", where),
        content=get("wp:comment_content", ""),
        approved=get("wp:comment_approved", "").strip(),
        type=get("wp:comment_type", "").strip(),
        parent=number(get("wp:comment_parent", ""), "wp:comment_parent", where),
        user_id=number(get("wp:comment_user_id", ""), "wp:comment_user_id", where),
        line=element.line,
        column=element.column,
        meta=_meta(element, "wp:commentmeta") if element.children else [],
    )


TERM_KEYS = {"wp:category", "wp:tag", "wp:term"}
# What a channel says about the blog (identity.py reads them).
CHANNEL_KEYS = {"title", "link", "wp:base_site_url", "wp:base_blog_url", "generator"}


def read_records(file, name=None, progress=None):
    """(kind, record) for each author, term, item and sticky_posts option, in file order, and
    ("channel", (key, text)) for what the channel says about the blog."""
    for element in read_elements(file, name, progress):
        key = element.key
        if key == "item":
            yield "item", item(element)
        elif key == "wp:author":
            found = author(element)
            if found.login:
                yield "author", found
        elif key in TERM_KEYS:
            yield "term", term(element)
        elif key in {"wp:sticky_posts", "wp:option"}:
            yield "sticky", _sticky_ids(element)
        elif key in CHANNEL_KEYS:
            yield "channel", (key, element.text.strip())


def _meta(element, key):
    return [
        (child.value("wp:meta_key"), child.value("wp:meta_value"))
        for child in element.children
        if child.key == key
    ]


def _where(element):
    """(file, line, column) for a WXRError; the importer fills in the file."""
    return (None, element.line, element.column)


def _sticky_ids(element):
    ids = sticky_ids(element)
    if any(n > MAX_ID for n in ids):
        name = "sticky_posts" if element.key == "wp:option" else element.key
        raise WXRError(f"{name} has an id larger than {MAX_ID}", *_where(element))
    return ids

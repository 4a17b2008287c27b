"""Turning stored text into safe HTML, at display time, as WordPress does.

Entry bodies are kept exactly as the blog stored them: HTML with paragraphs marked only by
blank lines. Display adds the paragraphs (WordPress's "autop") and passes the result through
an allow-list sanitiser, so nothing in an archive can run script in a reader's browser.
Comments are plain text: escaped, with paragraphs and with bare URLs made into links.
Comments imported from WordPress are its HTML, shown through a stricter allow-list.
"""

import re
from html import escape

import nh3
from django.utils.html import format_html, urlize
from django.utils.safestring import mark_safe

MORE_MARKER = "<!--more"
PROTECTED_NOTICE = mark_safe("<p>There is no excerpt because this is a protected post.</p>")
_MORE = re.compile(r"<!--more(.*?)?-->", re.IGNORECASE)

# Tags that begin a block of their own and so are never wrapped in <p>.
_BLOCK = (
    "address|article|aside|blockquote|caption|dd|details|div|dl|dt|figcaption|figure|footer|form"
    "|h[1-6]|header|hr|li|nav|ol|p|pre|section|summary|table|tbody|td|tfoot|th|thead|tr|ul"
)
_STARTS_WITH_BLOCK = re.compile(rf"^\s*</?(?:{_BLOCK})[\s/>]", re.IGNORECASE)
_PRE = re.compile(r"<pre[\s>].*?</pre>", re.IGNORECASE | re.DOTALL)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")

ALLOWED_TAGS = {
    "a", "abbr", "acronym", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
    "samp", "small", "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "u", "ul", "var",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "lang", "title", "dir"},
    "a": {"href", "hreflang", "name"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start", "type"},
    "q": {"cite"},
}


def autop(text):
    """Wrap blank-line separated text in paragraphs; single newlines become <br>.

    Blocks that already start with a block-level tag are left alone, and <pre> keeps its
    newlines, as WordPress's wpautop() does.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    preserved = []

    def keep(match):
        preserved.append(match.group(0))
        return f"\x00{len(preserved) - 1}\x00"

    text = _PRE.sub(keep, text)
    blocks = []
    for chunk in _PARAGRAPH_BREAK.split(text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if _STARTS_WITH_BLOCK.match(chunk) or re.fullmatch(r"\x00\d+\x00", chunk):
            blocks.append(chunk)
        else:
            blocks.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    html = "\n".join(blocks)
    return re.sub(r"\x00(\d+)\x00", lambda m: preserved[int(m.group(1))], html)


def sanitize(html):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_VERBATIM = re.compile(r"<(/?)(pre|code|kbd|samp|script|style|tt)\b", re.IGNORECASE)
# (the text a rule needs, pattern, replacement): a rule is tried only if that text is
# in the text, which keeps texturizing long bodies cheap.
_TEXTURIZE = [
    ("---", re.compile(r"---"), "\u2014"),
    ("--", re.compile(r"(?<=\s)--(?=\s)|(?<=\d)--(?=\d)"), "\u2013"),
    ("...", re.compile(r"\.\.\."), "\u2026"),
    # An apostrophe inside a word or after a digit: Don't, '90s, rock 'n' roll.
    ("'", re.compile(r"(?<=\w)'(?=\w)|'(?=\d\ds)"), "\u2019"),
    # Opening quotes at the start or after a space or an opening bracket; the rest close.
    ("'", re.compile(r"(?:(?<=^)|(?<=[\s(\[{\u2014\u2013-]))'"), "\u2018"),
    ('"', re.compile(r"(?:(?<=^)|(?<=[\s(\[{\u2014\u2013-]))\""), "\u201c"),
    ("'", re.compile(r"'"), "\u2019"),
    ('"', re.compile(r"\""), "\u201d"),
]


def texturize_text(text):
    """Curly quotes, dashes and ellipses in plain text, as WordPress's wptexturize() shows them."""
    for needed, pattern, replacement in _TEXTURIZE:
        if needed in text:
            text = pattern.sub(replacement, text)
    return text


def texturize(html):
    """texturize_text() on the text of an HTML fragment, leaving tags and code alone."""
    parts, verbatim = [], 0
    for part in _TAG_OR_TEXT.split(html):
        tag = _VERBATIM.match(part)
        if tag:
            verbatim = max(0, verbatim + (-1 if tag.group(1) else 1))
        elif part and not part.startswith("<") and not verbatim:
            part = texturize_text(part)
        parts.append(part)
    return "".join(parts)


def render_body(text):
    return mark_safe(sanitize(texturize(autop(shortcodes(text)))))


# WordPress shortcodes: `[name attrs]`, `[name attrs]content[/name]`, `[[name]]` (escaped).
_SHORTCODE = re.compile(
    r"\[(\[?)([A-Za-z][\w-]*)(?![\w-])"
    r"((?:[^\]\"'/]|\"[^\"]*\"|'[^']*'|/(?!\]))*)"
    r"(?:(/)\]|\](?:(.*?)\[/\2\])?)(\]?)",
    re.DOTALL,
)
_SHORTCODE_ATTR = re.compile(
    r"([\w-]+)\s*=\s*\"([^\"]*)\"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'\"]+)"
)
_CAPTIONED = re.compile(r"^\s*((?:<a\s[^>]*>\s*)?<img\s[^>]*>(?:\s*</a>)?)(.*)$", re.I | re.S)
_MEDIA_SOURCES = ("src", "mp3", "m4a", "ogg", "wav", "wma", "mp4", "m4v", "webm", "ogv", "flv")
# WordPress's own and common plugins' shortcodes: removed even when written bare (`[gallery]`).
KNOWN_SHORTCODES = {
    "archives", "audio", "caption", "contact-form", "contact-form-7", "embed", "gallery",
    "googlemaps", "playlist", "polldaddy", "crowdsignal", "recent-posts", "slideshow", "video",
    "wp_caption", "youtube", "vimeo", "soundcloud", "tweet", "instagram", "gist",
}  # fmt: skip


def shortcodes(text):
    """Shortcodes as WordPress shows them: [caption] becomes a figure with its caption,
    [audio], [video] and [embed] a link to the media, [gallery] and other shortcodes with
    name=value attributes go, and an unknown enclosing shortcode leaves its content. Brackets
    that are no known shortcode and have no attributes (`[sic]`, `[1]`, `[in stock]`) are
    text and stay."""
    if "[" not in text:
        return text
    return _SHORTCODE.sub(_shortcode, text)


def _shortcode(match):
    opening, name, raw, self_closing, inner, closing = match.groups()
    if opening and closing:  # [[gallery]] is WordPress's way to write the text "[gallery]"
        return match.group(0)[1:-1]
    attrs = {
        (m[1] or m[3] or m[5]).lower(): m[2] or m[4] or m[6] or ""
        for m in _SHORTCODE_ATTR.finditer(raw)
    }
    lowered = name.lower()
    if lowered in {"caption", "wp_caption"}:
        rendered = _caption(attrs, shortcodes(inner or ""))
    elif lowered in {"audio", "video", "embed"}:
        url = (inner or "").strip() if lowered == "embed" else ""
        url = url or next((attrs[key] for key in _MEDIA_SOURCES if attrs.get(key)), "")
        rendered = (
            format_html('<a href="{}">{}</a>', url, url.rsplit("/", 1)[-1] or url) if url else ""
        )
    elif inner is not None:
        rendered = shortcodes(inner)
    elif lowered in KNOWN_SHORTCODES or "=" in raw or self_closing:
        rendered = ""
    else:
        return match.group(0)
    return f"{opening}{rendered}{closing}"


def _caption(attrs, inner):
    caption = attrs.get("caption", "")
    if not caption:
        parts = _CAPTIONED.match(inner)
        if parts:
            inner, caption = parts.group(1), parts.group(2).strip()
    classes = f"wp-caption {attrs.get('align', 'alignnone')}"
    figure_id = format_html(' id="{}"', attrs["id"]) if attrs.get("id") else ""
    caption = f'<figcaption class="wp-caption-text">{caption}</figcaption>' if caption else ""
    return (
        format_html('<figure{} class="{}">', figure_id, classes)
        + f"{inner.strip()}{caption}</figure>"
    )


_NEXTPAGE = re.compile(r"\s*<!--nextpage-->\s*", re.IGNORECASE)


def split_pages(text):
    """An entry's pages, split where WordPress's `<!--nextpage-->` marker stands."""
    return _NEXTPAGE.split(text) or [""]


def before_more(text):
    """The part of a body before WordPress's `<!--more-->` marker (all of it if none)."""
    match = _MORE.search(text)
    return text[: match.start()] if match else text


# Every word urlize() would make a link contains one of these (in lower case); text without any
# is only escaped (urlize looks at each word in turn, which costs more than the rest of a
# comment's display). Matched against the lowered text: a case-blind pattern took three times as
# long, and an entry page shows fifty comments.
_MAYBE_LINK = re.compile(r"://|www\.|@|\.(?:com|edu|gov|int|mil|net|org)")


def render_comment(text):
    """Plain text to HTML: escaped, paragraphs, bare URLs linked with rel="nofollow ugc"."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = []
    for chunk in _PARAGRAPH_BREAK.split(text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if _MAYBE_LINK.search(chunk.lower()):
            linked = urlize(chunk, nofollow=True, autoescape=True)
            linked = linked.replace('rel="nofollow"', 'rel="nofollow ugc"')
        else:
            linked = escape(chunk)  # the standard library's: Django's adds a lazy-string check
        paragraphs.append("<p>" + linked.replace("\n", "<br>\n") + "</p>")
    return mark_safe("\n".join(paragraphs))


# Comments imported from WordPress are its HTML, not text typed into our form: a strict
# allow-list, links marked as the commenters' own.
COMMENT_TAGS = {"a", "b", "blockquote", "br", "code", "em", "i", "li", "ol", "p", "strong", "ul"}
_INSIDE_LINK = re.compile(r"<a[\s>]", re.IGNORECASE)


def render_wordpress_comment(html):
    """A WordPress comment (HTML): paragraphs, bare URLs linked, then the strict allow-list."""
    return mark_safe(
        nh3.clean(
            _link_bare_urls(autop(html)),
            tags=COMMENT_TAGS,
            attributes={"a": {"href"}},
            url_schemes={"http", "https", "mailto"},
            link_rel="nofollow ugc",
        )
    )


def _link_bare_urls(html):
    """WordPress's make_clickable(): URLs in the text (not in tags or links) become links."""
    parts, in_link = [], False
    for part in _TAG_OR_TEXT.split(html):
        if part.startswith("<"):
            if _INSIDE_LINK.match(part):
                in_link = True
            elif part[:3].lower() == "</a":
                in_link = False
        elif part and not in_link and ("://" in part or "www." in part):
            part = urlize(part, autoescape=False)
        parts.append(part)
    return "".join(parts)

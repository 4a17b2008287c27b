"""Turning stored text into safe HTML, at display time, as WordPress does.

Entry bodies are kept exactly as the blog stored them: HTML with paragraphs marked only by
blank lines. Display adds the paragraphs (WordPress's "autop") and passes the result through
an allow-list sanitiser, so nothing in an archive can run script in a reader's browser.
Comments are plain text: escaped, with paragraphs and with bare URLs made into links.
"""

import re

import nh3
from django.utils.html import urlize
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
_TEXTURIZE = [
    (re.compile(r"---"), "\u2014"),
    (re.compile(r"(?<=\s)--(?=\s)|(?<=\d)--(?=\d)"), "\u2013"),
    (re.compile(r"\.\.\."), "\u2026"),
    # An apostrophe inside a word or after a digit: Don't, '90s, rock 'n' roll.
    (re.compile(r"(?<=\w)'(?=\w)|'(?=\d\ds)"), "\u2019"),
    # Opening quotes at the start or after a space or an opening bracket; the rest close.
    (re.compile(r"(?:(?<=^)|(?<=[\s(\[{\u2014\u2013-]))'"), "\u2018"),
    (re.compile(r"(?:(?<=^)|(?<=[\s(\[{\u2014\u2013-]))\""), "\u201c"),
    (re.compile(r"'"), "\u2019"),
    (re.compile(r"\""), "\u201d"),
]


def texturize_text(text):
    """Curly quotes, dashes and ellipses in plain text, as WordPress's wptexturize() shows them."""
    for pattern, replacement in _TEXTURIZE:
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
    return mark_safe(sanitize(texturize(autop(text))))


_NEXTPAGE = re.compile(r"\s*<!--nextpage-->\s*", re.IGNORECASE)


def split_pages(text):
    """An entry's pages, split where WordPress's `<!--nextpage-->` marker stands."""
    return _NEXTPAGE.split(text) or [""]


def before_more(text):
    """The part of a body before WordPress's `<!--more-->` marker (all of it if none)."""
    match = _MORE.search(text)
    return text[: match.start()] if match else text


def render_comment(text):
    """Plain text to HTML: escaped, paragraphs, bare URLs linked with rel="nofollow ugc"."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = []
    for chunk in _PARAGRAPH_BREAK.split(text):
        chunk = chunk.strip()
        if chunk:
            linked = urlize(chunk, nofollow=True, autoescape=True)
            linked = linked.replace('rel="nofollow"', 'rel="nofollow ugc"')
            paragraphs.append("<p>" + linked.replace("\n", "<br>\n") + "</p>")
    return mark_safe("\n".join(paragraphs))

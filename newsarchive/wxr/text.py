"""Small text rules shared by import and export."""

import html
import re

from django.utils.text import slugify

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def decoded(text):
    """Names and titles are text that WordPress stored with entities (`&amp;`, `&#8217;`):
    decode them once here, and templates escape them once on the way out."""
    return html.unescape(text) if "&" in text else text


def encoded(text):
    """The inverse for export: only `&` needs it, so that decoding once gives the text back."""
    return text.replace("&", "&amp;")


def derived_slug(title, fallback):
    """A slug for an entry WordPress left without one (drafts): from the title, as WordPress
    would make it on publishing, or the id."""
    return slugify(decoded(title))[:190].strip("-") or str(fallback)


def escaped(text):
    """A comment typed here as plain text, as the HTML WordPress keeps comments in."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescaped(text):
    """escaped(), undone exactly: every & it leaves starts &amp;, &lt; or &gt;."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def numbered(slug, n):
    """WordPress's way to make a taken slug unique: -2, -3 …"""
    suffix = f"-{n}"
    return f"{slug[: 200 - len(suffix)]}{suffix}"


def is_numbered(slug, base):
    """Whether `slug` is `base` made unique by numbered()."""
    n = slug.rpartition("-")[2]
    return n.isdigit() and int(n) >= 2 and numbered(base, int(n)) == slug


def web_address(url):
    """A commenter's website or an original article's address: http(s) only. Templates put
    these in href attributes as they are, so `javascript:` and the like never get stored."""
    url = url.strip()
    scheme = url.partition(":")[0].lower()
    return url if scheme in {"http", "https"} and "://" in url[:10] else ""


def sticky_ids(element):
    """Post ids from a `sticky_posts` option: a PHP-serialized array or a plain list."""
    if element.key == "wp:option":
        if element.value("wp:option_name").strip() != "sticky_posts":
            return set()
        value = element.value("wp:option_value")
    else:
        value = element.text
    value = value.strip()
    if value.startswith("a:"):
        return {int(n) for n in re.findall(r"i:\d+;i:(\d+);", value)}
    return {int(n) for n in re.findall(r"\d+", value)}


def xml_text(text):
    """Text escaped for an XML element or attribute."""
    text = _NOT_XML.sub("", text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def cdata(text):
    """Text in CDATA, as WordPress writes it: a `]]>` inside is split across two sections."""
    text = _NOT_XML.sub("", text)
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"

"""Structured data for search engines: schema.org JSON-LD for an entry and its original."""

import html
import json

import nh3
from django.conf import settings
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

# As Django's json_script does: nothing in the data can close the <script> element.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def description(summary_html, words=40):
    """The first `words` words of an entry's summary as plain text (`AT&T`, not `AT&amp;T`):
    a template escapes it once, JSON carries it as it reads."""
    return Truncator(html.unescape(nh3.clean(summary_html, tags=set()))).words(words)


def entry_json_ld(entry, url, description):
    """BlogPosting for the repost, `isBasedOn` the original article where we know of it."""
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": entry.title,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": entry.published_at.isoformat(),
        "dateModified": entry.modified_at.isoformat(),
        "description": description,
        "publisher": {"@type": "Organization", "name": settings.BLOG_NAME},
        "articleSection": [c.name for c in entry.filed_categories],
        "keywords": [t.name for t in entry.filed_tags],
    }
    if entry.poster_name:
        data["author"] = {"@type": "Person", "name": entry.poster_name}
    original = {"@type": "NewsArticle", "headline": entry.title}
    if entry.source:
        original["publisher"] = {"@type": "Organization", "name": entry.source.name}
    if entry.byline:
        original["author"] = {"@type": "Person", "name": entry.byline}
    if entry.original_published_on:
        original["datePublished"] = entry.original_published_on.isoformat()
    if entry.original_url:
        original["url"] = entry.original_url
    if entry.dateline:
        original["locationCreated"] = {"@type": "Place", "name": entry.dateline}
    if entry.credit_line:
        original["creditText"] = entry.credit_line
    if len(original) > 2:
        data["isBasedOn"] = original
    text = json.dumps(data, ensure_ascii=False).translate(_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')

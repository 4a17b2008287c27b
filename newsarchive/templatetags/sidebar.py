"""The sidebar: one inclusion tag per block, one small query each, cached per archive version."""

import math

from django import template

from newsarchive.caching import cached
from newsarchive.models import SUMMARY_FIELDS, Category, Entry, MonthArchive, Provenance, Tag

register = template.Library()

RECENT_ENTRIES = 10
TAG_CLOUD_SIZE = 45
TAG_SIZES = 5
PROVENANCE_SIZE = 5


@register.inclusion_tag("sidebar/search.html")
def sidebar_search():
    return {}


@register.inclusion_tag("sidebar/months.html")
def sidebar_months():
    return {"months": cached("sidebar-months", lambda: list(MonthArchive.objects.all()))}


@register.inclusion_tag("sidebar/recent.html")
def sidebar_recent():
    def recent():
        entries = Entry.objects.public().posts().newest_first()
        return list(entries.only(*SUMMARY_FIELDS)[:RECENT_ENTRIES])

    return {"entries": cached("sidebar-recent", recent)}


@register.inclusion_tag("sidebar/categories.html")
def sidebar_categories():
    return {"categories": cached("sidebar-categories", filed_categories)}


def filed_categories():
    """Categories holding published entries, with the parents they hang from, in tree order."""
    categories = list(Category.objects.only("name", "slug", "path", "parent", "entry_count"))
    shown = set()
    for category in categories:
        if category.entry_count:
            parts = category.path.split("/")
            shown.update("/".join(parts[:depth]) for depth in range(1, len(parts) + 1))
    return [c for c in categories if c.path in shown]


@register.inclusion_tag("sidebar/provenance.html")
def sidebar_provenance():
    return {"groups": cached("sidebar-provenance", top_provenance)}


def top_provenance():
    """The sources, bylines and datelines with the most entries, five of each."""
    titles = dict(Provenance.Kind.choices)
    groups = {}
    for row in Provenance.objects.top(PROVENANCE_SIZE):
        groups.setdefault(row.kind, []).append(row)
    return [
        (f"{titles[kind]}s", groups[kind])
        for kind in ("source", "writer", "dateline")
        if kind in groups
    ]


@register.inclusion_tag("sidebar/tags.html")
def sidebar_tags():
    return {"tags": cached("sidebar-tags", tag_cloud)}


def tag_cloud():
    """The most used tags in name order, each with a size from 1 to TAG_SIZES (log scale)."""
    tags = list(Tag.objects.filter(entry_count__gt=0).order_by("-entry_count")[:TAG_CLOUD_SIZE])
    if not tags:
        return []
    low, high = math.log(tags[-1].entry_count), math.log(tags[0].entry_count)
    for tag in tags:
        share = (math.log(tag.entry_count) - low) / (high - low) if high > low else 0
        tag.size = 1 + round(share * (TAG_SIZES - 1))
    return sorted(tags, key=lambda t: t.name.lower())

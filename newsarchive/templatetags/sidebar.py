"""The sidebar: one tag per block, one small query each; each block is rendered once and its
HTML kept until the archive changes (rendering the month list and the tag cloud costs more
than their queries)."""

import math

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from newsarchive.caching import cached
from newsarchive.counts import month_counts
from newsarchive.models import (
    SUMMARY_FIELDS,
    Category,
    Entry,
    MonthArchive,
    Provenance,
    Tag,
    address_or_none,
)

register = template.Library()


def block(template_name):
    """Register `data()` as a sidebar tag rendering `template_name`, cached as HTML."""

    def register_block(data):
        def render():
            return mark_safe(render_to_string(template_name, data()))

        @register.simple_tag(name=data.__name__)
        def tag():
            return cached(data.__name__, render)

        return tag

    return register_block


RECENT_ENTRIES = 10
TAG_CLOUD_SIZE = 45
TAG_SIZES = 5
PROVENANCE_SIZE = 5


@block("sidebar/search.html")
def sidebar_search():
    return {}


@block("sidebar/months.html")
def sidebar_months():
    return {"months": [MonthArchive(month=month, entry_count=n) for month, n, _ in month_counts()]}


@block("sidebar/recent.html")
def sidebar_recent():
    entries = Entry.objects.public().posts().newest_first()
    return {"entries": entries.only(*SUMMARY_FIELDS)[:RECENT_ENTRIES]}


@block("sidebar/categories.html")
def sidebar_categories():
    return {"categories": category_tree()}


def category_tree():
    """Categories holding published entries, with the parents they hang from, in tree order."""
    categories = list(Category.objects.only("name", "slug", "path", "parent", "entry_count"))
    shown = set()
    for category in categories:
        if category.entry_count:
            parts = category.path.split("/")
            shown.update("/".join(parts[:depth]) for depth in range(1, len(parts) + 1))
    return [c for c in categories if c.path in shown]


@block("sidebar/provenance.html")
def sidebar_provenance():
    return {"groups": top_provenance()}


def top_provenance():
    """The sources, bylines and datelines with the most entries, five of each."""
    titles = dict(Provenance.Kind.choices)
    groups = {}
    for row in Provenance.objects.top(PROVENANCE_SIZE):
        row.address = address_or_none(row)  # None: listed by name, without a link
        groups.setdefault(row.kind, []).append(row)
    return [
        (f"{titles[kind]}s", groups[kind])
        for kind in ("source", "writer", "dateline")
        if kind in groups
    ]


@block("sidebar/tags.html")
def sidebar_tags():
    return {"tags": tag_cloud()}


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

"""The filters beside the results (year, category, tag, source, byline, dateline) with their
counts and addresses, and where to look instead when nothing matches."""

import re
from dataclasses import dataclass
from difflib import get_close_matches
from urllib.parse import urlencode

from django.urls import reverse

from newsarchive.models import EARLIEST_DAY, LATEST_DAY, Category, MonthArchive, writer_name
from newsarchive.search.query import WORD

FACET_SIZE = 10
FILTERS = {
    "year": "year",
    "category": "category",
    "tag": "tag",
    "source": "source",
    "byline": "writer",
    "dateline": "dateline",
}
FACET_TITLES = {
    "year": "Year",
    "category": "Category",
    "tag": "Tag",
    "source": "Source",
    "byline": "Byline",
    "dateline": "Dateline",
}
MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")],
        start=1,
    )
    for name in names
}  # fmt: skip


def apply_filters(entries, chosen):
    """Narrow the matches by the filters chosen (`{"year": "2007", "tag": "iran", ...}`)."""
    year = chosen.get("year", "")
    if re.fullmatch("[0-9]+", year):
        # A year the archive cannot show has no entries (and no bounds Python could hold).
        showable = len(year) <= 4 and EARLIEST_DAY.year <= int(year) <= LATEST_DAY.year
        entries = entries.filter(published_at__year=int(year)) if showable else entries.none()
    if chosen.get("category"):
        category = Category.objects.filter(slug=chosen["category"]).first()
        entries = entries.in_category(category) if category else entries.none()
    if chosen.get("tag"):
        entries = entries.filter(tags__slug=chosen["tag"])
    for name in ("source", "byline", "dateline"):
        if chosen.get(name):
            entries = entries.from_provenance(FILTERS[name], chosen[name])
    return entries


def shown_facets(facet_rows):
    """The filter values to show: every year, and the most frequent of the rest."""
    grouped = {name: [] for name in FILTERS}
    for facet, slug, name, n in facet_rows:
        grouped[facet].append((slug, writer_name(name) if facet == "byline" else name, n))
    for facet, values in grouped.items():
        if facet == "year":
            values.sort(reverse=True)
        else:
            values.sort(key=lambda value: (-value[2], value[0]))
            del values[FACET_SIZE:]
    return grouped


def is_filtered(chosen):
    return any(chosen.get(name) for name in FILTERS)


@dataclass
class FacetValue:
    name: str
    count: int
    url: str
    is_chosen: bool


def facet_links(counts, text, chosen):
    """Each filter's values with the address that applies them (or, when applied, removes)."""
    links = []
    for facet, values in counts.items():
        shown = []
        for slug, name, count in values:
            is_chosen = chosen.get(facet) == slug
            query = {**{k: v for k, v in chosen.items() if v}, facet: "" if is_chosen else slug}
            shown.append(FacetValue(name, count, search_url(text, query), is_chosen))
        if shown:
            links.append((FACET_TITLES[facet], shown))
    return links


def search_url(text, chosen, page=None):
    params = [("q", text), *((k, v) for k, v in chosen.items() if v)]
    if page and page > 1:
        params.append(("page", page))
    return f"{reverse('search')}?{urlencode(params)}"


def alternatives(text, months=6, categories=6):
    """Where to look instead of a dead end: the archive months nearest to a date the query
    names (or the latest ones), and categories whose names resemble its words."""
    words = [w.lower() for w in WORD.findall(text)]
    # Four ASCII digits: str.isdigit() also takes "²", which int() does not.
    years = (int(w) for w in words if re.fullmatch("[0-9]{4}", w))
    year = next((y for y in years if 1990 <= y <= 2100), None)
    month = next((MONTHS[w] for w in words if w in MONTHS), 6)
    archive = list(MonthArchive.objects.all())
    if year:
        target = year * 12 + month
        archive.sort(key=lambda m: abs(m.month.year * 12 + m.month.month - target))
    nearest_months = sorted(archive[:months], key=lambda m: m.month, reverse=True)
    filed = list(Category.objects.filter(entry_count__gt=0).order_by("-entry_count"))
    names = {c.name.lower(): c for c in filed}
    close = []
    for word in words:
        for name in get_close_matches(word, names, n=2, cutoff=0.6):
            if names[name] not in close:
                close.append(names[name])
    suggested = (close + [c for c in filed if c not in close])[:categories]
    return {"months": nearest_months, "categories": suggested}

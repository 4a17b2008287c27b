"""Full-text search over public entries, the same way on PostgreSQL and SQLite.

PostgreSQL keeps a weighted tsvector column (title A, byline and dateline B, body C) with a GIN
index and reads queries with websearch_to_tsquery: "quoted phrases", -exclusions, or. SQLite
keeps an FTS5 table in step with the entries by triggers (migration 0009); the same query
syntax is translated into FTS5's. Both rank (title matches first) and mark the matched words
in a snippet.

The work per query is bounded, so that a word found in a tenth of a million entries costs what
it costs in a thousand: results are ranked, and filter values counted, among the WINDOW newest
matches. When there are more, the page says so and invites a narrower search.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import get_close_matches
from urllib.parse import urlencode

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BooleanField, CharField, F, FloatField, Func, Value
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from newsarchive.models import (
    Category,
    Entry,
    MonthArchive,
    Source,
    Tag,
    TaggedEntry,
    writer_name,
)

MAX_QUERY_LENGTH = 300
FACET_SIZE = 10
# How many of the newest matches are ranked and counted; one more is looked for, to know
# whether there are more.
WINDOW = 500
# Entries in the newest days looked through first (PostgreSQL), and how far past the expected
# number of matches the next slice reaches.
FIRST_SLICE = 10 * WINDOW
SLICE_MARGIN = 1.5
# Sentinels around matched words: the snippet is escaped first, then they become <mark>.
START, STOP = "\x02", "\x03"
_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)


def clean(text):
    """What we search for: no control characters, no more than MAX_QUERY_LENGTH."""
    text = re.sub(r"[\x00-\x1f\x7f]", " ", text or "")
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


@dataclass
class Term:
    words: list
    negated: bool = False


@dataclass
class ParsedQuery:
    """A websearch-style query: groups of terms joined by OR; each group's terms all match."""

    groups: list = field(default_factory=list)
    excluded: list = field(default_factory=list)

    @property
    def is_empty(self):
        return not any(self.groups)


def parse(text):
    query, group = ParsedQuery(), []
    for negated, phrase, bare in _TOKEN.findall(text):
        if bare and bare.lower() == "or":
            if group:
                query.groups.append(group)
            group = []
            continue
        if bare.startswith("-") and len(bare) > 1:
            negated, bare = "-", bare[1:]
        words = _WORD.findall(phrase if phrase else bare)
        if not words:
            continue
        term = Term(words, bool(negated))
        (query.excluded if term.negated else group).append(term)
    if group:
        query.groups.append(group)
    return query


def fts5_query(parsed):
    """The query in FTS5's syntax, every word quoted so that nothing typed is an operator."""

    def quoted(term):
        return '"' + " ".join(w.replace('"', '""') for w in term.words) + '"'

    groups = ["(" + " AND ".join(quoted(t) for t in group) + ")" for group in parsed.groups]
    text = " OR ".join(groups)
    if parsed.excluded:
        text = f"({text})" + "".join(f" NOT {quoted(t)}" for t in parsed.excluded)
    return text


def matched(text):
    """Public entries matching `text`, unranked."""
    public = Entry.objects.public().posts()
    parsed = parse(text)
    if parsed.is_empty:
        return public.none()
    if connection.vendor == "postgresql":
        condition = "search_vector @@ websearch_to_tsquery('english'::regconfig, %s)"
        return public.filter(RawSQL(condition, [text], output_field=BooleanField()))
    fts = "SELECT rowid FROM newsarchive_entry_fts WHERE newsarchive_entry_fts MATCH %s"
    return public.filter(pk__in=RawSQL(fts, [fts5_query(parsed)]))


def summary_in_python(matches, text, offset):
    """Total (up to WINDOW + 1), the page's ids and the filter counts, counted in Python
    among the WINDOW newest matches (SQLite)."""
    newest = matches.order_by("-published_at", "-pk")
    rows = list(newest.values_list("pk", "published_at", *FACET_COLUMNS)[: WINDOW + 1])
    total, rows = len(rows), rows[:WINDOW]
    ranks = {}
    if rows:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid, -bm25(newsarchive_entry_fts, 10.0, 5.0, 5.0, 1.0) "
                "FROM newsarchive_entry_fts WHERE newsarchive_entry_fts MATCH %s",
                [fts5_query(parse(text))],
            )
            ranks = dict(cursor.fetchall())
    rows.sort(key=lambda row: (-ranks.get(row[0], 0.0), -row[1].timestamp(), -row[0]))
    counts = {name: Counter() for name in FILTERS}
    names = {}
    for _, _, day, source, source_name, writer, byline, dateline, dateline_name in rows:
        for facet, slug, name in [
            ("year", str(day.year), str(day.year)),
            ("source", source, source_name),
            ("byline", writer, byline),
            ("dateline", dateline, dateline_name),
        ]:
            if slug:
                counts[facet][slug] += 1
                names.setdefault((facet, slug), name)
    ids = [row[0] for row in rows]
    kind = CharField()
    categories = Entry.categories.through.objects.filter(entry__in=ids).values_list(
        Value("category", kind), "category__slug", "category__name"
    )
    tags = TaggedEntry.objects.filter(content_object__in=ids).values_list(
        Value("tag", kind), "tag__slug", "tag__name"
    )
    for facet, slug, name in categories.union(tags, all=True):
        counts[facet][slug] += 1
        names.setdefault((facet, slug), name)
    facet_rows = [
        (facet, slug, names[facet, slug], n)
        for facet, counter in counts.items()
        for slug, n in counter.items()
    ]
    page_ids = [row[0] for row in rows[offset : offset + PER_PAGE]]
    return total, page_ids, facet_rows


def summary_in_postgresql(matches, text, offset):
    """Total (up to WINDOW + 1), the page's ids and the filter counts, looking through the
    archive's newest days first.

    The first slice holds about FIRST_SLICE entries. If it has more than WINDOW matches, the
    WINDOW newest of the archive are among them; if not, the next slice is sized by how densely
    the first one matched (or is the whole archive). The full-text index also keys the day, so
    a slice costs the matches in it, not every match in the archive: a word found in a tenth
    of the entries costs the same in a thousand entries as in a million.
    """
    months = MonthArchive.objects.counts()  # newest first
    wanted = FIRST_SLICE
    while True:
        since = slice_start(months, wanted)
        in_slice = matches if since is None else matches.filter(published_on__gte=since)
        total, page_ids, facet_rows = window_summary(in_slice, text, offset, since is None)
        if total > WINDOW or since is None:
            return total, page_ids, facet_rows
        # The next slice holds at least twice as many entries, so it reaches further back.
        looked_at = sum(count for month, count in months if month >= since)
        if total:
            wanted = max(2 * looked_at, SLICE_MARGIN * (WINDOW + 1) * looked_at / total)
        else:  # nothing in the newest days: the matches (if any) are few, take them all
            wanted = None


def slice_start(months, wanted):
    """The first day of the newest months holding at least `wanted` entries; None for all."""
    held = 0
    for month, count in months:
        held += count
        if wanted is not None and held >= wanted:
            return month
    return None


def window_summary(matches, text, offset, final):
    """Total (up to WINDOW + 1), the page's ids and the filter counts of `matches` in one
    statement: the WINDOW newest are found once (a materialised CTE) and counted every way.
    Unless `final`, the page and the counts are left empty when a wider slice is needed."""
    rank = RawSQL(
        "ts_rank('{0, 0, 0.4, 1.0}', heading_vector, "
        "websearch_to_tsquery('english'::regconfig, %s))",
        [text],
        output_field=FloatField(),
    )
    columns = ["pk", "published_at", "published_on", "source", "writer_slug", "dateline_slug",
               "byline", "dateline"]  # fmt: skip
    newest = matches.order_by("-published_at", "-pk").annotate(rank=rank)
    inner = newest.values_list(*columns, "rank")[: WINDOW + 1]
    sql, params = inner.query.sql_with_params()
    filing = Entry.categories.through._meta.db_table
    order = "rank DESC, published_at DESC, id DESC"
    statement = f"""
        WITH found (id, published_at, published_on, source_id, writer_slug, dateline_slug,
                    byline, dateline, rank) AS MATERIALIZED ({sql}),
        m AS MATERIALIZED (SELECT * FROM found WHERE %s OR (SELECT count(*) FROM found) > %s
                           ORDER BY published_at DESC, id DESC LIMIT %s)
        SELECT 'page', id::text, '', row_number() OVER (ORDER BY {order})
          FROM (SELECT * FROM m ORDER BY {order} LIMIT %s OFFSET %s) AS page
        UNION ALL SELECT 'total', '', '', count(*) FROM found
        UNION ALL SELECT 'year', y, y, count(*)
          FROM (SELECT extract(year FROM published_on)::int::text AS y FROM m) AS years GROUP BY y
        UNION ALL SELECT 'source', s.slug, min(s.name), count(*)
          FROM m JOIN {Source._meta.db_table} s ON s.id = m.source_id GROUP BY s.slug
        UNION ALL SELECT 'byline', writer_slug, min(byline), count(*)
          FROM m WHERE writer_slug <> '' GROUP BY writer_slug
        UNION ALL SELECT 'dateline', dateline_slug, min(dateline), count(*)
          FROM m WHERE dateline_slug <> '' GROUP BY dateline_slug
        UNION ALL SELECT 'category', c.slug, min(c.name), count(*)
          FROM m JOIN {filing} f ON f.entry_id = m.id
          JOIN {Category._meta.db_table} c ON c.id = f.category_id GROUP BY c.slug
        UNION ALL SELECT 'tag', t.slug, min(t.name), count(*)
          FROM m JOIN {TaggedEntry._meta.db_table} te ON te.content_object_id = m.id
          JOIN {Tag._meta.db_table} t ON t.id = te.tag_id GROUP BY t.slug
    """
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, final, WINDOW, WINDOW, PER_PAGE, offset])
        rows = cursor.fetchall()
    page = sorted((n, int(key)) for facet, key, _, n in rows if facet == "page")
    total = next(n for facet, _, _, n in rows if facet == "total")
    facet_rows = [row for row in rows if row[0] not in ("page", "total")]
    return total, [pk for _, pk in page], facet_rows


def with_snippets(ids, text):
    """The entries with these ids, in this order, each with a `snippet` marking the matches."""
    entries = Entry.objects.filter(pk__in=ids).select_related("source")
    found = {}
    if ids and connection.vendor == "postgresql":
        query = SearchQuery(text, search_type="websearch", config="english")
        plain_body = Func(
            F("body"), Value("<[^>]+>"), Value(" "), Value("g"), function="regexp_replace"
        )
        headline = SearchHeadline(
            plain_body,
            query,
            config="english",
            start_sel=START,
            stop_sel=STOP,
            max_words=35,
            min_words=15,
            max_fragments=2,
            fragment_delimiter=" … ",
        )
        found = {entry.pk: entry for entry in entries.annotate(snippet=headline)}
    elif ids:
        found = {entry.pk: entry for entry in entries}
        with connection.cursor() as cursor:
            marks = ", ".join(["%s"] * len(ids)) or "NULL"
            cursor.execute(
                f"SELECT rowid, snippet(newsarchive_entry_fts, 3, '{START}', '{STOP}', ' … ', 30) "
                "FROM newsarchive_entry_fts "
                f"WHERE newsarchive_entry_fts MATCH %s AND rowid IN ({marks})",
                [fts5_query(parse(text)), *ids],
            )
            for pk, snippet in cursor.fetchall():
                found[pk].snippet = snippet
    ordered = [found[pk] for pk in ids if pk in found]
    for entry in ordered:
        entry.highlighted = highlighted(getattr(entry, "snippet", ""))
    return ordered


FTS5_TRIGGERS = {
    "newsarchive_entry_fts_insert": """
        CREATE TRIGGER IF NOT EXISTS newsarchive_entry_fts_insert
        AFTER INSERT ON newsarchive_entry BEGIN
            INSERT INTO newsarchive_entry_fts (rowid, title, byline, dateline, body)
            VALUES (new.id, new.title, new.byline, new.dateline, new.body);
        END""",
    "newsarchive_entry_fts_delete": """
        CREATE TRIGGER IF NOT EXISTS newsarchive_entry_fts_delete
        AFTER DELETE ON newsarchive_entry BEGIN
            INSERT INTO newsarchive_entry_fts (newsarchive_entry_fts, rowid, title, byline,
                                               dateline, body)
            VALUES ('delete', old.id, old.title, old.byline, old.dateline, old.body);
        END""",
    "newsarchive_entry_fts_update": """
        CREATE TRIGGER IF NOT EXISTS newsarchive_entry_fts_update
        AFTER UPDATE OF title, byline, dateline, body ON newsarchive_entry BEGIN
            INSERT INTO newsarchive_entry_fts (newsarchive_entry_fts, rowid, title, byline,
                                               dateline, body)
            VALUES ('delete', old.id, old.title, old.byline, old.dateline, old.body);
            INSERT INTO newsarchive_entry_fts (rowid, title, byline, dateline, body)
            VALUES (new.id, new.title, new.byline, new.dateline, new.body);
        END""",
}


def keep_sqlite_index(using="default", **kwargs):
    """Put back the FTS5 triggers after migrate: on SQLite, Django rebuilds a table to alter
    it, and the rebuild drops its triggers. If any were gone, reindex everything."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE name IN (%s, %s, %s, %s)",
            ["newsarchive_entry_fts", *FTS5_TRIGGERS],
        )
        present = {name for (name,) in cursor.fetchall()}
        if "newsarchive_entry_fts" not in present:
            return  # before migration 0009
        for name, sql in FTS5_TRIGGERS.items():
            if name not in present:
                cursor.execute(sql)
        if not present.issuperset(FTS5_TRIGGERS):
            cursor.execute(
                "INSERT INTO newsarchive_entry_fts (newsarchive_entry_fts) VALUES ('rebuild')"
            )


def highlighted(snippet):
    """The snippet, escaped, with the matched words in <mark>."""
    text = escape(re.sub(r"<[^>]*>?", " ", snippet or ""))
    return mark_safe(text.replace(START, "<mark>").replace(STOP, "</mark>"))


# --- Filters beside the results ------------------------------------------------------------

FILTERS = {
    "year": "year",
    "category": "category",
    "tag": "tag",
    "source": "source",
    "byline": "writer",
    "dateline": "dateline",
}


def apply_filters(entries, chosen):
    """Narrow the matches by the filters chosen (`{"year": "2007", "tag": "iran", ...}`)."""
    if chosen.get("year", "").isdigit():
        entries = entries.filter(published_at__year=int(chosen["year"]))
    if chosen.get("category"):
        category = Category.objects.filter(slug=chosen["category"]).first()
        entries = entries.in_category(category) if category else entries.none()
    if chosen.get("tag"):
        entries = entries.filter(tags__slug=chosen["tag"])
    if chosen.get("source"):
        entries = entries.filter(source__slug=chosen["source"])
    if chosen.get("byline"):
        entries = entries.filter(writer_slug=chosen["byline"])
    if chosen.get("dateline"):
        entries = entries.filter(dateline_slug=chosen["dateline"])
    return entries


FACET_COLUMNS = (
    "published_on", "source__slug", "source__name", "writer_slug", "byline", "dateline_slug",
    "dateline",
)  # fmt: skip
PER_PAGE = 10


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


def results_page(text, chosen, page_number):
    """One page of ranked matches with snippets, and the filter counts: two queries on
    PostgreSQL (what "the search query itself" costs)."""
    matches = apply_filters(matched(text), chosen)
    summary = summary_in_postgresql if connection.vendor == "postgresql" else summary_in_python
    number = int(page_number) if str(page_number).isdigit() and int(page_number) > 0 else 1
    if parse(text).is_empty:  # nothing searchable was typed (only punctuation, say)
        summary = lambda matches, text, offset: (0, [], [])  # noqa: E731
    total, page_ids, facet_rows = summary(matches, text, (number - 1) * PER_PAGE)
    page = Paginator(range(min(total, WINDOW)), PER_PAGE).get_page(number)
    if page.number != number:  # asked beyond the last page: show the last
        total, page_ids, facet_rows = summary(matches, text, (page.number - 1) * PER_PAGE)
    page.object_list = with_snippets(page_ids, text)
    # More matches than are ranked: the page says "more than WINDOW" rather than a count.
    page.more_than = WINDOW if total > WINDOW else None
    facets = shown_facets(facet_rows)
    if page.more_than and not chosen.get("year"):
        # Older matches were not counted: offer every year of the archive, uncounted, as a
        # way to reach them.
        counted = {slug for slug, _, _ in facets["year"]}
        years = {str(month.year) for month, _ in MonthArchive.objects.counts()}
        facets["year"] += [(year, year, None) for year in years - counted]
        facets["year"].sort(reverse=True)
    return page, facets


def run(text, chosen, page_number):
    """Everything a results page shows: a page of ranked results, the filters and counts."""
    page, counts = results_page(text, chosen, page_number)
    entries = Entry.attach_filing(page.object_list)
    return page, entries, facet_links(counts, text, chosen)


def is_filtered(chosen):
    return any(chosen.get(name) for name in FILTERS)


# --- When nothing matches ------------------------------------------------------------------

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


def alternatives(text, months=6, categories=6):
    """Where to look instead of a dead end: the archive months nearest to a date the query
    names (or the latest ones), and categories whose names resemble its words."""
    words = [w.lower() for w in _WORD.findall(text)]
    year = next((int(w) for w in words if w.isdigit() and 1990 <= int(w) <= 2100), None)
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


FACET_TITLES = {
    "year": "Year",
    "category": "Category",
    "tag": "Tag",
    "source": "Source",
    "byline": "Byline",
    "dateline": "Dateline",
}


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

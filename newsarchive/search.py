"""Full-text search over public entries, the same way on PostgreSQL and SQLite.

PostgreSQL keeps a weighted tsvector column (title A, byline and dateline B, body C) with a GIN
index and reads queries with websearch_to_tsquery: "quoted phrases", -exclusions, or. SQLite
keeps an FTS5 table in step with the entries by triggers (migration 0009); the same query
syntax is translated into FTS5's. Both rank (title matches first) and mark the matched words
in a snippet.
"""

import re
from dataclasses import dataclass, field
from difflib import get_close_matches
from urllib.parse import urlencode

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.db import connection
from django.db.models import Count, F, FloatField, Func, Min, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from newsarchive.models import (
    Category,
    Entry,
    MonthArchive,
    TaggedEntry,
    blog_timezone,
    writer_name,
)

MAX_QUERY_LENGTH = 300
FACET_SIZE = 10
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
    """Public entries matching `text` (no ranking: for counting and filter counts)."""
    public = Entry.objects.public().posts()
    parsed = parse(text)
    if parsed.is_empty:
        return public.none()
    # Self-contained subqueries (no reference to the outer query), so that these querysets
    # nest inside others, as the filter counts need.
    if connection.vendor == "postgresql":
        ids = RawSQL(
            "SELECT id FROM newsarchive_entry "
            "WHERE search_vector @@ websearch_to_tsquery('english'::regconfig, %s)",
            [text],
        )
    else:
        ids = RawSQL(
            "SELECT rowid FROM newsarchive_entry_fts WHERE newsarchive_entry_fts MATCH %s",
            [fts5_query(parsed)],
        )
    return public.filter(pk__in=ids)


def matching(text):
    """Public entries matching `text`, annotated with `rank` (higher is better) and `snippet`."""
    entries = matched(text)
    parsed = parse(text)
    if parsed.is_empty:
        return entries.annotate(rank=Value(0.0), snippet=Value(""))
    if connection.vendor == "postgresql":
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
        # Weights for D, C (body), B (byline, dateline) and A (title).
        rank = RawSQL(
            "ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', search_vector, "
            "websearch_to_tsquery('english'::regconfig, %s))",
            [text],
            output_field=FloatField(),
        )
        return entries.annotate(rank=rank, snippet=headline)
    fts = fts5_query(parsed)
    rank = RawSQL(
        "SELECT -bm25(newsarchive_entry_fts, 10.0, 5.0, 5.0, 1.0) FROM newsarchive_entry_fts "
        'WHERE newsarchive_entry_fts MATCH %s AND rowid = "newsarchive_entry"."id"',
        [fts],
        output_field=FloatField(),
    )
    snippet = RawSQL(
        f"SELECT snippet(newsarchive_entry_fts, 3, '{START}', '{STOP}', ' … ', 30) "
        "FROM newsarchive_entry_fts "
        'WHERE newsarchive_entry_fts MATCH %s AND rowid = "newsarchive_entry"."id"',
        [fts],
        output_field=TextField(),
    )
    return entries.annotate(rank=rank, snippet=snippet)


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


def facets(entries):
    """Counts of the matches by year, category, tag, source, byline and dateline."""
    ids = entries.order_by().values("pk")
    plain = Entry.objects.filter(pk__in=ids).order_by()
    years = (
        plain.annotate(year=ExtractYear("published_at", tzinfo=blog_timezone()))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("-year")
    )
    through = Entry.categories.through.objects.filter(entry__in=ids)
    return {
        "year": [(str(r["year"]), str(r["year"]), r["n"]) for r in years],
        "category": top(through, "category__slug", "category__name"),
        "tag": top(TaggedEntry.objects.filter(content_object__in=ids), "tag__slug", "tag__name"),
        "source": top(plain.exclude(source=None), "source__slug", "source__name"),
        "byline": top(plain.exclude(writer_slug=""), "writer_slug", "byline"),
        "dateline": top(plain.exclude(dateline_slug=""), "dateline_slug", "dateline"),
    }


def top(rows, slug_field, name_field):
    """(slug, name, count) of the most frequent values, most frequent first."""
    grouped = (
        rows.order_by()
        .values(slug_field)
        .annotate(n=Count("pk"), name=Min(name_field))
        .order_by("-n", slug_field)[:FACET_SIZE]
    )
    result = []
    for row in grouped:
        name = row["name"]
        if slug_field == "writer_slug":
            name = writer_name(name)
        result.append((row[slug_field], name, row["n"]))
    return result


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

"""A page of results: the newest matches, ranked, counted by filter, with snippets.

The work per query is bounded, so that a word found in a tenth of a million entries costs what
it costs in a thousand: results are ranked, and filter values counted, among the WINDOW newest
matches. When there are more, the page says so and invites a narrower search."""

import datetime
import json
import math
import re
from collections import Counter

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, CharField, F, FloatField, Func, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe

from newsarchive.counts import month_counts
from newsarchive.models import Category, Entry, Source, Tag, TaggedEntry
from newsarchive.search.filters import (
    FACET_SIZE,
    FILTERS,
    apply_filters,
    facet_links,
    shown_facets,
)
from newsarchive.search.query import fts5_query, matched, parse

# How many of the newest matches are ranked and counted; one more is looked for, to know
# whether there are more.
WINDOW = 500
# An archive of at most FIRST_SLICE entries is searched whole (PostgreSQL); a larger one newest
# days first, in a slice of at most FIRST_SLICE entries expected to hold SLICE_MARGIN times the
# matches needed.
FIRST_SLICE = 20 * WINDOW
SLICE_MARGIN = 1.5
PER_PAGE = 10
LAST_PAGE = math.ceil(WINDOW / PER_PAGE)
# The entries' columns that filters count (besides categories and tags), and whether the entry
# is password-protected: its source, byline and dateline are then not counted (they are
# printed with the article, behind the password).
FACET_COLUMNS = (
    "published_on", "source__slug", "source__name", "writer_slug", "byline", "dateline_slug",
    "dateline", "password",
)  # fmt: skip
# What a result shows of a protected entry instead of a snippet, as WordPress says it.
PROTECTED_SNIPPET = "There is no excerpt because this is a protected post."
# Sentinels around matched words: the snippet is escaped first, then they become <mark>.
START, STOP = "\x02", "\x03"


def summary_in_python(matches, text, offset, months):
    """Total (up to WINDOW + 1), the page's ids and the filter counts, counted in Python
    among the WINDOW newest matches (SQLite, whose archives are small: no slices)."""
    newest = matches.order_by("-published_at", "-pk")
    rows = list(newest.values_list("pk", "published_at", *FACET_COLUMNS)[: WINDOW + 1])
    total, rows = len(rows), rows[:WINDOW]
    ids = [row[0] for row in rows]
    ranks = {}
    if rows:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid, -bm25(newsarchive_entry_fts, 10.0, 5.0, 5.0, 1.0) "
                "FROM newsarchive_entry_fts WHERE newsarchive_entry_fts MATCH %s "
                f"AND rowid IN ({', '.join(['%s'] * len(ids))})",
                [fts5_query(parse(text)), *ids],
            )
            ranks = dict(cursor.fetchall())
    rows.sort(key=lambda row: (-ranks.get(row[0], 0.0), -row[1].timestamp(), -row[0]))
    counts = {name: Counter() for name in FILTERS}
    names = {}
    for _, _, day, source, source_name, writer, byline, dateline, dateline_name, password in rows:
        attribution = [] if password else [
            ("source", source, source_name),
            ("byline", writer, byline),
            ("dateline", dateline, dateline_name),
        ]  # fmt: skip
        for facet, slug, name in [("year", str(day.year), str(day.year)), *attribution]:
            if slug:
                counts[facet][slug] += 1
                names.setdefault((facet, slug), name)
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


def summary_in_postgresql(matches, text, offset, months):
    """Total (up to WINDOW + 1), the page's ids and the filter counts, looking through the
    archive's newest days first.

    The first slice is sized by PostgreSQL's estimate of how many entries match (its
    statistics on the words). If it has more than WINDOW matches, the WINDOW newest of the
    archive are among them; if not, the next slice is sized by how densely the first one
    matched (or is the whole archive). The full-text index also keys the day, so a slice costs
    the matches in it, not every match in the archive: a word found in a tenth of the entries
    costs the same in a thousand entries as in a million. `months`: (month, entry count, day
    of its newest entry), newest first.
    """
    held = sum(count for _, count, _ in months)
    wanted = None if held <= FIRST_SLICE else first_slice(matches, held)
    while True:
        since, looked_at = slice_start(months, wanted)
        in_slice = matches if since is None else matches.filter(published_on__gte=since)
        total, page_ids, facet_rows = window_summary(in_slice, text, offset, since is None)
        if total > WINDOW or since is None:
            return total, page_ids, facet_rows
        # The next slice holds at least twice as many entries, so it reaches further back.
        if total:
            wanted = max(2 * looked_at, SLICE_MARGIN * (WINDOW + 1) * looked_at / total)
        else:  # nothing in the newest days: the matches (if any) are few, take them all
            wanted = None


def first_slice(matches, held):
    """How many of the `held` newest entries to look through first: as many as should hold
    SLICE_MARGIN × WINDOW matches by the planner's estimate of the matches in all, and never
    more than FIRST_SLICE. The estimate costs a plan, not a search: a fraction of a millisecond.

    The estimate is good for one word; for several it takes them as independent, and words
    that go together ("bridge repairs", a source's name) match ten or twenty times more often
    than it says. Sized by it alone, a slice would then read thousands of matches, or the whole
    archive; FIRST_SLICE bounds that, and a slice that held too few is widened by how densely
    it matched.

    The plan is for the first match only: the scan under the LIMIT still estimates every match,
    and a plan that cheap never asks PostgreSQL to compile it (JIT), which a plan for every
    match of a common word in a million entries would, even for EXPLAIN (2 ms)."""
    plan = json.loads(matches.order_by()[:1].explain(format="json"))
    expected = plan[0]["Plan"]["Plans"][0]["Plan Rows"]
    needed = SLICE_MARGIN * (WINDOW + 1)
    return FIRST_SLICE if expected <= needed else min(FIRST_SLICE, needed * held / expected)


def slice_start(months, wanted):
    """The first day of the newest days holding about `wanted` entries, and how many they hold;
    None for all. Whole months, then the newest days of the month reaching past them, as many
    as hold the entries still wanted at the month's own rate (from its first day to its newest
    entry's)."""
    held = 0
    for month, count, newest in months:
        if wanted is not None and held + count >= wanted:
            newest = max(newest or month, month)
            days = (newest - month).days + 1
            share = (wanted - held) / count
            taken = min(days, math.ceil(share * days))
            return newest - datetime.timedelta(days=taken - 1), held + count * taken / days
        held += count
    return None, held


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
               "byline", "dateline", "password"]  # fmt: skip
    newest = matches.order_by("-published_at", "-pk").annotate(rank=rank)
    inner = newest.values_list(*columns, "rank")[: WINDOW + 1]
    sql, params = inner.query.sql_with_params()
    filing = Entry.categories.through._meta.db_table
    order = "rank DESC, published_at DESC, id DESC"
    statement = f"""
        WITH found (id, published_at, published_on, source_id, writer_slug, dateline_slug,
                    byline, dateline, password, rank) AS MATERIALIZED ({sql}),
        m AS MATERIALIZED (SELECT * FROM found WHERE %s OR (SELECT count(*) FROM found) > %s
                           ORDER BY published_at DESC, id DESC LIMIT %s),
        facets (facet, slug, name, n) AS (
          SELECT 'year', y, y, count(*)
            FROM (SELECT extract(year FROM published_on)::int::text AS y FROM m) AS years
           GROUP BY y
          UNION ALL SELECT 'source', s.slug, min(s.name), count(*)
            FROM m JOIN {Source._meta.db_table} s ON s.id = m.source_id
           WHERE m.password = '' GROUP BY s.slug
          UNION ALL SELECT 'byline', writer_slug, min(byline), count(*)
            FROM m WHERE writer_slug <> '' AND password = '' GROUP BY writer_slug
          UNION ALL SELECT 'dateline', dateline_slug, min(dateline), count(*)
            FROM m WHERE dateline_slug <> '' AND password = '' GROUP BY dateline_slug
          UNION ALL SELECT 'category', c.slug, min(c.name), count(*)
            FROM m JOIN {filing} f ON f.entry_id = m.id
            JOIN {Category._meta.db_table} c ON c.id = f.category_id GROUP BY c.slug
          UNION ALL SELECT 'tag', t.slug, min(t.name), count(*)
            FROM m JOIN {TaggedEntry._meta.db_table} te ON te.content_object_id = m.id
            JOIN {Tag._meta.db_table} t ON t.id = te.tag_id GROUP BY t.slug)
        SELECT 'page', id::text, '', row_number() OVER (ORDER BY {order})
          FROM (SELECT * FROM m ORDER BY {order} LIMIT %s OFFSET %s) AS page
        UNION ALL SELECT 'total', '', '', count(*) FROM found
        UNION ALL SELECT facet, slug, name, n FROM (
          SELECT *, row_number() OVER (PARTITION BY facet
                                       ORDER BY n DESC, slug COLLATE "C") AS place
            FROM facets) AS shown
         WHERE facet = 'year' OR place <= %s
    """
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, final, WINDOW, WINDOW, PER_PAGE, offset, FACET_SIZE])
        rows = cursor.fetchall()
    page = sorted((n, int(key)) for facet, key, _, n in rows if facet == "page")
    total = next(n for facet, _, _, n in rows if facet == "total")
    facet_rows = [row for row in rows if row[0] not in ("page", "total")]
    return total, [pk for _, pk in page], facet_rows


def with_snippets(ids, text):
    """The entries with these ids, in this order, each with a `snippet` marking the matches
    and its `attribution` (source and dateline) as a result shows them. A protected entry has
    neither: no text of it but its title leaves the database."""
    entries = Entry.objects.filter(pk__in=ids).select_related("source")
    found = {}
    if ids and connection.vendor == "postgresql":
        query = SearchQuery(text, search_type="websearch", config="english")
        plain_body = Func(
            F("body"), Value("<[^>]+>"), Value(" "), Value("g"), function="regexp_replace"
        )
        readable_body = Case(
            When(password="", then=plain_body), default=Value(""), output_field=TextField()
        )
        headline = SearchHeadline(
            readable_body,
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
        if entry.password:
            entry.highlighted, entry.attribution = PROTECTED_SNIPPET, []
        else:
            entry.highlighted = highlighted(getattr(entry, "snippet", ""))
            entry.attribution = [
                name for name in (entry.source and entry.source.name, entry.dateline) if name
            ]
    return ordered


def highlighted(snippet):
    """The snippet, escaped, with the matched words in <mark>."""
    text = escape(re.sub(r"<[^>]*>?", " ", snippet or ""))
    return mark_safe(text.replace(START, "<mark>").replace(STOP, "</mark>"))


def asked_page(value):
    """The page `?page=` asks for: 1 unless it is a plain number, and no further than the
    last page a search can have (a page beyond the last shows the last; the offset of a larger
    one would be more than the database's integers hold)."""
    if not re.fullmatch("[0-9]+", value or ""):
        return 1
    return max(1, min(int(value), LAST_PAGE)) if len(value) <= 9 else LAST_PAGE


def results_page(text, chosen, page_number):
    """One page of ranked matches with snippets, and the filter counts: on PostgreSQL the
    planner's estimate of the matches (past FIRST_SLICE entries), a statement per slice looked
    through (one, unless the estimate was far off) and one for the snippets (what "the search
    query itself" costs)."""
    matches = apply_filters(matched(text), chosen)
    months = month_counts()  # newest first
    summary = summary_in_postgresql if connection.vendor == "postgresql" else summary_in_python
    number = asked_page(page_number)
    if parse(text).is_empty or matches.query.is_empty():
        # Nothing searchable was typed (only punctuation, say), or a filter names nothing (a
        # category that does not exist).
        summary = lambda *args: (0, [], [])  # noqa: E731
    total, page_ids, facet_rows = summary(matches, text, (number - 1) * PER_PAGE, months)
    page = Paginator(range(min(total, WINDOW)), PER_PAGE).get_page(number)
    if page.number != number:  # asked beyond the last page: show the last
        offset = (page.number - 1) * PER_PAGE
        total, page_ids, facet_rows = summary(matches, text, offset, months)
    page.object_list = with_snippets(page_ids, text)
    # More matches than are ranked: the page says "more than WINDOW" rather than a count.
    page.more_than = WINDOW if total > WINDOW else None
    facets = shown_facets(facet_rows)
    if page.more_than and not chosen.get("year"):
        # Older matches were not counted: offer every year of the archive, uncounted, as a
        # way to reach them.
        counted = {slug for slug, _, _ in facets["year"]}
        years = {str(month.year) for month, _, _ in months}
        facets["year"] += [(year, year, None) for year in years - counted]
        facets["year"].sort(reverse=True)
    return page, facets


def run(text, chosen, page_number):
    """Everything a results page shows: a page of ranked results, the filters and counts."""
    page, counts = results_page(text, chosen, page_number)
    return page, page.object_list, facet_links(counts, text, chosen)

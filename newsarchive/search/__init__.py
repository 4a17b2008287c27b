"""Full-text search over public entries, the same way on PostgreSQL and SQLite.

PostgreSQL keeps a weighted tsvector column (title A, byline and dateline B, body C) with a GIN
index (also keyed by day) and reads queries with websearch_to_tsquery: "quoted phrases",
-exclusions, or. SQLite keeps an FTS5 table in step with the entries by triggers (migrations
0009 and 0019); the same query syntax is translated into FTS5's. Both rank (title matches
first) and mark the matched words in a snippet.

A password-protected entry is indexed by its title alone, on both (migration 0019): its byline,
dateline and body are behind its password, so they are never matched, counted in the filters
or shown in a snippet.

query.py: what was typed and what it matches; results.py: a ranked, counted page of the newest
matches; filters.py: the filters beside the results and the suggestions when nothing matches;
sqlite_index.py: SQLite's index and its triggers.
"""

from newsarchive.search.filters import FILTERS, alternatives, is_filtered, search_url
from newsarchive.search.query import clean
from newsarchive.search.results import results_page, run
from newsarchive.search.sqlite_index import keep_sqlite_index

__all__ = [
    "FILTERS", "alternatives", "clean", "is_filtered", "keep_sqlite_index", "results_page",
    "run", "search_url",
]  # fmt: skip

"""Search latency on a large archive in PostgreSQL: the query alone and the whole page.

Builds (once, then reuses) a PostgreSQL database holding a generated archive, then runs a fixed
list of queries several times each and reports the median and 95th percentile of
  * the search query itself (the ranked first page of results, with snippets), and
  * the whole /search/ page through Django (count, results, filter counts, rendering).

    .venv/bin/python bench/search_latency.py [--entries 100000] [--rounds 5] [--database NAME]

Targets (issue: search): 95th percentile under 50 ms for the query, under 100 ms for the page.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = [
    "council",
    "water budget",
    '"bridge repairs"',
    "riverton -budget",
    "stadium or clinic",
    "vaccination drive",
    "satellite launch",
    "trade corridor",
    "Example Wire Service",
    "BAGHDAD",
    "privacy rules",
    "ceasefire plan",
    "the",
    "merger proposal -bank",
    '"youth academy" or "season schedule"',
    "glacier survey",
    "zeppelin",
    "Khalilzad",
    "Kirkuk referendum",
    "العراق",
]


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def prepare(database, entries):
    """Create, migrate and fill the database unless it already holds the archive."""
    # Production settings (DEBUG off: no query log), as `make bench` serves pages; plain HTTP
    # from the test client, where production has a TLS-terminating proxy in front.
    env = {name: value for name, value in os.environ.items() if name != "DEBUG"}
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
        SECRET_KEY="bench-only-not-a-secret",
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
    )
    exists = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc",
         f"SELECT 1 FROM pg_database WHERE datname = '{database}'"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    if not exists:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--verbosity", "0"], env=env, check=True)
    os.environ.pop("DEBUG", None)
    settings = ("DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT")
    os.environ.update({name: env[name] for name in settings})
    import django

    django.setup()
    from newsarchive.models import Entry

    have = Entry.objects.count()
    if have < entries:
        print(f"generating {entries - have:,} entries into {database} (once)…", flush=True)
        subprocess.run(
            [*manage, "generate_archive", "--entries", str(entries - have), "--seed", "11"],
            env=env,
            check=True,
        )
    with django.db.connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Entry.objects.count()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    database = args.database or f"bench_search_{args.entries}"
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsarchive.settings")
    # Pages made on every request, fragments (the sidebar) from Redis, as in production.
    os.environ["CACHE_URL"] = f"redis://127.0.0.1:6379/14?key_prefix={database}"
    os.environ["PAGE_CACHE"] = "0"
    total = prepare(database, args.entries)

    from django.test import Client
    from django.test.utils import setup_test_environment

    from newsarchive import search

    setup_test_environment()
    client = Client()
    query_times, page_times = [], []
    by_query = {text: [] for text in QUERIES}
    for round_number in range(args.rounds + 1):
        for text in QUERIES:
            started = time.perf_counter()
            search.results_page(text, {}, 1)
            query_ms = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            response = client.get("/search/", {"q": text})
            page_ms = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, text
            if round_number:  # the first round warms caches and connections
                query_times.append(query_ms)
                page_times.append(page_ms)
                by_query[text].append(query_ms)
    print(f"archive: {total:,} entries in {database}; {len(QUERIES)} queries × {args.rounds}")
    matches = {text: search.results_page(text, {}, 1)[0].paginator.count for text in QUERIES}
    slowest = sorted(by_query, key=lambda text: -statistics.median(by_query[text]))[:5]
    for text in slowest:
        median = statistics.median(by_query[text])
        print(f"  slow: {text!r:40} median {median:6.1f} ms, {matches[text]:,} matches")
    for name, times, target in [("query", query_times, 50), ("page", page_times, 100)]:
        median, p95 = statistics.median(times), percentile(times, 0.95)
        verdict = "meets" if p95 < target else "misses"
        print(
            f"{name:5}  median {median:7.1f} ms   p95 {p95:7.1f} ms   ({verdict} p95 < {target} ms)"
        )


if __name__ == "__main__":
    main()

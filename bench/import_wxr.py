"""How fast `import_wxr` loads a large WordPress export into PostgreSQL, and in how much memory.

    .venv/bin/python bench/import_wxr.py                      # 100,000 entries, 3 runs
    .venv/bin/python bench/import_wxr.py --entries 2000 --runs 1   # a quick look

1. The export: a throwaway database wxrhelper_bench_source gets `generate_archive --entries N
   --seed 7`, and `export_wxr` writes it to a file (kept in the temp folder and reused by
   later runs for the same N and seed; --fresh makes it again).
2. Each run: a new empty database wxrhelper_bench_target, migrated (not timed), then
   `manage.py import_wxr FILE` under /usr/bin/time -v: wall-clock time and peak resident
   memory of the whole process, and the import's own figure (entries per second over the
   import itself, without Python's start-up and Django's setup).
3. The medians over the runs, and the row counts of the last run checked against the source.

Needs PostgreSQL at 127.0.0.1:5432 with trust authentication (BENCH_POSTGRES says otherwise).
Only the two wxrhelper_bench_* databases are ever dropped.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
SOURCE_DB, TARGET_DB = "wxrhelper_bench_source", "wxrhelper_bench_target"
SUMMARY = re.compile(r"([\d,]+) entries in ([\d.]+) s \(([\d,]+) entries/s\)")
COUNTED = ["newsarchive_entry", "newsarchive_comment", "newsarchive_entry_categories",
           "newsarchive_taggedentry", "auth_user"]  # fmt: skip


def say(message):
    print(message, file=sys.stderr, flush=True)


def recreate(name):
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop(name):
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def environment(database):
    return {
        **os.environ,
        "DATABASE_URL": f"{POSTGRES}/{database}",
        "SECRET_KEY": "import-benchmark",
        "DEBUG": "",
        "CACHE_URL": "dummy://",
        "CONN_MAX_AGE": "0",
    }


def manage(database, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(database),
        check=True,
        text=True,
        **kwargs,
    )


def row_counts(database):
    with psycopg.connect(f"{POSTGRES}/{database}") as connection:
        return {
            table: connection.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for table in COUNTED
        }


def make_export(entries, seed, path):
    say(f"Generating {entries:,} entries (seed {seed}) in {SOURCE_DB} …")
    recreate(SOURCE_DB)
    manage(SOURCE_DB, "migrate", "--verbosity", "0")
    started = time.monotonic()
    manage(SOURCE_DB, "generate_archive", "--entries", str(entries), "--seed", str(seed),
           "--verbosity", "0")  # fmt: skip
    say(f"  generated in {time.monotonic() - started:.0f} s; exporting to {path} …")
    started = time.monotonic()
    manage(SOURCE_DB, "export_wxr", "--output", str(path), stderr=subprocess.DEVNULL)
    say(f"  exported {path.stat().st_size / 1e6:.0f} MB in {time.monotonic() - started:.0f} s")
    counts = row_counts(SOURCE_DB)
    path.with_suffix(".counts.json").write_text(json.dumps(counts))
    return counts


def one_run(path):
    recreate(TARGET_DB)
    manage(TARGET_DB, "migrate", "--verbosity", "0")
    result = subprocess.run(
        ["/usr/bin/time", "-v", sys.executable, "manage.py", "import_wxr", str(path)],
        cwd=ROOT,
        env=environment(TARGET_DB),
        capture_output=True,
        text=True,
        check=True,
    )
    imported = SUMMARY.search(result.stdout)
    entries, seconds = int(imported[1].replace(",", "")), float(imported[2])
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)[1])
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", result.stderr)[
        1
    ]
    wall_seconds = sum(float(part) * 60**i for i, part in enumerate(reversed(wall.split(":"))))
    return {
        "entries": entries,
        "import_seconds": seconds,
        "entries_per_second": entries / seconds,
        "process_seconds": wall_seconds,
        "entries_per_second_whole_process": entries / wall_seconds,
        "peak_rss_mb": rss_kb / 1024,
        "summary": result.stdout,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fresh", action="store_true", help="Generate and export again.")
    parser.add_argument("--keep", action="store_true", help="Keep the databases afterwards.")
    parser.add_argument("--json", type=Path, help="Also write the figures here.")
    args = parser.parse_args()

    path = Path(tempfile.gettempdir()) / f"wxrhelper-bench-{args.entries}-{args.seed}.xml"
    counts_path = path.with_suffix(".counts.json")
    if args.fresh or not path.exists() or not counts_path.exists():
        source_counts = make_export(args.entries, args.seed, path)
    else:
        say(f"Reusing {path} ({path.stat().st_size / 1e6:.0f} MB); --fresh makes it again.")
        source_counts = json.loads(counts_path.read_text())
    runs = []
    for number in range(1, args.runs + 1):
        run = one_run(path)
        runs.append(run)
        say(
            f"run {number}: {run['entries']:,} entries in {run['import_seconds']:.1f} s = "
            f"{run['entries_per_second']:,.0f} entries/s (whole process "
            f"{run['process_seconds']:.1f} s = {run['entries_per_second_whole_process']:,.0f}/s), "
            f"peak RSS {run['peak_rss_mb']:.0f} MB"
        )
    target_counts = row_counts(TARGET_DB)
    median = {
        key: statistics.median(run[key] for run in runs)
        for key in ["entries_per_second", "entries_per_second_whole_process", "peak_rss_mb",
                    "import_seconds", "process_seconds"]
    }  # fmt: skip
    print(f"WXR import of {args.entries:,} generated entries ({path.stat().st_size / 1e6:.0f} MB),"
          f" median of {len(runs)} runs:")  # fmt: skip
    print(f"  {median['entries_per_second']:,.0f} entries/s over the import "
          f"({median['import_seconds']:.1f} s)")  # fmt: skip
    print(f"  {median['entries_per_second_whole_process']:,.0f} entries/s over the whole process "
          f"({median['process_seconds']:.1f} s)")  # fmt: skip
    print(f"  peak resident memory {median['peak_rss_mb']:.0f} MB")
    print("  rows, source → target: " + ", ".join(
        f"{table} {source_counts[table]:,} → {target_counts[table]:,}" for table in COUNTED
    ))  # fmt: skip
    print("Last run's summary:\n" + runs[-1]["summary"])
    if args.json:
        args.json.write_text(json.dumps({"runs": runs, "median": median}, indent=2))
    if not args.keep:
        drop(TARGET_DB)
        drop(SOURCE_DB)


if __name__ == "__main__":
    main()

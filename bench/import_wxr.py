"""How fast `import_wxr` loads a large WordPress export, and in how much memory.

    .venv/bin/python bench/import_wxr.py                      # 100,000 entries, 3 runs
    .venv/bin/python bench/import_wxr.py --entries 2000 --runs 1   # a quick look
    .venv/bin/python bench/import_wxr.py --entries 40000 --against main --sqlite

1. The export: a throwaway database wxrhelper_bench_source gets `generate_archive --entries N
   --seed 7`, and `export_wxr` writes it to a file (kept in the temp folder and reused by
   later runs for the same N and seed; --fresh makes it again).
2. Each run: a new empty database, migrated (not timed): PostgreSQL's wxrhelper_bench_target,
   or (--sqlite) a copy of a migrated SQLite file in a temporary folder; then
   `manage.py import_wxr FILE` under /usr/bin/time -v: wall-clock time and peak resident
   memory of the whole process, and the import's own figure (entries per second over the
   import itself, without Python's start-up and Django's setup).
3. The medians over the runs, and the row counts of the last run checked against the source.

--against REVISION measures another revision too, in the same run: it is extracted into a
temporary folder (git archive) and run with this checkout's .venv, the two taking turns run
after run (which goes first alternates), so that drift on a shared machine falls on both and
the change is a ratio: this checkout's median import time over the other's, and the median
of each run's pair (the two imports of one run, back to back, share the load of the moment).

Needs PostgreSQL at 127.0.0.1:5432 with trust authentication (BENCH_POSTGRES says otherwise),
for the source database even with --sqlite. Only the two wxrhelper_bench_* databases are ever
dropped.
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import sqlite3
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
MEDIANS = ["entries_per_second", "entries_per_second_whole_process", "peak_rss_mb",
           "import_seconds", "process_seconds"]  # fmt: skip


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


def environment(database_url):
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "import-benchmark",
        "DEBUG": "",
        "CACHE_URL": "dummy://",
        "CONN_MAX_AGE": "0",
    }


def manage(database_url, *args, checkout=ROOT, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=checkout,
        env=environment(database_url),
        check=True,
        text=True,
        **kwargs,
    )


def row_counts(target):
    """{table: rows} of a PostgreSQL database name, or of a SQLite file (a Path)."""
    query = "SELECT count(*) FROM {}"
    if isinstance(target, Path):
        with contextlib.closing(sqlite3.connect(target)) as connection:
            return {t: connection.execute(query.format(f'"{t}"')).fetchone()[0] for t in COUNTED}
    with psycopg.connect(f"{POSTGRES}/{target}") as connection:
        return {
            table: connection.execute(sql.SQL(query).format(sql.Identifier(table))).fetchone()[0]
            for table in COUNTED
        }


def make_export(entries, seed, path):
    say(f"Generating {entries:,} entries (seed {seed}) in {SOURCE_DB} …")
    recreate(SOURCE_DB)
    source = f"{POSTGRES}/{SOURCE_DB}"
    manage(source, "migrate", "--verbosity", "0")
    started = time.monotonic()
    manage(source, "generate_archive", "--entries", str(entries), "--seed", str(seed),
           "--verbosity", "0")  # fmt: skip
    say(f"  generated in {time.monotonic() - started:.0f} s; exporting to {path} …")
    started = time.monotonic()
    manage(source, "export_wxr", "--output", str(path), stderr=subprocess.DEVNULL)
    say(f"  exported {path.stat().st_size / 1e6:.0f} MB in {time.monotonic() - started:.0f} s")
    counts = row_counts(SOURCE_DB)
    path.with_suffix(".counts.json").write_text(json.dumps(counts))
    return counts


class Target:
    """The empty database each run imports into: PostgreSQL's TARGET_DB, or a SQLite file
    copied from one migrated once per checkout."""

    def __init__(self, kind, folder):
        self.kind, self.folder = kind, folder
        self.templates = {}
        self.file = folder / "target.sqlite3"

    @property
    def counted(self):
        return self.file if self.kind == "sqlite" else TARGET_DB

    def empty(self, checkout):
        """A fresh, migrated database for `checkout`; returns its DATABASE_URL."""
        if self.kind == "postgresql":
            recreate(TARGET_DB)
            url = f"{POSTGRES}/{TARGET_DB}"
            manage(url, "migrate", "--verbosity", "0", checkout=checkout)
            return url
        if checkout not in self.templates:
            template = self.folder / f"template-{len(self.templates)}.sqlite3"
            manage(f"sqlite:///{template}", "migrate", "--verbosity", "0", checkout=checkout)
            self.templates[checkout] = template
        for leftover in self.folder.glob("target.sqlite3*"):
            leftover.unlink()
        shutil.copyfile(self.templates[checkout], self.file)
        return f"sqlite:///{self.file}"


def one_run(path, target, checkout):
    database_url = target.empty(checkout)
    result = subprocess.run(
        ["/usr/bin/time", "-v", sys.executable, "manage.py", "import_wxr", str(path)],
        cwd=checkout,
        env=environment(database_url),
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


def extract(revision, folder):
    """`revision` of this repository as plain files in `folder` (no worktree is registered)."""
    folder.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision], check=True,
                             capture_output=True).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def report(label, runs, source_counts, target_counts, size_mb, entries):
    median = {key: statistics.median(run[key] for run in runs) for key in MEDIANS}
    print(f"{label}: WXR import of {entries:,} generated entries ({size_mb:.0f} MB), "
          f"median of {len(runs)} runs:")  # fmt: skip
    print(f"  {median['entries_per_second']:,.0f} entries/s over the import "
          f"({median['import_seconds']:.1f} s; runs: "
          f"{', '.join(format(run['import_seconds'], '.1f') for run in runs)})")  # fmt: skip
    print(f"  {median['entries_per_second_whole_process']:,.0f} entries/s over the whole process "
          f"({median['process_seconds']:.1f} s)")  # fmt: skip
    print(f"  peak resident memory {median['peak_rss_mb']:.0f} MB")
    if target_counts is not None:
        print("  rows, source → target: " + ", ".join(
            f"{table} {source_counts[table]:,} → {target_counts[table]:,}" for table in COUNTED
        ))  # fmt: skip
    return median


def compare(kind, path, folder, checkouts, args, source_counts):
    """Import into `kind` of database with each checkout in turn; print the medians."""
    target = Target(kind, folder)
    runs = {label: [] for label in checkouts}
    for number in range(1, args.runs + 1):
        order = list(checkouts) if number % 2 else list(reversed(checkouts))
        for label in order:
            run = one_run(path, target, checkouts[label])
            runs[label].append(run)
            say(
                f"{kind}, {label}, run {number}: {run['entries']:,} entries in "
                f"{run['import_seconds']:.1f} s = {run['entries_per_second']:,.0f} entries/s "
                f"(whole process {run['process_seconds']:.1f} s), peak RSS "
                f"{run['peak_rss_mb']:.0f} MB"
            )
    counts = row_counts(target.counted)
    size_mb = path.stat().st_size / 1e6
    medians = {}
    for label in checkouts:
        last = counts if label == order[-1] else None
        medians[label] = report(f"{kind}, {label}", runs[label], source_counts, last, size_mb,
                                args.entries)  # fmt: skip
    if args.against:
        ratio = medians["this"]["import_seconds"] / medians[args.against]["import_seconds"]
        # Each run's pair, measured back to back, shares the machine's load of the moment.
        pairs = [
            mine["import_seconds"] / theirs["import_seconds"]
            for mine, theirs in zip(runs["this"], runs[args.against], strict=True)
        ]
        print(f"{kind}: this checkout's median import time is {ratio:.2f}× {args.against}'s; "
              f"run by run {', '.join(f'{pair:.2f}' for pair in pairs)}, median "
              f"{statistics.median(pairs):.2f}×")  # fmt: skip
    print(f"Last run's summary ({kind}, {order[-1]}):\n" + runs[order[-1]][-1]["summary"])
    return {"runs": runs, "median": medians}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sqlite", action="store_true", help="Import into SQLite as well.")
    parser.add_argument("--no-postgresql", action="store_true", help="Only SQLite.")
    parser.add_argument("--against", metavar="REVISION", help="Measure this revision too.")
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
    kinds = ["postgresql"] if not args.no_postgresql else []
    if args.sqlite or args.no_postgresql:
        kinds.append("sqlite")
    folder = Path(tempfile.mkdtemp(prefix="wxrhelper-bench-"))
    figures = {}
    checkouts = {"this": ROOT}
    if args.against:
        checkouts[args.against] = extract(args.against, folder / "other")
    try:
        for kind in kinds:
            figures[kind] = compare(kind, path, folder, checkouts, args, source_counts)
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if not args.keep:
            drop(TARGET_DB)
            drop(SOURCE_DB)


if __name__ == "__main__":
    main()

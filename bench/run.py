"""`make bench`: how fast newsarchive serves its pages, from a thousand entries to a million.

For each archive size this builds (or reuses) a PostgreSQL database with generate_archive,
serves it with gunicorn under production settings and drives wrk, from a separate process, at
each kind of page: once uncached (PAGE_CACHE=0: pages made on every request, fragments from
Redis, as a page the cache misses is made in production) and once cached (Redis). In the same run
it measures the ceiling, bench/ceiling.py serving the entry page's bytes from memory under the
same gunicorn settings. Queries per request and response bytes come from bench/probe.py, a
process of its own, never from inside a throughput run. Results: bench/results/latest.md and
latest.json; bench/README.md says how to read them.

    .venv/bin/python bench/run.py                       # 1,000 and 100,000 entries
    .venv/bin/python bench/run.py --million             # and 1,000,000
    .venv/bin/python bench/run.py --sizes 1000 --duration 2 --repeats 1   # a quick look
"""

import argparse
import contextlib
import hashlib
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import redis
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379")
SIZES = [1_000, 100_000]
MILLION = 1_000_000
SEED = 0
WORKERS = 2

# The targets of issue 7.
CEILING_SHARE, CEILING_SHARE_AIM = 0.5, 0.8  # cached entry page, of the ceiling's req/s
ENTRY_MAX_QUERIES = 8  # uncached entry page
ENTRY_MIN_RPS = 290  # uncached entry page: 10× WordPress's 29 req/s on the same machines
FLAT_COST = 1.2  # uncached median latency, largest size over smallest
WORKER_MAX_MB = 150  # resident, each gunicorn worker after a run

BUSY = 0.25  # other work's share of the CPUs above which a phase's figures get a warning

started = time.monotonic()


def say(message):
    minutes, seconds = divmod(int(time.monotonic() - started), 60)
    print(f"[{minutes:2d}:{seconds:02d}] {message}", flush=True)


# --- The archive ---------------------------------------------------------------------------


UNCACHED = "uncached"  # app_env's cache_url for pages made on every request
UNCACHED_REDIS_DB = 14


def app_env(database, cache_url):
    """Production settings (DEBUG unset) for the app, its management commands and probe.py.

    `cache_url=UNCACHED`: no page cache, fragments (sidebars, related entries) in Redis under
    a prefix of this archive's own, as a page the cache misses is made in production."""
    env = {name: value for name, value in os.environ.items() if name != "DEBUG"}
    page_cache = "1"
    if cache_url == UNCACHED:
        cache_url = f"{REDIS}/{UNCACHED_REDIS_DB}?key_prefix={database}"
        page_cache = "0"
    env.update(
        DJANGO_SETTINGS_MODULE="newsarchive.settings",
        DATABASE_URL=f"{POSTGRES}/{database}",
        CACHE_URL=cache_url,
        PAGE_CACHE=page_cache,
        CONN_MAX_AGE="60",
        SECRET_KEY="bench-only-not-a-secret",
        ALLOWED_HOSTS="127.0.0.1",
        # Plain HTTP from wrk, where production has a TLS-terminating proxy in front.
        SECURE_SSL_REDIRECT="0",
    )
    return env


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def maintenance():
    return psycopg.connect(f"{POSTGRES}/postgres", autocommit=True)


# What an archive is built from: a change to either means building it again.
GENERATOR = ("newsarchive/synthetic.py", "newsarchive/synthetic_words.py")


def prepare_database(size, fresh):
    """bench_<size>, holding `size` synthetic entries: built once, then reused.

    A comment on the database, written only once generation has finished, says what it holds;
    an interrupted build, another size or a changed generator means building it again.
    """
    name = f"bench_{size}"
    generator = hashlib.sha1()
    for module in GENERATOR:
        generator.update((ROOT / module).read_bytes())
    marker = (
        f"newsarchive bench: {size} entries, seed {SEED}, generator {generator.hexdigest()[:12]}"
    )
    identifier = sql.Identifier(name)
    with maintenance() as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
        reuse = row is not None and row[0] == marker and not fresh
        if not reuse:
            if row is not None:
                conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(identifier))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(identifier))
    env = app_env(name, UNCACHED)
    say(f"{size:,} entries: {'reusing' if reuse else 'building'} {name}")
    applied = applied_migrations(name)
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    if not reuse:
        manage(env, "generate_archive", "--entries", str(size), "--seed", str(SEED))
        with maintenance() as conn:
            conn.execute(
                sql.SQL("COMMENT ON DATABASE {} IS {}").format(identifier, sql.Literal(marker))
            )
    elif applied_migrations(name) != applied:
        # A new kept count or derived field starts out empty in an archive built before it.
        say(f"{size:,} entries: new migrations, so the kept counts are rebuilt")
        manage(env, "rebuild_counts")
    settle(name)
    return name


def settle(database):
    """Vacuum and analyze, as autovacuum does to a production database in its first minutes.

    A freshly written table has no visibility map yet, so PostgreSQL cannot answer from an index
    alone (filing and tag counts, say) and reads the rows too; where autovacuum is turned off,
    or has not caught up with a bulk load, the pages would be measured in a state production
    leaves behind within minutes. Quick when nothing changed since the last run.
    """
    with psycopg.connect(f"{POSTGRES}/{database}", autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")


def applied_migrations(database):
    with psycopg.connect(f"{POSTGRES}/{database}") as conn:
        exists = conn.execute("SELECT to_regclass('django_migrations')").fetchone()[0]
        return conn.execute("SELECT count(*) FROM django_migrations").fetchone()[0] if exists else 0


def probe(env, *args):
    """bench/probe.py's JSON answer, from a process of its own."""
    command = [sys.executable, "bench/probe.py", *args]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"bench/probe.py {args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


# --- Serving and measuring -----------------------------------------------------------------


def has_control_socket():
    """Recent gunicorns open a control socket (~/.gunicorn/gunicorn.ctl) unless told not to."""
    from gunicorn.config import KNOWN_SETTINGS

    return any(setting.name == "control_socket_disable" for setting in KNOWN_SETTINGS)


class Server:
    """gunicorn, 2 sync workers on a free local port, for the length of a `with` block."""

    def __init__(self, app, env, log, root=ROOT):
        self.app, self.env, self.log, self.root = app, env, log, root

    def __enter__(self):
        with socket.socket() as probe_socket:
            probe_socket.bind(("127.0.0.1", 0))
            self.port = probe_socket.getsockname()[1]
        command = [sys.executable, "-m", "gunicorn", self.app, "--workers", str(WORKERS)]
        command += ["--worker-class", "sync", "--bind", f"127.0.0.1:{self.port}"]
        if has_control_socket():
            # Two servers run at once, and both would claim the same socket.
            command.append("--no-control-socket")
        # gunicorn's own log and Django's (tracebacks of 500s) both go to stderr.
        # Pages are cached at the site's own address: the one wrk asks for.
        env = {**self.env, "SITE_URL": f"http://127.0.0.1:{self.port}"}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=self.root, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        try:
            self.wait_until_up()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def wait_until_up(self):
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.app} exited:\n{self.log_tail()}")
            try:
                self.get("/")
                return
            except OSError:
                if time.monotonic() > deadline:
                    message = f"gunicorn {self.app} did not answer:\n{self.log_tail()}"
                    raise RuntimeError(message) from None
                time.sleep(0.2)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path):
        """(status, body) of one plain request; redirects are answers, not followed."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def worker_rss_mb(self):
        listed = subprocess.run(
            ["ps", "-o", "rss=", "--ppid", str(self.process.pid)],
            capture_output=True,
            text=True,
        ).stdout
        return [round(int(kb) / 1024, 1) for kb in listed.split()]

    def log_tail(self):
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])


def wrk(url, seconds, args):
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s"]
    command += ["--timeout", "10s", "--latency", url]
    return parse_wrk(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


UNITS_MS = {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000}


def parse_wrk(output):
    """Requests/s, p50 and p99 (ms), and failures, from `wrk --latency` output."""
    percentiles = {
        percent: float(value) * UNITS_MS[unit]
        for percent, value, unit in re.findall(
            r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.MULTILINE
        )
    }
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    requests = int(re.search(r"(\d+) requests in", output)[1])
    return {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "p50_ms": percentiles["50"] if requests else None,
        "p99_ms": percentiles["99"] if requests else None,
        "requests": requests,
        "failed": (int(non_2xx[1]) if non_2xx else 0)
        + (sum(int(n) for n in socket_errors.groups()) if socket_errors else 0),
    }


def measure(targets, args):
    """Median figures of `repeats` wrk runs for each target ({name: (server, path)}).

    Targets take turns, round after round, so drift on a shared machine spreads over all of
    them instead of falling on whichever came last. A target that does not answer 200 is
    recorded with its status (404: not built yet) and not loaded.
    """
    figures, live = {}, {}
    for name, (server, path) in targets.items():
        status, _ = server.get(path)
        figures[name] = {"status": status}
        if status == 200:
            live[name] = (server, path)
            load(server, path, args.warmup, args)
    runs = {name: [] for name in live}
    for _ in range(args.repeats):
        for name, (server, path) in live.items():
            runs[name].append(load(server, path, args.duration, args))
    for name, target_runs in runs.items():
        timed = [run for run in target_runs if run["requests"]]
        figures[name].update(
            requests_per_second=statistics.median(
                run["requests_per_second"] for run in target_runs
            ),
            # None: no request finished within a run, so there is no latency to give.
            p50_ms=statistics.median(run["p50_ms"] for run in timed) if timed else None,
            p99_ms=statistics.median(run["p99_ms"] for run in timed) if timed else None,
            failed=sum(run["failed"] for run in target_runs),
            runs=target_runs,
        )
    return figures


def load(server, path, seconds, args):
    """One wrk run, then one plain request to let the server finish what wrk left behind.

    A sync worker still serves the requests that were queued when wrk hung up; without
    waiting for them, a slow page's leftovers would eat into the next run.
    """
    figures = wrk(server.url(path), seconds, args)
    server.get(path)
    return figures


def cpu_busy(seconds=1.0):
    """Share of all CPUs in use over `seconds`: between phases, that is other people's work."""

    def sample():
        ticks = [int(n) for n in Path("/proc/stat").read_text().split()[1:9]]
        return sum(ticks), ticks[3] + ticks[4]  # all, idle + iowait

    total, idle = sample()
    time.sleep(seconds)
    total_after, idle_after = sample()
    return round(1 - (idle_after - idle) / (total_after - total), 2)


def wait_for_quiet(patience):
    """Other work's share of the CPUs, after waiting up to `patience` seconds for it to drop."""
    deadline = time.monotonic() + patience
    busy = cpu_busy()
    while busy > BUSY and time.monotonic() < deadline:
        say(f"  other work is using {busy:.0%} of the CPUs: waiting for it to stop")
        time.sleep(4)
        busy = cpu_busy()
    return busy


def bench_size(size, args, logs):
    database = prepare_database(size, args.fresh)
    picked = probe(app_env(database, UNCACHED), "pages")
    pages = picked["pages"]
    result = {"entries": size, "database": database, **picked, "modes": {}}
    ceiling_html = logs / f"ceiling-{size}.html"
    ceiling_env = {**os.environ, "BENCH_CEILING_HTML": str(ceiling_html)}
    for mode, cache_url in (("uncached", UNCACHED), ("cached", f"{REDIS}/{args.redis_db}")):
        env = app_env(database, cache_url)
        say(f"{size:,} entries, {mode}: counting queries")
        costs = probe(env, "cost", *pages.values())
        if mode == "cached":
            redis.Redis.from_url(cache_url).flushdb()  # the warm-up fills it again
        busy = wait_for_quiet(args.quiet_wait)
        say(f"{size:,} entries, {mode}: load (other work using {busy:.0%} of the CPUs)")
        with Server("newsarchive.wsgi", env, logs / f"{size}-{mode}.log") as app:
            if not ceiling_html.exists():
                status, html = app.get(pages["entry"])
                if status != 200:
                    raise RuntimeError(f"The entry page answered {status}: no ceiling without it.")
                ceiling_html.write_bytes(html)
            # An idle gunicorn costs nothing, so the ceiling takes its turns among the pages.
            log = logs / f"{size}-{mode}-ceiling.log"
            with Server("bench.ceiling:application", ceiling_env, log) as ceiling_server:
                to_load = {name: (app, path) for name, path in pages.items()}
                figures = measure({**to_load, "ceiling": (ceiling_server, "/")}, args)
            rss = app.worker_rss_mb()
        ceiling = {**figures.pop("ceiling"), "bytes": ceiling_html.stat().st_size}
        for page in figures.values():
            if "requests_per_second" in page:
                page["ceiling_ratio"] = page["requests_per_second"] / ceiling["requests_per_second"]
        result["modes"][mode] = {
            "ceiling": ceiling,
            "pages": {
                name: {"path": path, **figures[name], "probe": costs[path]}
                for name, path in pages.items()
            },
            "worker_rss_mb": rss,
            "cpu_busy_before": busy,
        }
        report_progress(result["modes"][mode], rss)
    return result


ENDS = ("smallest", "largest")  # the two sizes flat cost compares


def bench_side_by_side(sizes, args, logs):
    """Each page uncached at the smallest and the largest size, served at once and loaded in
    turn (the same page at both sizes one after the other, round after round), for flat cost.

    Measured apart, the sizes are minutes away from each other, and a shared machine's speed
    drifts by more than the 1.2× allowed over minutes; side by side, drift falls on both.
    """
    small, large = sizes[0], sizes[-1]
    busy = wait_for_quiet(args.quiet_wait)
    say(
        f"flat cost: {small['entries']:,} and {large['entries']:,} entries side by side, "
        f"uncached (other work using {busy:.0%} of the CPUs)"
    )
    ends = dict(zip(ENDS, (small, large), strict=True))
    with contextlib.ExitStack() as stack:
        apps = {
            end: stack.enter_context(
                Server("newsarchive.wsgi", app_env(size["database"], UNCACHED),
                       logs / f"{end}-side.log")
            )
            for end, size in ends.items()
        }  # fmt: skip
        # The same page at both sizes one after the other: measure() keeps this order.
        figures = measure(
            {(name, end): (apps[end], ends[end]["pages"][name])
             for name in small["pages"] for end in ENDS},
            args,
        )  # fmt: skip
    pages = {name: {end: figures[name, end] for end in ENDS} for name in small["pages"]}
    for name, pair in pages.items():
        p50s = [pair[end].get("p50_ms") for end in ENDS]
        if None not in p50s:
            pair["growth"] = p50s[1] / p50s[0]
        say(f"  {name:9} p50 {ms(p50s[0]):>7} ms → {ms(p50s[1]):>7} ms")
    return {"entries": [small["entries"], large["entries"]], "cpu_busy_before": busy,
            "pages": pages}  # fmt: skip


def ms(value):
    return "–" if value is None else f"{value:.1f}"


def report_progress(mode, rss):
    for name, figures in mode["pages"].items():
        if "requests_per_second" in figures:
            say(
                f"  {name:9} {figures['requests_per_second']:8,.0f} req/s "
                f"{figures['ceiling_ratio']:4.0%}  p50 {ms(figures['p50_ms']):>7} ms  "
                f"{figures['probe']['queries']:3} queries"
            )
        else:
            say(f"  {name:9} HTTP {figures['status']}")
    say(f"  ceiling   {mode['ceiling']['requests_per_second']:8,.0f} req/s")
    say(f"  worker RSS {', '.join(f'{mb:.0f}' for mb in rss)} MB")


# --- Targets and results -------------------------------------------------------------------


def targets(sizes, side_by_side):
    """Each target of issue 7, with what was measured and whether it is met."""

    def entry(size, mode):
        return size["modes"][mode]["pages"]["entry"]

    def share(size):
        return entry(size, "cached").get("ceiling_ratio", 0)

    shares = [share(s) for s in sizes]
    rows = [
        {
            "target": f"Cached entry ≥ {CEILING_SHARE:.0%} of the ceiling "
            f"(aim {CEILING_SHARE_AIM:.0%})",
            "measured": per_size(
                sizes,
                lambda s: (
                    f"{share(s):.0%} ({rps(entry(s, 'cached'))} of "
                    f"{s['modes']['cached']['ceiling']['requests_per_second']:,.0f} req/s)"
                ),
            ),
            "met": min(shares) >= CEILING_SHARE,
            "aim_met": min(shares) >= CEILING_SHARE_AIM,
        },
        {
            "target": f"Uncached entry ≤ {ENTRY_MAX_QUERIES} queries",
            "measured": per_size(sizes, lambda s: f"{entry(s, 'uncached')['probe']['queries']}"),
            "met": all(
                entry(s, "uncached")["probe"]["queries"] <= ENTRY_MAX_QUERIES for s in sizes
            ),
        },
        {
            "target": f"Uncached entry ≥ {ENTRY_MIN_RPS} req/s (10× WordPress)",
            "measured": per_size(
                sizes,
                lambda s: (
                    f"{rps(entry(s, 'uncached'))} req/s "
                    f"({entry(s, 'uncached').get('ceiling_ratio', 0):.0%} of ceiling)"
                ),
            ),
            "met": all(
                entry(s, "uncached").get("requests_per_second", 0) >= ENTRY_MIN_RPS for s in sizes
            ),
        },
        flat_cost(sizes, side_by_side),
        memory(sizes),
    ]
    return rows


def flat_cost(sizes, side_by_side):
    """How much each page's uncached median latency grew from the smallest size to the largest,
    both measured side by side (bench_side_by_side)."""
    smallest, largest = sizes[0], sizes[-1]
    target = (
        f"Flat cost: uncached p50 at {largest['entries']:,} within {FLAT_COST}× "
        f"of {smallest['entries']:,}"
    )
    if side_by_side is None:
        return {"target": target, "measured": "needs two sizes", "met": None}
    pages = side_by_side["pages"]
    growth = {name: pair["growth"] for name, pair in pages.items() if "growth" in pair}
    unmeasured = [name for name in pages if name not in growth]
    measured = ", ".join(f"{name} {value:.2f}×" for name, value in growth.items())
    if unmeasured:
        measured += f"; not measured (no answer, or none within a run): {', '.join(unmeasured)}"
    return {
        "target": target,
        "measured": measured.lstrip("; "),
        "met": bool(growth) and not unmeasured and max(growth.values()) <= FLAT_COST,
        "growth": growth,
    }


def memory(sizes):
    readings = [
        (mb, size["entries"], mode)
        for size in sizes
        for mode, figures in size["modes"].items()
        for mb in figures["worker_rss_mb"]
    ]
    mb, entries, mode = max(readings)
    return {
        "target": f"Each gunicorn worker < {WORKER_MAX_MB} MB resident after its run",
        "measured": f"largest {mb:.0f} MB ({entries:,} entries, {mode})",
        "met": mb < WORKER_MAX_MB,
    }


def per_size(sizes, describe):
    return "; ".join(f"{s['entries']:,}: {describe(s)}" for s in sizes)


def rps(figures):
    if "requests_per_second" not in figures:
        return f"HTTP {figures['status']}"
    return f"{figures['requests_per_second']:,.0f}"


def verdict(row):
    if row["met"] is None:
        return "–"
    if not row["met"]:
        return "**not met**"
    if row.get("aim_met") is False:
        return "met (aim not yet)"
    return "met"


def markdown(report):
    settings = report["settings"]
    minutes, seconds = divmod(round(report["wall_seconds"]), 60)
    lines = [
        "# newsarchive benchmark",
        "",
        f"Run {report['finished_at']} on {report['machine']['cpus']} CPUs, "
        f"wall time {minutes} min {seconds:02d} s. gunicorn {WORKERS} sync workers, production "
        f"settings, CONN_MAX_AGE=60; wrk -t{settings['threads']} -c{settings['connections']}, "
        f"{settings['repeats']} × {settings['duration']} s per page, medians; cached means "
        "Redis. The ceiling is the entry page's bytes from memory, measured in turn with the "
        "pages; “× ceiling” is req/s as a share of it. How to read this: bench/README.md.",
        "",
        "## Targets",
        "",
        "| Target | Measured | |",
        "|---|---|---|",
    ]
    lines += [f"| {t['target']} | {t['measured']} | {verdict(t)} |" for t in report["targets"]]
    for size in report["sizes"]:
        lines += [
            "",
            f"## {size['entries']:,} entries",
            "",
            "| Page | Cache | req/s | × ceiling | p50 ms | p99 ms | queries | bytes | gzip bytes "
            "| Notes |",
            "|---|---|--:|--:|--:|--:|--:|--:|--:|---|",
        ]
        for mode, figures in size["modes"].items():
            lines.append(ceiling_row(mode, figures["ceiling"]))
        for name in size["pages"]:
            for mode, figures in size["modes"].items():
                lines.append(table_row(name, mode, figures["pages"][name]))
        lines += ["", "Pages:", ""]
        for name, path in size["pages"].items():
            note = f" ({size['entry_comments']} approved comments)" if name == "entry" else ""
            lines.append(f"- {name}: `{path}`{note}")
        rss = "; ".join(
            f"{mode} {', '.join(f'{mb:.0f}' for mb in figures['worker_rss_mb'])} MB"
            for mode, figures in size["modes"].items()
        )
        lines += ["", f"Worker RSS after each run: {rss}."]
        busy = {mode: figures["cpu_busy_before"] for mode, figures in size["modes"].items()}
        if max(busy.values()) > BUSY:
            shares = ", ".join(
                f"{share:.0%} before the {mode} runs" for mode, share in busy.items()
            )
            lines += [
                "",
                f"**The machine was busy with other work** ({shares}): absolute figures are low "
                "and noisy; compare the ratios to the ceiling, which was measured in turn with "
                "the pages.",
            ]
    lines += side_by_side_table(report["side_by_side"])
    return "\n".join(lines) + "\n"


def side_by_side_table(side_by_side):
    if side_by_side is None:
        return []
    small, large = side_by_side["entries"]
    lines = [
        "",
        f"## Flat cost: {small:,} and {large:,} entries side by side",
        "",
        "Uncached, both archives served at once and each page loaded at one size, then the "
        "other, round after round, so that the machine's drift falls on both.",
        "",
        f"| Page | p50 ms, {small:,} | p50 ms, {large:,} | growth | req/s, {small:,} "
        f"| req/s, {large:,} |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for name, pair in side_by_side["pages"].items():
        cells = [ms(pair[end].get("p50_ms")) for end in ENDS]
        cells.append(f"{pair['growth']:.2f}×" if "growth" in pair else "–")
        cells += [rps(pair[end]) for end in ENDS]
        lines.append(f"| {name} | {' | '.join(cells)} |")
    if side_by_side["cpu_busy_before"] > BUSY:
        lines += ["", f"Other work used {side_by_side['cpu_busy_before']:.0%} of the CPUs "
                  "before these runs."]  # fmt: skip
    return lines


def ceiling_row(mode, figures):
    return (
        f"| *ceiling* | {mode} runs | {figures['requests_per_second']:,.0f} | 100% "
        f"| {ms(figures['p50_ms'])} | {ms(figures['p99_ms'])} | – | {figures['bytes']:,} | – | |"
    )


def table_row(name, mode, figures):
    probe_figures = figures["probe"]
    cost = [
        str(probe_figures["queries"]),
        f"{probe_figures['bytes']:,}",
        f"{probe_figures['gzip_bytes']:,}",
    ]
    if "requests_per_second" not in figures:
        status = figures["status"]
        note = "missing (404)" if status == 404 else f"HTTP {status}, not loaded"
        return f"| {name} | {mode} | – | – | – | – | {' | '.join(cost)} | {note} |"
    note = f"{figures['failed']:,} failed requests" if figures["failed"] else ""
    if figures["p50_ms"] is None:
        note = "no request finished within a run"
    return (
        f"| {name} | {mode} | {figures['requests_per_second']:,.0f} "
        f"| {figures['ceiling_ratio']:.0%} | {ms(figures['p50_ms'])} | {ms(figures['p99_ms'])} "
        f"| {' | '.join(cost)} | {note} |"
    )


def write_results(report):
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.md").write_text(markdown(report))
    temporary = RESULTS / "latest.json.tmp"
    temporary.write_text(json.dumps(report, indent=2) + "\n")
    temporary.replace(RESULTS / "latest.json")


# --- Command line --------------------------------------------------------------------------


def preflight(args):
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    try:
        maintenance().close()
    except psycopg.OperationalError as error:
        sys.exit(f"PostgreSQL at {POSTGRES} does not answer (BENCH_POSTGRES): {error}")
    try:
        redis.Redis.from_url(f"{REDIS}/{args.redis_db}").ping()
    except redis.RedisError as error:
        sys.exit(f"Redis at {REDIS} does not answer (BENCH_REDIS): {error}")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--million", action="store_true", help="Add 1,000,000 entries.")
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(n) for n in text.split(",")],
        help="Comma-separated archive sizes, instead of 1000,100000.",
    )
    parser.add_argument("--fresh", action="store_true", help="Rebuild the archives.")
    parser.add_argument("--duration", type=int, default=4, help="Seconds per wrk run.")
    parser.add_argument("--repeats", type=int, default=3, help="wrk runs per page (median).")
    parser.add_argument("--warmup", type=int, default=1, help="Seconds of wrk before those.")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--quiet-wait",
        type=int,
        default=0,
        help="Seconds to wait, before each phase, for other work on the machine to stop.",
    )
    parser.add_argument("--redis-db", type=int, default=15, help="Flushed before cached runs.")
    args = parser.parse_args()
    args.sizes = sorted(set((args.sizes or SIZES) + ([MILLION] if args.million else [])))
    return args


def main():
    args = parse_args()
    preflight(args)
    say("collectstatic")
    manage(app_env("unused", UNCACHED), "collectstatic", "--noinput", "--verbosity", "0")
    # gunicorn's logs stay after the run: a page that fails under load is explained there.
    logs = Path(tempfile.mkdtemp(prefix="newsarchive-bench-"))
    sizes = [bench_size(size, args, logs) for size in args.sizes]
    side_by_side = bench_side_by_side(sizes, args, logs) if len(sizes) > 1 else None
    report = {
        "finished_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "wall_seconds": round(time.monotonic() - started, 1),
        "machine": {"cpus": os.cpu_count()},
        "settings": {
            "workers": WORKERS,
            "duration": args.duration,
            "repeats": args.repeats,
            "warmup": args.warmup,
            "connections": args.connections,
            "threads": args.threads,
        },
        "targets": targets(sizes, side_by_side),
        "sizes": sizes,
        "side_by_side": side_by_side,
    }
    write_results(report)
    say(f"wrote {RESULTS / 'latest.md'}; gunicorn logs in {logs}")
    for row in report["targets"]:
        print(f"  {verdict(row):18} {row['target']}: {row['measured']}")


if __name__ == "__main__":
    main()

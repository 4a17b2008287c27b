"""Two revisions side by side: each page uncached, served at once by this checkout and by
another revision, and loaded in turn, so that a change's effect is a ratio from one run.

    .venv/bin/python bench/compare.py HEAD~3                     # every page, 1,000 entries
    .venv/bin/python bench/compare.py bba49d3 --pages entry --repeats 7
    .venv/bin/python bench/compare.py main --database bench_100000

On a shared machine the same code's requests per second drift by half within minutes, so two
runs of `make bench` cannot say whether a change made a page 10% faster; the same page from
both revisions, measured one after the other round after round, can. The other revision is
checked out into a temporary git worktree and served with this checkout's .venv (a change of
dependencies between the two is not measured), from the same bench database (built by run.py),
with production settings and the page cache off (`--cached`: on, each in a Redis database of
its own). It prints each page's median requests per second for both, and this checkout's over
the other's.
"""

import argparse
import contextlib
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import redis
import run


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision", help="What to compare this checkout with (any git revision).")
    parser.add_argument("--database", default="bench_1000", help="A database run.py built.")
    parser.add_argument(
        "--pages",
        type=lambda text: text.split(","),
        help="Comma-separated pages (home,entry,month,category,tag,feed,search); all if unset.",
    )
    parser.add_argument("--duration", type=int, default=4, help="Seconds per wrk run.")
    parser.add_argument("--repeats", type=int, default=5, help="wrk runs per page and revision.")
    parser.add_argument("--warmup", type=int, default=1, help="Seconds of wrk before those.")
    parser.add_argument(
        "--cached",
        action="store_true",
        help="Pages from the page cache (each side its own Redis database) rather than made.",
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    return parser.parse_args()


@contextlib.contextmanager
def worktree(revision):
    """The revision checked out in a temporary directory, its static files collected."""
    folder = Path(tempfile.mkdtemp(prefix="newsarchive-compare-")) / "checkout"
    git = ["git", "-C", str(run.ROOT)]
    subprocess.run([*git, "worktree", "add", "--detach", "--quiet", str(folder), revision],
                   check=True)  # fmt: skip
    try:
        env = run.app_env("unused", run.UNCACHED)
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
                       cwd=folder, env=env, check=True)  # fmt: skip
        yield folder
    finally:
        subprocess.run([*git, "worktree", "remove", "--force", str(folder)], check=True)


def main():
    args = parse_args()
    run.preflight(argparse.Namespace(redis_db=15))
    env = run.app_env(args.database, run.UNCACHED)
    run.manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    envs = {"other": env, "this": env}
    if args.cached:
        envs = {side: run.app_env(args.database, f"{run.REDIS}/{db}")
                for side, db in (("other", 12), ("this", 13))}  # fmt: skip
        for side_env in envs.values():
            redis.Redis.from_url(side_env["CACHE_URL"]).flushdb()
    pages = run.probe(env, "pages")["pages"]
    if args.pages:
        pages = {name: pages[name] for name in args.pages}
    logs = Path(tempfile.mkdtemp(prefix="newsarchive-compare-logs-"))
    with worktree(args.revision) as other, contextlib.ExitStack() as stack:
        servers = {
            "other": stack.enter_context(
                run.Server("newsarchive.wsgi", envs["other"], logs / "other.log", root=other)
            ),
            "this": stack.enter_context(
                run.Server("newsarchive.wsgi", envs["this"], logs / "this.log")
            ),
        }
        mode = "cached" if args.cached else "uncached"
        run.say(f"{args.revision} and this checkout, {args.database}, {mode}")
        figures = run.measure(
            {(name, side): (servers[side], path) for name, path in pages.items()
             for side in servers},
            args,
        )  # fmt: skip
    print(f"\n| page | {args.revision} req/s | this checkout req/s | this / {args.revision} |")
    print("|---|--:|--:|--:|")
    for name in pages:
        other, this = figures[name, "other"], figures[name, "this"]
        if "runs" not in other or "runs" not in this:
            print(f"| {name} | status {other['status']} | status {this['status']} | – |")
            continue
        # Each round's pair was measured seconds apart: the median of their ratios.
        ratios = [
            mine["requests_per_second"] / theirs["requests_per_second"]
            for theirs, mine in zip(other["runs"], this["runs"], strict=True)
            if theirs["requests_per_second"]
        ]
        ratio = f"{statistics.median(ratios):.2f}×" if ratios else "–"
        print(f"| {name} | {other['requests_per_second']:,.0f} | "
              f"{this['requests_per_second']:,.0f} | {ratio} |")  # fmt: skip
    print(f"\ngunicorn logs in {logs}")


if __name__ == "__main__":
    main()

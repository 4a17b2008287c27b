"""`make bench-mixed`: a realistic hour of the archive, compressed into minutes, at 100,000 entries.

`make bench` loads one page at a time. A real site serves many pages at once while it changes:
this run serves the 100,000-entry archive (bench/run.py builds or reuses it) under production
settings with the Redis page cache, and for `--minutes` drives it with

- readers, from wrk: 80% entry pages chosen by a Zipf law over the whole archive (a few hot
  entries, a long tail; which entries are hot is a seeded shuffle), 15% list pages (home, its
  second page, the feed, the biggest categories and tags, again by a Zipf law), and 5% a crawler
  walking the month archives from the oldest, page by page;
- and writers, in a process of their own with the app's settings: a comment posted every second
  on an entry drawn by the same Zipf law (awaiting moderation, as a comment arrives), the oldest
  waiting one approved every ten seconds (readers see that), and an entry published every minute.

Before the measured minutes the same stream runs for `--warmup` seconds (a site that has been
up for a while has a warm cache), writers included. It reports the page cache's hit ratio (the
share of responses with `X-Cache: hit`), requests per second as a share of the ceiling
(bench/ceiling.py, measured just before and just after, the median taken), p50 and p99, and
what the writers did. Aims (issue 16): hit ratio >= 90%, >= 50% of the ceiling, p99 < 50 ms.
Results: bench/results/mixed.md and mixed.json.

Comments are written through the ORM rather than posted through the form: the comment form's
bot defences (a signed time, one address posting five comments a minute) are there to refuse
exactly such a stream, and what is measured is how reads fare while the archive changes.

    .venv/bin/python bench/mixed.py                 # 3 minutes, after 30 s of warm-up
    .venv/bin/python bench/mixed.py --minutes 1 --warmup 10     # a quick look
"""

import argparse
import bisect
import itertools
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SIZE = 100_000
SEED = 0
ZIPF_S = 1.1  # web traffic's popularity falls off about this steeply
SHARES = {"entry": 0.80, "list": 0.15, "crawler": 0.05}
STREAM_LENGTH = 400_000  # requests in the prepared stream; wrk cycles through it
AIMS = {"hit_ratio": 0.90, "ceiling_share": 0.50, "p99_ms": 50.0}


class Zipf:
    """Draws items with probability proportional to 1 / rank**s."""

    def __init__(self, items, s, rng):
        self.items, self.rng = items, rng
        self.cumulative = list(
            itertools.accumulate(1 / rank**s for rank in range(1, len(items) + 1))
        )

    def draw(self):
        return self.items[bisect.bisect(self.cumulative, self.rng.random() * self.cumulative[-1])]


# --- Django side (subcommands run with the app's settings) ----------------------------------


def django_setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsarchive.settings")
    import django

    django.setup()


def hot_order(rng):
    """Public posts' (pk, address), shuffled: the first is the hottest."""
    from newsarchive.models import Entry

    entries = [
        (entry.pk, entry.get_absolute_url())
        for entry in Entry.objects.public()
        .posts()
        .only("kind", "slug", "published_on")
        .order_by("pk")
    ]
    rng.shuffle(entries)
    return entries


def write_stream(path):
    """The readers' requests, one path a line, in the order wrk sends them."""
    from django.conf import settings
    from django.urls import reverse

    from newsarchive.models import Category, MonthArchive, Tag

    rng = random.Random(SEED)
    entries = Zipf([address for _, address in hot_order(rng)], ZIPF_S, rng)
    lists = [reverse("home"), f"{reverse('home')}page/2/", reverse("feed")]
    lists += [c.get_absolute_url() for c in Category.objects.order_by("-entry_count")[:20]]
    lists += [t.get_absolute_url() for t in Tag.objects.order_by("-entry_count")[:20]]
    lists = Zipf(lists, ZIPF_S, rng)
    per_page = settings.ENTRIES_PER_PAGE

    def crawl():
        while True:
            for month in MonthArchive.objects.filter(entry_count__gt=0).order_by("month"):
                address = month.get_absolute_url()
                yield address
                for page in range(2, (month.entry_count - 1) // per_page + 2):
                    yield f"{address}page/{page}/"

    crawler = crawl()
    kinds, weights = list(SHARES), list(SHARES.values())
    with open(path, "w") as out:
        for kind in rng.choices(kinds, weights, k=STREAM_LENGTH):
            out.write((entries.draw() if kind == "entry" else lists.draw() if kind == "list"
                       else next(crawler)) + "\n")  # fmt: skip


def run_writers(seconds, report_path):
    """A comment a second, an approval every ten, an entry a minute, for `seconds`."""
    from django.utils import timezone

    from newsarchive.models import Category, Comment, Entry

    rng = random.Random(SEED + 1)
    entry_ids = Zipf([pk for pk, _ in hot_order(rng)], ZIPF_S, rng)
    waiting, done = [], {"comments": 0, "approved": 0, "published": 0, "late_seconds": 0.0}
    start = time.monotonic()
    for tick in itertools.count():
        due = start + tick
        if due > start + seconds:
            break
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        else:
            done["late_seconds"] = max(done["late_seconds"], -delay)
        comment = Comment.objects.create(
            entry_id=entry_ids.draw(),
            author_name=f"Reader {tick}",
            author_email=f"reader{tick}@example.org",
            body=f"A comment posted {tick} seconds into the hour.",
            status=Comment.Status.PENDING,
            ip_address="192.0.2.1",
        )
        waiting.append(comment)
        done["comments"] += 1
        if tick % 10 == 9:
            approving = waiting.pop(0)
            approving.status = Comment.Status.APPROVED
            approving.save()
            done["approved"] += 1
        if tick % 60 == 59:
            entry = Entry.objects.create(
                title=f"News of minute {tick // 60}",
                slug=f"news-of-minute-{tick // 60}-{time.time_ns()}",
                body="<p>Published while readers were reading.</p>",
                status=Entry.Status.PUBLISHED,
                published_at=timezone.now(),
            )
            entry.categories.add(Category.uncategorized())
            done["published"] += 1
    Path(report_path).write_text(json.dumps(done))


# --- The run ---------------------------------------------------------------------------------

WRK_SCRIPT = """
local threads, next_id = {}, 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end
function init(args)
  paths = {}
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  position = id * math.floor(#paths / (next_id + 1)) + tonumber(args[2])
  hits, responses, failed = 0, 0, 0
end
function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end
function response(status, headers, body)
  responses = responses + 1
  if headers["X-Cache"] == "hit" then hits = hits + 1 end
  if status ~= 200 then failed = failed + 1 end
end
function done(summary, latency, requests)
  local h, r, f = 0, 0, 0
  for _, thread in ipairs(threads) do
    h = h + thread:get("hits")
    r = r + thread:get("responses")
    f = f + thread:get("failed")
  end
  io.write(string.format("MIXED hits=%d responses=%d non200=%d\\n", h, r, f))
end
"""


def wrk_mixed(server, script, stream, seconds, offset, args):
    import run

    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s",
               "--timeout", "10s", "--latency", "-s", str(script), server.url("/"),
               "--", str(stream), str(offset)]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures = run.parse_wrk(output)
    counted = re.search(r"MIXED hits=(\d+) responses=(\d+) non200=(\d+)", output)
    hits, responses, non_200 = (int(n) for n in counted.groups())
    return {**figures, "hits": hits, "responses": responses, "non_200": non_200}


def ceiling(server, args):
    import run

    runs = [run.wrk(server.url("/"), 4, args)["requests_per_second"] for _ in range(3)]
    return statistics.median(runs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "command", nargs="?", default="bench", choices=["bench", "stream", "writers"]
    )
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--warmup", type=int, default=30, help="Seconds before measuring.")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--redis-db", type=int, default=13, help="Flushed before the run.")
    parser.add_argument("--out", help="(stream, writers) where to write")
    parser.add_argument("--seconds", type=float, help="(writers) how long")
    args = parser.parse_args()
    if args.command == "stream":
        django_setup()
        return write_stream(args.out)
    if args.command == "writers":
        django_setup()
        return run_writers(args.seconds, args.out)

    sys.path.insert(0, str(HERE))
    import redis
    import run

    run.preflight(argparse.Namespace(redis_db=args.redis_db))
    work = Path(tempfile.mkdtemp(prefix="newsarchive-mixed-"))
    run.say("collectstatic")
    run.manage(
        run.app_env("unused", run.UNCACHED), "collectstatic", "--noinput", "--verbosity", "0"
    )
    database = run.prepare_database(SIZE, fresh=False)
    cache_url = f"{run.REDIS}/{args.redis_db}"
    redis.Redis.from_url(cache_url).flushdb()
    env = run.app_env(database, cache_url)
    stream, script = work / "stream.txt", work / "mixed.lua"
    script.write_text(WRK_SCRIPT)
    run.say("the readers' stream")
    subprocess.run([sys.executable, __file__, "stream", "--out", str(stream)], env=env,
                   cwd=ROOT, check=True)  # fmt: skip
    measured = args.minutes * 60
    with run.Server("newsarchive.wsgi", env, work / "app.log") as app:
        _, page = app.get(stream.read_text().split("\n", 1)[0])
        page_file = work / "ceiling.html"
        page_file.write_bytes(page)
        with run.Server("ceiling:application", {**env, "BENCH_CEILING_HTML": str(page_file)},
                        work / "ceiling.log", root=HERE) as top:  # fmt: skip
            run.say("the ceiling, before")
            ceilings = [ceiling(top, args)]
            writers_report = work / "writers.json"
            writers = subprocess.Popen(
                [sys.executable, __file__, "writers", "--seconds", str(args.warmup + measured + 5),
                 "--out", str(writers_report)], env=env, cwd=ROOT)  # fmt: skip
            try:
                run.say(f"warm-up, {args.warmup} s")
                warm = wrk_mixed(app, script, stream, args.warmup, 0, args)
                run.say(f"the hour, compressed into {args.minutes:g} minutes")
                hour = wrk_mixed(app, script, stream, int(measured), warm["responses"], args)
            finally:
                writers.wait()
            run.say("the ceiling, after")
            ceilings.append(ceiling(top, args))
    wrote = json.loads(writers_report.read_text())
    share = hour["requests_per_second"] / statistics.median(ceilings)
    report = {
        "finished_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "entries": SIZE,
        "minutes": args.minutes,
        "warmup_seconds": args.warmup,
        "connections": args.connections,
        "hit_ratio": hour["hits"] / hour["responses"],
        "requests_per_second": hour["requests_per_second"],
        "ceiling_requests_per_second": ceilings,
        "ceiling_share": share,
        "p50_ms": hour["p50_ms"],
        "p99_ms": hour["p99_ms"],
        "non_200": hour["non_200"],
        "failed": hour["failed"],
        "warmup": warm,
        "hour": hour,
        "writers": wrote,
        "aims": AIMS,
    }
    run.RESULTS.mkdir(exist_ok=True)
    (run.RESULTS / "mixed.json").write_text(json.dumps(report, indent=2) + "\n")
    (run.RESULTS / "mixed.md").write_text(markdown(report))
    print(markdown(report))
    run.say(f"logs in {work}")


def markdown(report):
    def met(ok):
        return "met" if ok else "missed"

    aims = report["aims"]
    ceilings = ", ".join(f"{c:,.0f}" for c in report["ceiling_requests_per_second"])
    writers = report["writers"]
    return f"""# A compressed hour at {report["entries"]:,} entries ({report["finished_at"]})

{report["minutes"]:g} minutes measured after {report["warmup_seconds"]} s of warm-up, wrk with
{report["connections"]} connections; writers: {writers["comments"]} comments posted,
{writers["approved"]} approved, {writers["published"]} entries published.

| Figure | Measured | Aim | |
|---|---|---|---|
| page-cache hit ratio | {report["hit_ratio"]:.1%} | >= {aims["hit_ratio"]:.0%} | {met(report["hit_ratio"] >= aims["hit_ratio"])} |
| req/s | {report["requests_per_second"]:,.0f} | | |
| share of the ceiling ({ceilings} req/s) | {report["ceiling_share"]:.0%} | >= {aims["ceiling_share"]:.0%} | {met(report["ceiling_share"] >= aims["ceiling_share"])} |
| p50 | {report["p50_ms"]:.1f} ms | | |
| p99 | {report["p99_ms"]:.1f} ms | < {aims["p99_ms"]:.0f} ms | {met(report["p99_ms"] < aims["p99_ms"])} |
| responses other than 200 | {report["non_200"]} | 0 | {met(report["non_200"] == 0)} |
"""  # noqa: E501


if __name__ == "__main__":
    main()

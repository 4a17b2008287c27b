"""One page's cost in one process: the WSGI app called directly, without a server or load.

    .venv/bin/python bench/page_cost.py                       # the entry page, bench_1000
    .venv/bin/python bench/page_cost.py --page home --database bench_100000
    .venv/bin/python bench/page_cost.py --instructions        # instructions a request (valgrind)

Time: the median of each of seven rounds of 150 requests, uncached (PAGE_CACHE=0, fragments from
Redis), with production settings, after a warm-up; the spread of the rounds shows how noisy the
machine is.
Instructions: the process run twice under `valgrind --tool=callgrind`, with 10 and with 60
requests, and the difference divided by 50, so that start-up cancels out. It counts what this
process executes, not what PostgreSQL does, and is the same from run to run to about 0.1%
whatever else the machine is doing: the figure to compare two versions of a page by. A run
takes about a minute. bench/README.md, "Where an uncached entry page's time goes", used both.
"""

import argparse
import io
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import run

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROUNDS, PER_ROUND = 7, 150


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="bench_1000", help="A database run.py built.")
    parser.add_argument("--page", default="entry", help="home, entry, month, category, …")
    parser.add_argument("--instructions", action="store_true", help="Count them with valgrind.")
    parser.add_argument("--requests", type=int, help=argparse.SUPPRESS)  # valgrind's runs
    return parser.parse_args()


def application_and_path(args):
    os.environ.update(run.app_env(args.database, run.UNCACHED))
    import probe

    from newsarchive.wsgi import application  # after the settings are in the environment

    return application, probe.pick_pages()["pages"][args.page]


def request(application, path):
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
    }  # fmt: skip
    answer = {}
    body = b"".join(application(environ, lambda status, headers, exc_info=None: answer.update(
        status=status)))  # fmt: skip
    if not answer["status"].startswith("200"):
        sys.exit(f"{path} answered {answer['status']}")
    return body


def instructions(args):
    """Instructions a request: valgrind's count with 60 requests, less that with 10, over 50."""
    counted = []
    for requests in (10, 60):
        command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                   sys.executable, __file__, "--database", args.database, "--page", args.page,
                   "--requests", str(requests)]  # fmt: skip
        output = subprocess.run(command, capture_output=True, text=True, check=True).stderr
        counted.append(int(re.search(r"Collected : (\d+)", output).group(1)))
    return (counted[1] - counted[0]) / 50


def main():
    args = parse_args()
    if args.instructions:
        print(f"{args.page}: {instructions(args) / 1e6:.2f} M instructions a request")
        return
    application, path = application_and_path(args)
    if args.requests is not None:  # one of the runs under valgrind
        for _ in range(args.requests):
            request(application, path)
        return
    size = len(request(application, path))
    for _ in range(50):
        request(application, path)
    medians = []
    for _ in range(ROUNDS):
        times = []
        for _ in range(PER_ROUND):
            started = time.perf_counter()
            request(application, path)
            times.append(time.perf_counter() - started)
        medians.append(statistics.median(times) * 1000)
    rounds = ", ".join(f"{m:.2f}" for m in medians)
    print(f"{args.page} ({path}, {size:,} bytes): {statistics.median(medians):.2f} ms a request;"
          f" round medians {rounds}")  # fmt: skip


if __name__ == "__main__":
    main()

"""The Django side of the benchmark: which pages to measure, and what each one costs.

run.py calls this in a process of its own, with the settings the benchmarked server gets, so
that counting queries never runs inside (or beside) a throughput run.

    python bench/probe.py pages             # JSON {pages: {name: path}, entry_comments: n}
    python bench/probe.py cost PATH [PATH…] # JSON {path: {status, queries, bytes, gzip_bytes}}
"""

import argparse
import json
import os
import sys
import wsgiref.util
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import unquote_to_bytes

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsarchive.settings")

# A word of middling frequency in the synthetic text ("water budget", "transfer budget"…).
SEARCH_WORDS = "budget"
COMMENTS_WANTED = 50


def pick_pages():
    """One address per kind of page, chosen by the same rule at every archive size."""
    from django.db.models import Count, F, Q
    from django.db.models.functions import Abs
    from django.urls import NoReverseMatch, reverse

    from newsarchive.models import Category, Comment, Entry, MonthArchive, Tag

    approved = Count(
        "comments",
        filter=Q(comments__status=Comment.Status.APPROVED, comments__kind=Comment.Kind.COMMENT),
    )
    entry = (
        Entry.objects.public()
        .posts()
        .annotate(approved=approved)
        .order_by(Abs(F("approved") - COMMENTS_WANTED), "pk")
        .first()
    )
    busiest_month = MonthArchive.objects.order_by("-entry_count", "month").first()
    # Category pages list the subcategories' entries too, so the biggest is a top-level one.
    subtree = {}
    for category in Category.objects.all():
        top = category.path.split("/")[0]
        subtree[top] = subtree.get(top, 0) + category.entry_count
    biggest_category = max(sorted(subtree), key=subtree.get)
    tag = Tag.objects.order_by("-entry_count", "pk").first()
    try:
        search = reverse("search")
    except NoReverseMatch:
        search = "/search/"  # not built yet: run.py records the 404 as missing
    pages = {
        "home": reverse("home"),
        "entry": entry.get_absolute_url(),
        "month": reverse(
            "archive-month",
            kwargs={"year": busiest_month.month.year, "month": busiest_month.month.month},
        ),
        "category": reverse("category", kwargs={"path": biggest_category}),
        "tag": tag.get_absolute_url(),
        "feed": reverse("feed"),
        "search": f"{search}?q={SEARCH_WORDS}",
    }
    return {"pages": pages, "entry_comments": entry.approved}


def page_cost(path):
    """Status, SQL queries and bytes of one anonymous request, after a first one warmed up.

    Requests go through the whole WSGI application gunicorn serves (newsarchive.wsgi: the page
    cache wraps Django there, so Django's test client would never meet it). The first request
    pays for once-per-process work and fills an empty cache, so the counted one is what the
    server's steady state costs. No request carries cookies, as none of wrk's do.
    """
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    from newsarchive.wsgi import application

    get(application, path)
    with ExitStack() as stack:
        captured = [stack.enter_context(CaptureQueriesContext(c)) for c in connections.all()]
        status, body = get(application, path)
    # Counted now: the next request clears the connections' query logs.
    queries = sum(len(c) for c in captured)
    _, gzipped = get(application, path, HTTP_ACCEPT_ENCODING="gzip")
    return {"status": status, "queries": queries, "bytes": len(body), "gzip_bytes": len(gzipped)}


def get(application, path, **headers):
    """(status, body) of a GET called the way a WSGI server calls the application."""
    path_info, _, query = path.partition("?")
    path_info = unquote_to_bytes(path_info).decode("latin-1")  # as PEP 3333 has it
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path_info, "QUERY_STRING": query, **headers}
    wsgiref.util.setup_testing_defaults(environ)  # host 127.0.0.1, http, empty input…
    started = {}

    def start_response(status, response_headers, exc_info=None):
        started["status"] = int(status.split()[0])
        return lambda data: started.setdefault("written", []).append(data)

    result = application(environ, start_response)
    try:
        body = b"".join([*started.get("written", []), *result])
    finally:
        if hasattr(result, "close"):
            result.close()  # what ends Django's request (request_finished)
    return started["status"], body


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("pages")
    cost = commands.add_parser("cost")
    cost.add_argument("paths", nargs="+")
    args = parser.parse_args()

    import django

    django.setup()
    if args.command == "pages":
        result = pick_pages()
    else:
        result = {path: page_cost(path) for path in args.paths}
    print(json.dumps(result))


if __name__ == "__main__":
    main()

"""The ceiling: the entry page's HTML returned from memory by the smallest WSGI app.

No Django, no database, no cache: what gunicorn with the benchmark's settings can serve on
this machine at all. Every figure in the results is also given as a share of this one, since
absolute numbers on a shared machine drift from run to run. run.py fetches the page once from
the real app and names the file in BENCH_CEILING_HTML.
"""

import os
from pathlib import Path

BODY = Path(os.environ["BENCH_CEILING_HTML"]).read_bytes()
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]

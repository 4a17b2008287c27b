"""Every public address a reader can reach, found by following what the site links to.

A crawl starts at the home page (and any other addresses given), follows every link, form
action, feed link and sitemap location on this site, and keeps each response: a new page or
feed is covered by the tests that crawl with no new code.
"""

import html
import re
from collections import Counter, deque
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.urls import Resolver404, resolve

# href="…", action="…" and src="…" in HTML; <loc>, <link> and <comments> in sitemaps and feeds;
# `Sitemap: …` in robots.txt.
LINKS = re.compile(
    r'(?:href|action|src)="([^"]*)"|<(?:loc|link|comments)>([^<]*)</|^Sitemap: (\S+)',
    re.MULTILINE,
)
SKIPPED = ("/admin/", "/static/")


def links_in(address, response):
    """The addresses on this site that a response links to, without fragments."""
    if (
        "html" not in response.get("Content-Type", "")
        and "xml" not in response.get("Content-Type", "")
        and "text/plain" not in response.get("Content-Type", "")
    ):
        return []
    found = []
    for groups in LINKS.findall(response.content.decode("utf-8", "replace")):
        link = html.unescape(next(g for g in groups if g) if any(groups) else "")
        if not link:
            continue
        parts = urlsplit(urljoin(f"http://testserver{address}", link))
        if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
            continue
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        if not target.startswith(SKIPPED):
            found.append(target)
    return found


def kind_of(address):
    """The route an address resolves to, and the names of its query parameters."""
    path, _, query = address.partition("?")
    try:
        route = resolve(path).route
    except Resolver404:
        route = None
    return route, frozenset(name for name, _ in parse_qsl(query, keep_blank_values=True))


def crawl(client, start=("/",), limit=400, per_kind=3, per_route=12):
    """{address: response} for the addresses reachable from `start`: at most `per_kind` of
    one route with the same query parameters, `per_route` of one route, `limit` in all (the
    search page's filter links alone combine into hundreds)."""
    responses, queue, queued = {}, deque(start), set(start)
    kinds, routes = Counter(), Counter()
    while queue and len(responses) < limit:
        address = queue.popleft()
        kind = kind_of(address)
        if address not in start and (kinds[kind] >= per_kind or routes[kind[0]] >= per_route):
            continue
        kinds[kind] += 1
        routes[kind[0]] += 1
        response = client.get(address)
        responses[address] = response
        if response.status_code in (301, 302) and response.get("Location"):
            linked = [urlsplit(urljoin(address, response["Location"]))]
            linked = [p.path + (f"?{p.query}" if p.query else "") for p in linked]
        else:
            linked = links_in(address, response)
        for target in linked:
            if target not in queued:
                queued.add(target)
                queue.append(target)
    return responses

"""Every public page costs a fixed number of queries, whatever the size of the archive.

Each page is measured with a cold cache (the sidebar computed) and a warm one (the sidebar
from the cache), on an archive of 1 entry and of 50 spread over months, categories, tags and
comments. The two sizes must cost the same.
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import at, make_category, make_comment, make_entry, make_source, make_tag

pytestmark = pytest.mark.django_db

# page: (queries with a cold cache, with a warm cache). Cold: the sidebar's five blocks, related
# entries and "on this day" are computed; warm: they come from the cache, as for most readers.
BUDGET = {
    "/": (9, 3),
    "/page/2/": (9, 3),
    "/2007/": (8, 3),
    "/2007/03/": (8, 3),
    "/2007/03/10/": (9, 3),
    "/2007/03/10/target/": (10, 2),
    "/category/world/": (8, 3),
    "/category/world/middle-east/": (8, 3),
    "/tag/iran/": (8, 3),
    "/author/ann/": (9, 4),
    "/feed/": (2, 2),
    "/feed/atom/": (2, 2),
    "/category/world/feed/": (3, 3),
    "/tag/iran/feed/": (3, 3),
    # One more than the items: the page of comments showing each (comment_links()).
    "/comments/feed/": (3, 2),
    "/2007/03/10/target/feed/": (4, 3),
    "/source/associated-press/": (8, 3),
    "/byline/scheherezade-faramarzi/": (8, 3),
    "/dateline/baghdad/": (8, 3),
    "/dateline/baghdad/feed/": (3, 3),
    # Search: SQLite's FTS5 answers ranks and snippets in queries of their own.
    "/search/?q=talks": (11, 6) if connection.vendor == "sqlite" else (8, 3),
    "/search/?q=talks&dateline=baghdad&source=associated-press": (
        (11, 6) if connection.vendor == "sqlite" else (8, 3)
    ),
    "/no/such/page/": (6, 1),
}


def build_archive(size, author):
    world = make_category("World")
    middle_east = make_category("Middle East", parent=world)
    categories = [world, middle_east] + [make_category(f"Topic {n}") for n in range(size // 10)]
    tags = [make_tag("Iran")] + [make_tag(f"Tag {n}") for n in range(size)]
    source = make_source()
    target = make_entry(
        slug="target",
        title="Envoys hold direct talks",
        source=source,
        byline="Scheherezade Faramarzi, Associated Press Writer",
        dateline="BAGHDAD",
        published_at=at(2007, 3, 10, 18, 12),
        author=author,
        categories=categories[:3],
        tags=tags[:3],
    )
    for n in range(size - 1):
        entry = make_entry(
            title=f"Envoys hold talks, round {n}",
            source=source,
            byline=f"Writer {n % 7}, Associated Press Writer",
            dateline=["BAGHDAD", "TEHRAN", "CAIRO"][n % 3],
            published_at=at(2007, 3, 10) - datetime.timedelta(days=n * 13),
            author=author,
            categories=categories[: 1 + n % 3],
            tags=tags[n % size : n % size + 3],
        )
        for _ in range(n % 4):
            make_comment(entry)
    parent = None
    for _ in range(size):
        parent = make_comment(target, parent=parent)
    # A sticky entry and some unpublished ones must not change the cost either.
    make_entry(is_sticky=True, published_at=at(2007, 3, 9), author=author)
    make_entry(status="draft", published_at=at(2007, 3, 10, 3), author=author)


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == (404 if "no/such" in url else 200), url
    return len(queries)


@pytest.mark.parametrize("size", [1, 50])
def test_every_page_costs_the_same_at_one_and_fifty_entries(
    client, django_user_model, settings, size
):
    settings.ENTRIES_PER_PAGE = 1
    build_archive(size, django_user_model.objects.create_user("ann"))
    measured = {}
    for url in BUDGET:
        cache.clear()
        cold = queries_for(client, url)
        warm = queries_for(client, url)
        measured[url] = (cold, warm)
    assert measured == BUDGET


def test_entry_page_costs_no_more_with_500_threaded_comments(client, django_assert_max_num_queries):
    entry = make_entry(slug="busy", published_at=at(2007, 3, 10, 18, 12))
    quiet = make_entry(slug="quiet", published_at=at(2007, 3, 11))
    parents = [None]
    for n in range(500):
        parents.append(make_comment(entry, parent=parents[n // 3]))
    client.get(quiet.get_absolute_url())  # warm the sidebar and related entries of both
    client.get(entry.get_absolute_url())
    with CaptureQueriesContext(connection) as baseline:
        client.get(quiet.get_absolute_url())
    with django_assert_max_num_queries(len(baseline)):
        response = client.get(entry.get_absolute_url())
    assert "500 Comments" in response.content.decode()

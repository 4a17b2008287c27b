"""Every public page costs a fixed number of queries, whatever the size of the archive.

Each page is measured with a cold cache (the sidebar computed) and a warm one (the sidebar
from the cache), on an archive of 1 entry and of 50 spread over months, categories, tags and
comments, with lists of one entry a page and of fifty. All must cost the same.
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
    # A list: its entries (with author, source and comment counts), their categories, their
    # tags (a query each for the whole page), and how many it has (a kept count where one is).
    "/": (10, 4),
    "/page/2/": (10, 4),
    "/2007/": (9, 4),
    "/2007/03/": (9, 4),
    "/2007/03/10/": (10, 4),
    # The entry with its author, source and neighbours; its categories; its tags; its comments.
    # Cold, related entries cost three (tags, the entries before it in its categories, the
    # candidates).
    "/2007/03/10/target/": (13, 4),
    "/category/world/": (9, 4),
    "/category/world/middle-east/": (9, 4),
    "/tag/iran/": (9, 4),
    "/author/ann/": (10, 5),
    "/feed/": (3, 3),
    "/feed/atom/": (3, 3),
    "/category/world/feed/": (4, 4),
    "/tag/iran/feed/": (4, 4),
    # One more than the items: the page of comments showing each (comment_links()).
    "/comments/feed/": (3, 2),
    "/2007/03/10/target/feed/": (4, 3),
    "/source/associated-press/": (9, 4),
    "/byline/scheherezade-faramarzi/": (9, 4),
    "/dateline/baghdad/": (9, 4),
    "/dateline/baghdad/feed/": (4, 4),
    # Search: SQLite's FTS5 answers ranks and snippets in queries of their own.
    "/search/?q=talks": (10, 5) if connection.vendor == "sqlite" else (7, 2),
    "/search/?q=talks&dateline=baghdad&source=associated-press": (
        (10, 5) if connection.vendor == "sqlite" else (7, 2)
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
    # A sticky entry and some unpublished ones must not change the cost either. The sticky one
    # shares the target's category, so that it has a related entry at every size (one with
    # none costs a query fewer: there are no candidates to read).
    make_entry(is_sticky=True, published_at=at(2007, 3, 9), author=author,
               categories=categories[:1])  # fmt: skip
    make_entry(status="draft", published_at=at(2007, 3, 10, 3), author=author)


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == (404 if "no/such" in url else 200), url
    return len(queries)


@pytest.mark.parametrize("size, per_page", [(1, 1), (50, 1), (50, 50)])
def test_every_page_costs_the_same_at_one_and_fifty_entries(
    client, django_user_model, settings, size, per_page
):
    settings.ENTRIES_PER_PAGE = per_page
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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_postgresql_plans_the_entry_lookup_once_per_connection(client):
    # psycopg prepares a statement run more than `prepare_threshold` times on a connection
    # (settings.py): the entry page's lookup is parsed and planned once, not on every request.
    entry = make_entry(title="Talks")
    for _ in range(7):
        assert client.get(entry.get_absolute_url()).status_code == 200

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert any('AS "previous_json"' in statement for statement in prepared)

"""Every public address answers as WordPress's did: 200, a 301 to today's address, or 404."""

import json
import re

import pytest
from django.contrib.auth import get_user_model

from newsarchive.models import Entry
from tests.factories import (
    at,
    comment_data,
    make_category,
    make_comment,
    make_entry,
    make_tag,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive():
    author = get_user_model().objects.create_user("ann", first_name="Ann", last_name="Editor")
    world = make_category("World", wp_term_id=7)
    middle_east = make_category("Middle East", parent=world)
    iran = make_tag("Iran")
    entry = make_entry(
        title="U.S. and Iran hold rare direct talks",
        slug="us-and-iran-hold-rare-direct-talks",
        published_at=at(2007, 3, 10, 18, 12),
        categories=[middle_east],
        tags=[iran],
        author=author,
        wp_id=123,
    )
    comment = make_comment(entry, wp_id=77)
    return {"entry": entry, "comment": comment}


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/2007/",
        "/2007/03/",
        "/2007/03/10/",
        "/2007/03/10/us-and-iran-hold-rare-direct-talks/",
        "/category/world/",
        "/category/world/middle-east/",
        "/tag/iran/",
        "/author/ann/",
        "/feed/",
        "/feed/atom/",
        "/comments/feed/",
        "/category/world/middle-east/feed/",
        "/tag/iran/feed/",
        "/2007/03/10/us-and-iran-hold-rare-direct-talks/feed/",
    ],
)
def test_page_answers(client, archive, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("url", "location"),
    [
        ("/?p=123", "/2007/03/10/us-and-iran-hold-rare-direct-talks/"),
        ("/?m=2007", "/2007/"),
        ("/?m=200703", "/2007/03/"),
        ("/?m=20070310", "/2007/03/10/"),
        ("/?cat=7", "/category/world/"),
        # As WordPress does, a sub-category's own slug leads to its full path.
        ("/category/middle-east/", "/category/world/middle-east/"),
        ("/category/middle-east/page/2/", "/category/world/middle-east/page/2/"),
        ("/?tag=iran", "/tag/iran/"),
        ("/?feed=rss2", "/feed/"),
        ("/?feed=atom", "/feed/atom/"),
        ("/page/1/", "/"),
        (
            "/2007/03/10/us-and-iran-hold-rare-direct-talks",
            "/2007/03/10/us-and-iran-hold-rare-direct-talks/",
        ),
        (
            "/2007/03/10/us-and-iran-hold-rare-direct-talks/comment-page-2/",
            "/2007/03/10/us-and-iran-hold-rare-direct-talks/?cpage=2",
        ),
        (
            "/2007/03/10/us-and-iran-hold-rare-direct-talks/?replytocom=77",
            "/2007/03/10/us-and-iran-hold-rare-direct-talks/#comment-77",
        ),
    ],
)
def test_legacy_link_redirects_permanently(client, archive, url, location):
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (301, location)


def test_an_old_slug_redirects_to_the_renamed_entry(client, archive):
    entry = archive["entry"]
    entry.slug = "us-iran-talks"
    entry.save()
    response = client.get("/2007/03/10/us-and-iran-hold-rare-direct-talks/")
    assert (response.status_code, response["Location"]) == (301, "/2007/03/10/us-iran-talks/")


def test_an_old_date_redirects_to_the_redated_entry(client, archive):
    entry = archive["entry"]
    entry.published_at = at(2007, 3, 11, 9)
    entry.save()
    response = client.get("/2007/03/10/us-and-iran-hold-rare-direct-talks/")
    assert response["Location"] == "/2007/03/11/us-and-iran-hold-rare-direct-talks/"


@pytest.mark.parametrize(
    "url",
    [
        "/2007/03/10/no-such-entry/",
        "/2007/02/30/us-and-iran-hold-rare-direct-talks/",
        "/2007/03/11/us-and-iran-hold-rare-direct-talks/",
        "/2007/04/",
        "/2008/",
        "/2007/02/30/",
        "/2007/13/",
        "/category/nowhere/",
        "/category/nowhere/middle-east-not/",
        "/tag/nothing/",
        "/author/nobody/",
        "/page/2/",
        "/2007/03/page/2/",
        "/?p=999",
        "/?p=abc",
        "/?m=2007xx",
        "/?cat=999",
        "/tag/nothing/feed/",
        "/2007/03/10/no-such-entry/feed/",
    ],
)
def test_missing_things_are_404(client, archive, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("status", ["draft", "pending", "private", "trash", "future"])
def test_non_public_entries_are_404_to_readers(client, archive, status):
    entry = archive["entry"]
    Entry.objects.filter(pk=entry.pk).update(status=status)
    assert client.get(entry.get_absolute_url()).status_code == 404
    assert client.get("/?p=123").status_code == 404
    assert "rare direct talks" not in client.get("/2007/03/").content.decode()


@pytest.mark.parametrize(
    ("status", "reason"), [("draft", "it is draft"), ("private", "it is private")]
)
def test_staff_see_non_public_entries_with_a_banner_saying_why(
    client, admin_user, archive, status, reason
):
    entry = archive["entry"]
    Entry.objects.filter(pk=entry.pk).update(status=status)
    client.force_login(admin_user)
    response = client.get(entry.get_absolute_url())
    assert response.status_code == 200
    assert f"Only staff can see this entry: {reason}" in response.content.decode()


def test_public_entries_carry_no_staff_banner(client, archive):
    html = client.get(archive["entry"].get_absolute_url()).content.decode()
    assert "Only staff can see this entry" not in html


def test_category_archive_includes_entries_of_child_categories(client, archive):
    html = client.get("/category/world/").content.decode()
    assert "Archive for the ‘World’ Category" in html
    assert "rare direct talks" in html


def test_archive_headings(client, archive):
    assert "Archive for March, 2007" in client.get("/2007/03/").content.decode()
    assert "Archive for March 10th, 2007" in client.get("/2007/03/10/").content.decode()
    assert "Archive for 2007" in client.get("/2007/").content.decode()
    assert "Entries Tagged ‘Iran’" in client.get("/tag/iran/").content.decode()
    assert "Entries by Ann Editor" in client.get("/author/ann/").content.decode()


def test_archives_paginate_wordpress_style(client, settings):
    for day in range(1, 13):
        make_entry(title=f"March {day}", published_at=at(2007, 3, day))
    first = client.get("/2007/03/").content.decode()
    second = client.get("/2007/03/page/2/").content.decode()
    assert "March 12" in first and "March 2<" not in first.replace("March 2007", "")
    assert 'href="/2007/03/page/2/">« Older Entries' in first
    assert "March 1<" in second and 'href="/2007/03/">Newer Entries »' in second


def test_home_shows_sticky_entries_first(client):
    make_entry(title="Old but sticky", is_sticky=True, published_at=at(2006, 1, 1))
    make_entry(title="Newest", published_at=at(2007, 3, 10))
    html = client.get("/").content.decode()
    assert html.index("Old but sticky") < html.index("Newest")


def test_home_with_no_entries_says_so(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "No entries have been published yet." in response.content.decode()


def test_more_marker_gives_an_excerpt_and_a_read_more_link_on_lists(client):
    entry = make_entry(body="The lead.\n\n<!--more-->\n\nThe rest of the story.")
    home = client.get("/").content.decode()
    assert "The lead." in home and "The rest of the story." not in home
    assert "Read the rest of this entry »" in home
    assert "The rest of the story." in client.get(entry.get_absolute_url()).content.decode()


def test_not_found_page_uses_the_layout_with_the_sidebar(client, archive):
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Not found" in html and "Most Recent Posts" in html and "March 2007" in html
    assert "Traceback" not in html and "urlpatterns" not in html


@pytest.mark.django_db
def test_wordpress_numbers_lead_to_entries_written_here_too(client):
    from tests.factories import make_entry

    native = make_entry(title="Written here", slug="written-here")
    imported = make_entry(title="Imported", slug="imported", wp_id=native.pk + 1000)
    assert client.get(f"/?p={native.pk}")["Location"] == native.get_absolute_url()
    assert client.get(f"/?p={imported.wp_id}")["Location"] == imported.get_absolute_url()
    # A WordPress number wins over an id of this archive's own.
    shadowed = make_entry(title="Shadowed", slug="shadowed")
    make_entry(title="Post 1 of the blog", slug="wp-one", wp_id=shadowed.pk)
    assert client.get(f"/?p={shadowed.pk}")["Location"].endswith("/wp-one/")


@pytest.mark.django_db
def test_wordpress_paged_links_lead_to_the_page(client):
    assert client.get("/?paged=2")["Location"] == "/page/2/"
    assert client.get("/?paged=1")["Location"] == "/"
    assert client.get("/?paged=0").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE", "PATCH"])
def test_pages_and_feeds_answer_only_the_methods_they_take(client, method):
    from tests.factories import make_entry

    entry = make_entry(title="Talks", slug="talks")
    paths = ["/", entry.get_absolute_url(), "/feed/", "/comments/feed/",
             entry.get_comments_feed_url(), "/2007/03/", "/sitemap.xml", "/robots.txt"]  # fmt: skip
    for path in paths:
        response = client.generic(method, path)
        assert response.status_code == 405, (method, path)


@pytest.mark.django_db
def test_the_canonical_address_is_the_sites_own_whatever_the_request_said(client, settings):
    from django.test import RequestFactory

    from tests.wsgi import Reader

    settings.SITE_URL = "https://news.example.org"
    environ = RequestFactory().get("/", headers={"Host": "localhost:6666"}).environ
    environ["PATH_INFO"] = "//evil.example/2007/"  # as a browser sends it, unparsed
    html = Reader().request(environ).text
    canonical = re.search(r'rel="canonical" href="([^"]+)"', html).group(1)
    assert canonical == "https://news.example.org//evil.example/2007/"


def test_every_page_showing_an_entry_files_it_under_its_categories_and_tags_by_name(client):
    # Whatever the case of the first letter, and however the entry was filed.
    categories = [make_category(name) for name in ["world", "Zeta", "Asia"]]
    tags = [make_tag(name) for name in ["yemen", "Iran", "bahrain"]]
    entry = make_entry(published_at=at(2007, 3, 10), categories=categories, tags=tags)
    in_order = ["Asia", "world", "Zeta", "bahrain", "Iran", "yemen"]

    def shown(html, pattern):
        names = re.findall(pattern, html)
        assert names == in_order, names

    links = r'rel="(?:category )?tag">([^<]+)</a>'
    for url in ["/", "/2007/03/10/", "/category/world/", "/tag/iran/", entry.get_absolute_url()]:
        shown(client.get(url).content.decode(), links)
    page = client.get(entry.get_absolute_url()).content.decode()
    shown(page, r'<meta property="article:(?:section|tag)" content="([^"]+)">')
    [data] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page)
    assert [*json.loads(data)["articleSection"], *json.loads(data)["keywords"]] == in_order
    shown(client.get("/feed/").content.decode(), r"<category>([^<]+)</category>")
    # A refused comment is shown on the entry's page, filed as it always is.
    refused = client.post(entry.get_comment_post_url(), comment_data(entry, body=" "))
    assert refused.status_code == 400
    shown(refused.content.decode(), links)

"""Conditional GET for pages Django makes (Django's middleware): a page answers 304 to its own
ETag until it changes, and a page that sets the CSRF cookie, whose token is masked anew on every
request, carries no ETag, which could never match. (Cached pages: test_page_cache.py.)"""

import pytest
from django.conf import settings

from tests.crawling import crawl
from tests.factories import make_comment, make_entry

pytestmark = pytest.mark.django_db


def test_a_plain_page_answers_304_to_its_etag_until_it_changes(client):
    entry = make_entry(title="Talks")
    first = client.get("/")
    etag = first["ETag"]
    assert settings.CSRF_COOKIE_NAME not in first.cookies
    unchanged = client.get("/", headers={"if-none-match": etag})
    assert unchanged.status_code == 304 and unchanged["ETag"] == etag
    entry.title = "Talks resume"
    entry.save()
    changed = client.get("/", headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_a_page_that_sets_the_csrf_cookie_has_no_etag(client):
    entry = make_entry(title="Talks")
    for _ in range(2):  # minting the token, then renewing the cookie the reader sent
        response = client.get(entry.get_absolute_url())
        assert settings.CSRF_COOKIE_NAME in response.cookies
        assert not response.has_header("ETag")


def test_every_page_either_answers_304_to_its_etag_or_carries_a_fresh_token(client):
    entry = make_entry(title="Talks")
    make_comment(entry)
    pages = crawl(client, ["/", entry.get_absolute_url()])
    tagged = 0
    for address, response in pages.items():
        if response.status_code != 200:
            continue
        if settings.CSRF_COOKIE_NAME in response.cookies:
            assert not response.has_header("ETag"), address
        else:
            again = client.get(address, headers={"if-none-match": response["ETag"]})
            assert again.status_code == 304, address
            tagged += 1
    assert tagged and tagged < len(pages)

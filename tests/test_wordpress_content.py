"""Pages, password-protected and multi-page entries, non-Latin slugs: WordPress's ways."""

import pytest

from newsarchive.models import Entry, MonthArchive
from tests.factories import at, make_entry

pytestmark = pytest.mark.django_db


def make_page(slug, parent=None, **overrides):
    return make_entry(
        kind=Entry.Kind.PAGE, slug=slug, parent=parent, title=slug.title(), **overrides
    )


def test_pages_are_served_at_their_own_address(client):
    about = make_page("about", body="Who we are.")
    team = make_page("team", parent=about, body="The people.")
    assert about.get_absolute_url() == "/about/"
    assert team.get_absolute_url() == "/about/team/"
    html = client.get("/about/team/").content.decode()
    assert "The people." in html
    assert "Leave a Reply" in html
    assert 'rel="prev"' not in html and "Entry filed under" not in html


def test_pages_stay_out_of_lists_feeds_and_month_counts(client):
    make_page("about", body="Who we are.", published_at=at(2007, 3, 10))
    make_entry(title="A post", published_at=at(2007, 3, 11))
    assert "Who we are." not in client.get("/").content.decode()
    assert "About" not in client.get("/feed/").content.decode()
    assert [m.entry_count for m in MonthArchive.objects.all()] == [1]


def test_unpublished_pages_are_not_found(client):
    make_page("draft-page", status="draft")
    assert client.get("/draft-page/").status_code == 404


def test_wordpress_page_id_links_redirect_to_the_page(client):
    make_page("about", wp_id=2)
    response = client.get("/?page_id=2")
    assert (response.status_code, response["Location"]) == (301, "/about/")


def test_a_protected_entry_asks_for_its_password(client):
    entry = make_entry(title="Secret", body="The hidden text.", password="opensesame")
    html = client.get(entry.get_absolute_url()).content.decode()
    assert "Protected: Secret" in html
    assert "This content is password protected." in html
    assert "The hidden text." not in html
    assert "Leave a Reply" not in html


def test_the_right_password_opens_the_entry_in_this_browser(client):
    entry = make_entry(body="The hidden text.", password="opensesame")
    response = client.post(entry.get_absolute_url(), {"post_password": "opensesame"})
    assert (response.status_code, response["Location"]) == (302, entry.get_absolute_url())
    assert "The hidden text." in client.get(entry.get_absolute_url()).content.decode()


def test_a_wrong_password_says_so_and_keeps_the_entry_closed(client):
    entry = make_entry(body="The hidden text.", password="opensesame")
    response = client.post(entry.get_absolute_url(), {"post_password": "guess"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "That password is not right." in html and "The hidden text." not in html


def test_protected_entries_show_no_excerpt_in_lists_and_feeds(client):
    make_entry(body="The hidden text.", password="opensesame")
    for url in ["/", "/feed/"]:
        html = client.get(url).content.decode()
        assert "The hidden text." not in html
        assert "There is no excerpt because this is a protected post." in html


def test_nextpage_splits_an_entry_into_pages(client):
    entry = make_entry(body="Page one.\n<!--nextpage-->\nPage two.\n<!--nextpage-->\nPage three.")
    first = client.get(entry.get_absolute_url()).content.decode()
    second = client.get(f"{entry.get_absolute_url()}2/").content.decode()
    assert "<p>Page one.</p>" in first and "Page two." not in first
    assert "<p>Page two.</p>" in second and "<p>Page one.</p>" not in second
    assert f'<a href="{entry.get_absolute_url()}3/">3</a>' in first
    assert client.get(f"{entry.get_absolute_url()}4/").status_code == 404
    listing = client.get("/").content.decode()
    assert "Page one." in listing and "Page two." not in listing
    assert "Read the rest of this entry »" in listing


def test_percent_encoded_slugs_resolve_decoded_and_encoded(client):
    entry = make_entry(slug="%d1%82%d0%b5%d1%81%d1%82", body="Тестовая запись.")
    assert entry.get_absolute_url() == "/2007/03/10/%D1%82%D0%B5%D1%81%D1%82/"
    assert client.get("/2007/03/10/тест/").status_code == 200
    assert client.get(entry.get_absolute_url()).status_code == 200


def test_unicode_slugs_work_as_typed(client):
    entry = make_entry(slug="привет")
    assert client.get(entry.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_a_protected_entry_takes_comments_and_pings_only_from_who_typed_its_password(client):
    from newsarchive.models import Comment
    from tests.factories import comment_data, make_comment

    entry = make_entry(title="Locked", slug="locked", password="open sesame")
    refused = client.post(entry.get_comment_post_url(), comment_data(entry, body="Sent blind."))
    assert refused.status_code == 403 and "Sent blind." in refused.content.decode()
    ping = client.post(entry.get_trackback_url(), {"url": "https://elsewhere.example/post"})
    assert "<error>1</error>" in ping.content.decode()
    assert not Comment.objects.exists()
    hidden = make_comment(entry, body="Behind the password.")
    for parameter in ("replytocom", "comment"):
        response = client.get(f"{entry.get_absolute_url()}?{parameter}={hidden.pk}")
        assert response["Location"] == entry.get_absolute_url(), "which comments are its"
    client.post(entry.get_absolute_url(), {"post_password": "open sesame"})
    accepted = client.post(entry.get_comment_post_url(), comment_data(entry, body="Now I may."))
    assert accepted.status_code == 302

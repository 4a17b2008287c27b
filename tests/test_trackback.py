"""The TrackBack protocol: other blogs ping an entry; pings are moderated and listed apart."""

import pytest

from newsarchive.comments.moderation import set_status
from newsarchive.models import Comment
from tests.factories import make_comment, make_entry

pytestmark = pytest.mark.django_db

SUCCESS = '<?xml version="1.0" encoding="utf-8"?>\n<response>\n<error>0</error>\n</response>\n'


@pytest.fixture
def entry():
    return make_entry(title="Talks", slug="talks")


def ping(client, entry, **fields):
    data = {
        "url": "https://other.example/2007/03/11/about-the-talks/",
        "title": "About the talks",
        "excerpt": "<b>They</b> met at last.",
        "blog_name": "Other Blog",
        **fields,
    }
    return client.post(entry.get_trackback_url(), data)


def test_the_trackback_url_is_on_the_entry_page(client, entry):
    html = client.get(entry.get_absolute_url()).content.decode()
    assert '<a href="/2007/03/10/talks/trackback/" rel="trackback">Trackback this post</a>' in html


def test_a_trackback_is_accepted_and_waits_for_moderation(client, entry):
    response = ping(client, entry)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.decode() == SUCCESS
    trackback = Comment.objects.get()
    assert (trackback.kind, trackback.status) == (Comment.Kind.TRACKBACK, Comment.Status.PENDING)
    assert trackback.author_name == "Other Blog"
    assert trackback.author_url == "https://other.example/2007/03/11/about-the-talks/"
    assert trackback.body == "About the talks\n\nThey met at last."


def test_a_trackback_without_a_url_gets_an_error_reply(client, entry):
    response = ping(client, entry, url="")
    xml = response.content.decode()
    assert "<error>1</error>" in xml and "<message>" in xml
    assert not Comment.objects.exists()


def test_a_trackback_with_a_javascript_url_is_refused(client, entry):
    assert "<error>1</error>" in ping(client, entry, url="javascript:alert(1)").content.decode()


def test_trackbacks_are_refused_when_pings_are_closed(client):
    entry = make_entry(pings_open=False)
    assert "trackbacks are closed" in ping(client, entry).content.decode()


def test_the_same_url_cannot_ping_twice(client, entry):
    ping(client, entry)
    assert "already have a ping" in ping(client, entry).content.decode()
    assert Comment.objects.count() == 1


def test_getting_the_trackback_url_leads_to_the_entry(client, entry):
    response = client.get(entry.get_trackback_url())
    assert (response.status_code, response["Location"]) == (301, "/2007/03/10/talks/")


def test_approved_trackbacks_are_listed_apart_from_comments(client, entry):
    make_comment(entry, body="A real comment.")
    ping(client, entry)
    set_status(Comment.objects.filter(kind=Comment.Kind.TRACKBACK), Comment.Status.APPROVED)
    html = client.get(entry.get_absolute_url()).content.decode()
    assert "1 Comment on" in html
    pings = html[html.index('id="pings"') :]
    assert "Other Blog" in pings and "A real comment." not in pings


def test_pending_trackbacks_are_not_shown(client, entry):
    ping(client, entry)
    assert "Other Blog" not in client.get(entry.get_absolute_url()).content.decode()

import feedparser
import pytest

from newsarchive.models import Comment
from tests.factories import at, make_category, make_comment, make_entry, make_tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries():
    world = make_category("World")
    iran = make_tag("Iran")
    public = make_entry(
        title="Don't panic",
        slug="dont-panic",
        published_at=at(2007, 3, 10, 18, 12),
        categories=[world],
        tags=[iran],
        byline="Scheherezade Faramarzi, Associated Press Writer",
    )
    make_entry(title="A draft", status="draft", categories=[world], tags=[iran])
    make_comment(public, author_name="Approved reader", author_email="secret@example.com")
    make_comment(public, author_name="Pending reader", status=Comment.Status.PENDING)
    make_comment(public, author_name="Spammer", status=Comment.Status.SPAM)
    return public


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed, response.content.decode()


@pytest.mark.parametrize(
    "url", ["/feed/", "/feed/atom/", "/category/world/feed/", "/tag/iran/feed/"]
)
def test_entry_feeds_parse_and_list_public_entries_only(client, entries, url):
    feed, _ = parse(client, url)
    assert [item.title for item in feed.entries] == ["Don’t panic"]
    item = feed.entries[0]
    assert item.link == "http://testserver/2007/03/10/dont-panic/"
    assert item.author == "Scheherezade Faramarzi, Associated Press Writer"
    assert {t.term for t in item.tags} == {"World", "Iran"}
    assert "Paragraph one" in item.summary


def test_rss_feed_is_rss_2(client, entries):
    feed, xml = parse(client, "/feed/")
    assert feed.version == "rss20"
    assert "<comments>http://testserver/2007/03/10/dont-panic/#comments</comments>" in xml


def test_atom_feed_is_atom(client, entries):
    assert parse(client, "/feed/atom/")[0].version == "atom10"


@pytest.mark.parametrize("url", ["/comments/feed/", "/2007/03/10/dont-panic/feed/"])
def test_comment_feeds_list_approved_comments_and_never_emails(client, entries, url):
    feed, xml = parse(client, url)
    assert [item.author for item in feed.entries] == ["Approved reader"]
    approved = Comment.objects.get(author_name="Approved reader")
    assert feed.entries[0].link.endswith(f"/2007/03/10/dont-panic/#comment-{approved.pk}")
    assert "@example.com" not in xml


def test_comments_on_non_public_entries_stay_out_of_the_site_comment_feed(client, entries):
    entries.status = "draft"
    entries.save()
    feed, _ = parse(client, "/comments/feed/")
    assert feed.entries == []


def test_pages_link_their_feeds(client, entries):
    html = client.get("/category/world/").content.decode()
    assert 'title="News Archive » Feed" href="/feed/">' in html
    assert 'href="/category/world/feed/"' in html
    entry_html = client.get(entries.get_absolute_url()).content.decode()
    assert 'title="Don’t panic » Comments Feed" href="/2007/03/10/dont-panic/feed/"' in entry_html


@pytest.mark.parametrize("url", ["/comments/feed/", "/2007/03/10/locked/feed/"])
def test_comment_feeds_never_show_a_protected_entrys_comments(client, entries, url):
    locked = make_entry(
        title="Locked", slug="locked", password="sesame", published_at=at(2007, 3, 10, 20)
    )
    make_comment(locked, author_name="Behind the password", body="Hidden words.")
    feed, xml = parse(client, url)
    assert "Behind the password" not in xml and "Hidden words" not in xml
    if url == "/comments/feed/":
        assert [item.author for item in feed.entries] == ["Approved reader"]
    else:
        assert feed.entries == []
        assert feed.feed.title == "Comments on: Protected: Locked"


@pytest.mark.parametrize("url", ["/category/plans/feed/", "/tag/plans/feed/"])
def test_a_category_or_tag_of_hidden_entries_only_has_no_feed(client, url):
    """As its archive page, it is a 404: its name is known only from entries readers may not
    see (a draft's)."""
    plans = make_category("Layoffs planned", slug="plans")
    tag = make_tag("Layoffs planned")
    tag.slug = "plans"
    tag.save()
    make_entry(title="Draft", status="draft", categories=[plans], tags=[tag])
    assert client.get(url.removesuffix("feed/")).status_code == 404
    response = client.get(url)
    assert response.status_code == 404
    assert "Layoffs" not in response.content.decode()

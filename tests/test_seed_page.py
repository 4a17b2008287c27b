"""The demo archive's seed entry looks and links like the page the blog published."""

import re

import pytest

from newsarchive.management.commands.load_demo import load_demo
from newsarchive.models import Entry

pytestmark = pytest.mark.django_db

SEED_URL = "/2007/03/10/us-and-iran-hold-rare-direct-talks/"


@pytest.fixture
def seed_page(client):
    load_demo(entries=40, verbosity=0)
    response = client.get(SEED_URL)
    assert response.status_code == 200
    return response.content.decode()


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_seed_entry_is_stored_as_published():
    load_demo(entries=0, verbosity=0)
    entry = Entry.objects.get(slug="us-and-iran-hold-rare-direct-talks")
    assert entry.title == "U.S. and Iran hold rare direct talks"
    assert entry.body.startswith("Staff and agencies\n10 March, 2007\n\nBy SCHEHEREZADE FARAMARZI")
    assert "about Iraq ‘s perilous security situation" in entry.body
    assert entry.body.endswith("Nasser Karimi in Tehran contributed to this report.")
    assert [c.name for c in entry.categories.all()] == ["Uncategorized"]
    assert (entry.source.name, entry.credit_line, entry.byline, entry.dateline) == (
        "Associated Press",
        "Staff and agencies",
        "Scheherezade Faramarzi, Associated Press Writer",
        "BAGHDAD",
    )
    assert str(entry.original_published_on) == "2007-03-10"


def test_seed_page_shows_title_time_and_comment_link(seed_page):
    assert (
        '<h1 class="entry-title" itemprop="headline">U.S. and Iran hold rare direct talks</h1>'
        in seed_page
    )
    assert (
        '<time datetime="2007-03-10T18:12:00-05:00">March 10, 2007 at 6:12 pm</time>' in seed_page
    )
    assert ">Leave a comment</a>" in seed_page


def test_seed_page_shows_the_body_paragraphs(seed_page):
    assert "<p>BAGHDAD – U.S. and Iranian envoys spoke directly about Iraq ‘s perilous" in seed_page
    assert (
        "<p>Associated Press reporter Nasser Karimi in Tehran contributed to this report.</p>"
        in seed_page
    )
    body = seed_page[seed_page.index('itemprop="articleBody"') : seed_page.index("</div>")]
    # 24 paragraphs, the first keeping its line break: "Staff and agencies<br>10 March, 2007".
    assert body.count("<p>") == 24
    assert "<p>Staff and agencies<br>\n10 March, 2007</p>" in body


def test_seed_page_shows_the_attribution_visibly_and_as_microdata(seed_page):
    words = text(seed_page)
    assert "Source Associated Press" in words
    assert "Byline Scheherezade Faramarzi, Associated Press Writer" in words
    assert "Dateline BAGHDAD" in words
    assert 'itemprop="isBasedOn" itemscope itemtype="https://schema.org/NewsArticle"' in seed_page
    assert '<time itemprop="datePublished" datetime="2007-03-10">March 10, 2007</time>' in seed_page


def test_seed_page_is_filed_under_uncategorized(seed_page):
    filed = '<a href="/category/uncategorized/" rel="category tag">Uncategorized</a>.'
    assert f"Entry filed under: {filed}" in seed_page


def test_seed_page_links_its_real_neighbours_despite_synthetic_entries(seed_page):
    assert Entry.objects.filter(guid__startswith="synthetic:").count() == 40
    assert 'href="/2007/03/10/mccain-backs-dont-ask-dont-tell/" rel="prev"' in seed_page
    assert "McCain Backs ‘Don’t Ask, Don’t Tell’</a>" in seed_page
    assert 'href="/2007/03/10/nevada-democrats-cancel-debate-with-fox/" rel="next"' in seed_page
    assert "Nevada Democrats Cancel Debate With Fox</a>" in seed_page


def test_seed_page_has_the_reply_and_trackback_sections(seed_page):
    assert '<h2 id="reply-title">Leave a Reply</h2>' in seed_page
    words = text(seed_page)
    assert "Trackback this post | Subscribe to the comments via RSS Feed" in words


def test_seed_page_sidebar_lists_march_2007_and_recent_posts(seed_page):
    assert re.search(r'<a href="/2007/03/">March 2007</a> \(\d+\)', seed_page)
    assert "Most Recent Posts" in seed_page


def test_neighbours_say_their_text_was_not_preserved(client):
    load_demo(entries=0, verbosity=0)
    html = client.get("/2007/03/10/nevada-democrats-cancel-debate-with-fox/").content.decode()
    assert "was not preserved" in html
    assert 'rel="prev"' in html and "U.S. and Iran hold rare direct talks</a>" in html


def test_loading_the_demo_twice_changes_nothing():
    load_demo(entries=10, verbosity=0)
    before = list(Entry.objects.order_by("pk").values_list("pk", "slug", "published_at"))
    load_demo(entries=10, verbosity=0)
    assert list(Entry.objects.order_by("pk").values_list("pk", "slug", "published_at")) == before


def test_loading_the_demo_again_keeps_what_an_admin_changed():
    load_demo(entries=5, verbosity=0)
    seed = Entry.objects.get(slug="us-and-iran-hold-rare-direct-talks")
    seed.title = "Edited by an editor"
    seed.save()
    extra = Entry.objects.create(title="Written here", slug="written-here", status="publish")
    assert load_demo(entries=5, verbosity=0) is False
    assert Entry.objects.get(pk=seed.pk).title == "Edited by an editor"
    assert Entry.objects.filter(pk=extra.pk).exists()


def test_a_deliberate_reset_brings_the_demo_back():
    load_demo(entries=5, verbosity=0)
    Entry.objects.filter(slug="us-and-iran-hold-rare-direct-talks").update(title="Edited")
    Entry.objects.create(title="Written here", slug="written-here", status="publish")
    assert load_demo(entries=5, verbosity=0, reset=True) is True
    assert Entry.objects.get(slug="us-and-iran-hold-rare-direct-talks").title.startswith("U.S.")
    assert not Entry.objects.filter(slug="written-here").exists()


def test_the_seed_entry_was_last_modified_in_2007_not_when_the_demo_was_loaded():
    load_demo(entries=0, verbosity=0)
    seed = Entry.objects.get(slug="us-and-iran-hold-rare-direct-talks")
    assert seed.modified_at.year == 2007
    assert seed.published_on.isoformat() == "2007-03-10"

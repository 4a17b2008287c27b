"""Browsing by provenance, related entries, on this day, sitemaps and link previews."""

import datetime
import json
import re
from pathlib import Path

import feedparser
import pytest
from django.utils import timezone
from lxml import etree

from newsarchive.models import Provenance
from tests.factories import at, make_category, make_entry, make_source, make_tag

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def wires():
    ap, reuters = make_source("Associated Press"), make_source("Reuters")
    make_entry(
        title="AP in Baghdad",
        source=ap,
        dateline="BAGHDAD",
        byline="By SCHEHEREZADE FARAMARZI, Associated Press Writer",
        published_at=at(2007, 3, 10),
    )
    make_entry(
        title="AP in Tehran",
        source=ap,
        dateline="TEHRAN",
        byline="Nasser Karimi, Associated Press Writer",
        published_at=at(2007, 3, 11),
    )
    make_entry(
        title="Reuters in Baghdad", source=reuters, dateline="BAGHDAD", published_at=at(2007, 3, 12)
    )
    make_entry(title="AP draft", source=ap, dateline="BAGHDAD", status="draft")
    return ap


def listed(client, url):
    html = client.get(url).content.decode()
    return set(re.findall(r'rel="bookmark">([^<]+)</a>', html)), html


def test_a_source_page_lists_everything_from_that_source(client, wires):
    titles, html = listed(client, "/source/associated-press/")
    assert titles == {"AP in Baghdad", "AP in Tehran"}
    assert "Entries from Associated Press" in html


def test_a_byline_page_lists_everything_by_that_writer(client, wires):
    titles, html = listed(client, "/byline/scheherezade-faramarzi/")
    assert titles == {"AP in Baghdad"}
    assert "Entries by Scheherezade Faramarzi" in html


def test_a_dateline_page_lists_everything_filed_from_there(client, wires):
    titles, html = listed(client, "/dateline/baghdad/")
    assert titles == {"AP in Baghdad", "Reuters in Baghdad"}
    assert "Entries datelined BAGHDAD" in html


def test_everything_ap_filed_from_baghdad_is_a_search_filter_away(client, wires):
    response = client.get(
        "/search/", {"q": "baghdad", "source": "associated-press", "dateline": "baghdad"}
    )
    assert [e.title for e in response.context["entries"]] == ["AP in Baghdad"]


@pytest.mark.parametrize(
    "url",
    ["/source/associated-press/feed/", "/byline/nasser-karimi/feed/", "/dateline/baghdad/feed/"],
)
def test_each_provenance_has_a_feed(client, wires, url):
    feed = feedparser.parse(client.get(url).content)
    assert not feed.bozo and feed.entries
    assert all("draft" not in item.title for item in feed.entries)


def test_unknown_provenance_is_404(client, wires):
    assert client.get("/source/nobody/").status_code == 404
    assert client.get("/dateline/atlantis/").status_code == 404


def test_the_sidebar_counts_sources_bylines_and_datelines(client, wires):
    html = client.get("/").content.decode()
    assert '<a href="/source/associated-press/">Associated Press</a> (2)' in html
    assert '<a href="/dateline/baghdad/">BAGHDAD</a> (2)' in html
    assert '<a href="/byline/nasser-karimi/">Nasser Karimi</a> (1)' in html


def test_provenance_counts_follow_publishing_and_edits(wires):
    draft = Provenance.objects.filter(kind="dateline", slug="baghdad")
    assert draft.get().entry_count == 2
    from newsarchive.models import Entry

    entry = Entry.objects.get(title="AP draft")
    entry.status = "publish"
    entry.save()
    assert draft.get().entry_count == 3
    entry.dateline = "CAIRO"
    entry.save()
    assert draft.get().entry_count == 2
    assert Provenance.objects.get(kind="dateline", slug="cairo").entry_count == 1


# --- Around each entry ---------------------------------------------------------------------


def test_related_entries_share_tags_and_categories(client):
    iran, oil = make_tag("Iran"), make_tag("Oil")
    world = make_category("World")
    here = make_entry(
        title="Envoys meet", tags=[iran, oil], categories=[world], published_at=at(2007, 3, 10)
    )
    close = make_entry(title="Oil and Iran", tags=[iran, oil], published_at=at(2007, 3, 1))
    loose = make_entry(title="Iran only", tags=[iran], published_at=at(2007, 2, 1))
    make_entry(title="Unrelated", published_at=at(2007, 3, 9))
    make_entry(title="Hidden draft", tags=[iran, oil], status="draft")
    html = client.get(here.get_absolute_url()).content.decode()
    related = html[html.index('id="related-title"') :]
    assert related.index(close.title) < related.index(loose.title)
    assert "Unrelated" not in related.split("</section>")[0]
    assert "Hidden draft" not in related


def test_on_this_day_shows_the_same_day_in_other_years(client):
    today = timezone.localdate()
    moment = datetime.datetime.combine(today, datetime.time(12), timezone.get_current_timezone())
    make_entry(title="Five years ago today", published_at=moment.replace(year=today.year - 5))
    make_entry(
        title="Another day",
        published_at=moment.replace(year=today.year - 5) - datetime.timedelta(days=2),
    )
    home = client.get("/").content.decode()
    section = home[home.index('id="on-this-day-title"') :].split("</section>")[0]
    assert "Five years ago today" in section and "Another day" not in section


def test_the_day_archive_shows_on_this_day_in_other_years(client):
    make_entry(title="March 10, 2007", published_at=at(2007, 3, 10))
    make_entry(title="March 10, 2005", published_at=at(2005, 3, 10))
    html = client.get("/2007/03/10/").content.decode()
    section = html[html.index('id="on-this-day-title"') :]
    assert "March 10, 2005" in section


# --- For search engines and link previews --------------------------------------------------


def validate(xml, schema):
    document = etree.fromstring(xml)
    xsd = etree.XMLSchema(etree.parse(str(DATA / schema)))
    assert xsd.validate(document), xsd.error_log
    return document


def test_the_sitemap_index_and_its_sitemaps_validate(client, wires):
    make_entry(kind="page", slug="about", title="About")
    index = validate(client.get("/sitemap.xml").content, "siteindex.xsd")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in index.findall("s:sitemap/s:loc", ns)]
    assert [loc.rsplit("/", 1)[1] for loc in locations] == [
        "sitemap-entries.xml",
        "sitemap-pages.xml",
        "sitemap-archives.xml",
        "sitemap-categories.xml",
    ]
    assert index.find("s:sitemap/s:lastmod", ns) is not None
    for location in locations:
        sitemap = validate(
            client.get(location.replace("http://testserver", "")).content, "sitemap.xsd"
        )
        assert sitemap.findall("s:url/s:lastmod", ns)
    from newsarchive.models import Entry

    entries = client.get("/sitemap-entries.xml").content.decode()
    assert Entry.objects.get(title="AP in Baghdad").get_absolute_url() in entries
    assert Entry.objects.get(title="AP draft").get_absolute_url() not in entries


def test_an_archive_without_pages_lists_no_empty_sitemap(client, wires):
    index = validate(client.get("/sitemap.xml").content, "siteindex.xsd")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in index.findall("s:sitemap/s:loc", ns)]
    assert not any("sitemap-pages.xml" in location for location in locations)
    for location in locations:
        validate(client.get(location.replace("http://testserver", "")).content, "sitemap.xsd")


def test_robots_txt_points_to_the_sitemap(client):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text and "Disallow: /admin/" in text
    # Search results, at either of their addresses, are not for crawlers.
    assert "Disallow: /search/" in text and "Disallow: /?s=" in text


def test_entry_pages_carry_canonical_description_and_previews(client, wires):
    entry = make_entry(title="Envoys meet", excerpt="Envoys met in Baghdad.")
    html = client.get(entry.get_absolute_url() + "?replyto=3").content.decode()
    url = f"http://testserver{entry.get_absolute_url()}"
    assert f'<link rel="canonical" href="{url}">' in html
    assert '<meta name="description" content="Envoys met in Baghdad.">' in html
    assert '<meta property="og:title" content="Envoys meet">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta name="twitter:card" content="summary">' in html


def test_json_ld_names_the_original_article(client, wires):
    from newsarchive.models import Entry

    entry = Entry.objects.get(title="AP in Baghdad")
    entry.original_url = "https://apnews.com/article/talks"
    entry.save()
    html = client.get(entry.get_absolute_url()).content.decode()
    [raw] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    data = json.loads(raw)
    assert data["@type"] == "BlogPosting" and data["headline"] == "AP in Baghdad"
    original = data["isBasedOn"]
    assert original["publisher"]["name"] == "Associated Press"
    assert original["author"]["name"] == "By SCHEHEREZADE FARAMARZI, Associated Press Writer"
    assert original["url"] == "https://apnews.com/article/talks"
    assert original["locationCreated"]["name"] == "BAGHDAD"


def test_json_ld_cannot_be_broken_out_of(client):
    entry = make_entry(title="</script><script>alert(1)</script>")
    html = client.get(entry.get_absolute_url()).content.decode()
    [raw] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert json.loads(raw)["headline"] == "</script><script>alert(1)</script>"


def test_description_is_the_summary_as_text_escaped_once(client):
    entry = make_entry(body="<p>AT&amp;T and <em>Verizon</em> said “yes” to 5 &lt; 6.</p>")
    html = client.get(entry.get_absolute_url()).content.decode()
    text = "AT&amp;T and Verizon said “yes” to 5 &lt; 6."
    assert f'<meta name="description" content="{text}">' in html
    [raw] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert json.loads(raw)["description"] == "AT&T and Verizon said “yes” to 5 < 6."

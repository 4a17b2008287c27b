"""Search: ranking, highlighting, filters, odd input, and only public entries found."""

import datetime
import re

import pytest
from django.db import connection

from newsarchive.models import Entry
from tests.factories import at, make_category, make_entry, make_source, make_tag

pytestmark = pytest.mark.django_db


def titles(response):
    return [entry.title for entry in response.context["entries"]]


@pytest.fixture
def corpus():
    ap, reuters = make_source("Associated Press"), make_source("Reuters")
    world = make_category("World")
    iran = make_tag("Iran")
    make_entry(
        title="Khalilzad meets envoys",
        body="Talks in Baghdad.",
        source=ap,
        byline="Scheherezade Faramarzi, Associated Press Writer",
        dateline="BAGHDAD",
        published_at=at(2007, 3, 10),
        categories=[world],
        tags=[iran],
    )
    make_entry(
        title="Embassy statement",
        body="The ambassador, Khalilzad, spoke briefly.",
        source=reuters,
        dateline="WASHINGTON",
        published_at=at(2008, 1, 5),
    )
    make_entry(
        title="Kirkuk referendum delayed",
        body="A vote on Kirkuk referendum plans.",
        source=ap,
        dateline="KIRKUK",
        published_at=at(2007, 6, 1),
        categories=[world],
    )
    make_entry(
        title="Referendum in Kirkuk",
        body="Officials delayed the vote.",
        source=reuters,
        dateline="BAGHDAD",
        published_at=at(2008, 2, 1),
    )
    make_entry(title="Khalilzad draft", body="Unpublished Khalilzad notes.", status="draft")
    make_entry(
        title="Khalilzad later", body="Khalilzad", status="future", published_at=at(2099, 1, 1)
    )
    make_entry(title="Khalilzad private", body="Khalilzad", status="private")


def search(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response


def test_title_matches_rank_above_body_matches(client, corpus):
    assert titles(search(client, q="khalilzad")) == ["Khalilzad meets envoys", "Embassy statement"]


def test_byline_and_dateline_matches_rank_above_body_matches(client, corpus):
    make_entry(title="Weather", body="Rain in Baghdad and sunshine.", published_at=at(2009, 1, 1))
    found = titles(search(client, q="baghdad"))
    assert found.index("Referendum in Kirkuk") < found.index("Weather")


def test_matched_words_are_highlighted_in_the_snippet(client, corpus):
    html = search(client, q="ambassador").content.decode()
    assert "<mark>ambassador</mark>, Khalilzad, spoke briefly" in html


def test_quoted_phrases_match_the_phrase_only(client, corpus):
    assert titles(search(client, q='"Kirkuk referendum"')) == ["Kirkuk referendum delayed"]


def test_a_minus_excludes_a_word(client, corpus):
    assert titles(search(client, q="kirkuk -delayed")) == []
    assert titles(search(client, q="referendum -plans")) == ["Referendum in Kirkuk"]


def test_or_finds_either_word(client, corpus):
    found = set(titles(search(client, q="ambassador or referendum")))
    assert found == {"Embassy statement", "Kirkuk referendum delayed", "Referendum in Kirkuk"}


def test_only_public_entries_are_ever_found(client, corpus):
    assert not {"Khalilzad draft", "Khalilzad later", "Khalilzad private"} & set(
        titles(search(client, q="khalilzad"))
    )


def test_wordpress_s_parameter_answers_the_same(client, corpus):
    response = client.get("/?s=khalilzad")
    assert response.status_code == 200
    assert titles(response) == ["Khalilzad meets envoys", "Embassy statement"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"year": "2008"}, ["Referendum in Kirkuk"]),
        ({"category": "world"}, ["Kirkuk referendum delayed"]),
        ({"source": "reuters"}, ["Referendum in Kirkuk"]),
        ({"dateline": "kirkuk"}, ["Kirkuk referendum delayed"]),
        ({"year": "2007", "source": "reuters"}, []),
    ],
)
def test_filters_narrow_the_results(client, corpus, params, expected):
    assert titles(search(client, q="kirkuk", **params)) == expected


def test_tag_and_byline_filters(client, corpus):
    assert titles(search(client, q="khalilzad", tag="iran")) == ["Khalilzad meets envoys"]
    found = titles(search(client, q="khalilzad", byline="scheherezade-faramarzi"))
    assert found == ["Khalilzad meets envoys"]


def test_filters_show_their_counts(client, corpus):
    html = search(client, q="kirkuk").content.decode()
    assert ">2007</a> (1)" in html and ">2008</a> (1)" in html
    assert ">Associated Press</a> (1)" in html and ">Reuters</a> (1)" in html
    assert ">World</a> (1)" in html
    assert "2 entries found" in html


def test_results_paginate(client):
    for n in range(12):
        make_entry(title=f"Budget report {n}", published_at=at(2007, 1, n + 1))
    first, second = search(client, q="budget"), search(client, q="budget", page="2")
    assert len(first.context["entries"]) == 10 and len(second.context["entries"]) == 2
    assert "More results »" in first.content.decode()


def test_a_common_word_ranks_and_counts_only_the_newest_matches(client, monkeypatch):
    """Past WINDOW matches the work stops growing: the page says "more than", ranks the newest
    WINDOW (title matches first among them) and counts the filters over those."""
    monkeypatch.setattr("newsarchive.search.results.WINDOW", 3)
    ap, reuters = make_source("Associated Press"), make_source("Reuters")
    make_entry(title="Budget vote", body="Budget.", source=ap, published_at=at(2005, 1, 1))
    make_entry(title="Harbour", body="The budget.", source=ap, published_at=at(2007, 1, 1))
    make_entry(title="Budget talks", body="Budget.", source=reuters, published_at=at(2007, 2, 1))
    make_entry(title="Weather", body="A budget.", source=reuters, published_at=at(2007, 3, 1))
    response = search(client, q="budget")
    html = response.content.decode()
    assert titles(response) == ["Budget talks", "Weather", "Harbour"]
    assert "More than 3 entries found." in html and "Counted among the newest 3." in html
    assert ">2007</a> (3)" in html and ">2005</a></li>" in html  # older: offered, uncounted
    assert ">Reuters</a> (2)" in html and ">Associated Press</a> (1)" in html
    filtered = search(client, q="budget", year="2005")
    assert titles(filtered) == ["Budget vote"] and "1 entry found" in filtered.content.decode()


@pytest.mark.parametrize("first_slice", [1, 5000])
def test_a_filter_naming_nothing_finds_nothing(client, monkeypatch, first_slice):
    """An unknown category (an old link, a typo) is an empty result, not an error, whether the
    archive is searched whole or in slices."""
    monkeypatch.setattr("newsarchive.search.results.FIRST_SLICE", first_slice)
    make_entry(title="Budget one", published_at=at(2007, 1, 1))
    make_entry(title="Budget two", published_at=at(2008, 1, 1))
    for params in [{"category": "nope"}, {"tag": "nope", "year": "1999"}]:
        response = search(client, q="budget", **params)
        assert response.status_code == 200 and titles(response) == []
        assert "Nothing in the archive matches" in response.content.decode()


def test_a_filter_offers_its_ten_most_frequent_values(client):
    """Tag "Topic a" is on 12 matches, "Topic b" on 11 … "Topic l" on 1, and "Topic k" on one
    more: the ten shown are a to j (j before k, tied at 3, by name)."""
    topics = [make_tag(f"Topic {letter}") for letter in "abcdefghijkl"]
    for n in range(12):
        make_entry(title=f"Budget {n}", published_at=at(2007, 1, n + 1), tags=topics[: n + 1])
    make_entry(title="Budget k", published_at=at(2007, 2, 1), tags=[topics[10]])
    html = search(client, q="budget").content.decode()
    assert ">Topic a</a> (12)" in html and ">Topic j</a> (3)" in html
    assert ">Topic k</a>" not in html and ">Topic l</a>" not in html


def test_a_slice_reaches_back_by_days_at_each_months_own_rate():
    """A million entries make ten thousand a month: a slice of whole months would read twice
    the matches needed. December's 310 entries over 31 days, November's 300 over 30, and a
    month whose newest entry is on the 10th."""
    from newsarchive.search.results import slice_start

    day = datetime.date
    months = [
        (day(2012, 12, 1), 310, day(2012, 12, 31)),
        (day(2012, 11, 1), 300, day(2012, 11, 30)),
    ]
    assert slice_start(months, 100) == (day(2012, 12, 22), 100)
    assert slice_start(months, 400) == (day(2012, 11, 22), 400)
    assert slice_start(months, 1000) == (None, 610)
    assert slice_start(months, None) == (None, 610)
    stopped = [(day(2012, 12, 1), 100, day(2012, 12, 10))]
    assert slice_start(stopped, 50) == (day(2012, 12, 6), 50)
    assert slice_start(stopped, 1) == (day(2012, 12, 10), 10)  # a day at least


@pytest.mark.parametrize("first_slice", [1, 2, 4, 1000, None, "estimated"])
def test_the_newest_matches_are_found_however_the_archive_is_sliced(
    client, monkeypatch, first_slice
):
    """PostgreSQL looks through the newest months first, in a slice sized by its estimate of
    the matches and then widened by how densely it matched: however far off the estimate (too
    few entries, or all of them), the result is the newest WINDOW matches."""
    monkeypatch.setattr("newsarchive.search.results.WINDOW", 3)
    monkeypatch.setattr("newsarchive.search.results.FIRST_SLICE", 1)  # never searched whole
    if first_slice != "estimated":
        monkeypatch.setattr(
            "newsarchive.search.results.first_slice", lambda matches, held: first_slice
        )
    for month in (1, 2, 3, 4, 5):  # newer months matching rarely or not at all
        make_entry(title=f"Weather {month}", body="Rain.", published_at=at(2009, month, 1))
    for n, (year, month) in enumerate([(2004, 5), (2006, 2), (2007, 7), (2008, 9), (2009, 3)]):
        make_entry(title=f"Harbour {n}", body="The budget.", published_at=at(year, month, 2))
    response = search(client, q="budget")
    assert titles(response) == ["Harbour 4", "Harbour 3", "Harbour 2"]
    assert "More than 3 entries found." in response.content.decode()
    older = search(client, q="budget", year="2006")
    assert titles(older) == ["Harbour 1"] and "1 entry found" in older.content.decode()


def test_month_counts_out_of_date_never_keep_matches_from_being_found(client, monkeypatch):
    from newsarchive.models import MonthArchive

    monkeypatch.setattr("newsarchive.search.results.WINDOW", 1)
    monkeypatch.setattr("newsarchive.search.results.FIRST_SLICE", 1)
    make_entry(title="Budget one", published_at=at(2007, 1, 1))
    make_entry(title="Budget two", published_at=at(2008, 1, 1))
    make_entry(title="Weather", published_at=at(2009, 1, 1))
    MonthArchive.objects.update(entry_count=0)  # as if counted before a bulk load
    assert titles(search(client, q="budget")) == ["Budget two"]
    MonthArchive.objects.all().delete()
    assert titles(search(client, q="budget")) == ["Budget two"]


def test_no_results_suggest_nearby_months_and_categories(client, corpus):
    html = search(client, q="zeppelin 2008").content.decode()
    assert "Nothing in the archive matches" in html
    assert "Browse the months nearby" in html and ">January 2008</a>" in html
    assert "Or a category" in html and ">World</a>" in html


@pytest.mark.parametrize(
    "query",
    [
        '"', '""', "'", '"unclosed phrase', "-", "--", "or", "OR OR", "a & b | !c", "(((",
        "NEAR(a b)", "title:x", "*", "k*", "\\", "x" * 1000, "a " * 500,
        "العراق وإيران", "🇮🇶 🙂", "null\x00byte", "<script>alert(1)</script>", "%", "_",
    ],
)  # fmt: skip
def test_any_query_is_safe(client, corpus, query):
    response = search(client, q=query)
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html


def test_arabic_text_is_found(client):
    make_entry(title="محادثات في بغداد", body="التقى المبعوثون في العراق.")
    assert titles(search(client, q="بغداد")) == ["محادثات في بغداد"]


def test_an_empty_query_shows_the_form(client):
    html = search(client, q="").content.decode()
    assert "Search the archive" in html and "entries found" not in html


def test_changes_to_entries_reach_the_index(client):
    entry = make_entry(title="Zebra crossing", body="Nothing else.")
    assert titles(search(client, q="zebra")) == ["Zebra crossing"]
    entry.title = "Pedestrian crossing"
    entry.save()
    assert titles(search(client, q="zebra")) == []
    assert titles(search(client, q="pedestrian")) == ["Pedestrian crossing"]
    Entry.objects.filter(pk=entry.pk).delete()
    assert titles(search(client, q="pedestrian")) == []


def test_the_sidebar_has_a_search_box(client, corpus):
    html = client.get("/").content.decode()
    assert 'role="search"' in html and 'action="/search/"' in html


def test_the_results_pages_two_search_boxes_are_told_apart(client, corpus):
    """Two search landmarks on one page need names of their own, for screen readers."""
    html = client.get("/search/", {"q": "talks"}).content.decode()
    labels = re.findall(r'<form role="search"[^>]* aria-label="([^"]+)"', html)
    assert sorted(labels) == ["Search again", "Search the archive"]


# --- Password-protected entries: found by their title only ---------------------------------


@pytest.fixture
def sealed():
    """A protected entry whose every word but its title is behind its password, beside a
    public entry from the same source."""
    ap, hidden = make_source("Associated Press"), make_source("Quietwire")
    world, iran = make_category("World"), make_tag("Iran")
    make_entry(
        title="Envoys talk openly",
        body="Envoys met.",
        source=ap,
        byline="Open Writer, Associated Press Writer",
        dateline="CAIRO",
        published_at=at(2007, 3, 1),
        categories=[world],
    )
    return make_entry(
        title="Envoys sealed dispatch",
        body="Classified ceasefire terms, then <b>more</b> classified words.",
        password="sesame",
        source=hidden,
        byline="Muffled Penman, Quietwire Writer",
        dateline="NOWHERESVILLE",
        published_at=at(2008, 3, 1),
        categories=[world],
        tags=[iran],
    )


@pytest.mark.parametrize("words", ["classified", "ceasefire terms", "muffled", "nowheresville"])
def test_a_protected_entrys_body_and_attribution_are_not_searched(client, sealed, words):
    for params in [{"q": words}, {"s": words}]:
        response = client.get("/search/" if "q" in params else "/", params)
        assert titles(response) == []


def main(response):
    """The page's own content, without the sidebar."""
    return response.content.decode().split("<main")[1].split("</main>")[0]


def test_a_protected_entry_is_found_by_its_title_without_a_snippet(client, sealed):
    response = search(client, q="sealed")
    assert titles(response) == ["Envoys sealed dispatch"]
    html = main(response)
    assert "Protected: Envoys sealed dispatch" in html
    assert "There is no excerpt because this is a protected post." in html
    for hidden in ["Classified", "ceasefire", "Quietwire", "Muffled", "NOWHERESVILLE"]:
        assert hidden not in html


def test_filters_never_count_a_protected_entrys_attribution(client, sealed):
    """Source, byline and dateline are printed with the article, behind the password; its
    year, categories and tags are the blog's filing of it, shown in lists as in WordPress."""
    response = search(client, q="envoys")
    assert titles(response) == ["Envoys sealed dispatch", "Envoys talk openly"]
    html = main(response)
    assert ">Associated Press</a> (1)" in html and ">Cairo</a> (1)".lower() in html.lower()
    assert ">World</a> (2)" in html and ">Iran</a> (1)" in html and ">2008</a> (1)" in html
    for hidden in ["Quietwire", "Muffled", "NOWHERESVILLE"]:
        assert hidden not in html
    for params in [
        {"source": "quietwire"},
        {"byline": "muffled-penman"},
        {"dateline": "nowheresville"},
    ]:
        assert titles(search(client, q="envoys", **params)) == []


def test_a_password_takes_an_entrys_words_out_of_the_index_and_back(client, sealed):
    sealed.password = ""
    sealed.save()
    assert titles(search(client, q="ceasefire")) == ["Envoys sealed dispatch"]
    assert titles(search(client, q="muffled")) == ["Envoys sealed dispatch"]
    sealed.password = "another"
    sealed.save()
    assert titles(search(client, q="ceasefire")) == []
    assert titles(search(client, q="muffled")) == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 table and triggers")
def test_sqlites_index_put_back_after_a_table_rebuild_leaves_protected_text_out(client, sealed):
    """A migration that rebuilds the entry table drops its triggers; putting them back
    reindexes every entry, by the same rule as the triggers."""
    from newsarchive.search import keep_sqlite_index
    from newsarchive.search.sqlite_index import FTS5_TRIGGERS

    with connection.cursor() as cursor:
        for name in FTS5_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
        cursor.execute("DELETE FROM newsarchive_entry_fts")
    keep_sqlite_index()
    assert titles(search(client, q="sealed")) == ["Envoys sealed dispatch"]
    assert titles(search(client, q="ceasefire")) == []
    assert titles(search(client, q="envoys met")) == ["Envoys talk openly"]

"""Source, byline, dateline and credits read from a reposted article's own text."""

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from newsarchive.attribution import Attribution, SourceNames, detect, detect_attribution
from newsarchive.models import Entry, Source
from tests.factories import make_entry, make_source

SEED = next(
    o["fields"]
    for o in json.loads((Path(__file__).parents[1] / "fixtures" / "demo.json").read_text())
    if o["model"] == "newsarchive.entry" and o["fields"]["byline"]
)


def test_the_seed_article_gives_the_attribution_its_editor_recorded():
    found = detect(SEED["body"])
    assert found == Attribution(
        source="Associated Press",
        credit_line=SEED["credit_line"],
        byline=SEED["byline"],
        dateline=SEED["dateline"],
        original_published_on=datetime.date.fromisoformat(SEED["original_published_on"]),
        contributors=SEED["contributors"],
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "BAGHDAD, Iraq (AP) — Bombs struck the capital.",
            {"dateline": "BAGHDAD, Iraq", "source": "Associated Press"},
        ),
        (
            "<p>WASHINGTON, March 10 (Reuters) - The Senate voted.</p>",
            {"dateline": "WASHINGTON", "source": "Reuters"},
        ),
        ("SPRINGFIELD, Ill. (AP) _ The governor said.", {"dateline": "SPRINGFIELD, Ill."}),
        ("NEW YORK – The city council weighed the plan.", {"dateline": "NEW YORK"}),
        ("By THE ASSOCIATED PRESS\n\nTOKYO — Markets fell.", {"source": "Associated Press"}),
        (
            "By JOHN O'NEIL and MARY MCDONALD, Agence France-Presse\n\nPARIS — Talks.",
            {"byline": "John O'Neil and Mary McDonald, Agence France-Presse"},
        ),
        ("March 10, 2007\n\nText.", {"original_published_on": datetime.date(2007, 3, 10)}),
        (
            "Saturday 10 March 2007 18.12 GMT\n\nText.",
            {"original_published_on": datetime.date(2007, 3, 10)},
        ),
        ("Guardian staff and agencies\n\nText.", {"credit_line": "Guardian staff and agencies"}),
        ("Compiled from wire reports\n\nText.", {"credit_line": "Compiled from wire reports"}),
        (
            "Text.\n\nAdditional reporting by Jo Sample in Paris.",
            {"contributors": "Additional reporting by Jo Sample in Paris."},
        ),
        (
            "Text.\n\nSource: https://example.com/story/1",
            {"original_url": "https://example.com/story/1"},
        ),
        ("Text.\n\nCopyright 2007 Reuters. All rights reserved.", {"source": "Reuters"}),
    ],
)
def test_common_wire_patterns_are_recognised(text, expected):
    found = detect(text)
    assert {key: getattr(found, key) for key in expected} == expected


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. ambassador said the talks went well.\n\nNothing more.",
        "In the morning – before the vote – the council met.",
        "By the river, the town waited.",
        "OK – that is what they said.",
        "",
    ],
)
def test_ordinary_text_gives_no_attribution(text):
    found = detect(text)
    assert not found


def test_sources_already_in_the_archive_are_recognised_in_bylines():
    names = SourceNames(["Example Wire Service"])
    found = detect("By Jo Sample, Example Wire Service Writer\n\nRIVERTON – Text.", names)
    assert (found.source, found.byline) == (
        "Example Wire Service",
        "Jo Sample, Example Wire Service Writer",
    )


@pytest.mark.django_db
def test_the_command_fills_empty_fields_and_never_touches_bodies_or_filled_fields():
    seed = make_entry(body=SEED["body"])
    edited = make_entry(body=SEED["body"], byline="Edited By Hand", dateline="Baghdad")
    plain = make_entry(body="Nothing to find here.")
    bodies = dict(Entry.objects.values_list("pk", "body"))
    counts = detect_attribution()
    assert counts["entries"] == 3 and counts["byline"] == 1 and counts["dateline"] == 1
    seed.refresh_from_db()
    edited.refresh_from_db()
    plain.refresh_from_db()
    assert seed.byline == SEED["byline"] and seed.dateline == "BAGHDAD"
    assert seed.source.name == "Associated Press" and seed.writer_slug == "scheherezade-faramarzi"
    assert (edited.byline, edited.dateline, edited.credit_line) == (
        "Edited By Hand",
        "Baghdad",
        "Staff and agencies",
    )
    assert plain.byline == "" and plain.source is None
    assert dict(Entry.objects.values_list("pk", "body")) == bodies
    assert Source.objects.count() == 1


@pytest.mark.django_db
def test_the_command_reuses_an_existing_source():
    ap = make_source("Associated Press")
    entry = make_entry(body=SEED["body"])
    detect_attribution()
    entry.refresh_from_db()
    assert entry.source == ap and Source.objects.count() == 1


@pytest.mark.django_db
def test_a_dry_run_of_the_command_reports_and_saves_nothing():
    entry = make_entry(body=SEED["body"])
    out = io.StringIO()
    call_command("detect_attribution", "--dry-run", stdout=out)
    assert out.getvalue().startswith(
        "Read 1 entries. Would fill: 1 source, 1 credit line, 1 byline"
    )
    entry.refresh_from_db()
    assert entry.byline == "" and not Source.objects.exists()

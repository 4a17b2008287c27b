"""What a reader typed, parsed the websearch way ("quoted phrases", -exclusions, or), and the
public entries it matches: PostgreSQL's websearch_to_tsquery over the weighted tsvector
column, or the same query translated into FTS5's syntax on SQLite."""

import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from newsarchive.models import Entry

MAX_QUERY_LENGTH = 300
_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')
WORD = re.compile(r"\w+", re.UNICODE)


def clean(text):
    """What we search for: no control characters, no more than MAX_QUERY_LENGTH."""
    text = re.sub(r"[\x00-\x1f\x7f]", " ", text or "")
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


@dataclass
class Term:
    words: list
    negated: bool = False


@dataclass
class ParsedQuery:
    """A websearch-style query: groups of terms joined by OR; each group's terms all match."""

    groups: list = field(default_factory=list)
    excluded: list = field(default_factory=list)

    @property
    def is_empty(self):
        return not any(self.groups)


def parse(text):
    query, group = ParsedQuery(), []
    for negated, phrase, bare in _TOKEN.findall(text):
        if bare and bare.lower() == "or":
            if group:
                query.groups.append(group)
            group = []
            continue
        if bare.startswith("-") and len(bare) > 1:
            negated, bare = "-", bare[1:]
        words = WORD.findall(phrase if phrase else bare)
        if not words:
            continue
        term = Term(words, bool(negated))
        (query.excluded if term.negated else group).append(term)
    if group:
        query.groups.append(group)
    return query


def fts5_query(parsed):
    """The query in FTS5's syntax, every word quoted so that nothing typed is an operator."""

    def quoted(term):
        return '"' + " ".join(w.replace('"', '""') for w in term.words) + '"'

    groups = ["(" + " AND ".join(quoted(t) for t in group) + ")" for group in parsed.groups]
    text = " OR ".join(groups)
    if parsed.excluded:
        text = f"({text})" + "".join(f" NOT {quoted(t)}" for t in parsed.excluded)
    return text


def matched(text):
    """Public entries matching `text`, unranked."""
    public = Entry.objects.public().posts()
    parsed = parse(text)
    if parsed.is_empty:
        return public.none()
    if connection.vendor == "postgresql":
        condition = "search_vector @@ websearch_to_tsquery('english'::regconfig, %s)"
        return public.filter(RawSQL(condition, [text], output_field=BooleanField()))
    fts = "SELECT rowid FROM newsarchive_entry_fts WHERE newsarchive_entry_fts MATCH %s"
    return public.filter(pk__in=RawSQL(fts, [fts5_query(parsed)]))

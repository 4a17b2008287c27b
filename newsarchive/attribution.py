"""Who wrote a reposted article, where and when: read from the article's own text.

Reposted wire stories carry their attribution in the text, the way the seed entry does:

    Staff and agencies
    10 March, 2007

    By SCHEHEREZADE FARAMARZI, Associated Press Writer 1 minute ago

    BAGHDAD – U.S. and Iranian envoys spoke directly …
    …
    Associated Press reporter Nasser Karimi in Tehran contributed to this report.

detect() finds the credit line, the original date, the byline, the dateline, the source and
the contributor credits. fill() copies what was found into an entry's empty attribution
fields only: the body is never rewritten, and what an editor already filled stays. The import
runs it on new entries; `manage.py detect_attribution` runs it over the archive.
"""

import datetime
import html
import re
from dataclasses import dataclass, fields

from django.db import transaction
from django.utils.text import slugify

# Canonical name → (slug, website, other names it goes by). Sources already in the
# database are recognised by their names too.
KNOWN_SOURCES = {
    "Associated Press": ("associated-press", "https://apnews.com/", ["AP", "The Associated Press"]),
    "Reuters": ("reuters", "https://www.reuters.com/", ["Thomson Reuters"]),
    "Agence France-Presse": (
        "agence-france-presse",
        "https://www.afp.com/",
        ["AFP", "Agence France Presse"],
    ),
    "United Press International": ("united-press-international", "https://www.upi.com/", ["UPI"]),
    "Bloomberg": ("bloomberg", "https://www.bloomberg.com/", ["Bloomberg News"]),
    "Deutsche Presse-Agentur": ("deutsche-presse-agentur", "https://www.dpa.com/", ["dpa", "DPA"]),
    "Xinhua": ("xinhua", "https://english.news.cn/", ["Xinhua News Agency"]),
    "Kyodo News": ("kyodo-news", "https://english.kyodonews.net/", ["Kyodo"]),
    "The Guardian": ("the-guardian", "https://www.theguardian.com/", ["Guardian"]),
    "The New York Times": ("the-new-york-times", "https://www.nytimes.com/", ["New York Times"]),
    "The Washington Post": ("the-washington-post", "https://www.washingtonpost.com/", []),
    "Los Angeles Times": ("los-angeles-times", "https://www.latimes.com/", []),
    "BBC News": ("bbc-news", "https://www.bbc.co.uk/news", ["BBC"]),
    "CNN": ("cnn", "https://www.cnn.com/", []),
}

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip

_HEADER_LINES = 8
_BLOCK_TAG = re.compile(r"<\s*(?:br|/p|p|/div|div|/h\d|h\d|/li|li|/blockquote)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>|<!--.*?-->", re.S)
_CREDIT = re.compile(
    r"^[-–—\s]*(?:"
    r"(?:[\w.'’ -]{0,40}\s)?staff and (?:agencies|wire reports|wire services|news services)"
    r"|agencies|wire reports|news services|wire services"
    r"|(?:compiled )?from (?:staff and )?(?:wire reports|wire services|news services|agencies"
    r"|our correspondents?|correspondents)"
    r")(?:\s+in\s+[A-Z][\w .'’-]{1,40})?\.?$",
    re.I,
)
_DATE = re.compile(
    r"^(?:(?:published|posted|updated)(?:\s+on)?:?\s+)?"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    r"(?:(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m1>[a-z]{3,9})\.?,?"
    r"|(?P<m2>[a-z]{3,9})\.?\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?,?)"
    r"\s+(?P<y>(?:19|20)\d\d)(?:[\s,]+[\w:. ]{0,20})?$",
    re.I,
)
_ISO_DATE = re.compile(r"^(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)$")
_BYLINE = re.compile(
    r"^By\s+(?P<who>[^\n]{2,200}?)"
    r"(?:\s+(?:\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago"
    r"|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+[a-z]{3,9}\.?\s+\d{1,2}.*"
    r"|\d{1,2}:\d\d.*))?\s*$",
    re.I,
)
_NAME_WORD = re.compile(r"^(?:[A-Z][\w.'’-]*|[a-z]{1,3}|al-\w+|and|&)$")
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’-]+[A-Z.](?:\s+[A-Z][A-Z.'’-]*[A-Z.]){0,3}"
    r"(?:,\s+[A-Z][A-Za-z.'’-]+(?:\s+[A-Z][A-Za-z.'’-]+){0,2})?)"
    r"(?:,\s+(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2})?"
    r"\s*(?:\((?P<agency>[^)]{2,40})\))?\s*(?:–|—|--|-|_)\s+\S",
)
_CONTRIBUTORS = re.compile(
    r"contributed (?:to this (?:report|story|article)|reporting)|additional reporting by"
    r"|^reporting by\b",
    re.I,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")
_ORIGINAL_URL = re.compile(
    r"^(?:source|original(?: article| story)?|originally published(?: at| in| by)?"
    r"|read (?:the )?(?:full|original) (?:article|story)(?: at)?)\s*:?\s*(?P<url>https?://\S+)$",
    re.I,
)
_ORIGINAL_LINK = re.compile(
    r"<a\s[^>]*href=[\"'](?P<url>https?://[^\"']+)[\"'][^>]*>\s*"
    r"(?:source|original (?:article|story)|read (?:the )?(?:full|original) (?:article|story))"
    r"\s*</a>",
    re.I,
)
_COPYRIGHT = re.compile(
    r"^(?:copyright|©|\(c\))\s*(?:©\s*)?(?:(?:19|20)\d\d\s+)?(?:by\s+)?(?P<name>[^.,]{2,60})",
    re.I,
)


@dataclass
class Attribution:
    """What the text says about the article; empty strings where it says nothing."""

    source: str = ""
    credit_line: str = ""
    byline: str = ""
    dateline: str = ""
    original_published_on: datetime.date | None = None
    original_url: str = ""
    contributors: str = ""

    def __bool__(self):
        return any(getattr(self, f.name) for f in fields(self))


FIELDS = [f.name for f in fields(Attribution)]


class SourceNames:
    """Recognises source names in text: the known wire services and the archive's own sources."""

    def __init__(self, extra=()):
        self.canonical = {}
        for name, (_, _, aliases) in KNOWN_SOURCES.items():
            for alias in [name, *aliases]:
                self.canonical.setdefault(alias, name)
        for name in extra:
            self.canonical.setdefault(name, name)
            if name.startswith("The "):
                self.canonical.setdefault(name[4:], name)
        # Longest first, so "Associated Press" wins over "AP"; short ones only in capitals.
        names = sorted(self.canonical, key=len, reverse=True)
        long = [re.escape(n) for n in names if len(n) > 4]
        short = [re.escape(n) for n in names if len(n) <= 4]
        self._long = re.compile(rf"\b(?:{'|'.join(long)})\b", re.I) if long else None
        self._short = re.compile(rf"\b(?:{'|'.join(short)})\b") if short else None
        self._lower = {n.lower(): c for n, c in self.canonical.items() if len(n) > 4}

    def find(self, text):
        """The canonical name of the first source named in `text`, or ""."""
        for pattern in (self._long, self._short):
            match = pattern and pattern.search(text)
            if match:
                found = match.group(0)
                return self.canonical.get(found) or self._lower.get(found.lower(), "")
        return ""

    def exactly(self, text):
        text = text.strip()
        return self.canonical.get(text) or self._lower.get(text.lower(), "")


def text_lines(body, limit=None):
    """The body as lines of plain text: tags dropped, entities decoded, blank lines gone."""
    if limit is not None:
        body = body[:limit]
    body = _TAG.sub("", _BLOCK_TAG.sub("\n", body))
    lines = (html.unescape(line).replace("\xa0", " ").strip() for line in body.splitlines())
    return [line for line in lines if line]


def detect(body, names=None):
    """An Attribution read from an entry body (HTML as WordPress stored it)."""
    names = names or SourceNames()
    found = Attribution()
    lines = text_lines(body, limit=4000)
    for line in lines[:_HEADER_LINES]:
        if not found.credit_line and _CREDIT.match(line):
            found.credit_line = line.strip("-–— .")
            found.credit_line = found.credit_line[0].upper() + found.credit_line[1:]
        elif not found.original_published_on and (day := _date(line)):
            found.original_published_on = day
        elif not found.byline and not found.dateline and (match := _BYLINE.match(line)):
            _read_byline(match.group("who"), found, names)
        elif not found.dateline and (match := _DATELINE.match(line)):
            found.dateline = match.group("place").strip()
            if not found.source and match.group("agency"):
                found.source = names.exactly(match.group("agency"))
            break  # the story has begun
    tail = text_lines(body) if len(body) > 4000 else lines
    contributors = []
    for line in tail:
        if _CONTRIBUTORS.search(line):
            contributors.extend(s for s in _SENTENCE.split(line) if _CONTRIBUTORS.search(s))
        elif not found.original_url and (match := _ORIGINAL_URL.match(line)):
            found.original_url = match.group("url")
        elif not found.source and (match := _COPYRIGHT.match(line)):
            found.source = names.exactly(match.group("name"))
    found.contributors = " ".join(contributors)
    if not found.original_url and (match := _ORIGINAL_LINK.search(body)):
        found.original_url = html.unescape(match.group("url"))
    if not found.source and found.contributors:
        found.source = names.find(found.contributors.split(" contributed")[0])
    return found


def _date(line):
    if len(line) > 60:
        return None
    match = _ISO_DATE.match(line)
    if match:
        year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
    else:
        match = _DATE.match(line)
        if not match:
            return None
        month = MONTHS.get((match["m1"] or match["m2"]).lower())
        if month is None:
            return None
        year, day = int(match["y"]), int(match["d1"] or match["d2"])
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _read_byline(who, found, names):
    who = who.strip().rstrip(".")
    name, _, role = (part.strip() for part in who.partition(","))
    words = name.split()
    if not words or len(words) > 8 or not all(_NAME_WORD.match(w) for w in words):
        return
    source = names.exactly(name)
    if source:  # "By The Associated Press": a source, not a person
        found.source = found.source or source
        return
    if all(w.isupper() for w in words if w.lower() not in {"and", "&"}):
        name = " ".join(_title_word(w) for w in words)
    found.byline = f"{name}, {role}" if role else name
    if role and not found.source:
        found.source = names.find(role)


def _title_word(word):
    """SCHEHEREZADE → Scheherezade, AL-MALIKI → Al-Maliki, O'NEIL → O'Neil; AND → and."""
    if word.upper() in {"AND", "&"}:
        return word.lower()
    word = "-".join(part.capitalize() for part in word.split("-"))
    return re.sub(r"^(Mc|O['’])(\w)", lambda m: m.group(1) + m.group(2).upper(), word)


class SourceResolver:
    """Source ids by name, creating the Source the first time a new name is found."""

    def __init__(self):
        from newsarchive.models import Source

        self.model = Source
        self.ids = {}
        self.names = {}
        for pk, name, slug in Source.objects.values_list("pk", "name", "slug"):
            self.ids[name.lower()] = pk
            self.ids[slug] = pk
            self.names[pk] = name
        self.created = 0

    def recognise(self):
        return SourceNames(self.names.values())

    def known(self, name, slug=None):
        """The id of a source already in the database, without creating one."""
        pk = self.ids.get(name.lower())
        if pk is None and slug:
            pk = self.ids.get(slug)
        return pk

    def id_for(self, name, slug=None, url=""):
        if not name:
            return None
        pk = self.ids.get(name.lower())
        if pk is None:
            known = KNOWN_SOURCES.get(name)
            slug = slug or (known[0] if known else slugify(name)[:200] or "source")
            pk = self.ids.get(slug)
            if pk is None:
                source = self.model.objects.create(
                    name=name[:200], slug=slug, url=url or (known[1] if known else "")
                )
                pk = source.pk
                self.created += 1
                self.names[pk] = name
                self.ids[slug] = pk
            self.ids[name.lower()] = pk
        return pk


def fill(entry, found, source_id):
    """Copy found attribution into the entry's empty fields; return the names of those filled.

    `source_id(name)` gives the id of the Source called `name` (SourceResolver.id_for).
    """
    filled = []
    if found.source and entry.source_id is None:
        entry.source_id = source_id(found.source)
        filled.append("source")
    for name in FIELDS[1:]:
        value = getattr(found, name)
        if value and not getattr(entry, name):
            limit = entry._meta.get_field(name).max_length
            setattr(entry, name, value[:limit] if limit and isinstance(value, str) else value)
            filled.append(name)
    return filled


def detect_attribution(entries=None, dry_run=False, batch_size=1000):
    """Detect attribution over existing entries, filling only empty fields.

    Returns a dict of how many entries had each field filled, plus "entries" examined.
    """
    from newsarchive.counts import rebuild_counts
    from newsarchive.models import Entry, provenance_slugs

    entries = Entry.objects.all() if entries is None else entries
    counts = dict.fromkeys(["entries", *FIELDS], 0)
    with transaction.atomic():
        sources = SourceResolver()
        names = sources.recognise()
        last = 0
        columns = ["body", "source", *FIELDS[1:]]
        while batch := list(entries.filter(pk__gt=last).order_by("pk").only(*columns)[:batch_size]):
            last = batch[-1].pk
            changed, changed_fields = [], set()
            for entry in batch:
                counts["entries"] += 1
                filled = fill(entry, detect(entry.body, names), sources.id_for)
                if filled:
                    for name in filled:
                        counts[name] += 1
                    entry.writer_slug, entry.dateline_slug = provenance_slugs(
                        entry.byline, entry.dateline
                    )
                    changed.append(entry)
                    changed_fields.update(filled)
            if changed and not dry_run:
                Entry.objects.bulk_update(
                    changed, [*changed_fields, "writer_slug", "dateline_slug"]
                )
        if dry_run:
            transaction.set_rollback(True)
        elif any(counts[name] for name in FIELDS):
            rebuild_counts()
    return counts

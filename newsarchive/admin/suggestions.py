"""Where should an unfiled entry go? Ask the already-filed entries that read most like it.

A nearest-neighbour vote: entries are compared by the words of their title (counted three
times), the opening of their body, their dateline (six times: where a story was filed says
much about where it belongs) and their source. The 25 most similar filed
entries vote for their categories; a suggestion reads "like 14 entries in Middle East". Its
tags are the ones most used among those neighbours in that category.

The index covers the most recent filed entries (recent filing habits matter most in a news
archive) and is rebuilt at most every few minutes per process, so clicking through the queue
stays fast.
"""

import math
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef

from newsarchive.models import Category, Entry, Tag, TaggedEntry

TRAINING_ENTRIES = 5000
NEIGHBOURS = 25
REBUILD_SECONDS = 300
BODY_CHARACTERS = 1500
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_TAG = re.compile(r"<[^>]+>")
# Plain English function words (of three letters or more: shorter ones are never compared),
# which say nothing of what an article is about.
STOPWORDS = frozenset(
    """
    about above after again against all also and any are because been before being below
    between both but can could did does doing down during each few for from further had has
    have having her here hers herself him himself his how into its itself just more most
    myself nor not now off once only other our ours ourselves out over own same she should
    some such than that the their theirs them themselves then there these they this those
    through too under until very was were what when where which while who whom why will with
    would you your yours yourself yourselves
    """.split()
)


def words(entry):
    """The weighted words an entry is compared by."""
    counts = Counter()
    for word in _WORD.findall(entry.title.lower()):
        if word not in STOPWORDS:
            counts[word] += 3
    body = _TAG.sub(" ", entry.body[:BODY_CHARACTERS]).lower()
    for word in _WORD.findall(body):
        if word not in STOPWORDS:
            counts[word] += 1
    if entry.dateline:
        counts[f"dateline:{entry.dateline.lower()}"] += 6
    if entry.source_id:
        counts[f"source:{entry.source_id}"] += 2
    return counts


@dataclass
class Suggestion:
    category: Category
    neighbours: int
    tags: list = field(default_factory=list)

    @property
    def reason(self):
        entries = "entry" if self.neighbours == 1 else "entries"
        return f"like {self.neighbours} {entries} in {self.category.name}"


class Index:
    """TF-IDF vectors of filed entries, with an inverted index for finding neighbours."""

    def __init__(self, entries, filing, tagging):
        self.filing, self.tagging = filing, tagging
        vectors = {entry.pk: words(entry) for entry in entries}
        self.document_frequency = Counter(w for counts in vectors.values() for w in counts)
        self.size = max(len(vectors), 1)
        self.postings = defaultdict(list)
        for pk, counts in vectors.items():
            vector = self.weigh(counts)
            for word, weight in vector.items():
                self.postings[word].append((pk, weight))

    def weigh(self, counts):
        vector = {
            word: (1 + math.log(count)) * math.log(self.size / self.document_frequency[word])
            for word, count in counts.items()
            if self.document_frequency.get(word)
        }
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {word: weight / norm for word, weight in vector.items()}

    def neighbours(self, entry, k=NEIGHBOURS):
        scores = Counter()
        for word, weight in self.weigh(words(entry)).items():
            for pk, other in self.postings.get(word, ()):
                if pk != entry.pk:
                    scores[pk] += weight * other
        return scores.most_common(k)

    def suggest(self, entry, limit=3):
        near = self.neighbours(entry)
        votes, counts = Counter(), Counter()
        for pk, score in near:
            for category in self.filing.get(pk, ()):
                votes[category] += score
                counts[category] += 1
        chosen = [pk for pk, _ in votes.most_common(limit)]
        categories = Category.objects.in_bulk(chosen)
        suggestions = []
        for pk in chosen:
            tags = Counter(
                tag
                for other, _ in near
                if pk in self.filing.get(other, ())
                for tag in self.tagging.get(other, ())
            )
            names = [name for name, _ in tags.most_common(3)]
            suggestions.append(Suggestion(categories[pk], counts[pk], names))
        return suggestions


def filed_entries():
    """Entries filed somewhere other than Uncategorized."""
    uncategorized = Category.uncategorized()
    filed = Entry.categories.through.objects.filter(entry=OuterRef("pk")).exclude(
        category=uncategorized
    )
    return Entry.objects.posts().filter(Exists(filed))


def unfiled_entries():
    """The Uncategorized queue: entries in no category but Uncategorized, oldest first."""
    uncategorized = Category.uncategorized()
    filed = Entry.categories.through.objects.filter(entry=OuterRef("pk")).exclude(
        category=uncategorized
    )
    return (
        Entry.objects.posts()
        .exclude(status=Entry.Status.TRASH)
        .exclude(Exists(filed))
        .order_by("published_at", "pk")
    )


def build_index(entries=None, limit=TRAINING_ENTRIES):
    if entries is None:
        entries = filed_entries().order_by("-published_at")[:limit]
    entries = list(entries.only("title", "body", "dateline", "source"))
    ids = [entry.pk for entry in entries]
    uncategorized = Category.uncategorized().pk
    filing, tagging = defaultdict(set), defaultdict(list)
    through = Entry.categories.through.objects.filter(entry__in=ids).exclude(category=uncategorized)
    for entry_id, category_id in through.values_list("entry", "category"):
        filing[entry_id].add(category_id)
    names = dict(Tag.objects.filter(tagged__content_object__in=ids).values_list("pk", "name"))
    for entry_id, tag_id in TaggedEntry.objects.filter(content_object__in=ids).values_list(
        "content_object", "tag"
    ):
        tagging[entry_id].append(names[tag_id])
    return Index(entries, filing, tagging)


_cached = {"index": None, "built": 0.0}


def current_index():
    """The index for this process, rebuilt when older than REBUILD_SECONDS."""
    if _cached["index"] is None or time.monotonic() - _cached["built"] > REBUILD_SECONDS:
        _cached["index"] = build_index()
        _cached["built"] = time.monotonic()
    return _cached["index"]


def suggest(entry, limit=3):
    return current_index().suggest(entry, limit)


def evaluate(held_out=200, limit=TRAINING_ENTRIES):
    """Top-1 accuracy: hide the newest filed entries, suggest for them, compare with their
    real categories. Returns (right, asked)."""
    newest = list(filed_entries().order_by("-published_at", "-pk")[: held_out + limit])
    test, train = newest[:held_out], newest[held_out:]
    index = build_index(Entry.objects.filter(pk__in=[e.pk for e in train]))
    right = 0
    for entry in test:
        suggestions = index.suggest(entry, limit=1)
        actual = index_filing(entry)
        if suggestions and suggestions[0].category.pk in actual:
            right += 1
    return right, len(test)


def index_filing(entry):
    uncategorized = Category.uncategorized().pk
    return {c.pk for c in entry.categories.all()} - {uncategorized}

"""A plainly synthetic archive for demos and benchmarks, the same for the same seed.

Entries are made in batches and bulk-inserted with their filing and comments, so a million
entries take minutes rather than hours. bulk_create() skips save() and signals, so derived
fields are set here and the kept counts are rebuilt once at the end. The text says it is
synthetic; places, organisations and people are invented (datelines are real cities).
"""

import datetime
import itertools
import random
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, reset_queries, transaction
from django.utils.text import slugify

from newsarchive.counts import rebuild_counts
from newsarchive.models import (
    Category,
    Comment,
    Entry,
    Source,
    Tag,
    TaggedEntry,
    blog_timezone,
)
from newsarchive.synthetic_words import (
    AUTHORS,
    CATEGORIES,
    COMMENT_OPENERS,
    COMMENT_REMARKS,
    CREDITS,
    FIRST_NAMES,
    HANDLES,
    LAST_NAMES,
    OBJECTS,
    PLACES,
    SENTENCES,
    SOURCES,
    SUBJECTS,
    TAGS,
    VERBS,
    WEEKDAYS,
)

SYNTHETIC_GUID_PREFIX = "synthetic:"
SYNTHETIC_NOTICE = (
    "This is synthetic text generated for the demo archive: "
    "the places, organisations and events in it are invented."
)
FIRST_DAY, LAST_DAY = datetime.date(2004, 1, 1), datetime.date(2012, 12, 31)
BATCH_SIZE = 2000

# (values, weights) for random.choices(); nothing is scheduled, as nothing is in the future.
ENTRY_STATUSES = (
    [Entry.Status.PUBLISHED, Entry.Status.DRAFT, Entry.Status.PENDING, Entry.Status.PRIVATE,
     Entry.Status.TRASH],
    [940, 20, 10, 10, 20],
)  # fmt: skip
COMMENT_KINDS = ([Comment.Kind.COMMENT, Comment.Kind.PINGBACK, Comment.Kind.TRACKBACK], [95, 3, 2])
COMMENT_STATUSES = (
    [Comment.Status.APPROVED, Comment.Status.PENDING, Comment.Status.SPAM],
    [86, 6, 8],
)


def generate_archive(entries, seed=0, stdout=None):
    """Add `entries` synthetic entries with filing and comments; return the counts created.

    The same seed on the same starting database gives the same archive. Entries never land
    on a blog-local day that already holds a non-synthetic entry, so real entries keep their
    real neighbours; earlier synthetic runs do not block days, and numbering continues after
    them. Requires a database that returns primary keys from bulk inserts (PostgreSQL,
    SQLite 3.35+): replies need their parents' ids.
    """
    if entries <= 0:
        return dict.fromkeys(("entries", "comments", *_SUPPORT), 0)
    if not connection.features.can_return_rows_from_bulk_insert:
        raise RuntimeError("generate_archive needs bulk inserts that return primary keys.")
    started = time.monotonic()
    support, created = _support()
    days, cum_weights = _free_days()
    first_number = _next_number()
    rng = random.Random(f"{seed}:{first_number}")
    tags = list(support["tags"])
    rng.shuffle(tags)  # Popularity order, so some tags are far more common than others.
    tag_weights = _cumulative(1 / (rank + 1) ** 0.6 for rank in range(len(tags)))
    existing_sticky = Entry.objects.filter(is_sticky=True, status=Entry.Status.PUBLISHED).count()
    sticky = set(rng.sample(range(entries), min(entries, max(0, 2 - existing_sticky))))
    generator = _Generator(rng, support, tags, tag_weights, seed)
    ordered_days = _days_in_order(rng, days, cum_weights, entries)
    comments = 0
    for start in range(0, entries, BATCH_SIZE):
        size = min(BATCH_SIZE, entries - start)
        batch_days = itertools.islice(ordered_days, size)
        with transaction.atomic():
            made = [
                generator.entry(first_number + start + i, day, start + i in sticky)
                for i, day in enumerate(batch_days)
            ]
            comments += generator.insert(made)
        reset_queries()  # With DEBUG on, Django keeps every query's SQL: megabytes per batch.
        if stdout is not None and entries > BATCH_SIZE:
            done = start + size
            stdout.write(
                f"{done:,}/{entries:,} entries, {comments:,} comments "
                f"({time.monotonic() - started:.0f} s)\n"
            )
    _analyze()
    rebuild_counts()
    return {"entries": entries, "comments": comments, **created}


_SUPPORT = ("categories", "tags", "sources", "authors")


def _support():
    """Categories, tags, sources and authors, made on the first run and reused after."""
    created = dict.fromkeys(_SUPPORT, 0)
    categories = {}
    for slug, name, parent, weight, datelines in CATEGORIES:
        parent_category = categories[parent][0] if parent else None
        category, new = Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "parent": parent_category}
        )
        group = categories[parent][2] if parent else slug
        places = datelines.split("|") if datelines else categories[parent][3]
        categories[slug] = (category, weight, group, places)
        created["categories"] += new
    tags = []
    for name in TAGS:
        tag, new = Tag.objects.get_or_create(slug=slugify(name), defaults={"name": name})
        tags.append(tag.pk)
        created["tags"] += new
    sources = []
    for name, slug, url, role in SOURCES:
        source, new = Source.objects.get_or_create(slug=slug, defaults={"name": name, "url": url})
        sources.append((source, role))
        created["sources"] += new
    authors = []
    for username, first_name, last_name, weight in AUTHORS:
        user, new = get_user_model().objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "password": make_password(None),
            },
        )
        authors.append((user.pk, weight))
        created["authors"] += new
    support = {
        "categories": list(categories.values()),
        "uncategorized": Category.uncategorized().pk,
        "tags": tags,
        "sources": sources,
        "authors": authors,
    }
    return support, created


def _free_days():
    """Days in range with no non-synthetic entry, weighted: the blog grew, weekends are quiet."""
    occupied = set(
        Entry.objects.exclude(guid__startswith=SYNTHETIC_GUID_PREFIX)
        .order_by()
        .values_list("published_on", flat=True)
        .distinct()
    )
    days, weights = [], []
    day = FIRST_DAY
    while day <= LAST_DAY:
        if day not in occupied:
            days.append(day)
            growth = 1 + 0.3 * (day.year - FIRST_DAY.year)
            weights.append(growth if day.weekday() < 5 else growth * 0.6)
        day += datetime.timedelta(days=1)
    if not days:
        raise ValueError("Every day in the synthetic range already holds entries.")
    return days, _cumulative(weights)


def _days_in_order(rng, days, cum_weights, entries):
    """A day for each of `entries` entries, drawn by weight and given oldest first.

    A blog writes its entries as the days pass, and an import of WordPress's export writes
    them in the order of their ids, so a real archive's table holds them in about date order;
    the synthetic one is written the same way (tallied per day, not held as a million dates).
    """
    tally = [0] * len(days)
    for start in range(0, entries, BATCH_SIZE):
        for index in rng.choices(
            range(len(days)), cum_weights=cum_weights, k=min(BATCH_SIZE, entries - start)
        ):
            tally[index] += 1
    return itertools.chain.from_iterable(map(itertools.repeat, days, tally))


def _next_number():
    """One past the highest number used by earlier synthetic entries, whatever their seed."""
    guids = Entry.objects.filter(guid__startswith=SYNTHETIC_GUID_PREFIX).values_list(
        "guid", flat=True
    )
    return 1 + max((int(guid.rsplit(":", 1)[1]) for guid in guids.iterator()), default=0)


def _analyze():
    """Refresh PostgreSQL's planner statistics, which would still describe the tables as empty.

    Until autovacuum catches up, the recounts in rebuild_counts() would plan for a few hundred
    rows and take a minute instead of a second.
    """
    if connection.vendor != "postgresql":
        return
    models = (Entry, Entry.categories.through, TaggedEntry, Comment)
    with connection.cursor() as cursor:
        cursor.execute(
            f"ANALYZE {', '.join(connection.ops.quote_name(m._meta.db_table) for m in models)}"
        )


def _cumulative(weights):
    total, running = 0, []
    for weight in weights:
        total += weight
        running.append(total)
    return running


class _Generator:
    """Builds one batch's entries, filing and comments from the shared random sequence."""

    def __init__(self, rng, support, tags, tag_weights, seed):
        self.rng, self.seed, self.tz = rng, seed, blog_timezone()
        self.categories = support["categories"]
        self.category_weights = _cumulative(c[1] for c in self.categories)
        self.uncategorized = support["uncategorized"]
        self.tags, self.tag_weights = tags, tag_weights
        self.sources = support["sources"]
        self.authors = [pk for pk, _ in support["authors"]]
        self.author_weights = [weight for _, weight in support["authors"]]

    def entry(self, number, day, is_sticky):
        """An unsaved Entry, with its categories, tags and words kept on it for insert()."""
        rng = self.rng
        if rng.random() < 0.1:
            filed, (_, _, group, datelines) = [], rng.choice(self.categories)
        else:
            count = rng.choices((1, 2, 3), (75, 20, 5))[0]
            picked = rng.choices(self.categories, cum_weights=self.category_weights, k=count)
            filed = list(dict.fromkeys(c[0].pk for c in picked))
            group, datelines = picked[0][2], picked[0][3]
        places = rng.sample(PLACES, 2)
        verb = rng.choice(VERBS)
        words = {
            "subject": rng.choice(SUBJECTS[group]),
            "object": rng.choice(OBJECTS[group]),
            "place": places[0],
            "place2": places[1],
            "weekday": WEEKDAYS[day.weekday()],
        }
        subject = words["subject"]
        title = (
            f"Synthetic report {number}: {subject[0].upper()}{subject[1:]} {verb[0]} "
            f"{words['object']} in {words['place']}"
        )
        seconds = rng.randrange(7 * 3600, 23 * 3600) if rng.random() < 0.9 else rng.randrange(86400)
        published_at = datetime.datetime.combine(
            day, datetime.time(), self.tz
        ) + datetime.timedelta(seconds=seconds)
        dateline = rng.choice(datelines)
        status = Entry.Status.PUBLISHED if is_sticky else self._pick(ENTRY_STATUSES)
        entry = Entry(
            title=title,
            slug=slugify(title),
            status=status,
            published_at=published_at,
            published_on=published_at.astimezone(self.tz).date(),
            author_id=rng.choices(self.authors, self.author_weights)[0],
            comments_open=rng.random() < 0.95,
            pings_open=rng.random() < 0.9,
            is_sticky=is_sticky,
            guid=f"{SYNTHETIC_GUID_PREFIX}{self.seed}:{number}",
            dateline=dateline,
        )
        contributors = ""
        if rng.random() < 0.88:
            source, role = rng.choice(self.sources)
            entry.source = source
            entry.byline = f"{self._person()}, {source.name} {role}"
            entry.original_published_on = entry.published_on
            if rng.random() < 0.5:
                entry.original_url = f"{source.url}{day:%Y/%m/%d}/{entry.slug}/"
            if rng.random() < 0.2:
                contributors = (
                    f"{source.name} reporter {self._person()} in {rng.choice(datelines).title()} "
                    "contributed to this report."
                )
                entry.contributors = contributors
        if rng.random() < 0.15:
            entry.credit_line = rng.choice(CREDITS)
        # The fields save() derives, so rebuild_counts() finds nothing left to fill in.
        entry.modified_at = entry.published_at
        entry.derive_fields()
        entry.body = self._body(entry, words, verb[1], contributors)
        tag_count = rng.choices(range(6), (15, 20, 25, 20, 12, 8))[0]
        picked_tags = rng.choices(self.tags, cum_weights=self.tag_weights, k=tag_count)
        entry._planned_filing = (filed or [self.uncategorized], list(dict.fromkeys(picked_tags)))
        entry._words = words
        return entry

    def _body(self, entry, words, verb, contributors):
        rng = self.rng
        words = {
            **words,
            "pct": rng.randrange(2, 40),
            "years": rng.randrange(2, 12),
            "people": rng.randrange(40, 900),
            "cost": rng.randrange(100, 9000),
            "members": rng.randrange(5, 60),
        }
        lead = (
            f"{entry.dateline} – The {words['subject']} {verb} the {words['object']} in "
            f"{words['place']} on {words['weekday']}, "
            f"{'officials said' if rng.random() < 0.5 else 'according to people at the meeting'}."
        )
        # Each sentence at most once per body, in paragraphs of two to four.
        sizes = [rng.randrange(2, 5) for _ in range(rng.randrange(3, 8 - bool(contributors)))]
        sentences = iter(rng.sample(SENTENCES, min(sum(sizes), len(SENTENCES))))
        paragraphs = [lead]
        for size in sizes:
            paragraph = " ".join(s.format_map(words) for s in itertools.islice(sentences, size))
            if paragraph:
                paragraphs.append(paragraph)
        notice_at = rng.randrange(1, len(paragraphs))
        paragraphs[notice_at] = f"{paragraphs[notice_at]} {SYNTHETIC_NOTICE}"
        if contributors:
            paragraphs.append(contributors)
        if rng.random() < 0.3:
            # At the end of the first paragraph, where it renders without an empty <p>.
            paragraphs[0] += "<!--more-->"
        return "\n\n".join(paragraphs)

    def insert(self, entries):
        """Insert a batch with its filing and comments; return how many comments it got."""
        Entry.objects.bulk_create(entries)
        filed, tagged, comments = [], [], []
        Filing = Entry.categories.through
        for entry in entries:
            category_ids, tag_ids = entry._planned_filing
            filed.extend(Filing(entry_id=entry.pk, category_id=pk) for pk in category_ids)
            tagged.extend(TaggedEntry(content_object_id=entry.pk, tag_id=pk) for pk in tag_ids)
            if entry.status == Entry.Status.PUBLISHED:
                comments.extend(self._comments(entry))
        Filing.objects.bulk_create(filed)
        TaggedEntry.objects.bulk_create(tagged)
        # Replies need their parents' ids, so comments go in one depth at a time.
        depth = 0
        while level := [(c, parent) for c, parent, d in comments if d == depth]:
            for comment, parent in level:
                comment.parent_id = parent.pk if parent else None
            Comment.objects.bulk_create([comment for comment, _ in level])
            depth += 1
        return len(comments)

    def _comments(self, entry):
        """(comment, parent, depth) triples in time order: many entries get none, a few 20+."""
        rng, words = self.rng, entry._words
        roll = rng.random()
        if not entry.comments_open or roll < 0.4:
            return []
        count = rng.randint(20, 60) if roll > 0.985 else 1 + int(rng.expovariate(1 / 3.5))
        made = []
        submitted_at = entry.published_at
        for _ in range(count):
            submitted_at += datetime.timedelta(seconds=60 + int(rng.expovariate(1 / 7200)))
            kind = self._pick(COMMENT_KINDS) if entry.pings_open else Comment.Kind.COMMENT
            comment = Comment(
                entry_id=entry.pk,
                kind=kind,
                status=self._pick(COMMENT_STATUSES),
                submitted_at=submitted_at,
                ip_address=f"192.0.2.{rng.randrange(1, 255)}",
                user_agent="Mozilla/5.0 (synthetic demo browser)",
            )
            parent, depth = None, 0
            if kind == Comment.Kind.COMMENT:
                self._commenter(comment)
                # Replies go to approved comments, half of them to the latest: threads get deep.
                earlier = [m for m in made if m[0].status == Comment.Status.APPROVED]
                earlier = [m for m in earlier if m[0].kind == Comment.Kind.COMMENT]
                if comment.status == Comment.Status.APPROVED and earlier and rng.random() < 0.4:
                    parent, _, depth = earlier[-1] if rng.random() < 0.5 else rng.choice(earlier)
                    depth += 1
                opener = (
                    f"Synthetic reply to {parent.author_name}:"
                    if parent
                    else rng.choice(COMMENT_OPENERS)
                )
                remarks = rng.sample(COMMENT_REMARKS, rng.randint(1, 3))
                comment.body = " ".join([opener, *(r.format_map(words) for r in remarks)])
            else:
                blog = f"{rng.choice(PLACES)} {rng.choice(('Notes', 'Log', 'Dispatch', 'Diary'))}"
                comment.author_name = blog
                comment.author_url = f"https://example.org/{slugify(blog)}/{submitted_at:%Y/%m}/"
                comment.body = (
                    f"[…] A synthetic {kind} from an invented blog about the {words['object']} "
                    f"in {words['place']}. […]"
                )
            made.append((comment, parent, depth))
        return made

    def _commenter(self, comment):
        rng = self.rng
        if rng.random() < 0.25:
            comment.author_name = rng.choice(HANDLES)
            local = f"{slugify(comment.author_name)}{rng.randrange(100)}"
        else:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            comment.author_name = f"{first} {last}"
            local = f"{first}.{last}".lower()
            if rng.random() < 0.2:
                comment.author_url = f"https://example.com/~{first.lower()}{last.lower()}/"
        if rng.random() < 0.9:
            comment.author_email = f"{local}@{rng.choice(('example.com', 'example.org'))}"

    def _person(self):
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def _pick(self, choices):
        return self.rng.choices(*choices)[0]

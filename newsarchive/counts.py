"""Kept counts: published entries per month (MonthArchive), per category and tag (their
`entry_count`, and a category's `tree_count`, its sub-categories' entries included) and per
source, writer and dateline (Provenance), so that no sidebar, archive or paginator counts the
archive. Every count is written here, and nowhere else but in Provenance.objects.rebuild(),
the from-scratch count of its own table (tests/test_hidden_text.py, an invariant test, calls it).

Who calls what, and why:

- A save or delete of one entry, or a change to its categories or tags through the relation
  (the admin's change form, the shell, a test, `entry.categories.add(...)`), reaches
  signals.py, whose receivers call entry_saved(), entry_deleted(), recount_categories() and
  recount_tags() here. Entry.save() derives fields only; a signal is the one hook that every
  such write passes, whoever makes it, so the counts stay right without each caller having to
  remember them. The receivers decide nothing: what a change recounts is decided here, which
  is how CONVENTIONS' "no domain logic in signals" is kept.
- Writes in bulk send no signals: filing.py (the admin's actions, the Uncategorized queue,
  merges) calls the recount_*() functions once per action, and imports and other loads that
  skip save() end with rebuild_counts(), which says that the archive changed. (Otherwise the
  caller says it: signals.py or filing.py, once per write.)

tests/test_counts.py checks the paths of both kinds, tests/test_admin_filing.py the admin's.
"""

from django.db import models, transaction
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat, ExtractDay, ExtractMonth
from django.utils import timezone

from newsarchive.caching import archive_changed, cached
from newsarchive.models import (
    Category,
    Entry,
    MonthArchive,
    Provenance,
    Source,
    Tag,
    TaggedEntry,
    blog_timezone,
    month_bounds,
    provenance_slugs,
)

# What of an entry, when it changes, moves its counts.
COUNTED = ("status", "published_at", "source_id", "writer_slug", "dateline_slug", "password")


def published_posts():
    return Entry.objects.posts().filter(status=Entry.Status.PUBLISHED)


# --- Reading ----------------------------------------------------------------------------------


def month_counts():
    """(month, entry count, day of its newest entry) for every month, newest first, kept until
    the archive changes: the sidebar lists them and search sizes its slices by them."""
    return cached("archive-month-counts", MonthArchive.objects.counts)


# --- What a change recounts -------------------------------------------------------------------


def entry_saved(entry, before):
    """Recount what saving this entry can have changed; `before`: the entry as it was stored
    (None for a new one)."""
    was = {name: getattr(before, name) for name in COUNTED} if before is not None else {}
    now = {name: getattr(entry, name) for name in COUNTED}
    if entry.kind != Entry.Kind.POST or was == now:
        return
    moved = was.get("status") != entry.status or was.get("published_at") != entry.published_at
    if moved:
        recount_months({entry.published_at, was.get("published_at")} - {None})
    if Entry.Status.PUBLISHED in (entry.status, was.get("status")):
        if moved:  # (a category keeps the time of its newest entry too)
            recount_categories(entry.categories.values("pk"))
            recount_tags(entry.tags.values("pk"))
        recount_provenance([was, now])


def entry_deleted(entry, category_ids, tag_ids):
    """Recount after this entry was deleted (it was filed under these categories and tags)."""
    if entry.status == Entry.Status.PUBLISHED:
        recount_months([entry.published_at])
        recount_categories(category_ids)
        recount_tags(tag_ids)
        recount_provenance([{name: getattr(entry, name) for name in COUNTED}])


def statuses_changed(entry_ids):
    """Recount after these entries changed status in bulk (filing.change_status())."""
    posts = Entry.objects.posts().filter(pk__in=entry_ids)
    recount_months(posts.values_list("published_at", flat=True))
    recount_provenance(posts.values("source_id", "writer_slug", "dateline_slug").distinct())
    filed = Entry.categories.through.objects.filter(entry__in=entry_ids)
    recount_categories(filed.values("category"))
    recount_tags(TaggedEntry.objects.filter(content_object__in=entry_ids).values("tag"))


# --- How each count is counted ----------------------------------------------------------------


def recount_months(moments):
    """Recount published entries for the months (in the blog's zone) holding these datetimes."""
    tz = blog_timezone()
    months = {timezone.localtime(moment, tz).date().replace(day=1) for moment in moments}
    for month in months:
        start, end = month_bounds(month)
        found = (
            published_posts()
            .filter(published_at__gte=start, published_at__lt=end)
            .aggregate(count=Count("pk"), latest=models.Max("published_at"))
        )
        if found["count"]:
            MonthArchive.objects.update_or_create(
                month=month, defaults={"entry_count": found["count"], "latest_at": found["latest"]}
            )
        else:
            MonthArchive.objects.filter(month=month).delete()


def recount_categories(ids=None):
    """Recount published entries for these categories (ids, or a query of them; None: all)."""
    categories = Category.objects.all() if ids is None else Category.objects.filter(pk__in=ids)
    published = Entry.categories.through.objects.filter(entry__status=Entry.Status.PUBLISHED)
    grouped = published.filter(category=OuterRef("pk")).order_by().values("category")
    categories.update(
        entry_count=Coalesce(Subquery(grouped.annotate(n=Count("pk")).values("n")), 0),
        latest_at=Subquery(
            grouped.annotate(latest=models.Max("entry__published_at")).values("latest")
        ),
    )
    # The archive of a category lists its sub-categories' entries too: recount the trees
    # of these categories and of every category above them.
    paths = set(categories.values_list("path", flat=True))
    above = {"/".join(p.split("/")[:n]) for p in paths for n in range(1, p.count("/") + 1)}
    in_tree = published.filter(
        Q(category__path=OuterRef("path"))
        | Q(category__path__startswith=Concat(OuterRef("path"), Value("/")))
    )
    counted = (
        in_tree.order_by()
        .annotate(tree=Value(1))
        .values("tree")
        .annotate(n=Count("entry", distinct=True))
        .values("n")
    )
    Category.objects.filter(path__in=paths | above).update(
        tree_count=Coalesce(Subquery(counted), 0)
    )


def recount_tags(ids=None):
    """Recount published entries for these tags (ids, or a query of them; None: all)."""
    tags = Tag.objects.all() if ids is None else Tag.objects.filter(pk__in=ids)
    published = TaggedEntry.objects.filter(
        tag=OuterRef("pk"), content_object__status=Entry.Status.PUBLISHED
    )
    counted = published.order_by().values("tag").annotate(n=Count("pk")).values("n")
    tags.update(entry_count=Coalesce(Subquery(counted), 0))


def recount_provenance(values):
    """Recount the sources, writers and datelines named in these dicts of entry values
    (source_id, writer_slug, dateline_slug). A password-protected entry is not counted: its
    attribution is behind its password."""
    values = list(values)
    sources = Source.objects.in_bulk({v.get("source_id") for v in values} - {None})
    keys = set()
    for v in values:
        if v.get("source_id") in sources:
            keys.add(("source", sources[v["source_id"]].slug))
        keys.update(
            (kind, v[f"{kind}_slug"]) for kind in ("writer", "dateline") if v.get(f"{kind}_slug")
        )
    for kind, slug in keys:
        entries = published_posts().from_provenance(kind, slug)
        count = entries.count()
        if not count:
            Provenance.objects.filter(kind=kind, slug=slug).delete()
            continue
        Provenance.objects.update_or_create(
            kind=kind,
            slug=slug,
            defaults={"entry_count": count, "name": Provenance.name_of(kind, entries.first())},
        )


# --- From scratch, after bulk loads -----------------------------------------------------------


def rebuild_counts():
    """Fill the derived fields and recount months, categories, tags and provenance from
    scratch, after a bulk load that skipped save() (an import, the synthetic archive)."""
    with transaction.atomic():
        fill_derived_fields()
        rebuild_months()
        recount_categories()
        recount_tags()
        Provenance.objects.rebuild()
    archive_changed()


def rebuild_months():
    MonthArchive.objects.all().delete()
    # Day counts are grouped in SQL; folding days into months happens in the blog's zone.
    months = {}
    days = published_posts().order_by().values_list("published_on")
    for day, n, latest in days.annotate(n=Count("pk"), latest=models.Max("published_at")):
        month = months.setdefault(day.replace(day=1), MonthArchive(month=day.replace(day=1)))
        month.entry_count = (month.entry_count or 0) + n
        month.latest_at = max(filter(None, [month.latest_at, latest]))
    MonthArchive.objects.bulk_create(months.values())


def fill_derived_fields(batch_size=2000):
    """Derive what bulk loads (which skip save()) left empty: month_day, writer and dateline
    slugs."""
    Entry.objects.filter(month_day=0).update(
        month_day=ExtractMonth("published_on") * 100 + ExtractDay("published_on")
    )
    missing = Entry.objects.filter(
        (~Q(byline="") & Q(writer_slug="")) | (~Q(dateline="") & Q(dateline_slug=""))
    ).only("byline", "dateline")
    while batch := list(missing[:batch_size]):
        for entry in batch:
            entry.writer_slug, entry.dateline_slug = provenance_slugs(entry.byline, entry.dateline)
            # An entry whose byline yields no slug must not be picked up again.
            entry.writer_slug = entry.writer_slug or "-"
            entry.dateline_slug = entry.dateline_slug or "-"
        Entry.objects.bulk_update(batch, ["writer_slug", "dateline_slug"])

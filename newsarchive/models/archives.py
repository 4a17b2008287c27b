"""Kept counts that let archives and sidebars answer without scanning the archive: months and
provenance (sources, bylines, datelines)."""

import datetime
import re
import zoneinfo

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, Exists, F, OuterRef, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from newsarchive.models.taxonomy import Category, Source, Tag


def blog_timezone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


# The days an archive can show: four-digit years, as WordPress's addresses print them, and a
# year's margin at the end, so that the next day, month or year of any of them, and the same
# moment in any time zone, is still a date Python can hold. Entries and comments dated outside
# are refused (at import, in forms, and by the database); addresses outside answer 404.
EARLIEST_DAY = datetime.date(1000, 1, 1)
LATEST_DAY = datetime.date(9998, 12, 31)
# The same range as moments: a day inside it at either end in every time zone.
EARLIEST_MOMENT = datetime.datetime(1000, 1, 2, tzinfo=datetime.UTC)
LATEST_MOMENT = datetime.datetime(9998, 12, 30, 23, 59, 59, 999999, tzinfo=datetime.UTC)


def is_showable(value):
    """Whether a date or an aware datetime lies within what the archive can show."""
    if isinstance(value, datetime.datetime):
        return EARLIEST_MOMENT <= value <= LATEST_MOMENT
    return EARLIEST_DAY <= value <= LATEST_DAY


def month_bounds(month):
    """The aware start and end (exclusive) of a calendar month in the blog's time zone."""
    tz = blog_timezone()
    start = datetime.datetime(month.year, month.month, 1, tzinfo=tz)
    following = datetime.datetime(
        month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=tz
    )
    return start, following


def writer_name(byline):
    """The person in a byline: "SCHEHEREZADE FARAMARZI, Associated Press Writer" → the name,
    in title case when the byline shouts it."""
    name = byline.split(",")[0].strip()
    name = re.sub(r"^by\s+", "", name, flags=re.IGNORECASE)
    return name.title() if name.isupper() else name


def provenance_slugs(byline, dateline):
    return slugify(writer_name(byline), allow_unicode=True)[:200], slugify(dateline)[:100]


# Where each kind of provenance is found on an entry.
PROVENANCE_FIELDS = {"source": "source__slug", "writer": "writer_slug", "dateline": "dateline_slug"}


class ProvenanceQuerySet(models.QuerySet):
    def refresh_for(self, values):
        """Recount the sources, writers and datelines named in these dicts of entry values."""
        sources = Source.objects.in_bulk({v.get("source_id") for v in values} - {None})
        keys = set()
        for v in values:
            if v.get("source_id") in sources:
                keys.add(("source", sources[v["source_id"]].slug))
            keys.update(
                (kind, v.get(f"{kind}_slug"))
                for kind in ("writer", "dateline")
                if v.get(f"{kind}_slug")
            )
        for kind, slug in keys:
            self._refresh(kind, slug)

    def _refresh(self, kind, slug):
        from newsarchive.models.entries import Entry

        entries = Entry.objects.posts().filter(status=Entry.Status.PUBLISHED)
        entries = entries.from_provenance(kind, slug)
        count = entries.count()
        if not count:
            self.filter(kind=kind, slug=slug).delete()
            return
        self.update_or_create(
            kind=kind,
            slug=slug,
            defaults={"entry_count": count, "name": Provenance.name_of(kind, entries.first())},
        )

    def rebuild(self):
        """Recount every source, writer and dateline from scratch (after bulk loads)."""
        from newsarchive.models.entries import Entry

        self.all().delete()
        # A protected entry's attribution is behind its password: never counted.
        published = (
            Entry.objects.posts().unprotected().filter(status=Entry.Status.PUBLISHED).order_by()
        )
        rows = []
        for kind, field in PROVENANCE_FIELDS.items():
            name_field = {"source": "source__name", "writer": "byline", "dateline": "dateline"}[
                kind
            ]
            grouped = (
                published.exclude(**{field: ""})
                .exclude(**{f"{field}__isnull": True})
                .values(field)
                .annotate(n=Count("pk"), name=models.Min(name_field))
            )
            for row in grouped:
                name = writer_name(row["name"]) if kind == "writer" else row["name"]
                rows.append(Provenance(kind=kind, slug=row[field], name=name, entry_count=row["n"]))
        self.bulk_create(rows, batch_size=2000)

    def top(self, per_kind=10):
        """The sources, writers and datelines with most entries, `per_kind` of each."""
        rank = Window(RowNumber(), partition_by="kind", order_by=[F("entry_count").desc(), "name"])
        return self.annotate(rank=rank).filter(rank__lte=per_kind).order_by("kind", "rank")


class Provenance(models.Model):
    """Published entries per source, writer and dateline, kept current like the month counts
    (password-protected entries are not counted: their attribution is behind the password)."""

    class Kind(models.TextChoices):
        SOURCE = "source", "Source"
        WRITER = "writer", "Byline"
        DATELINE = "dateline", "Dateline"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    slug = models.SlugField(max_length=200, allow_unicode=True)
    name = models.CharField(max_length=300)
    entry_count = models.PositiveIntegerField()

    objects = ProvenanceQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-entry_count", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "slug"], name="unique_provenance")]

    def __str__(self):
        return f"{self.name} ({self.entry_count})"

    def get_absolute_url(self):
        route = {"source": "source", "writer": "byline", "dateline": "dateline"}[self.kind]
        return reverse(route, kwargs={"slug": self.slug})

    @staticmethod
    def name_of(kind, entry):
        if kind == "source":
            return entry.source.name
        return writer_name(entry.byline) if kind == "writer" else entry.dateline


class MonthArchiveQuerySet(models.QuerySet):
    def refresh(self, datetimes):
        """Recount published entries for the months holding these datetimes."""
        from newsarchive.models.entries import Entry

        tz = blog_timezone()
        months = {timezone.localtime(moment, tz).date().replace(day=1) for moment in datetimes}
        for month in months:
            start, end = month_bounds(month)
            found = (
                Entry.objects.posts()
                .filter(
                    status=Entry.Status.PUBLISHED, published_at__gte=start, published_at__lt=end
                )
                .aggregate(count=Count("pk"), latest=models.Max("published_at"))
            )
            if found["count"]:
                self.update_or_create(
                    month=month,
                    defaults={"entry_count": found["count"], "latest_at": found["latest"]},
                )
            else:
                self.filter(month=month).delete()

    def counts(self):
        """(month, entry count, day of its newest entry) for every month, newest first, kept
        until the archive changes: the sidebar lists them and search sizes its slices by them.
        Plain tuples, which cost far less to unpickle than model instances."""
        from newsarchive.caching import cached

        def compute():
            tz = blog_timezone()
            rows = self.values_list("month", "entry_count", "latest_at")
            return [(month, n, latest and timezone.localtime(latest, tz).date())
                    for month, n, latest in rows]  # fmt: skip

        return cached("archive-month-counts", compute)

    def listed(self):
        """Every month, newest first (unsaved instances made from `counts()`)."""
        return [MonthArchive(month=month, entry_count=n) for month, n, _ in self.counts()]

    def rebuild(self):
        """Recount every month from scratch (after bulk loads)."""
        from newsarchive.models.entries import Entry

        self.all().delete()
        published = Entry.objects.posts().filter(status=Entry.Status.PUBLISHED)
        # Day counts are grouped in SQL; folding days into months happens in the blog's zone.
        months = {}
        days = published.order_by().values_list("published_on")
        for day, n, latest in days.annotate(n=Count("pk"), latest=models.Max("published_at")):
            month = months.setdefault(day.replace(day=1), MonthArchive(month=day.replace(day=1)))
            month.entry_count = (month.entry_count or 0) + n
            month.latest_at = max(filter(None, [month.latest_at, latest]))
        self.bulk_create(months.values())


class MonthArchive(models.Model):
    """Published entries per month, kept current so the sidebar never scans the archive."""

    month = models.DateField(unique=True, help_text="The first day of the month.")
    entry_count = models.PositiveIntegerField()
    latest_at = models.DateTimeField(null=True, help_text="The newest entry's time (sitemaps).")

    objects = MonthArchiveQuerySet.as_manager()

    class Meta:
        ordering = ["-month"]

    def __str__(self):
        return f"{self.month:%B %Y} ({self.entry_count})"

    def get_absolute_url(self):
        return reverse("archive-month", kwargs={"year": self.month.year, "month": self.month.month})


def refiled(entry_ids, category_ids):
    """After entries changed categories: those left in none go to Uncategorized, the
    categories touched are recounted, caches go stale. Returns the changed entries."""
    from newsarchive.caching import archive_changed
    from newsarchive.models.entries import Entry

    through = Entry.categories.through
    bare = Entry.objects.filter(pk__in=entry_ids).exclude(
        Exists(through.objects.filter(entry=OuterRef("pk")))
    )
    uncategorized = Category.uncategorized()
    through.objects.bulk_create(
        through(entry_id=pk, category_id=uncategorized.pk)
        for pk in bare.values_list("pk", flat=True)
    )
    Category.objects.filter(pk__in={*category_ids, uncategorized.pk}).refresh_counts()
    archive_changed()
    return Entry.objects.filter(pk__in=entry_ids)


def rebuild_counts():
    """Recount months, categories and tags from scratch, after a bulk load that skipped save()."""
    from newsarchive.caching import archive_changed
    from newsarchive.models.entries import Entry

    with transaction.atomic():
        Entry.objects.fill_derived_fields()
        MonthArchive.objects.rebuild()
        Category.objects.all().refresh_counts()
        Tag.refresh_counts()
        Provenance.objects.rebuild()
    archive_changed()

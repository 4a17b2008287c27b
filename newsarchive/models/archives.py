"""Kept counts that let archives and sidebars answer without scanning the archive: published
entries per month and per provenance (source, writer, dateline). newsarchive/counts.py keeps
them current; here are the tables and how they are read."""

from django.db import models
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from newsarchive.models.derived import PROVENANCE_FIELDS, blog_timezone, writer_name
from newsarchive.models.entries import Entry


class MonthArchiveQuerySet(models.QuerySet):
    def counts(self):
        """(month, entry count, day of its newest entry) for every month, newest first: the
        sidebar lists them and search sizes its slices by them (through counts.month_counts(),
        which keeps them until the archive changes). Plain tuples, which cost far less to
        unpickle than model instances."""
        tz = blog_timezone()
        rows = self.values_list("month", "entry_count", "latest_at")
        return [(month, n, latest and timezone.localtime(latest, tz).date())
                for month, n, latest in rows]  # fmt: skip


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


class ProvenanceQuerySet(models.QuerySet):
    def top(self, per_kind=10):
        """The sources, writers and datelines with most entries, `per_kind` of each."""
        rank = Window(RowNumber(), partition_by="kind", order_by=[F("entry_count").desc(), "name"])
        return self.annotate(rank=rank).filter(rank__lte=per_kind).order_by("kind", "rank")

    def rebuild(self):
        """Recount every source, writer and dateline from scratch (counts.rebuild_counts(),
        after bulk loads)."""
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

"""The archive: entries filed into categories and tags, their comments, and kept counts."""

import datetime
import re
import zoneinfo
from urllib.parse import quote, unquote

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Value, Window
from django.db.models.deletion import ProtectedError
from django.db.models.functions import (
    Coalesce,
    Concat,
    ExtractDay,
    ExtractMonth,
    JSONObject,
    RowNumber,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from newsarchive import content


def blog_timezone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def month_bounds(month):
    """The aware start and end (exclusive) of a calendar month in the blog's time zone."""
    tz = blog_timezone()
    start = datetime.datetime(month.year, month.month, 1, tzinfo=tz)
    following = datetime.datetime(
        month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=tz
    )
    return start, following


class SlugManager(models.Manager):
    """Fixtures refer to sources and categories by slug rather than by id."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Source(models.Model):
    """Who wrote the reposted article: a wire service or a newspaper."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    url = models.URLField("website", blank=True)

    objects = SlugManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class CategoryQuerySet(models.QuerySet):
    def delete(self):
        """Deleting categories never deletes entries: those left in no category fall back to
        Uncategorized, and sub-categories move up to the deleted category's parent."""
        if self.filter(slug=Category.UNCATEGORIZED_SLUG).exists():
            raise ProtectedError("Uncategorized cannot be deleted: entries fall back to it.", set())
        with transaction.atomic():
            doomed = {c.pk: c for c in self.select_related("parent")}
            through = Entry.categories.through
            filed = set(through.objects.filter(category__in=doomed).values_list("entry", flat=True))
            for child in Category.objects.filter(parent__in=doomed).exclude(pk__in=doomed):
                parent = doomed[child.parent_id].parent
                while parent is not None and parent.pk in doomed:
                    parent = doomed[parent.pk].parent
                child.parent = parent
                child.save()
            deleted = super().delete()
            refiled(filed, set())
        return deleted

    def refresh_counts(self):
        """Recount published entries for these categories (a kept counter, exact on write)."""
        published = Entry.categories.through.objects.filter(
            category=OuterRef("pk"), entry__status=Entry.Status.PUBLISHED
        )
        grouped = published.order_by().values("category")
        self.update(
            entry_count=Coalesce(Subquery(grouped.annotate(n=Count("pk")).values("n")), 0),
            latest_at=Subquery(
                grouped.annotate(latest=models.Max("entry__published_at")).values("latest")
            ),
        )
        # The archive of a category lists its sub-categories' entries too: recount the trees
        # of these categories and of every category above them.
        paths = set(self.values_list("path", flat=True))
        above = {"/".join(p.split("/")[:n]) for p in paths for n in range(1, p.count("/") + 1)}
        in_tree = Entry.categories.through.objects.filter(
            entry__status=Entry.Status.PUBLISHED
        ).filter(
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


class Category(models.Model):
    UNCATEGORIZED_SLUG = "uncategorized"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    description = models.TextField(blank=True)
    path = models.CharField(
        max_length=1000, unique=True, editable=False, help_text="Slugs from the top, joined by /."
    )
    entry_count = models.PositiveIntegerField(default=0, editable=False)
    tree_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Published entries here and in sub-categories."
    )
    latest_at = models.DateTimeField(null=True, editable=False)
    wp_term_id = models.PositiveIntegerField(
        "WordPress term id", null=True, blank=True, unique=True
    )

    objects = SlugManager.from_queryset(CategoryQuerySet)()

    class Meta:
        ordering = ["path"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        old_path = self.path
        self.path = f"{self.parent.path}/{self.slug}" if self.parent_id else self.slug
        with transaction.atomic():
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                # The old address keeps working, for this category and those below it.
                CategoryRedirect.objects.filter(old_path=self.path).delete()
                CategoryRedirect.objects.update_or_create(
                    old_path=old_path, defaults={"category": self}
                )
                for child in self.children.all():
                    child.save()

    def get_absolute_url(self):
        return reverse("category", kwargs={"path": self.path})

    def delete(self, *args, **kwargs):
        return Category.objects.filter(pk=self.pk).delete()

    def natural_key(self):
        return (self.slug,)

    @property
    def depth(self):
        return self.path.count("/")

    @classmethod
    def uncategorized(cls):
        category, _ = cls.objects.get_or_create(
            slug=cls.UNCATEGORIZED_SLUG, defaults={"name": "Uncategorized"}
        )
        return category

    def is_within(self, other):
        """Whether this category is `other` or sits somewhere below it."""
        return self.path == other.path or self.path.startswith(f"{other.path}/")

    def merge_into(self, target):
        """Move this category's entries and sub-categories into `target`, then remove it.

        Its address (and any it redirected from) then redirects to `target`.
        """
        if target.is_within(self):
            raise ValueError(f"Cannot merge {self} into itself or a category below it.")
        if self.slug == self.UNCATEGORIZED_SLUG:
            raise ValueError("Uncategorized cannot be merged away: entries fall back to it.")
        through = Entry.categories.through
        with transaction.atomic():
            entries = set(through.objects.filter(category=self).values_list("entry", flat=True))
            already = set(
                through.objects.filter(category=target, entry__in=entries).values_list(
                    "entry", flat=True
                )
            )
            through.objects.bulk_create(
                through(entry_id=e, category_id=target.pk) for e in entries - already
            )
            for child in self.children.all():
                child.parent = target
                child.save()
            CategoryRedirect.objects.filter(category=self).update(category=target)
            CategoryRedirect.objects.update_or_create(
                old_path=self.path, defaults={"category": target}
            )
            models.Model.delete(self)
            refiled(entries, {target.pk})
        return len(entries)


class CategoryRedirect(models.Model):
    """An address a category used to have (before a slug edit or a merge)."""

    old_path = models.CharField(max_length=1000, unique=True)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="redirects")

    def __str__(self):
        return f"/category/{self.old_path}/ → {self.category.path}"


class Tag(TagBase):
    description = models.TextField(blank=True)
    entry_count = models.PositiveIntegerField(default=0, editable=False)
    wp_term_id = models.PositiveIntegerField(
        "WordPress term id", null=True, blank=True, unique=True
    )

    class Meta:
        ordering = ["name"]

    def get_absolute_url(self):
        return reverse("tag", kwargs={"slug": self.slug})

    def merge_into(self, target):
        """Move this tag's entries to `target`, then delete it."""
        with transaction.atomic():
            tagged = TaggedEntry.objects.filter(tag=self)
            already = TaggedEntry.objects.filter(tag=target).values("content_object")
            tagged.exclude(content_object__in=already).update(tag=target)
            self.delete()
            Tag.refresh_counts([target.pk])
        return target

    @classmethod
    def refresh_counts(cls, tag_ids=None):
        tags = cls.objects.all() if tag_ids is None else cls.objects.filter(pk__in=tag_ids)
        published = TaggedEntry.objects.filter(
            tag=OuterRef("pk"), content_object__status=Entry.Status.PUBLISHED
        )
        tags.update(
            entry_count=Coalesce(
                Subquery(published.order_by().values("tag").annotate(n=Count("pk")).values("n")),
                0,
            )
        )


class TaggedEntry(TaggedItemBase):
    # A plain foreign key rather than taggit's generic relation: joins use real indexes.
    content_object = models.ForeignKey("Entry", on_delete=models.CASCADE, related_name="tagged")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_entry_tag")
        ]


# What a link to an entry needs.
SUMMARY_FIELDS = ("kind", "title", "slug", "published_on", "published_at", "password", "path")


class EntryQuerySet(models.QuerySet):
    def public(self):
        """Published and not dated in the future: what readers may see."""
        return self.filter(status=Entry.Status.PUBLISHED, published_at__lte=timezone.now())

    def posts(self):
        """Dated entries, the ones lists, archives and feeds show (not stand-alone pages)."""
        return self.filter(kind=Entry.Kind.POST)

    def with_slug(self, slug):
        """Match a slug as typed in an address, or as WordPress stored it (percent-encoded)."""
        return self.filter(Q(slug=slug) | Q(slug=quote(slug, safe="-").lower()))

    def for_listing(self):
        """What a list of entries shows: author, source and approved-comment counts.

        Categories and tags come after slicing, from Entry.attach_filing(), in one query.
        """
        approved = (
            Comment.objects.filter(
                entry=OuterRef("pk"), status=Comment.Status.APPROVED, kind=Comment.Kind.COMMENT
            )
            .order_by()
            .values("entry")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            self.posts()
            .select_related("author", "source")
            .annotate(comment_count=Coalesce(Subquery(approved), 0))
        )

    def in_category(self, category):
        """Entries filed under the category or any category below it, as WordPress lists them."""
        filed = Entry.categories.through.objects.filter(entry=OuterRef("pk")).filter(
            Q(category=category) | Q(category__path__startswith=f"{category.path}/")
        )
        return self.filter(Exists(filed))

    def from_provenance(self, kind, slug):
        """Entries from one source, by one writer or from one dateline (by their slugs)."""
        return self.filter(**{PROVENANCE_FIELDS[kind]: slug})

    def related_to(self, entry, limit=5):
        """Up to `limit` entries like this one: sharing its rarer tags most, then its categories
        and title words; topped up with the entries just before it in its categories.

        Always two queries, whatever the entry has, so the entry page's cost stays fixed.
        """
        through = Entry.categories.through.objects
        mine = (
            through.filter(entry=entry.pk)
            .exclude(category__slug=Category.UNCATEGORIZED_SLUG)
            .values("category")
        )
        my_tags = TaggedEntry.objects.filter(content_object=entry.pk).values("tag")
        by_tags = dict(
            TaggedEntry.objects.filter(tag__in=my_tags)
            .exclude(content_object=entry.pk)
            .values_list("content_object")
            .annotate(n=Count("pk"))
            .order_by("-n")[:50]
        )
        in_my_categories = Exists(through.filter(entry=OuterRef("pk"), category__in=mine))
        nearby = (
            self.posts()
            .filter(in_my_categories, published_at__lt=entry.published_at)
            .order_by("-published_at")
            .values("pk")[: limit * 2]
        )
        shared = (
            through.filter(entry=OuterRef("pk"), category__in=mine)
            .values("entry")
            .annotate(n=Count("pk"))
            .values("n")
        )
        candidates = list(
            self.posts()
            .filter(Q(pk__in=list(by_tags)) | Q(pk__in=nearby))
            .exclude(pk=entry.pk)
            .annotate(shared_categories=Coalesce(Subquery(shared), 0))
            .only(*SUMMARY_FIELDS)
        )
        title_words = set(entry.title.lower().split())
        for candidate in candidates:
            shared_words = title_words & set(candidate.title.lower().split())
            candidate.score = 3 * by_tags.get(candidate.pk, 0) + 2 * candidate.shared_categories
            candidate.score += len(shared_words)
        candidates.sort(key=lambda c: (-c.score, abs(c.published_at - entry.published_at)))
        return candidates[:limit]

    def on_this_day(self, day, limit=5):
        """Entries from the same day of the year in other years, newest first."""
        return (
            self.posts()
            .filter(month_day=day.month * 100 + day.day)
            .exclude(published_on__year=day.year)
            .order_by("-published_at")
            .only(*SUMMARY_FIELDS)[:limit]
        )

    def newest_first(self):
        return self.order_by("-published_at", "-pk")

    def with_neighbours(self):
        """Annotate the previous and next public entries (title, slug, day) in the same query.

        Order is publication time, ties broken by id. Each neighbour is one indexed probe
        inside the entry's own query, so the entry page costs no extra round trips.
        """
        public = Entry.objects.public().posts()
        here_at, here_pk = OuterRef("published_at"), OuterRef("pk")
        before = (
            public.filter(published_at__lte=here_at)
            .exclude(published_at=here_at, pk__gte=here_pk)
            .order_by("-published_at", "-pk")
        )
        after = (
            public.filter(published_at__gte=here_at)
            .exclude(published_at=here_at, pk__lte=here_pk)
            .order_by("published_at", "pk")
        )
        summary = JSONObject(title="title", slug="slug", day="published_on")
        return self.annotate(
            previous_json=Subquery(
                before.values_list(summary)[:1], output_field=models.JSONField()
            ),
            next_json=Subquery(after.values_list(summary)[:1], output_field=models.JSONField()),
        )

    def fill_derived_fields(self, batch_size=2000):
        """Derive what bulk loads (which skip save()) left empty: month_day, writer and
        dateline slugs."""
        self.filter(month_day=0).update(
            month_day=ExtractMonth("published_on") * 100 + ExtractDay("published_on")
        )
        missing = self.filter(
            (~Q(byline="") & Q(writer_slug="")) | (~Q(dateline="") & Q(dateline_slug=""))
        ).only("byline", "dateline")
        while batch := list(missing[:batch_size]):
            for entry in batch:
                entry.writer_slug, entry.dateline_slug = provenance_slugs(
                    entry.byline, entry.dateline
                )
                # An entry whose byline yields no slug must not be picked up again.
                entry.writer_slug = entry.writer_slug or "-"
                entry.dateline_slug = entry.dateline_slug or "-"
            Entry.objects.bulk_update(batch, ["writer_slug", "dateline_slug"])

    def publish_due(self):
        """Publish scheduled entries whose time has come, as WordPress's scheduler does."""
        due = self.filter(status=Entry.Status.SCHEDULED, published_at__lte=timezone.now())
        published = 0
        for entry in due:
            entry.status = Entry.Status.PUBLISHED
            entry.save(update_fields=["status", "modified_at"])
            published += 1
        return published

    # Filing many entries at once (the admin's bulk actions). Each returns the entries it
    # changed, and recounts what it touched once rather than once per entry.

    def file_under(self, categories, replace=False):
        """Add these categories (or make them the only ones). Uncategorized gives way."""
        through = Entry.categories.through
        entries = list(self.values_list("pk", flat=True))
        wanted = {c.pk for c in categories}
        dropped = Q(category=Category.uncategorized())
        if replace:
            dropped |= ~Q(category__in=wanted)
        dropping = (
            through.objects.filter(entry__in=entries).filter(dropped).exclude(category__in=wanted)
        )
        removed = set(dropping.values_list("entry", "category"))
        dropping.delete()
        had = set(
            through.objects.filter(entry__in=entries, category__in=wanted).values_list(
                "entry", "category"
            )
        )
        adding = {(e, c) for e in entries for c in wanted} - had
        through.objects.bulk_create(through(entry_id=e, category_id=c) for e, c in adding)
        return self._refiled(removed | adding)

    def unfile_from(self, categories):
        """Remove these categories; an entry left in none falls back to Uncategorized."""
        through = Entry.categories.through
        removing = set(
            through.objects.filter(entry__in=self, category__in=categories).values_list(
                "entry", "category"
            )
        )
        through.objects.filter(entry__in=self, category__in=categories).delete()
        return self._refiled(removing)

    def _refiled(self, pairs):
        return refiled({entry for entry, _ in pairs}, {category for _, category in pairs})

    def add_tags(self, tags):
        entries = list(self.values_list("pk", flat=True))
        had = set(
            TaggedEntry.objects.filter(content_object__in=entries, tag__in=tags).values_list(
                "content_object", "tag"
            )
        )
        adding = {(e, t.pk) for e in entries for t in tags} - had
        TaggedEntry.objects.bulk_create(
            TaggedEntry(content_object_id=e, tag_id=t) for e, t in adding
        )
        return self._retagged(adding)

    def remove_tags(self, tags):
        tagged = TaggedEntry.objects.filter(content_object__in=self, tag__in=tags)
        removing = set(tagged.values_list("content_object", "tag"))
        tagged.delete()
        return self._retagged(removing)

    def _retagged(self, pairs):
        from newsarchive.caching import archive_changed

        Tag.refresh_counts({tag for _, tag in pairs})
        archive_changed()
        return Entry.objects.filter(pk__in={entry for entry, _ in pairs})

    def change_status(self, status):
        """Move entries to a status; publishing one dated in the future schedules it."""
        from newsarchive.caching import archive_changed

        now = timezone.now()
        moving = self.exclude(status=status)
        if status == Entry.Status.PUBLISHED:
            moving = moving.exclude(status=Entry.Status.SCHEDULED, published_at__gt=now)
        changed = list(moving.values_list("pk", "published_at", "kind"))
        ids = [pk for pk, _, _ in changed]
        if status in (Entry.Status.PUBLISHED, Entry.Status.SCHEDULED):
            due = Entry.objects.filter(pk__in=ids, published_at__lte=now)
            due.update(status=Entry.Status.PUBLISHED, modified_at=now)
            later = Entry.objects.filter(pk__in=ids, published_at__gt=now)
            later.update(status=Entry.Status.SCHEDULED, modified_at=now)
        else:
            Entry.objects.filter(pk__in=ids).update(status=status, modified_at=now)
        MonthArchive.objects.refresh(at for _, at, kind in changed if kind == Entry.Kind.POST)
        Provenance.objects.refresh_for(
            Entry.objects.posts()
            .filter(pk__in=ids)
            .values("source_id", "writer_slug", "dateline_slug")
            .distinct()
        )
        filed = Entry.categories.through.objects.filter(entry__in=ids).values("category")
        Category.objects.filter(pk__in=filed).refresh_counts()
        Tag.refresh_counts(TaggedEntry.objects.filter(content_object__in=ids).values("tag"))
        archive_changed()
        return Entry.objects.filter(pk__in=ids)

    def set_comments_open(self, is_open):
        from newsarchive.caching import archive_changed

        ids = list(self.exclude(comments_open=is_open).values_list("pk", flat=True))
        Entry.objects.filter(pk__in=ids).update(comments_open=is_open, modified_at=timezone.now())
        archive_changed()
        return Entry.objects.filter(pk__in=ids)


class Entry(models.Model):
    class Status(models.TextChoices):
        # The values are WordPress's own post statuses.
        DRAFT = "draft", "Draft"
        PENDING = "pending", "Pending review"
        PRIVATE = "private", "Private"
        SCHEDULED = "future", "Scheduled"
        PUBLISHED = "publish", "Published"
        TRASH = "trash", "Trash"

    class Kind(models.TextChoices):
        POST = "post", "Post"
        PAGE = "page", "Page"

    kind = models.CharField(
        max_length=10,
        choices=Kind.choices,
        default=Kind.POST,
        help_text="Posts are dated entries; pages stand alone at their own address (/about/).",
    )
    title = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=200,
        allow_unicode=True,
        help_text="The last part of the entry's address; unique among entries of the same day.",
    )
    body = models.TextField(blank=True, help_text="HTML as the blog stored it.")
    excerpt = models.TextField(blank=True, help_text="A short summary for lists and feeds.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(default=timezone.now, help_text="Publication time.")
    published_on = models.DateField(
        editable=False, help_text="The publication day in the blog's time zone."
    )
    modified_at = models.DateTimeField(
        default=timezone.now, editable=False, help_text="Set by save(); imports keep their own."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
    )
    categories = models.ManyToManyField(Category, blank=True, related_name="entries")
    tags = TaggableManager(through=TaggedEntry, blank=True)
    comments_open = models.BooleanField("comments open", default=True)
    pings_open = models.BooleanField("pings open", default=True)
    is_sticky = models.BooleanField(
        "sticky", default=False, help_text="Shown first on the home page."
    )
    wp_id = models.PositiveIntegerField("WordPress post id", null=True, blank=True, unique=True)
    guid = models.CharField("GUID", max_length=255, blank=True)
    password = models.CharField(
        max_length=255, blank=True, help_text="Readers must type this to see the entry."
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subpages",
        help_text="For pages: the page this one sits under.",
    )
    path = models.CharField(
        max_length=1000,
        blank=True,
        editable=False,
        help_text="For pages: slugs from the top page, joined by /.",
    )
    menu_order = models.IntegerField(default=0, help_text="For pages: their order in lists.")

    # Attribution of the reposted article.
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="entries"
    )
    credit_line = models.CharField(
        max_length=200,
        blank=True,
        help_text='A credit printed with the article: "Staff and agencies".',
    )
    byline = models.CharField(
        max_length=300, blank=True, help_text='"Scheherezade Faramarzi, Associated Press Writer".'
    )
    dateline = models.CharField(
        max_length=100, blank=True, help_text='Where it was filed: "BAGHDAD".'
    )
    original_published_on = models.DateField("originally published", null=True, blank=True)
    original_url = models.URLField("original address", max_length=500, blank=True)
    contributors = models.TextField(
        blank=True, help_text='Contributor credits: "… contributed to this report."'
    )
    writer_slug = models.SlugField(
        max_length=200, blank=True, editable=False, help_text="The byline's writer, for /byline/…/."
    )
    dateline_slug = models.SlugField(
        max_length=100, blank=True, editable=False, help_text="For /dateline/…/."
    )
    month_day = models.PositiveSmallIntegerField(
        default=0, editable=False, help_text="Month × 100 + day, for “on this day”."
    )

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "entries"
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        constraints = [
            models.UniqueConstraint(
                fields=["published_on", "slug"],
                condition=models.Q(kind="post"),
                name="unique_slug_per_day",
            ),
            models.UniqueConstraint(
                fields=["path"], condition=models.Q(kind="page"), name="unique_page_path"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "published_at", "id"], name="entry_status_time"),
            models.Index(
                fields=["status", "is_sticky", "published_at", "id"], name="entry_status_sticky"
            ),
            models.Index(fields=["writer_slug", "published_at"], name="entry_writer_time"),
            models.Index(fields=["dateline_slug", "published_at"], name="entry_dateline_time"),
            models.Index(fields=["source", "published_at"], name="entry_source_time"),
            models.Index(fields=["month_day", "published_at"], name="entry_month_day"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        now = timezone.now()
        # As WordPress does: publishing with a future date schedules; a due schedule publishes.
        if self.status == self.Status.PUBLISHED and self.published_at > now:
            self.status = self.Status.SCHEDULED
        elif self.status == self.Status.SCHEDULED and self.published_at <= now:
            self.status = self.Status.PUBLISHED
        self.derive_fields()
        self.modified_at = now
        if kwargs.get("update_fields") is not None:
            derived = {
                "status",
                "published_on",
                "path",
                "writer_slug",
                "dateline_slug",
                "month_day",
            }
            kwargs["update_fields"] = {*kwargs["update_fields"], *derived}
        saved = getattr(self, "_saved", {})
        with transaction.atomic():
            super().save(*args, **kwargs)
            self._keep_old_permalink(saved)
            self._recount(saved)
        self._saved = {name: getattr(self, name) for name in self.TRACKED}

    def get_absolute_url(self):
        if self.kind == self.Kind.PAGE:
            return reverse("page", kwargs={"path": unquote(self.path)})
        return reverse("entry", kwargs=self._permalink_kwargs())

    @classmethod
    def from_db(cls, db, field_names, values):
        entry = super().from_db(db, field_names, values)
        entry._saved = {name: getattr(entry, name) for name in cls.TRACKED if name in field_names}
        return entry

    # Fields computed from others, by derive_fields().
    DERIVED = ("published_on", "month_day", "path", "writer_slug", "dateline_slug")

    def derive_fields(self):
        """Fill the fields computed from others. save() calls it; bulk loaders, which skip
        save(), must call it too."""
        self.published_on = timezone.localtime(self.published_at, blog_timezone()).date()
        self.month_day = self.published_on.month * 100 + self.published_on.day
        if self.kind == self.Kind.PAGE:
            self.path = f"{self.parent.path}/{self.slug}" if self.parent_id else self.slug
        self.writer_slug, self.dateline_slug = provenance_slugs(self.byline, self.dateline)

    TRACKED = (
        "slug", "published_on", "status", "published_at", "source_id", "writer_slug",
        "dateline_slug",
    )  # fmt: skip

    def _keep_old_permalink(self, saved):
        moved = (
            saved.get("slug", self.slug) != self.slug
            or saved.get("published_on", self.published_on) != self.published_on
        )
        if saved and moved and self.kind == self.Kind.POST:
            OldPermalink.objects.update_or_create(
                published_on=saved["published_on"], slug=saved["slug"], defaults={"entry": self}
            )

    def _recount(self, saved):
        """Recount the months, categories, tags and provenance this save can have changed."""
        if self.kind != self.Kind.POST or all(
            saved.get(name) == getattr(self, name) for name in self.TRACKED if name != "slug"
        ):
            return
        if saved.get("status") != self.status or saved.get("published_at") != self.published_at:
            MonthArchive.objects.refresh({self.published_at, saved.get("published_at")} - {None})
        published = self.Status.PUBLISHED
        if self.status == published or saved.get("status") == published:
            if saved.get("status") != self.status:
                self.categories.all().refresh_counts()
                Tag.refresh_counts(self.tags.values("pk"))
            Provenance.objects.refresh_for([saved, self._provenance_values()])

    def _provenance_values(self):
        return {
            "source_id": self.source_id,
            "writer_slug": self.writer_slug,
            "dateline_slug": self.dateline_slug,
        }

    def get_comment_post_url(self):
        return reverse("comment-post", kwargs=self._permalink_kwargs())

    def get_trackback_url(self):
        return reverse("trackback", kwargs=self._permalink_kwargs())

    def get_comments_feed_url(self):
        return reverse("feed-entry-comments", kwargs=self._permalink_kwargs())

    def _permalink_kwargs(self):
        day = self.published_on
        # WordPress keeps non-Latin slugs percent-encoded; the address carries them decoded.
        return {"year": day.year, "month": day.month, "day": day.day, "slug": unquote(self.slug)}

    @property
    def poster_name(self):
        """Who filed the entry on the blog (the article's own writer is the byline)."""
        if self.author is None:
            return ""
        return self.author.get_full_name() or self.author.get_username()

    @property
    def is_public(self):
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    @property
    def display_title(self):
        title = content.texturize_text(self.title)
        return f"Protected: {title}" if self.password else title

    def body_html(self):
        return content.render_body(self.body)

    def summary_html(self):
        """The excerpt if there is one, else the first page up to `<!--more-->`."""
        if self.password:
            return content.PROTECTED_NOTICE
        if self.excerpt:
            return content.render_body(self.excerpt)
        return content.render_body(content.before_more(content.split_pages(self.body)[0]))

    @property
    def has_more(self):
        if self.excerpt or self.password:
            return False
        return content.MORE_MARKER in self.body or len(content.split_pages(self.body)) > 1

    def neighbour(self, which):
        """The previous or next entry annotated by `with_neighbours()`, as an unsaved Entry."""
        data = getattr(self, f"{which}_json", None)
        if not data:
            return None
        return Entry(
            title=data["title"],
            slug=data["slug"],
            published_on=datetime.date.fromisoformat(data["day"]),
        )

    @property
    def previous_entry(self):
        return self.neighbour("previous")

    @property
    def next_entry(self):
        return self.neighbour("next")

    @staticmethod
    def attach_filing(entries):
        """Load these entries' categories and tags in one query rather than one each."""
        entries = list(entries)
        by_id = {entry.pk: entry for entry in entries}
        for entry in entries:
            entry._filing = ([], [])
        if not by_id:
            return entries
        kind = models.CharField()
        categories = Entry.categories.through.objects.filter(entry__in=by_id).values_list(
            "entry",
            Value("category", kind),
            "category",
            "category__name",
            "category__slug",
            "category__path",
        )
        tags = TaggedEntry.objects.filter(content_object__in=by_id).values_list(
            "content_object", Value("tag", kind), "tag", "tag__name", "tag__slug", "tag__slug"
        )
        for entry_id, what, pk, name, slug, path in categories.union(tags, all=True):
            if what == "category":
                by_id[entry_id]._filing[0].append(Category(pk=pk, name=name, slug=slug, path=path))
            else:
                by_id[entry_id]._filing[1].append(Tag(pk=pk, name=name, slug=slug))
        for entry in entries:
            for filed in entry._filing:
                filed.sort(key=lambda item: item.name.lower())
        return entries

    @property
    def filed_categories(self):
        filing = getattr(self, "_filing", None)
        return filing[0] if filing is not None else list(self.categories.order_by("name"))

    @property
    def filed_tags(self):
        filing = getattr(self, "_filing", None)
        return filing[1] if filing is not None else list(self.tags.order_by("name"))

    def ensure_category(self):
        """An entry in no category is filed under Uncategorized, as WordPress does."""
        if not self.categories.exists():
            self.categories.add(Category.uncategorized())


class Attachment(models.Model):
    """A file the blog had uploaded (an image, usually), recorded but not downloaded."""

    entry = models.ForeignKey(
        Entry, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    title = models.CharField(max_length=300, blank=True)
    url = models.URLField("address", max_length=1000)
    mime_type = models.CharField(max_length=100, blank=True)
    uploaded_at = models.DateTimeField(null=True, blank=True)
    wp_id = models.PositiveIntegerField("WordPress post id", null=True, blank=True, unique=True)
    guid = models.CharField("GUID", max_length=255, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.title or self.url


class OldPermalink(models.Model):
    """A permalink an entry had before its slug or date changed; it redirects to the entry."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="old_permalinks")
    published_on = models.DateField()
    slug = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["published_on", "slug"], name="unique_old_permalink")
        ]

    def __str__(self):
        return f"{self.published_on:%Y/%m/%d}/{self.slug}/"


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
        entries = Entry.objects.posts().filter(
            status=Entry.Status.PUBLISHED, **{PROVENANCE_FIELDS[kind]: slug}
        )
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
        self.all().delete()
        published = Entry.objects.posts().filter(status=Entry.Status.PUBLISHED).order_by()
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
    """Published entries per source, writer and dateline, kept current like the month counts."""

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

    def rebuild(self):
        """Recount every month from scratch (after bulk loads)."""
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


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def visible_to(self, own_pending_ids):
        """Approved comments, and the visitor's own comments still awaiting moderation."""
        own = Q(pk__in=own_pending_ids, status=Comment.Status.PENDING) if own_pending_ids else Q()
        return self.filter(Q(status=Comment.Status.APPROVED) | own) if own else self.approved()

    def with_anchor_id(self, number):
        """The comment whose `#comment-N` anchor is N: its WordPress id, or our own id."""
        return self.filter(Q(wp_id=number) | Q(pk=number, wp_id__isnull=True))

    def threaded(self, max_depth=5):
        """Comments in reading order, each with `depth`: replies follow their parent.

        Replies to a comment that is not in this queryset (unapproved, say) are shown at
        the top level, and nesting stops at `max_depth` as WordPress's default does.
        """
        comments = list(self.order_by("submitted_at", "pk"))
        by_parent = {}
        present = {c.pk for c in comments}
        for comment in comments:
            parent = comment.parent_id if comment.parent_id in present else None
            by_parent.setdefault(parent, []).append(comment)
        ordered = []
        stack = [(c, 1) for c in reversed(by_parent.get(None, []))]
        while stack:
            comment, depth = stack.pop()
            comment.depth = min(depth, max_depth)
            ordered.append(comment)
            stack.extend((c, depth + 1) for c in reversed(by_parent.get(comment.pk, [])))
        return ordered


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        TRASH = "trash", "Trash"

    class Kind(models.TextChoices):
        COMMENT = "comment", "Comment"
        TRACKBACK = "trackback", "Trackback"
        PINGBACK = "pingback", "Pingback"

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    author_name = models.CharField("name", max_length=200)
    author_email = models.EmailField("email", blank=True, help_text="Never shown in public.")
    author_url = models.URLField("website", max_length=500, blank=True)
    body = models.TextField("comment", help_text="Plain text, as the commenter typed it.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COMMENT)
    submitted_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    wp_id = models.PositiveIntegerField("WordPress comment id", null=True, blank=True, unique=True)
    notify = models.BooleanField(
        "notify of follow-ups",
        default=False,
        help_text="Email the commenter when further comments on the entry are approved.",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["submitted_at", "pk"]
        indexes = [
            models.Index(fields=["entry", "status", "submitted_at"], name="comment_entry_status"),
            models.Index(fields=["status", "submitted_at"], name="comment_status_time"),
        ]

    def __str__(self):
        return f"{self.author_name} on {self.entry_id}"

    def get_absolute_url(self):
        return f"{self.entry.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self):
        return f"comment-{self.wp_id or self.pk}"

    def body_html(self):
        if self.wp_id is not None:  # imported: WordPress stored comments as HTML
            return content.render_wordpress_comment(self.body)
        return content.render_comment(self.body)

    @property
    def is_ping(self):
        return self.kind != self.Kind.COMMENT


class DiscussionSettings(models.Model):
    """WordPress's Settings → Discussion: one row, edited in the admin."""

    class Order(models.TextChoices):
        OLDEST_FIRST = "oldest", "Oldest first"
        NEWEST_FIRST = "newest", "Newest first"

    require_approval = models.BooleanField(
        "a moderator must approve each comment",
        default=True,
        help_text="Comments wait in the moderation queue until a moderator approves them.",
    )
    approve_known_authors = models.BooleanField(
        "approve authors with a previously approved comment",
        default=True,
        help_text="A commenter with an approved comment under the same name and email is trusted.",
    )
    require_name_email = models.BooleanField("commenters must give a name and email", default=True)
    max_links = models.PositiveSmallIntegerField(
        "hold a comment with more links than",
        default=2,
        help_text="A comment with more links than this waits for a moderator.",
    )
    moderation_keys = models.TextField(
        "moderation list",
        blank=True,
        help_text="One word, name, email, URL or IP address per line. A comment containing any "
        "of them waits in the moderation queue.",
    )
    disallowed_keys = models.TextField(
        "disallowed list",
        blank=True,
        help_text="One per line, as above. A comment containing any of them is marked as spam.",
    )
    close_after_days = models.PositiveIntegerField(
        "close comments on entries older than (days)",
        null=True,
        blank=True,
        help_text="Leave empty to keep comments open on old entries.",
    )
    thread_depth = models.PositiveSmallIntegerField(
        "nest replies up to this many levels", default=5
    )
    comments_per_page = models.PositiveSmallIntegerField(
        "top-level comments per page",
        default=0,
        help_text="0 shows every comment on the entry's page.",
    )
    order = models.CharField(
        "comment order", max_length=10, choices=Order.choices, default=Order.OLDEST_FIRST
    )
    comments_per_minute = models.PositiveSmallIntegerField(
        "comments per minute from one IP address",
        default=5,
        help_text="More than this within a minute is refused with “Too many comments”.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "discussion settings"

    def __str__(self):
        return "Discussion settings"

    @classmethod
    def load(cls):
        from newsarchive.caching import cached

        return cached("discussion-settings", lambda: cls.objects.get_or_create(pk=1)[0])

    def comments_closed_for(self, entry):
        if not entry.comments_open:
            return True
        if self.close_after_days is None:
            return False
        return entry.published_at < timezone.now() - datetime.timedelta(days=self.close_after_days)


def refiled(entry_ids, category_ids):
    """After entries changed categories: those left in none go to Uncategorized, the
    categories touched are recounted, caches go stale. Returns the changed entries."""
    from newsarchive.caching import archive_changed

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

    with transaction.atomic():
        Entry.objects.fill_derived_fields()
        MonthArchive.objects.rebuild()
        Category.objects.all().refresh_counts()
        Tag.refresh_counts()
        Provenance.objects.rebuild()
    archive_changed()

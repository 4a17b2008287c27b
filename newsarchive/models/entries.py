"""Entries (posts and pages) and what hangs on them: attachments and old permalinks."""

import datetime
from dataclasses import dataclass
from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager

from newsarchive import content
from newsarchive.models.derived import (
    EARLIEST_DAY,
    EARLIEST_MOMENT,
    LATEST_DAY,
    LATEST_MOMENT,
    blog_timezone,
    is_showable,
    provenance_slugs,
)
from newsarchive.models.imports import wordpress_blog, wordpress_identity
from newsarchive.models.queries import EntryQuerySet
from newsarchive.models.taxonomy import Category, Source, TaggedEntry


def permalink(day, slug, route="entry"):
    """The address of the post of this day and slug (`/2007/03/10/us-and-iran-talks/`), or of
    one under it (`route`: "comment-post", "trackback", "feed-entry-comments")."""
    # WordPress keeps non-Latin slugs percent-encoded; the address carries them decoded.
    kwargs = {"year": day.year, "month": day.month, "day": day.day, "slug": unquote(slug)}
    return reverse(route, kwargs=kwargs)


def span(earliest, latest):
    """ "from January 2, 1000 to December 30, 9998" """
    first, last = (f"{day:%B} {day.day}, {day.year}" for day in (earliest, latest))
    return f"from {first} to {last}"


def validate_showable(value):
    """Refuse a date or time the archive cannot show: no address could name it, and the day
    after some of them is past what Python can hold."""
    if value is None:
        return
    if isinstance(value, datetime.datetime) and timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.UTC)
    if not is_showable(value):
        raise ValidationError(
            f"Choose a date {span(EARLIEST_MOMENT, LATEST_MOMENT)}: the archive cannot show "
            "dates outside them.",
            code="unshowable",
        )


def showable(field, earliest=EARLIEST_MOMENT, latest=LATEST_MOMENT):
    """The database's own refusal of what `validate_showable` refuses, for this field."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__range": (earliest, latest)}),
        name=f"%(class)s_{field}_showable",
        violation_error_message=f"Dates {span(earliest, latest)} only.",
    )


def status_at(status, published_at, now):
    """The status an entry given `status` and dated `published_at` has at `now`: WordPress's
    scheduling rule, that publishing with a future date schedules, and a schedule that is due
    publishes. Entry.save() and filing.change_status() (so publish_due() too) apply it."""
    if status == Entry.Status.PUBLISHED and published_at > now:
        return Entry.Status.SCHEDULED
    if status == Entry.Status.SCHEDULED and published_at <= now:
        return Entry.Status.PUBLISHED
    return status


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
    published_at = models.DateTimeField(
        default=timezone.now, validators=[validate_showable], help_text="Publication time."
    )
    published_on = models.DateField(
        editable=False, help_text="The publication day in the blog's time zone."
    )
    modified_at = models.DateTimeField(
        default=timezone.now,
        editable=False,
        validators=[validate_showable],
        help_text="Set by save(); imports keep their own.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
    )
    categories = models.ManyToManyField(Category, blank=True, related_name="entries")
    # In name order (whatever the case) wherever they are read, prefetched lists included.
    tags = TaggableManager(through=TaggedEntry, blank=True, ordering=[Lower("name"), "pk"])
    comments_open = models.BooleanField("comments open", default=True)
    pings_open = models.BooleanField("pings open", default=True)
    is_sticky = models.BooleanField(
        "sticky", default=False, help_text="Shown first on the home page."
    )
    wp_id = models.PositiveIntegerField("WordPress post id", null=True, blank=True)
    wp_blog = wordpress_blog()
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
            showable("published_at"),
            showable("modified_at"),
            showable("published_on", EARLIEST_DAY, LATEST_DAY),
            *wordpress_identity("entry"),
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
        self.status = status_at(self.status, self.published_at, now)
        self.derive_fields()
        self.modified_at = now
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "status", *self.DERIVED}
        # What saving an entry changes beyond its row (counts, old permalinks: signals.py)
        # is written with it, or not at all.
        with transaction.atomic():
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        if self.kind == self.Kind.PAGE:
            return reverse("page", kwargs={"path": unquote(self.path)})
        return permalink(self.published_on, self.slug)

    # Fields computed from others, by derive_fields().
    DERIVED = ("published_on", "month_day", "path", "writer_slug", "dateline_slug")

    def derive_fields(self):
        """Fill the fields computed from others. save() calls it; bulk loaders, which skip
        save(), must call it too. An entry dated outside what the archive can show is refused
        here: its day in the blog's zone may be past what Python can hold."""
        validate_showable(self.published_at)
        self.published_on = timezone.localtime(self.published_at, blog_timezone()).date()
        self.month_day = self.published_on.month * 100 + self.published_on.day
        if self.kind == self.Kind.PAGE:
            self.path = f"{self.parent.path}/{self.slug}" if self.parent_id else self.slug
        self.writer_slug, self.dateline_slug = provenance_slugs(self.byline, self.dateline)

    def get_comment_post_url(self):
        return permalink(self.published_on, self.slug, "comment-post")

    def get_trackback_url(self):
        return permalink(self.published_on, self.slug, "trackback")

    def get_comments_feed_url(self):
        return permalink(self.published_on, self.slug, "feed-entry-comments")

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
        if self.password:
            return content.PROTECTED_NOTICE
        return content.render_body(self.summary_text())

    def summary_text(self):
        """The excerpt if there is one, else the first page up to `<!--more-->`."""
        return self.excerpt or content.before_more(content.split_pages(self.body)[0])

    @property
    def has_more(self):
        if self.excerpt or self.password:
            return False
        return content.MORE_MARKER in self.body or len(content.split_pages(self.body)) > 1

    def neighbour(self, which):
        """The previous or next post annotated by `with_neighbours()`, as an EntryLink."""
        data = getattr(self, f"{which}_json", None)
        if not data:
            return None
        return EntryLink(data["title"], data["slug"], datetime.date.fromisoformat(data["day"]))

    @property
    def previous_entry(self):
        return self.neighbour("previous")

    @property
    def next_entry(self):
        return self.neighbour("next")

    def ensure_category(self):
        """An entry in no category is filed under Uncategorized, as WordPress does."""
        if not self.categories.exists():
            self.categories.add(Category.uncategorized())


@dataclass(frozen=True, slots=True)
class EntryLink:
    """Another entry as a link to it shows it (an entry page's previous and next): its title and
    address, without the cost of an Entry instance's forty fields."""

    title: str
    slug: str
    published_on: datetime.date

    def get_absolute_url(self):
        return permalink(self.published_on, self.slug)

    @property
    def display_title(self):
        return content.texturize_text(self.title)


class Attachment(models.Model):
    """A file the blog had uploaded (an image, usually), recorded but not downloaded."""

    entry = models.ForeignKey(
        Entry, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    title = models.CharField(max_length=300, blank=True)
    url = models.URLField("address", max_length=1000)
    mime_type = models.CharField(max_length=100, blank=True)
    uploaded_at = models.DateTimeField(null=True, blank=True)
    wp_id = models.PositiveIntegerField("WordPress post id", null=True, blank=True)
    wp_blog = wordpress_blog()
    guid = models.CharField("GUID", max_length=255, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = wordpress_identity("attachment")

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

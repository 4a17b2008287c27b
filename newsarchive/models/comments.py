"""Comments and WordPress's Discussion settings."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from newsarchive import content
from newsarchive.caching import cached
from newsarchive.models.entries import Entry, showable, validate_showable
from newsarchive.models.imports import wordpress_blog, wordpress_identity


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

    def in_reading_order(self):
        """Oldest first, what `thread()` takes."""
        return self.order_by("submitted_at", "pk")


def thread(comments, max_depth=5):
    """Comments (oldest first) in reading order, each with `depth`: replies follow their parent.

    Replies to a comment that is not in the list (unapproved, say) are shown at the top level,
    and nesting stops at `max_depth` as WordPress's default does.
    """
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


def top_level_threads(comments, order):
    """Comments in reading order (from `thread()`), grouped by top-level comment, in the order
    the discussion settings show them: what pages of comments are pages of."""
    threads = []
    for comment in comments:
        if comment.depth == 1 or not threads:
            threads.append([])
        threads[-1].append(comment)
    if order == DiscussionSettings.Order.NEWEST_FIRST:
        threads.reverse()
    return threads


def page_number(threads, per_page, comment_id):
    """The page of comments (1, 2, …) showing this comment, or None where comments are shown
    on one page (or it is not among them)."""
    if not per_page or len(threads) <= per_page:
        return None
    for index, comments in enumerate(threads):
        if any(c.pk == comment_id for c in comments):
            return index // per_page + 1
    return None


def comment_links(comments, own_pending=()):
    """{comment id: its address}: the entry's page of comments that shows it, at its anchor,
    as WordPress's get_comment_link() does; in one query for all of them. `own_pending`: ids
    of comments awaiting moderation that this reader sees (their own)."""
    comments = list(comments)
    discussion = DiscussionSettings.load()
    entries = {comment.entry_id for comment in comments}
    siblings = (
        Comment.objects.filter(entry__in=entries, kind=Comment.Kind.COMMENT)
        .visible_to(own_pending)
        .in_reading_order()
        .only("entry", "parent")  # what threading needs: a quarter less work than whole comments
    )
    by_entry = {}
    for sibling in siblings:
        by_entry.setdefault(sibling.entry_id, []).append(sibling)
    threads = {
        entry_id: top_level_threads(thread(listed, discussion.thread_depth), discussion.order)
        for entry_id, listed in by_entry.items()
    }
    links = {}
    for comment in comments:
        number = page_number(threads.get(comment.entry_id, []), discussion.comments_per_page,
                             comment.pk)  # fmt: skip
        query = f"?cpage={number}" if number and number > 1 else ""
        links[comment.pk] = f"{comment.entry.get_absolute_url()}{query}#{comment.anchor}"
    return links


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
    submitted_at = models.DateTimeField(default=timezone.now, validators=[validate_showable])
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    wp_id = models.PositiveIntegerField("WordPress comment id", null=True, blank=True)
    wp_blog = wordpress_blog()
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
        constraints = [showable("submitted_at"), *wordpress_identity("comment")]

    def __str__(self):
        return f"{self.author_name} on {self.entry_id}"

    def get_absolute_url(self):
        """On the page of comments that shows it (see comment_links())."""
        return comment_links([self])[self.pk]

    @classmethod
    def from_db(cls, db, field_names, values):
        comment = super().from_db(db, field_names, values)
        comment.saved_status = comment.status if "status" in field_names else None
        # A comment moved to another entry leaves the first entry's page stale too (signals).
        comment.saved_entry_id = comment.entry_id if "entry_id" in field_names else None
        return comment

    @property
    def anchor(self):
        return f"comment-{self.wp_id or self.pk}"

    def body_html(self):
        if self.wp_id is not None:  # imported: WordPress stored comments as HTML
            return content.render_wordpress_comment(self.body)
        return content.render_comment(self.body)

    @property
    def is_ping(self):
        return self.kind != Comment.Kind.COMMENT

    def is_seen_by_readers(self):
        """Whether readers see this comment, or saw it as it was loaded: only a change to such a
        comment makes cached pages stale (pending, spam and trash never reach a page)."""
        approved = self.Status.APPROVED
        if approved not in (self.status, getattr(self, "saved_status", None)):
            return False
        return self.entry.is_public


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
        # Kept until the archive changes (saving these settings changes it): the entry page
        # and comment_links() read them on every render.
        return cached("discussion-settings", lambda: cls.objects.get_or_create(pk=1)[0])

    def comments_closed_for(self, entry):
        if not entry.comments_open:
            return True
        if self.close_after_days is None:
            return False
        return entry.published_at < timezone.now() - datetime.timedelta(days=self.close_after_days)

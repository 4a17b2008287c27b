"""RSS 2.0 and Atom feeds at WordPress's addresses: entries, per category and tag, comments."""

import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from newsarchive import content
from newsarchive.models import Category, Comment, Entry, Provenance, Tag, comment_links
from newsarchive.views import date_or_404

FEED_LENGTH = 10

# What XML 1.0 cannot carry (Django's feed writer refuses it): control characters but tab and
# line breaks, which a paste or an import can leave in a name or a text.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xml_safe(value):
    if isinstance(value, str):
        return NOT_XML.sub("", value)
    if isinstance(value, dict):
        return {key: xml_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(xml_safe(item) for item in value)
    return value


class XMLFeed(Feed):
    """A feed that leaves out what XML cannot carry rather than failing whole (and answers
    only GET and HEAD, as every page does)."""

    def __call__(self, request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return super().__call__(request, *args, **kwargs)

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed = xml_safe(feed.feed)
        feed.items = xml_safe(feed.items)
        return feed


class LatestEntriesFeed(XMLFeed):
    title = settings.BLOG_NAME
    description = settings.BLOG_TAGLINE
    link = "/"

    def items(self):
        return Entry.objects.public().for_listing().newest_first()[:FEED_LENGTH]

    def item_title(self, entry):
        return entry.display_title

    def item_description(self, entry):
        return content.PROTECTED_NOTICE if entry.password else entry.body_html()

    def item_pubdate(self, entry):
        return entry.published_at

    def item_updateddate(self, entry):
        return entry.modified_at

    def item_author_name(self, entry):
        # A protected entry's byline is printed with its article, behind the password.
        return entry.poster_name if entry.password else entry.byline or entry.poster_name

    def item_categories(self, entry):
        return [item.name for item in (*entry.filed_categories, *entry.filed_tags)]

    def item_guid(self, entry):
        return entry.guid or None

    def item_guid_is_permalink(self, entry):
        return not entry.guid

    def item_comments(self, entry):
        # From settings, not the request: one feed object answers every request, in every
        # thread, and keeps nothing of any of them.
        return f"{settings.SITE_URL}{entry.get_absolute_url()}#comments"


class LatestEntriesAtomFeed(LatestEntriesFeed):
    feed_type = Atom1Feed
    subtitle = LatestEntriesFeed.description


class CategoryFeed(LatestEntriesFeed):
    def get_object(self, request, path):
        # As its archive: a category of no published entry has no feed (its name is known
        # only from entries readers may not see).
        return get_object_or_404(Category, path=path, tree_count__gt=0)

    def title(self, category):
        return f"{settings.BLOG_NAME} » {category.name}"

    def link(self, category):
        return category.get_absolute_url()

    def items(self, category):
        entries = Entry.objects.public().for_listing().in_category(category)
        return entries.newest_first()[:FEED_LENGTH]


class TagFeed(LatestEntriesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug, entry_count__gt=0)

    def title(self, tag):
        return f"{settings.BLOG_NAME} » {tag.name}"

    def link(self, tag):
        return tag.get_absolute_url()

    def items(self, tag):
        entries = Entry.objects.public().for_listing().filter(tags=tag)
        return entries.newest_first()[:FEED_LENGTH]


class LatestCommentsFeed(XMLFeed):
    """Approved comments on entries anyone may read (never a password-protected entry's);
    commenters' email addresses never appear."""

    title = f"Comments for {settings.BLOG_NAME}"
    description = settings.BLOG_TAGLINE
    length = 20

    def link(self):
        return reverse("home")

    def comments(self, obj):
        return Comment.objects.approved().filter(entry__in=Entry.objects.public().unprotected())

    def items(self, obj=None):
        comments = list(
            self.comments(obj)
            .select_related("entry")
            .order_by("-submitted_at", "-pk")[: self.length]
        )
        # Each on the page of comments that shows it, in one query for them all. Kept on each
        # comment, not on the feed: one feed object answers every request, in every thread.
        links = comment_links(comments)
        for comment in comments:
            comment.link = links[comment.pk]
        return comments

    def item_title(self, comment):
        return f"Comment on {comment.entry.display_title} by {comment.author_name}"

    def item_description(self, comment):
        return comment.body_html()

    def item_link(self, comment):
        return comment.link

    def item_pubdate(self, comment):
        return comment.submitted_at

    def item_author_name(self, comment):
        return comment.author_name


class EntryCommentsFeed(LatestCommentsFeed):
    def get_object(self, request, year, month, day, slug):
        return get_object_or_404(
            Entry.objects.public(), published_on=date_or_404(year, month, day), slug=slug
        )

    def title(self, entry):
        return f"Comments on: {entry.display_title}"

    def link(self, entry):
        return entry.get_absolute_url()

    def comments(self, entry):
        # A protected entry's comments are behind its password, as its body is.
        return entry.comments.approved() if not entry.password else Comment.objects.none()


class ProvenanceFeed(LatestEntriesFeed):
    """A feed per source, writer or dateline: "everything AP filed from Baghdad" is a
    search filtered by both, and each of these is one of its halves."""

    def __init__(self, kind):
        super().__init__()
        self.kind = kind

    def get_object(self, request, slug):
        return get_object_or_404(Provenance, kind=self.kind, slug=slug)

    def title(self, provenance):
        return f"{settings.BLOG_NAME} » {provenance.get_kind_display()}: {provenance.name}"

    def link(self, provenance):
        return provenance.get_absolute_url()

    def items(self, provenance):
        entries = Entry.objects.public().for_listing().from_provenance(self.kind, provenance.slug)
        return entries.newest_first()[:FEED_LENGTH]

"""The vocabulary every page speaks: what readers may see, how lists and an entry's page are
fetched, with their categories, tags and neighbours. (Changing entries in bulk is
newsarchive/filing.py's.)"""

from urllib.parse import quote

from django.db import models
from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, Subquery, When
from django.db.models.functions import Coalesce, JSONObject, Lower
from django.utils import timezone

from newsarchive.models.derived import PROVENANCE_FIELDS
from newsarchive.models.taxonomy import Category, TaggedEntry

SUMMARY_FIELDS = ("kind", "title", "slug", "published_on", "published_at", "password", "path")


def stored_slug(slug):
    """A slug as WordPress stored it: percent-encoded, lower case (`%d8%a8…` for Arabic)."""
    return quote(slug, safe="-").lower()


class EntryQuerySet(models.QuerySet):
    def public(self, now=None):
        """Published and not dated in the future: what readers may see (`now` by default)."""
        return self.filter(
            status=self.model.Status.PUBLISHED, published_at__lte=now or timezone.now()
        )

    def unprotected(self):
        """Entries without a password. Of a password-protected entry readers without the
        password get its title, date and permalink, and the blog's filing of it (categories,
        tags, who posted it), as in WordPress; nothing of its article (body, excerpt, and the
        attribution printed with it: source, byline, dateline) nor of its comments. Every
        list, count, feed and index that shows more than that reads only these."""
        return self.filter(password="")

    def posts(self):
        """Dated entries, the ones lists, archives and feeds show (not stand-alone pages)."""
        return self.filter(kind=self.model.Kind.POST)

    def with_slug(self, slug, stored=None):
        """Match a slug as typed in an address, or as WordPress stored it (percent-encoded;
        `stored`, when the caller has it: `stored_slug(slug)`)."""
        return self.filter(Q(slug=slug) | Q(slug=stored_slug(slug) if stored is None else stored))

    def for_listing(self):
        """What a list of entries shows: author, source, categories and tags (`with_filing()`)
        and approved-comment counts (None for a password-protected entry: how many comments it
        has is behind its password)."""
        from newsarchive.models.comments import Comment

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
            .with_filing()
            .annotate(
                comment_count=Case(
                    When(password="", then=Coalesce(Subquery(approved), 0)), default=None
                )
            )
        )

    def for_entry_page(self, now=None):
        """What an entry's own page shows of it (a post's or a stand-alone page's): author and
        source, the previous and next public posts (`with_neighbours()`, in the same
        statement), categories and tags (`with_filing()`)."""
        return self.select_related("author", "source").with_neighbours(now).with_filing()

    def with_filing(self):
        """Each entry's categories and tags as lists, `filed_categories` and `filed_tags`,
        sorted by name whatever its case: a query each for all the entries, when they are
        read."""
        categories = Category.objects.only("name", "slug", "path").order_by(Lower("name"), "pk")
        return self.prefetch_related(
            Prefetch("categories", queryset=categories, to_attr="filed_categories"),
            # taggit takes no queryset here: the order is the `tags` field's own `ordering`.
            Prefetch("tags", to_attr="filed_tags"),
        )

    def in_category(self, category):
        """Entries filed under the category or any category below it, as WordPress lists them."""
        filed = self.model.categories.through.objects.filter(entry=OuterRef("pk")).filter(
            Q(category=category) | Q(category__path__startswith=f"{category.path}/")
        )
        return self.filter(Exists(filed))

    def from_provenance(self, kind, slug):
        """Entries from one source, by one writer or from one dateline (by their slugs); never
        a password-protected entry, whose attribution is printed with the article, behind
        its password (nor counted in Provenance)."""
        return self.unprotected().filter(**{PROVENANCE_FIELDS[kind]: slug})

    def related_to(self, entry, limit=5):
        """Up to `limit` entries like this one: sharing its rarer tags most, then its categories
        and title words; topped up with the entries just before it in its categories.

        At most three queries (its tags' entries, the entries before it in its categories, the
        candidates), whatever the archive's size.
        """
        through = self.model.categories.through.objects
        # The entry's categories come prefetched (for_entry_page()).
        mine = [c.pk for c in entry.filed_categories if c.slug != Category.UNCATEGORIZED_SLUG]
        my_tags = TaggedEntry.objects.filter(content_object=entry.pk).values("tag")
        by_tags = dict(
            TaggedEntry.objects.filter(tag__in=my_tags)
            .exclude(content_object=entry.pk)
            .values_list("content_object")
            .annotate(n=Count("pk"))
            .order_by("-n")[:50]
        )
        # Only where it has categories of its own: in none, looking for its neighbours in them
        # walked the whole archive (a second and more at 100,000 entries).
        # Their ids as a list: as a subquery ORed with the tags' ids, PostgreSQL read every
        # entry to test it (100 ms at 100,000 entries, against 2 for this extra query).
        nearby = []
        if mine:
            in_my_categories = Exists(through.filter(entry=OuterRef("pk"), category__in=mine))
            nearby = list(
                self.posts()
                .filter(in_my_categories, published_at__lt=entry.published_at)
                .order_by("-published_at")
                .values_list("pk", flat=True)[: limit * 2]
            )
        shared = (
            through.filter(entry=OuterRef("pk"), category__in=mine)
            .values("entry")
            .annotate(n=Count("pk"))
            .values("n")
        )
        candidates = list(
            self.posts()
            .filter(pk__in={*by_tags, *nearby})
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

    def with_neighbours(self, now=None):
        """Annotate the previous and next public posts (title, slug, day) in the same query,
        read as `Entry.previous_entry` and `next_entry`.

        Order is publication time, ties broken by id. Each neighbour is one indexed probe
        inside the entry's own query, so the entry page costs no extra round trips.
        """
        public = self.model.objects.public(now).posts()
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

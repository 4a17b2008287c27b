"""Sitemaps (an index of entries, pages, month archives and categories) and robots.txt."""

from urllib.parse import quote, unquote

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max
from django.http import HttpResponse
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.views.decorators.http import require_GET

from newsarchive.models import Category, Entry, MonthArchive

# What reverse() leaves unquoted in an address (django.urls.resolvers).
_URL_SAFE = RFC3986_SUBDELIMS + "/~:@"


def spelled_permalink(day, slug):
    """`/2007/03/10/us-and-iran-hold-rare-direct-talks/`: what reverse() makes of
    newsarchive/urls.py's `entry` route (Entry.get_absolute_url()), spelled out, because a
    sitemap lists up to 10,000 entries and reverse() costs five times as much (11 µs against
    2: some 90 ms a sitemap). tests/test_navigation.py checks they agree; this can go when
    reverse() gets about as fast."""
    # WordPress keeps non-Latin slugs percent-encoded; the address carries them decoded.
    slug = unquote(slug)
    if not slug or "/" in slug:
        raise NoReverseMatch(f"An entry's address needs a slug without '/', not {slug!r}.")
    path = f"{day.year:04d}/{day.month:02d}/{day.day:02d}/{slug}/"
    return quote(f"{get_script_prefix()}{path}", safe=_URL_SAFE)


class EntrySitemap(Sitemap):
    kind = Entry.Kind.POST
    changefreq = "yearly"
    limit = 10000

    def items(self):
        fields = ("kind", "slug", "published_on", "path", "modified_at")
        return Entry.objects.public().filter(kind=self.kind).order_by("pk").only(*fields)

    def location(self, entry):
        if entry.kind == Entry.Kind.POST:
            return spelled_permalink(entry.published_on, entry.slug)
        return entry.get_absolute_url()

    def lastmod(self, entry):
        return entry.modified_at

    def get_latest_lastmod(self):
        # Django's default would call lastmod() on every entry in the archive.
        return (
            Entry.objects.public()
            .filter(kind=self.kind)
            .aggregate(Max("modified_at"))["modified_at__max"]
        )


class PageSitemap(EntrySitemap):
    kind = Entry.Kind.PAGE
    changefreq = "monthly"


class MonthSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return MonthArchive.objects.order_by("month")

    def lastmod(self, month):
        return month.latest_at


class CategorySitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Category.objects.filter(entry_count__gt=0).order_by("path")

    def lastmod(self, category):
        return category.latest_at


SITEMAPS = {
    "entries": EntrySitemap,
    "pages": PageSitemap,
    "archives": MonthSitemap,
    "categories": CategorySitemap,
}


@require_GET
def index(request):
    """The sitemap index, listing only the sitemaps that have something in them: the schema
    wants at least one URL in each (an archive without stand-alone pages has none of those)."""
    present = {name: sitemap for name, sitemap in SITEMAPS.items() if sitemap().items().exists()}
    return sitemap_views.index(request, sitemaps=present, sitemap_url_name="sitemap-section")


@require_GET
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "Disallow: /?s=",
        "Disallow: /comments/unsubscribe/",
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")

"""Sitemaps (an index of entries, pages, month archives and categories) and robots.txt."""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from newsarchive.models import Category, Entry, MonthArchive


class EntrySitemap(Sitemap):
    kind = Entry.Kind.POST
    changefreq = "yearly"
    limit = 10000

    def items(self):
        fields = ("kind", "slug", "published_on", "path", "modified_at")
        return Entry.objects.public().filter(kind=self.kind).order_by("pk").only(*fields)

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

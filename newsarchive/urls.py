"""WordPress's addresses, so that every old link into the archive keeps working."""

from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, register_converter

from newsarchive import feeds, sitemaps, views
from newsarchive.comments import views as comment_views
from newsarchive.models import EARLIEST_DAY, LATEST_DAY


class FourDigits:
    """A zero-padded number of a fixed width, as WordPress's dates are: 2007/03/10."""

    regex = "[0-9]{4}"
    width = 4

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):0{self.width}d}"


class PageNumber:
    """A page number as links write it: 2, never 02 or 002 (each would be another address for
    the same page, and the page cache keeps a page per address)."""

    regex = "[1-9][0-9]{0,8}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(int(value))


class TwoDigits(FourDigits):
    regex = "[0-9]{2}"
    width = 2


class Year(FourDigits):
    """A year the archive can show: an address with any other (`/9999/12/31/`) matches no
    dated route, and so answers 404."""

    def to_python(self, value):
        year = int(value)
        if not EARLIEST_DAY.year <= year <= LATEST_DAY.year:
            raise ValueError(f"The archive shows no year {value}.")
        return year


register_converter(Year, "yyyy")
register_converter(TwoDigits, "mm")
register_converter(TwoDigits, "dd")
register_converter(PageNumber, "page")

entry = "<yyyy:year>/<mm:month>/<dd:day>/<str:slug>/"


def paginated(route, view, name):
    """The route and WordPress's `…/page/N/` beside it."""
    # The paged route first: `category/<path:path>/` would also swallow `…/page/2/`.
    return [
        path(f"{route}page/<page:page>/", view, name=name),
        path(route, view, name=name),
    ]


urlpatterns = [
    path("", views.home, name="home"),
    path("page/<page:page>/", views.home, name="home"),
    path("feed/", feeds.LatestEntriesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestEntriesAtomFeed(), name="feed-atom"),
    path("comments/feed/", feeds.LatestCommentsFeed(), name="feed-comments"),
    path("search/", views.search, name="search"),
    path("robots.txt", sitemaps.robots_txt, name="robots-txt"),
    path(
        "sitemap.xml",
        sitemaps.index,
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps.SITEMAPS},
        name="sitemap-section",
    ),
    path(
        "comments/unsubscribe/<str:token>/", comment_views.unsubscribe, name="comment-unsubscribe"
    ),
    *paginated("<yyyy:year>/", views.EntryYearArchiveView.as_view(), "archive-year"),
    *paginated("<yyyy:year>/<mm:month>/", views.EntryMonthArchiveView.as_view(), "archive-month"),
    *paginated(
        "<yyyy:year>/<mm:month>/<dd:day>/", views.EntryDayArchiveView.as_view(), "archive-day"
    ),
    path(entry, views.entry_detail, name="entry"),
    path(f"{entry}<page:page>/", views.entry_detail, name="entry"),
    path(f"{entry}feed/", feeds.EntryCommentsFeed(), name="feed-entry-comments"),
    path(f"{entry}comment/", comment_views.post_comment, name="comment-post"),
    path(f"{entry}trackback/", comment_views.trackback, name="trackback"),
    path(
        f"{entry}comment-page-<page:number>/", views.entry_comment_page, name="entry-comment-page"
    ),
    path("category/<path:path>/feed/", feeds.CategoryFeed(), name="feed-category"),
    *paginated("category/<path:path>/", views.CategoryArchiveView.as_view(), "category"),
    path("tag/<str:slug>/feed/", feeds.TagFeed(), name="feed-tag"),
    *paginated("tag/<str:slug>/", views.TagArchiveView.as_view(), "tag"),
    *paginated("author/<str:username>/", views.AuthorArchiveView.as_view(), "author"),
    *[
        route
        for prefix, kind in [("source", "source"), ("byline", "writer"), ("dateline", "dateline")]
        for route in [
            path(f"{prefix}/<str:slug>/feed/", feeds.ProvenanceFeed(kind), name=f"feed-{prefix}"),
            *paginated(
                f"{prefix}/<str:slug>/", views.ProvenanceArchiveView.as_view(kind=kind), prefix
            ),
        ]
    ],
    path("admin/", admin.site.urls),
    # Last: anything else may be a stand-alone page (`/about/`).
    path("<path:path>/", views.page_detail, name="page"),
]

"""The reading side. archives.py: the home page, archives by date, category, tag, author and
provenance, search results, WordPress's query-string links. entries.py: one entry or page, with
its comments, reply form and password form."""

from newsarchive.views.archives import (
    AuthorArchiveView,
    CategoryArchiveView,
    EntryDayArchiveView,
    EntryMonthArchiveView,
    EntryYearArchiveView,
    HomeView,
    ProvenanceArchiveView,
    TagArchiveView,
    date_or_404,
    home,
    search,
)
from newsarchive.views.entries import (
    entry_comment_page,
    entry_detail,
    entry_page,
    page_detail,
)

__all__ = [
    "AuthorArchiveView", "CategoryArchiveView", "EntryDayArchiveView", "EntryMonthArchiveView",
    "EntryYearArchiveView", "HomeView", "ProvenanceArchiveView", "TagArchiveView", "date_or_404",
    "entry_comment_page", "entry_detail", "entry_page", "home", "page_detail", "search",
]  # fmt: skip

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
    COMMENTER_COOKIE,
    PASSWORD_COOKIE,
    PENDING_COOKIE,
    entry_comment_page,
    entry_detail,
    entry_page,
    own_pending_comments,
    page_detail,
    remembered_commenter,
)

__all__ = [
    "COMMENTER_COOKIE", "PASSWORD_COOKIE", "PENDING_COOKIE", "AuthorArchiveView",
    "CategoryArchiveView", "EntryDayArchiveView", "EntryMonthArchiveView", "EntryYearArchiveView",
    "HomeView", "ProvenanceArchiveView", "TagArchiveView", "date_or_404", "entry_comment_page",
    "entry_detail", "entry_page", "home", "own_pending_comments", "page_detail",
    "remembered_commenter", "search",
]  # fmt: skip

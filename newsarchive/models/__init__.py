"""The archive: entries filed into categories and tags, their comments, and kept counts.

    imports.py    WordPressBlog (what an imported item's WordPress id is a number of),
                  ImportRecord (what each import did); the import and export permissions
    taxonomy.py   Source, Category (a tree, with redirects from old paths), Tag
    archives.py   kept counts: MonthArchive, Provenance (sources, bylines, datelines)
    queries.py    EntryQuerySet: public(), for_listing(), with_neighbours(), filing in bulk
    entries.py    Entry (posts and pages), Attachment, OldPermalink
    comments.py   Comment, DiscussionSettings
    prepared.py   PreparedQuery: a queryset compiled to SQL once, for the entry page

Import from here (`from newsarchive.models import Entry`); the modules import one another in
that order, and reach back up the list (to Entry, say) only inside functions.
"""

from newsarchive.models.archives import (
    EARLIEST_DAY,
    EARLIEST_MOMENT,
    LATEST_DAY,
    LATEST_MOMENT,
    PROVENANCE_FIELDS,
    MonthArchive,
    MonthArchiveQuerySet,
    Provenance,
    ProvenanceQuerySet,
    blog_timezone,
    is_showable,
    month_bounds,
    provenance_slugs,
    rebuild_counts,
    refiled,
    writer_name,
)
from newsarchive.models.attempts import FailedAttempt
from newsarchive.models.comments import (
    Comment,
    CommentQuerySet,
    DiscussionSettings,
    comment_links,
    thread,
    top_level_threads,
)
from newsarchive.models.entries import Attachment, Entry, OldPermalink
from newsarchive.models.imports import ImportRecord, WordPressBlog
from newsarchive.models.prepared import PreparedQuery
from newsarchive.models.queries import SUMMARY_FIELDS, EntryQuerySet, stored_slug
from newsarchive.models.taxonomy import (
    Category,
    CategoryQuerySet,
    CategoryRedirect,
    SlugManager,
    Source,
    Tag,
    TaggedEntry,
    address_or_none,
    addressable_slug,
    is_addressable,
)

__all__ = [
    "EARLIEST_DAY", "EARLIEST_MOMENT", "LATEST_DAY", "LATEST_MOMENT",
    "PROVENANCE_FIELDS", "SUMMARY_FIELDS", "Attachment", "Category", "CategoryQuerySet",
    "CategoryRedirect", "Comment", "CommentQuerySet", "DiscussionSettings", "Entry",
    "EntryQuerySet", "FailedAttempt", "ImportRecord", "MonthArchive", "MonthArchiveQuerySet",
    "OldPermalink", "PreparedQuery", "Provenance", "ProvenanceQuerySet",
    "SlugManager", "Source", "Tag", "TaggedEntry", "WordPressBlog", "address_or_none",
    "addressable_slug", "blog_timezone", "comment_links", "is_addressable", "is_showable",
    "month_bounds", "provenance_slugs", "rebuild_counts", "refiled", "stored_slug", "thread",
    "top_level_threads", "writer_name",
]  # fmt: skip

"""The archive: entries filed into categories and tags, their comments, and kept counts.

Each module imports only the ones listed above it:

    imports.py    WordPressBlog (what an imported item's WordPress id is a number of),
                  ImportRecord (what each import did); the import and export permissions
    attempts.py   FailedAttempt: wrong passwords, counted by throttle.py
    derived.py    what an entry derives from its fields: its day in the blog's time zone
                  (within the days the archive can show), its writer and dateline slugs
    taxonomy.py   Source, Category (a tree, with redirects from old paths), Tag
    queries.py    EntryQuerySet: public(), for_listing(), for_entry_page() … (reading)
    entries.py    Entry (posts and pages), Attachment, OldPermalink; status_at(), WordPress's
                  scheduling rule
    comments.py   Comment, DiscussionSettings
    archives.py   the kept counts' tables: MonthArchive, Provenance

Models declare fields and how they are read. Changing entries in bulk (filing, statuses) is
newsarchive/filing.py's, keeping the counts current newsarchive/counts.py's; signals.py hooks
both to saves made one object at a time. Import from here (`from newsarchive.models import
Entry`).
"""

from newsarchive.models.archives import (
    MonthArchive,
    MonthArchiveQuerySet,
    Provenance,
    ProvenanceQuerySet,
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
from newsarchive.models.derived import (
    EARLIEST_DAY,
    EARLIEST_MOMENT,
    LATEST_DAY,
    LATEST_MOMENT,
    PROVENANCE_FIELDS,
    blog_timezone,
    is_showable,
    month_bounds,
    provenance_slugs,
    writer_name,
)
from newsarchive.models.entries import Attachment, Entry, OldPermalink, status_at
from newsarchive.models.imports import ImportRecord, WordPressBlog
from newsarchive.models.queries import SUMMARY_FIELDS, EntryQuerySet, stored_slug
from newsarchive.models.taxonomy import (
    Category,
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
    "PROVENANCE_FIELDS", "SUMMARY_FIELDS", "Attachment", "Category",
    "CategoryRedirect", "Comment", "CommentQuerySet", "DiscussionSettings", "Entry",
    "EntryQuerySet", "FailedAttempt", "ImportRecord", "MonthArchive", "MonthArchiveQuerySet",
    "OldPermalink", "Provenance", "ProvenanceQuerySet",
    "SlugManager", "Source", "Tag", "TaggedEntry", "WordPressBlog", "address_or_none",
    "addressable_slug", "blog_timezone", "comment_links", "is_addressable", "is_showable",
    "month_bounds", "provenance_slugs", "status_at", "stored_slug", "thread",
    "top_level_threads", "writer_name",
]  # fmt: skip

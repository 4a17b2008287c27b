"""The archive: entries filed into categories and tags, their comments, and kept counts.

    taxonomy.py   Source, Category (a tree, with redirects from old paths), Tag
    archives.py   kept counts: MonthArchive, Provenance (sources, bylines, datelines)
    queries.py    EntryQuerySet: public(), for_listing(), with_neighbours(), filing in bulk
    entries.py    Entry (posts and pages), Attachment, OldPermalink
    comments.py   Comment, DiscussionSettings

Import from here (`from newsarchive.models import Entry`); the modules import one another in
that order, and reach back up the list (to Entry, say) only inside functions.
"""

from newsarchive.models.archives import (
    PROVENANCE_FIELDS,
    MonthArchive,
    MonthArchiveQuerySet,
    Provenance,
    ProvenanceQuerySet,
    blog_timezone,
    month_bounds,
    provenance_slugs,
    rebuild_counts,
    refiled,
    writer_name,
)
from newsarchive.models.comments import Comment, CommentQuerySet, DiscussionSettings
from newsarchive.models.entries import Attachment, Entry, OldPermalink
from newsarchive.models.queries import SUMMARY_FIELDS, EntryQuerySet
from newsarchive.models.taxonomy import (
    Category,
    CategoryQuerySet,
    CategoryRedirect,
    SlugManager,
    Source,
    Tag,
    TaggedEntry,
)

__all__ = [
    "PROVENANCE_FIELDS", "SUMMARY_FIELDS", "Attachment", "Category", "CategoryQuerySet",
    "CategoryRedirect", "Comment", "CommentQuerySet", "DiscussionSettings", "Entry",
    "EntryQuerySet", "MonthArchive", "MonthArchiveQuerySet", "OldPermalink", "Provenance",
    "ProvenanceQuerySet", "SlugManager", "Source", "Tag", "TaggedEntry", "blog_timezone",
    "month_bounds", "provenance_slugs", "rebuild_counts", "refiled", "writer_name",
]  # fmt: skip

"""Changing where entries are filed, many at once: the admin's bulk actions, the Uncategorized
queue and the category and tag merges. Filing under categories and out of them, tagging and
untagging, changing status (by WordPress's scheduling rule, models.status_at()), opening and
closing comments; merging and deleting categories, merging tags. And the old permalink an entry
leaves behind when its day or slug changes.

Rows change in bulk (update(), bulk_create(), deleting through rows), which sends no signals:
each function recounts what it touched once (counts.py) and says once, at its end, that the
archive changed. Those that change entries return them (for the admin's history).
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.deletion import ProtectedError
from django.utils import timezone

from newsarchive import counts
from newsarchive.caching import archive_changed
from newsarchive.models import (
    Category,
    CategoryRedirect,
    Entry,
    OldPermalink,
    TaggedEntry,
    status_at,
)

Filing = Entry.categories.through


# --- Entries -----------------------------------------------------------------------------------


def file_under(entries, categories, replace=False):
    """File these entries under these categories (or only under them, with `replace`).
    Uncategorized gives way."""
    ids = list(entries.values_list("pk", flat=True))
    wanted = {c.pk for c in categories}
    dropped = Q(category=Category.uncategorized())
    if replace:
        dropped |= ~Q(category__in=wanted)
    dropping = Filing.objects.filter(entry__in=ids).filter(dropped).exclude(category__in=wanted)
    removed = set(dropping.values_list("entry", "category"))
    dropping.delete()
    had = set(
        Filing.objects.filter(entry__in=ids, category__in=wanted).values_list("entry", "category")
    )
    adding = {(e, c) for e in ids for c in wanted} - had
    Filing.objects.bulk_create(Filing(entry_id=e, category_id=c) for e, c in adding)
    changed = refiled(removed | adding)
    archive_changed()
    return changed


def unfile_from(entries, categories):
    """Take these entries out of these categories; one left in none falls back to
    Uncategorized."""
    filed = Filing.objects.filter(entry__in=entries, category__in=categories)
    removing = set(filed.values_list("entry", "category"))
    filed.delete()
    changed = refiled(removing)
    archive_changed()
    return changed


def refiled(pairs):
    """After these (entry, category) filings were added or removed: entries left in no
    category go to Uncategorized, and the categories are recounted. Returns the entries."""
    entry_ids = {entry for entry, _ in pairs}
    recount_after_refiling(entry_ids, {category for _, category in pairs})
    return Entry.objects.filter(pk__in=entry_ids)


def recount_after_refiling(entry_ids, category_ids):
    """Those of these entries left in no category go to Uncategorized, as WordPress files
    them; these categories and Uncategorized are recounted."""
    bare = Entry.objects.filter(pk__in=entry_ids).exclude(
        Exists(Filing.objects.filter(entry=OuterRef("pk")))
    )
    uncategorized = Category.uncategorized()
    Filing.objects.bulk_create(
        Filing(entry_id=pk, category_id=uncategorized.pk)
        for pk in bare.values_list("pk", flat=True)
    )
    counts.recount_categories({*category_ids, uncategorized.pk})


def add_tags(entries, tags):
    ids = list(entries.values_list("pk", flat=True))
    had = set(
        TaggedEntry.objects.filter(content_object__in=ids, tag__in=tags).values_list(
            "content_object", "tag"
        )
    )
    adding = {(e, t.pk) for e in ids for t in tags} - had
    TaggedEntry.objects.bulk_create(TaggedEntry(content_object_id=e, tag_id=t) for e, t in adding)
    changed = retagged(adding)
    archive_changed()
    return changed


def remove_tags(entries, tags):
    tagged = TaggedEntry.objects.filter(content_object__in=entries, tag__in=tags)
    removing = set(tagged.values_list("content_object", "tag"))
    tagged.delete()
    changed = retagged(removing)
    archive_changed()
    return changed


def retagged(pairs):
    """After these (entry, tag) taggings were added or removed: the tags are recounted.
    Returns the entries."""
    counts.recount_tags({tag for _, tag in pairs})
    return Entry.objects.filter(pk__in={entry for entry, _ in pairs})


def change_status(entries, status):
    """Give these entries this status, as WordPress's scheduling rule has it: publishing one
    dated in the future schedules it, scheduling one whose time has come publishes it."""
    now = timezone.now()
    moving = defaultdict(list)
    rows = entries.exclude(status=status).values_list("pk", "published_at", "status")
    for pk, published_at, current in rows:
        becomes = status_at(status, published_at, now)
        if becomes != current:
            moving[becomes].append(pk)
    ids = [pk for pks in moving.values() for pk in pks]
    if not ids:  # (the scheduler asks every minute, mostly for nothing)
        return Entry.objects.none()
    for becomes, pks in moving.items():
        Entry.objects.filter(pk__in=pks).update(status=becomes, modified_at=now)
    counts.statuses_changed(ids)
    archive_changed()
    return Entry.objects.filter(pk__in=ids)


def publish_due():
    """Publish the scheduled entries whose time has come, as WordPress's scheduler does
    (`manage.py publish_scheduled`, from cron). Returns how many."""
    due = Entry.objects.filter(status=Entry.Status.SCHEDULED, published_at__lte=timezone.now())
    return change_status(due, Entry.Status.PUBLISHED).count()


def set_comments_open(entries, is_open):
    ids = list(entries.exclude(comments_open=is_open).values_list("pk", flat=True))
    Entry.objects.filter(pk__in=ids).update(comments_open=is_open, modified_at=timezone.now())
    archive_changed()
    return Entry.objects.filter(pk__in=ids)


def keep_old_permalink(entry, before):
    """A post whose day or slug changed keeps answering at its old address, by a redirect
    (`before`: the entry as it was stored, None for a new one)."""
    if before is None or entry.kind != Entry.Kind.POST:
        return
    if (before.published_on, before.slug) != (entry.published_on, entry.slug):
        OldPermalink.objects.update_or_create(
            published_on=before.published_on, slug=before.slug, defaults={"entry": entry}
        )


# --- Categories and tags -----------------------------------------------------------------------


def delete_categories(categories):
    """Delete categories, never their entries: those left in no category fall back to
    Uncategorized, and sub-categories move up to the deleted category's parent."""
    if categories.filter(slug=Category.UNCATEGORIZED_SLUG).exists():
        raise ProtectedError("Uncategorized cannot be deleted: entries fall back to it.", set())
    with transaction.atomic():
        doomed = {c.pk: c for c in categories.select_related("parent")}
        filed = set(Filing.objects.filter(category__in=doomed).values_list("entry", flat=True))
        for child in Category.objects.filter(parent__in=doomed).exclude(pk__in=doomed):
            parent = doomed[child.parent_id].parent
            while parent is not None and parent.pk in doomed:
                parent = doomed[parent.pk].parent
            child.parent = parent
            child.save()
        deleted = Category.objects.filter(pk__in=doomed).delete()
        recount_after_refiling(filed, set())
    archive_changed()
    return deleted


def merge_category(category, target):
    """Move this category's entries and sub-categories into `target`, then remove it; its
    address (and any it redirected from) then redirects to `target`. Returns how many entries
    it had."""
    if target.is_within(category):
        raise ValueError(f"Cannot merge {category} into itself or a category below it.")
    if category.slug == Category.UNCATEGORIZED_SLUG:
        raise ValueError("Uncategorized cannot be merged away: entries fall back to it.")
    with transaction.atomic():
        entries = set(Filing.objects.filter(category=category).values_list("entry", flat=True))
        already = set(
            Filing.objects.filter(category=target, entry__in=entries).values_list(
                "entry", flat=True
            )
        )
        Filing.objects.bulk_create(
            Filing(entry_id=e, category_id=target.pk) for e in entries - already
        )
        for child in category.children.all():
            child.parent = target
            child.save()
        CategoryRedirect.objects.filter(category=category).update(category=target)
        CategoryRedirect.objects.update_or_create(
            old_path=category.path, defaults={"category": target}
        )
        category.delete()
        recount_after_refiling(entries, {target.pk})
    archive_changed()
    return len(entries)


def merge_tag(tag, target):
    """Move this tag's entries to `target`, then delete it."""
    with transaction.atomic():
        tagged = TaggedEntry.objects.filter(tag=tag)
        already = TaggedEntry.objects.filter(tag=target).values("content_object")
        tagged.exclude(content_object__in=already).update(tag=target)
        tag.delete()
        counts.recount_tags([target.pk])
    archive_changed()
    return target

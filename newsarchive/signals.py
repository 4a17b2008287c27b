"""What a write made one object at a time through the ORM (the admin's forms, the shell, a test)
changes beyond its own row: the kept counts (counts.py), an entry's old permalink (filing.py),
and the archive version that every cached page and fragment keys on ("the archive changed").

Receivers only pass on what changed; what it means is decided in those modules. Writes in bulk
(filing.py, imports) send no signals and call them themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from newsarchive import counts, filing
from newsarchive.caching import archive_changed, comments_changed
from newsarchive.models import Category, Comment, DiscussionSettings, Entry, Tag, TaggedEntry


@receiver(post_save, sender=Category)
@receiver(post_delete, sender=Category)
@receiver(post_save, sender=Tag)
@receiver(post_delete, sender=Tag)
@receiver(post_save, sender=DiscussionSettings)
def invalidate(**kwargs):
    archive_changed()


@receiver(post_save, sender=Comment)
@receiver(post_delete, sender=Comment)
def comment_changed(sender, instance, **kwargs):
    if instance.is_seen_by_readers():
        comments_changed({instance.entry_id, getattr(instance, "saved_entry_id", None)} - {None})
    instance.saved_status = instance.status
    instance.saved_entry_id = instance.entry_id


@receiver(pre_save, sender=Entry)
def read_entry_as_stored(sender, instance, raw, **kwargs):
    """The entry as it was before this save: what the save changes is what differs. (Fixtures
    load raw; loading them ends with counts.rebuild_counts().)"""
    if not raw and instance.pk is not None:
        instance.as_stored = Entry.objects.filter(pk=instance.pk).first()


@receiver(post_save, sender=Entry)
def entry_saved(sender, instance, raw, **kwargs):
    if not raw:
        before = vars(instance).pop("as_stored", None)
        filing.keep_old_permalink(instance, before)
        counts.entry_saved(instance, before)
    archive_changed()


@receiver(pre_delete, sender=Entry)
def remember_filing(sender, instance, **kwargs):
    instance.filed_under = (
        list(instance.categories.values_list("pk", flat=True)),
        list(instance.tags.values_list("pk", flat=True)),
    )


@receiver(post_delete, sender=Entry)
def entry_deleted(sender, instance, **kwargs):
    counts.entry_deleted(instance, *getattr(instance, "filed_under", ([], [])))
    archive_changed()


def touched_ids(instance, action, pk_set, related):
    """The ids whose counts a many-to-many change can alter, or None for no change yet."""
    if action == "pre_clear":
        # After a clear the relation is empty, so remember now what it held.
        instance.cleared = set(related.values_list("pk", flat=True))
    elif action == "post_clear":
        return vars(instance).pop("cleared", set())
    elif action in {"post_add", "post_remove"}:
        return pk_set
    return None


@receiver(m2m_changed, sender=Entry.categories.through)
def categories_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse:  # category.entries.add(...): only that category's count moves.
        ids = {instance.pk} if action.startswith("post_") else None
    else:
        ids = touched_ids(instance, action, pk_set, instance.categories)
    if ids is not None:
        counts.recount_categories(ids)
        archive_changed()


@receiver(m2m_changed, sender=TaggedEntry)
def tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    ids = None if reverse else touched_ids(instance, action, pk_set, instance.tags)
    if ids is not None:
        counts.recount_tags(ids)
        archive_changed()

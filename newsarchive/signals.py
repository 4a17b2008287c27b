"""Keeping counts and caches in step with changes that have no other hook.

An entry's own save() recounts what its status or date change affects. Filing into categories
and tags (many-to-many changes) and deleting entries reach us only as signals, so the counters
those touch are recounted here. Everything ends by bumping the archive version, which makes
every cached fragment stale.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from newsarchive.caching import archive_changed
from newsarchive.models import (
    Category,
    Comment,
    DiscussionSettings,
    Entry,
    MonthArchive,
    Provenance,
    Tag,
    TaggedEntry,
)


@receiver(post_save, sender=Entry)
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
        archive_changed()
    instance.saved_status = instance.status


@receiver(pre_delete, sender=Entry)
def remember_filing(sender, instance, **kwargs):
    instance._filed_under = (
        list(instance.categories.values_list("pk", flat=True)),
        list(instance.tags.values_list("pk", flat=True)),
    )


@receiver(post_delete, sender=Entry)
def recount_after_delete(sender, instance, **kwargs):
    if instance.status == Entry.Status.PUBLISHED:
        MonthArchive.objects.refresh([instance.published_at])
        category_ids, tag_ids = getattr(instance, "_filed_under", ([], []))
        Category.objects.filter(pk__in=category_ids).refresh_counts()
        Tag.refresh_counts(tag_ids)
        Provenance.objects.refresh_for([instance._provenance_values()])
    archive_changed()


def touched_ids(instance, action, pk_set, related):
    """The ids whose counts a many-to-many change can alter, or None for no change yet."""
    if action == "pre_clear":
        # After a clear the relation is empty, so remember now what it held.
        instance._cleared = set(related.values_list("pk", flat=True))
    elif action == "post_clear":
        return instance.__dict__.pop("_cleared", set())
    elif action in {"post_add", "post_remove"}:
        return pk_set
    return None


@receiver(m2m_changed, sender=Entry.categories.through)
def recount_categories(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse:  # category.entries.add(...): only that category's count moves.
        ids = {instance.pk} if action.startswith("post_") else None
    else:
        ids = touched_ids(instance, action, pk_set, instance.categories)
    if ids is not None:
        Category.objects.filter(pk__in=ids).refresh_counts()
        archive_changed()


@receiver(m2m_changed, sender=TaggedEntry)
def recount_tags(sender, instance, action, reverse, pk_set, **kwargs):
    ids = None if reverse else touched_ids(instance, action, pk_set, instance.tags)
    if ids is not None:
        Tag.refresh_counts(ids)
        archive_changed()

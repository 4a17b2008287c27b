"""The Uncategorized queue: unfiled entries, oldest first, each with suggested categories."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from newsarchive import filing
from newsarchive.admin import suggestions
from newsarchive.admin.base import log_change
from newsarchive.admin.forms import TagNamesField, tag_names_text
from newsarchive.models import Category, Entry, Tag


def next_unfiled(request, model_admin, after=None):
    """The oldest unfiled entry (after the one just handled or skipped), or an empty queue."""
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    waiting = suggestions.unfiled_entries()
    after = after or request.GET.get("after")
    if after and (current := Entry.objects.filter(pk=after).first()):
        waiting = waiting.filter(published_at__gte=current.published_at).exclude(
            published_at=current.published_at, pk__lte=current.pk
        )
    entry = waiting.first()
    if entry is None:
        context = {**model_admin.admin_site.each_context(request), "title": "Uncategorized queue"}
        return TemplateResponse(request, "admin/newsarchive/entry/queue_empty.html", context)
    return redirect("admin:newsarchive_entry_queue_item", entry.pk)


def suggest_filing(request, model_admin, pk):
    """One unfiled entry with up to three suggestions; accepting one files it and moves on."""
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    entry = get_object_or_404(Entry.objects.select_related("source"), pk=pk)
    if request.method == "POST":
        category = get_object_or_404(Category, pk=request.POST.get("category"))
        try:
            names = TagNamesField(required=False).clean(request.POST.get("tags", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("admin:newsarchive_entry_queue_item", entry.pk)
        tags = [
            Tag.objects.filter(name=name).first() or Tag.objects.create(name=name) for name in names
        ]
        entries = Entry.objects.filter(pk=entry.pk)
        filing.file_under(entries, [category], replace=True)
        filing.add_tags(entries, tags)
        described = f"Filed into {category.name}" + (
            f", tagged {', '.join(names)}" if names else ""
        )
        log_change(request, entries, f"{described} (from the Uncategorized queue).")
        messages.success(request, f"“{entry}”: {described.lower()}.")
        return redirect(f"{reverse('admin:newsarchive_entry_queue')}?after={entry.pk}")
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Uncategorized queue",
        "opts": Entry._meta,
        "entry": entry,
        "suggestions": [
            (suggestion, tag_names_text(suggestion.tags))
            for suggestion in suggestions.suggest(entry)
        ],
        "waiting": suggestions.unfiled_entries().count(),
        "skip_url": f"{reverse('admin:newsarchive_entry_queue')}?after={entry.pk}",
    }
    return TemplateResponse(request, "admin/newsarchive/entry/queue_item.html", context)

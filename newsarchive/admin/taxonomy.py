"""Categories as a tree, tags with counts, sources; merging categories and tags."""

import taggit.models
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models.deletion import ProtectedError
from django.http import JsonResponse
from django.urls import path
from django.utils.html import format_html

from newsarchive import filing
from newsarchive.admin.base import (
    URL_FIELDS,
    ArchiveModelAdmin,
    StoredValuesForm,
    bound,
    intermediate,
)
from newsarchive.admin.forms import CategoryChoiceField, MergeCategoryForm, MergeTagForm
from newsarchive.models import Category, Source, Tag

# taggit's own tag model is unused: entries are tagged with newsarchive's Tag.
admin.site.unregister(taggit.models.Tag)


class CategoryForm(StoredValuesForm):
    parent = CategoryChoiceField(required=False)

    class Meta:
        model = Category
        fields = ["name", "slug", "parent", "description"]

    def clean_parent(self):
        parent = self.cleaned_data["parent"]
        if parent and self.instance.pk and parent.is_within(self.instance):
            raise forms.ValidationError("A category cannot sit under itself or its own children.")
        return parent


@admin.register(Category)
class CategoryAdmin(ArchiveModelAdmin):
    form = CategoryForm
    list_display = ["tree_name", "slug", "entry_count"]
    list_per_page = 500
    ordering = ["path"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]
    actions = ["merge"]

    @admin.display(description="name", ordering="path")
    def tree_name(self, category):
        return format_html(
            '<span class="category-depth-{}">{}{}</span>',
            category.depth,
            "— " * category.depth,
            category.name,
        )

    def has_delete_permission(self, request, category=None):
        if category is not None and category.slug == Category.UNCATEGORIZED_SLUG:
            return False
        return super().has_delete_permission(request, category)

    def delete_model(self, request, category):
        filing.delete_categories(Category.objects.filter(pk=category.pk))

    def delete_queryset(self, request, queryset):
        try:
            filing.delete_categories(queryset)
        except ProtectedError as error:
            self.message_user(request, error.args[0], messages.ERROR)

    def get_deleted_objects(self, objs, request):
        # Entries are never deleted with a category, so the confirmation lists categories only.
        _, _, perms_needed, protected = super().get_deleted_objects(objs, request)
        protected += [f"{c} (entries fall back to it)" for c in objs if c.slug == "uncategorized"]
        return [str(c) for c in objs], {"categories": len(objs)}, perms_needed, protected

    @admin.action(description="Merge into…")
    def merge(self, request, queryset):
        def apply(form):
            target = form.cleaned_data["target"]
            moved = sum(filing.merge_category(category, target) for category in form.merging)
            names = ", ".join(c.name for c in form.merging)
            return f"Merged {names} into {target.name}; {moved} entries moved."

        form = bound(MergeCategoryForm, request, merging=queryset)
        return intermediate(self, request, queryset, form, "Merge categories", apply)


@admin.register(Tag)
class TagAdmin(ArchiveModelAdmin):
    list_display = ["name", "slug", "entry_count"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    actions = ["merge"]
    fields = ["name", "slug", "description"]

    def get_urls(self):
        suggest = self.admin_site.admin_view(self.suggest_view)
        return [
            path("suggest/", suggest, name="newsarchive_tag_suggest"),
            *super().get_urls(),
        ]

    def suggest_view(self, request):
        """Tag names starting with what is typed, most used first (for the tag fields), for
        those who may see the tags."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        typed = request.GET.get("q", "").strip()
        tags = Tag.objects.filter(name__istartswith=typed).order_by("-entry_count", "name")
        return JsonResponse({"tags": list(tags.values_list("name", flat=True)[:15])})

    @admin.action(description="Merge into…")
    def merge(self, request, queryset):
        def apply(form):
            target = form.cleaned_data["target"]
            for tag in form.merging:
                filing.merge_tag(tag, target)
            names = ", ".join(t.name for t in form.merging)
            return f"Merged {names} into {target.name}."

        form = bound(MergeTagForm, request, merging=queryset)
        return intermediate(self, request, queryset, form, "Merge tags", apply)


@admin.register(Source)
class SourceAdmin(ArchiveModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]

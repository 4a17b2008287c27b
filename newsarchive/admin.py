from django.contrib import admin

from newsarchive.models import Category, Comment, Entry, Source, Tag


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["title", "published_at", "status", "source"]
    list_filter = ["status", "source"]
    list_select_related = ["source"]
    search_fields = ["title", "byline"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["categories"]
    list_per_page = 100
    show_full_result_count = False

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.ensure_category()


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "path", "entry_count"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "entry_count"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["author_name", "entry", "status", "kind", "submitted_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["entry"]
    raw_id_fields = ["entry", "parent", "user"]

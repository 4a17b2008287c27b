"""Filing entries: the changelist, its bulk actions, and the change form."""

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from newsarchive import filing
from newsarchive.admin import queue
from newsarchive.admin.base import (
    URL_FIELDS,
    ArchiveModelAdmin,
    StoredValuesForm,
    bound,
    intermediate,
    log_change,
)
from newsarchive.admin.forms import (
    CategoryTreeField,
    FileIntoForm,
    RemoveFromForm,
    TagNamesField,
    TagsForm,
)
from newsarchive.models import Category, Comment, Entry
from newsarchive.wxr.admin_views import admin_urls as wxr_import_urls


class CategoryFilter(admin.SimpleListFilter):
    """Categories in tree order; choosing one shows the entries below it too."""

    title = "category"
    parameter_name = "category"

    def lookups(self, request, model_admin):
        categories = Category.objects.order_by("path").only("name", "path", "entry_count")
        return [(c.pk, f"{'— ' * c.depth}{c.name} ({c.entry_count})") for c in categories]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        category = Category.objects.filter(pk=self.value()).first()
        return queryset.in_category(category) if category else queryset.none()


class PendingCommentsFilter(admin.SimpleListFilter):
    title = "comments awaiting moderation"
    parameter_name = "pending"

    def lookups(self, request, model_admin):
        return [("yes", "Some awaiting moderation"), ("no", "None awaiting moderation")]

    def queryset(self, request, queryset):
        pending = Exists(
            Comment.objects.filter(entry=OuterRef("pk"), status=Comment.Status.PENDING)
        )
        if self.value() == "yes":
            return queryset.filter(pending)
        if self.value() == "no":
            return queryset.exclude(pending)
        return queryset


class EntryChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        # Categories and tags of the whole page in a query each.
        self.result_list = self.result_list.with_filing()


class EntryForm(StoredValuesForm):
    categories = CategoryTreeField(
        required=False, help_text="An entry filed nowhere goes to Uncategorized."
    )
    # The box shows the entry's tag names as it reads them back (not Python's text for a list).
    tags = TagNamesField(required=False)

    class Meta:
        model = Entry
        fields = ["categories", "tags"]  # the admin's fieldsets add the rest


def comment_counts(status):
    counted_comments = (
        Comment.objects.filter(entry=OuterRef("pk"), status=status)
        .order_by()
        .values("entry")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted_comments), 0)


@admin.register(Entry)
class EntryAdmin(ArchiveModelAdmin):
    form = EntryForm
    formfield_overrides = URL_FIELDS
    list_display = [
        "title", "published_at", "status", "category_list", "tag_list", "source", "comments",
    ]  # fmt: skip
    list_filter = ["status", "kind", CategoryFilter, "source", PendingCommentsFilter]
    list_select_related = ["source"]
    search_fields = ["title", "body", "byline"]
    date_hierarchy = "published_at"
    list_per_page = 100
    show_full_result_count = False
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["source", "author", "parent"]
    # A WordPress id is an imported item's identity (with its blog): set by imports only.
    readonly_fields = [
        "comment_summary", "comment_list", "approved_comment_list", "approved_comment_count",
        "wp_id", "wp_blog",
    ]  # fmt: skip
    fieldsets = [
        ("Content", {"fields": ["title", "slug", "body", "excerpt"]}),
        (
            "Attribution",
            {
                "fields": [
                    "source",
                    "credit_line",
                    "byline",
                    "dateline",
                    "original_published_on",
                    "original_url",
                    "contributors",
                ],
                "description": "Where the reposted article came from.",
            },
        ),
        (
            "Publishing",
            {
                "fields": [
                    "status",
                    "published_at",
                    "author",
                    "categories",
                    "tags",
                    "is_sticky",
                    "password",
                    "kind",
                    "parent",
                    "menu_order",
                ],
            },
        ),
        (
            "Discussion",
            {"fields": ["comments_open", "pings_open", "comment_summary", "comment_list"]},
        ),
        ("WordPress", {"fields": ["wp_blog", "wp_id", "guid"], "classes": ["collapse"]}),
    ]
    actions = [
        "file_into", "remove_from", "add_tags", "remove_tags", "publish", "unpublish",
        "close_comments", "open_comments", "move_to_trash", "restore",
    ]  # fmt: skip

    class Media:
        js = ["js/admin-filing.js"]
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                approved_count=comment_counts(Comment.Status.APPROVED),
                pending_count=comment_counts(Comment.Status.PENDING),
            )
        )

    def get_changelist(self, request, **kwargs):
        return EntryChangeList

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("uncategorized/", view(self.queue_view), name="newsarchive_entry_queue"),
            path(
                "uncategorized/<int:pk>/",
                view(self.queue_item_view),
                name="newsarchive_entry_queue_item",
            ),
            *wxr_import_urls(self),
            *super().get_urls(),
        ]

    def queue_view(self, request):
        return queue.next_unfiled(request, self)

    def queue_item_view(self, request, pk):
        return queue.suggest_filing(request, self, pk)

    def view_on_site(self, entry):
        # Staff see entries that are not public yet on the site, with a banner: a preview.
        return entry.get_absolute_url()

    def get_fieldsets(self, request, obj=None):
        """Comments awaiting moderation, spam and trash are for those who moderate: others
        see the approved comments, which readers see too."""
        if self.may_read_comments(request):
            return self.fieldsets
        return [
            (name, {**options, "fields": [
                self.FOR_OTHERS.get(field, field) for field in options["fields"]
            ]})
            for name, options in self.fieldsets
        ]  # fmt: skip

    # What those who do not moderate see instead: approved comments, without links to the
    # moderation queue (which would answer them 403).
    FOR_OTHERS = {
        "comment_list": "approved_comment_list",
        "comment_summary": "approved_comment_count",
        "comments": "approved_comment_count",
    }

    def get_list_display(self, request):
        if self.may_read_comments(request):
            return self.list_display
        return [self.FOR_OTHERS.get(field, field) for field in self.list_display]

    @staticmethod
    def may_read_comments(request):
        user = request.user
        return user.has_perm("newsarchive.view_comment") or user.has_perm(
            "newsarchive.change_comment"
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        entry = self.get_object(request, object_id) if object_id else None
        is_preview = entry is not None and not entry.is_public
        extra_context = {**(extra_context or {}), "is_preview": is_preview}
        return super().changeform_view(request, object_id, form_url, extra_context)

    @admin.display(description="categories")
    def category_list(self, entry):
        return ", ".join(c.name for c in entry.filed_categories)

    @admin.display(description="tags")
    def tag_list(self, entry):
        return ", ".join(t.name for t in entry.filed_tags)

    @admin.display(description="comments (approved / pending)")
    def comments(self, entry):
        queue_url = reverse("admin:newsarchive_comment_changelist")
        return format_html(
            '<a href="{}?entry__id__exact={}">{} / {}</a>',
            queue_url,
            entry.pk,
            entry.approved_count,
            entry.pending_count,
        )

    @admin.display(description="comment counts")
    def comment_summary(self, entry):
        if entry.pk is None:
            return "None yet."
        counts = dict(entry.comments.values_list("status").annotate(n=Count("pk")))
        queue_url = reverse("admin:newsarchive_comment_changelist")
        pending = f"{queue_url}?entry__id__exact={entry.pk}&status__exact=pending"
        return format_html(
            '{} approved, <a href="{}">{} awaiting moderation</a>, {} spam.',
            counts.get(Comment.Status.APPROVED, 0),
            pending,
            counts.get(Comment.Status.PENDING, 0),
            counts.get(Comment.Status.SPAM, 0),
        )

    @admin.display(description="latest comments")
    def comment_list(self, entry):
        if entry.pk is None:
            return ""
        latest = entry.comments.order_by("-submitted_at")[:20]
        rows = format_html_join(
            "",
            '<li><a href="{}">{}</a> ({}): {}</li>',
            (
                (
                    reverse("admin:newsarchive_comment_change", args=[c.pk]),
                    c.author_name,
                    c.get_status_display().lower(),
                    Truncator(c.body).chars(80),
                )
                for c in latest
            ),
        )
        return format_html('<ul class="comment-list">{}</ul>', rows) if rows else "No comments."

    @admin.display(description="approved comments", ordering="approved_count")
    def approved_comment_count(self, entry):
        if entry.pk is None:
            return "None yet."
        return getattr(entry, "approved_count", None) or entry.comments.approved().count()

    @admin.display(description="latest approved comments")
    def approved_comment_list(self, entry):
        if entry.pk is None:
            return ""
        latest = entry.comments.approved().order_by("-submitted_at")[:20]
        rows = format_html_join(
            "",
            "<li>{}: {}</li>",
            ((c.author_name, Truncator(c.body).chars(80)) for c in latest),
        )
        return format_html('<ul class="comment-list">{}</ul>', rows) if rows else "None."

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.instance.kind == Entry.Kind.POST:  # pages are filed nowhere, as in WordPress
            form.instance.ensure_category()

    # --- Bulk actions ---------------------------------------------------------------------

    @admin.action(description="File into category…")
    def file_into(self, request, queryset):
        def apply(form):
            categories = form.cleaned_data["categories"]
            changed = filing.file_under(queryset, categories, replace=form.cleaned_data["replace"])
            names = ", ".join(c.name for c in categories)
            n = log_change(request, changed, f"Filed into {names}.")
            return f"{n} {entries(n)} filed into {names}."

        form = bound(FileIntoForm, request)
        return intermediate(self, request, queryset, form, "File into category", apply)

    @admin.action(description="Remove from category…")
    def remove_from(self, request, queryset):
        def apply(form):
            categories = form.cleaned_data["categories"]
            changed = filing.unfile_from(queryset, categories)
            names = ", ".join(c.name for c in categories)
            n = log_change(request, changed, f"Removed from {names}.")
            return f"{n} {entries(n)} removed from {names}."

        form = bound(RemoveFromForm, request)
        return intermediate(self, request, queryset, form, "Remove from category", apply)

    @admin.action(description="Add tags…")
    def add_tags(self, request, queryset):
        def apply(form):
            tags = form.tags_creating_missing()
            changed = filing.add_tags(queryset, tags)
            names = ", ".join(t.name for t in tags)
            n = log_change(request, changed, f"Tagged {names}.")
            return f"{n} {entries(n)} tagged {names}."

        form = bound(TagsForm, request)
        return intermediate(self, request, queryset, form, "Add tags", apply)

    @admin.action(description="Remove tags…")
    def remove_tags(self, request, queryset):
        def apply(form):
            tags = form.existing_tags()
            changed = filing.remove_tags(queryset, tags)
            names = ", ".join(t.name for t in tags) or "no known tags"
            n = log_change(request, changed, f"Untagged {names}.")
            return f"{n} {entries(n)} untagged {names}."

        form = bound(TagsForm, request)
        return intermediate(self, request, queryset, form, "Remove tags", apply)

    def change_status(self, request, queryset, status, verb):
        changed = filing.change_status(queryset, status)
        n = log_change(request, changed, f"{verb.capitalize()}.")
        self.message_user(request, f"{n} {entries(n)} {verb}.")

    @admin.action(description="Publish")
    def publish(self, request, queryset):
        self.change_status(request, queryset, Entry.Status.PUBLISHED, "published")

    @admin.action(description="Unpublish (back to draft)")
    def unpublish(self, request, queryset):
        self.change_status(request, queryset, Entry.Status.DRAFT, "unpublished")

    @admin.action(description="Move to trash")
    def move_to_trash(self, request, queryset):
        self.change_status(request, queryset, Entry.Status.TRASH, "moved to the trash")

    @admin.action(description="Restore from trash (as drafts)")
    def restore(self, request, queryset):
        trashed = queryset.filter(status=Entry.Status.TRASH)
        self.change_status(request, trashed, Entry.Status.DRAFT, "restored as drafts")

    @admin.action(description="Close comments")
    def close_comments(self, request, queryset):
        n = log_change(request, filing.set_comments_open(queryset, False), "Closed comments.")
        self.message_user(request, f"Comments closed on {n} {entries(n)}.")

    @admin.action(description="Open comments")
    def open_comments(self, request, queryset):
        n = log_change(request, filing.set_comments_open(queryset, True), "Opened comments.")
        self.message_user(request, f"Comments opened on {n} {entries(n)}.")


def entries(n):
    return "entry" if n == 1 else "entries"

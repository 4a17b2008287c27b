"""The moderation queue and the Discussion settings."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, When
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.text import Truncator

from newsarchive.admin.base import URL_FIELDS, ArchiveModelAdmin
from newsarchive.comments import moderation, notifications
from newsarchive.models import Comment, DiscussionSettings, Entry
from newsarchive.roles import may_see_unpublished


class EntryWithPendingFilter(admin.SimpleListFilter):
    """Entries with comments awaiting moderation (a full entry list would not fit)."""

    title = "entry"
    parameter_name = "entry__id__exact"

    def lookups(self, request, model_admin):
        busiest = (
            Entry.objects.filter(comments__status=Comment.Status.PENDING)
            .annotate(pending=Count("comments"))
            .order_by("-pending")[:20]
        )
        return [(entry.pk, f"{entry.title} ({entry.pending})") for entry in busiest]

    def queryset(self, request, queryset):
        return queryset.filter(entry_id=self.value()) if self.value() else queryset


@admin.register(Comment)
class CommentAdmin(ArchiveModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["author", "excerpt", "entry_link", "status", "ip_address", "submitted_at"]
    list_display_links = ["excerpt"]
    list_filter = ["status", "kind", EntryWithPendingFilter, "submitted_at"]
    list_select_related = ["entry"]
    search_fields = ["author_name", "author_email", "author_url", "body", "ip_address"]
    date_hierarchy = "submitted_at"
    raw_id_fields = ["entry", "parent", "user"]
    readonly_fields = ["ip_address", "user_agent", "submitted_at", "wp_id"]
    list_per_page = 50
    show_full_result_count = False
    actions = ["approve", "unapprove", "mark_spam", "mark_not_spam", "move_to_trash", "restore"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "entry" and not may_see_unpublished(request.user):
            # A moderator files comments under entries readers can see; any other number is
            # refused, and shown without the title the raw-id box would look up, so that
            # trying numbers tells nothing of drafts.
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.queryset = Entry.objects.public()
            field.widget = forms.TextInput(attrs={"class": "vForeignKeyRawIdAdminField"})
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_ordering(self, request):
        # The moderation queue: comments awaiting moderation first, then the newest.
        pending_first = Case(When(status=Comment.Status.PENDING, then=0), default=1)
        return [pending_first.asc(), "-submitted_at"]

    @admin.display(ordering="author_name")
    def author(self, comment):
        return (
            f"{comment.author_name} <{comment.author_email}>"
            if comment.author_email
            else comment.author_name
        )

    @admin.display(description="comment")
    def excerpt(self, comment):
        return Truncator(comment.body).chars(100)

    @admin.display(description="entry", ordering="entry__published_at")
    def entry_link(self, comment):
        return format_html('<a href="{}">{}</a>', comment.entry.get_absolute_url(), comment.entry)

    def moderate(self, request, queryset, status, verb):
        changed = moderation.set_status(queryset, status, request)
        self.message_user(
            request, f"{changed} comment{pluralize(changed)} {verb}.", messages.SUCCESS
        )

    @admin.action(description="Approve")
    def approve(self, request, queryset):
        self.moderate(request, queryset, Comment.Status.APPROVED, "approved")

    @admin.action(description="Unapprove (back to the queue)")
    def unapprove(self, request, queryset):
        self.moderate(request, queryset, Comment.Status.PENDING, "unapproved")

    @admin.action(description="Mark as spam")
    def mark_spam(self, request, queryset):
        self.moderate(request, queryset, Comment.Status.SPAM, "marked as spam")

    @admin.action(description="Not spam (back to the queue)")
    def mark_not_spam(self, request, queryset):
        self.moderate(
            request,
            queryset.filter(status=Comment.Status.SPAM),
            Comment.Status.PENDING,
            "restored from spam",
        )

    @admin.action(description="Move to trash")
    def move_to_trash(self, request, queryset):
        self.moderate(request, queryset, Comment.Status.TRASH, "moved to the trash")

    @admin.action(description="Restore from trash")
    def restore(self, request, queryset):
        self.moderate(
            request,
            queryset.filter(status=Comment.Status.TRASH),
            Comment.Status.PENDING,
            "restored",
        )

    def save_model(self, request, obj, form, change):
        became_approved = (
            change and "status" in form.changed_data and obj.status == Comment.Status.APPROVED
        )
        super().save_model(request, obj, form, change)
        if became_approved:
            notifications.tell_subscribers(obj)

    def get_urls(self):
        moderate = self.admin_site.admin_view(self.moderate_one)
        return [
            path(
                "<int:pk>/moderate/<str:action>/",
                moderate,
                name="newsarchive_comment_moderate",
            ),
            *super().get_urls(),
        ]

    ONE_CLICK = {"approve": Comment.Status.APPROVED, "spam": Comment.Status.SPAM}

    def moderate_one(self, request, pk, action):
        """The links in moderation emails: confirm, then approve or mark as spam."""
        comment = get_object_or_404(Comment.objects.select_related("entry"), pk=pk)
        if action not in self.ONE_CLICK or not self.has_change_permission(request, comment):
            raise PermissionDenied
        if request.method == "POST":
            queryset = Comment.objects.filter(pk=pk)
            self.moderate(
                request,
                queryset,
                self.ONE_CLICK[action],
                "approved" if action == "approve" else "marked as spam",
            )
            return redirect("admin:newsarchive_comment_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "comment": comment,
            "action": action,
            "title": "Approve this comment?"
            if action == "approve"
            else "Mark this comment as spam?",
        }
        return TemplateResponse(request, "admin/newsarchive/comment/moderate.html", context)


@admin.register(DiscussionSettings)
class DiscussionSettingsAdmin(ArchiveModelAdmin):
    """One row of settings: the list page goes straight to it."""

    fieldsets = [
        (
            "Before a comment appears",
            {"fields": ["require_approval", "approve_known_authors", "require_name_email"]},
        ),
        (
            "Moderation",
            {"fields": ["max_links", "moderation_keys", "disallowed_keys", "comments_per_minute"]},
        ),
        (
            "Showing comments",
            {"fields": ["close_after_days", "thread_depth", "comments_per_page", "order"]},
        ),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return redirect("admin:newsarchive_discussionsettings_change", DiscussionSettings.load().pk)

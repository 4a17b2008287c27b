"""The two staff roles, kept in step with the models after every migrate."""

from django.contrib.auth.models import Group, Permission

EDITOR, MODERATOR = "Editor", "Moderator"

ROLES = {
    # Editors file entries: entries, categories, tags, sources and attachments.
    EDITOR: ["entry", "category", "categoryredirect", "tag", "source", "attachment"],
    # Moderators work the comment queue and nothing else.
    MODERATOR: ["comment"],
}


def ensure_roles(**kwargs):
    for name, models in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="newsarchive", content_type__model__in=models
            )
        )

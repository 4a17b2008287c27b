"""The two staff roles, kept in step with the models after every migrate.

A role gets its models' own permissions (add, change, delete, view), never one a model
declares beyond those: importing and exporting WordPress files (models/imports.py) are a
superuser's unless given to someone deliberately, one by one.
"""

from django.contrib.auth.models import Group, Permission

EDITOR, MODERATOR = "Editor", "Moderator"

ROLES = {
    # Editors file entries: entries, categories, tags, sources and attachments.
    EDITOR: ["entry", "category", "categoryredirect", "tag", "source", "attachment"],
    # Moderators work the comment queue and nothing else.
    MODERATOR: ["comment"],
}
# Django's default permissions, the only ones a role is given.
ACTIONS = ["add", "change", "delete", "view"]


def ensure_roles(**kwargs):
    for name, models in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="newsarchive",
                content_type__model__in=models,
                codename__in=[f"{action}_{model}" for action in ACTIONS for model in models],
            )
        )


def may_see_unpublished(user):
    """Whether the user's role covers entries, and with them those not public yet: drafts on
    the site (a preview, as readers will see them), and as a comment's entry in the admin."""
    return user.has_perm("newsarchive.view_entry") or user.has_perm("newsarchive.change_entry")

"""Where imported things came from, what each WordPress import did, and who ran it.

    WordPressBlog   a blog whose export was imported. An imported post, page, attachment,
                    comment or term is that blog's number N: (wp_blog, wp_id) is its identity,
                    so two blogs' post 2 are two entries (wordpress_identity()). Rows with an id
                    and no blog were imported before blogs were recorded (wxr/identity.py).
    ImportRecord    one per import (or dry run, or refused file), written by the import itself:
                    who, from where, which files, what it created, updated and skipped

The permissions to import and to export live here too. They are a superuser's by default:
an import can create comments under any name, authors and entries, and an export holds every
commenter's email and address, so no role is given them (see roles.py).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class WordPressBlog(models.Model):
    address = models.CharField(
        max_length=500,
        unique=True,
        help_text="Host and path, without scheme: what identifies the blog "
        "(wpthemetestdata.wordpress.com). Empty for exports that name no site.",
    )
    url = models.CharField(max_length=500, blank=True, help_text="As its export last gave it.")
    name = models.CharField(max_length=300, blank=True, help_text="The export's title.")
    first_imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = "WordPress blog"

    def __str__(self):
        return self.address or "a blog whose export named no site"


def wordpress_blog():
    """The field every imported model has: the blog its WordPress id is a number of."""
    return models.ForeignKey(
        WordPressBlog,
        null=True,
        blank=True,
        editable=False,
        # Nothing deletes a blog while anything of it is kept.
        on_delete=models.PROTECT,
        related_name="+",
        # Looked up with the id, through the index of the identity below.
        db_index=False,
        verbose_name="WordPress blog",
        help_text="The blog its WordPress id belongs to. None for what was made here, and for "
        "what was imported before blogs were recorded.",
    )


def wordpress_identity(model_name, id_field="wp_id"):
    """The constraints that make (blog, WordPress id) unique, and an id without a blog (from
    before blogs were recorded) unique among those, as ids alone were."""
    return [
        models.UniqueConstraint(
            fields=[id_field, "wp_blog"], name=f"{model_name}_wordpress_identity"
        ),
        models.UniqueConstraint(
            fields=[id_field],
            condition=models.Q(wp_blog__isnull=True),
            name=f"{model_name}_wordpress_unrecorded_blog",
        ),
    ]


class ImportRecord(models.Model):
    class Outcome(models.TextChoices):
        IMPORTED = "imported", "Imported"
        DRY_RUN = "dry-run", "Dry run (nothing saved)"
        REFUSED = "refused", "Refused (nothing saved)"
        FAILED = "failed", "Failed (nothing saved)"

    class Via(models.TextChoices):
        ADMIN = "admin", "the admin's import page"
        COMMAND = "command", "manage.py import_wxr"

    started_at = models.DateTimeField(default=timezone.now)
    seconds = models.FloatField(default=0.0)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who ran it in the admin; none for the command line.",
    )
    username = models.CharField(
        max_length=150, blank=True, help_text="The user's name when they ran it."
    )
    via = models.CharField(max_length=10, choices=Via.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    files = models.TextField(help_text="The files' names, one a line.")
    counts = models.JSONField(
        default=dict, help_text="{kind: {created, updated, unchanged}}, as the summary shows."
    )
    skipped = models.JSONField(default=dict, help_text="{reason: how many}")
    error = models.TextField(blank=True, help_text="Why the file was refused, and where.")
    summary = models.TextField(blank=True, help_text="The summary as the command prints it.")

    class Meta:
        ordering = ["-started_at", "-pk"]
        # Records are written by imports only: no one adds, changes or deletes them.
        default_permissions = ("view",)
        permissions = [
            ("import_wxr", "Can import WordPress exports"),
            ("export_wxr", "Can export the archive as a WordPress export"),
        ]

    def __str__(self):
        files = ", ".join(self.files.splitlines()) or "no file"
        return f"{self.get_outcome_display().split(' (')[0]}: {files} by {self.who}"

    @property
    def who(self):
        if self.via == self.Via.COMMAND:
            return "no user (the command line)"
        return self.username or "a deleted user"

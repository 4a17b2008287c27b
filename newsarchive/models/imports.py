"""What each WordPress import did, and who ran it.

    ImportRecord    one per import (or dry run, or refused file), written by the import itself:
                    who, from where, which files, what it created, updated and skipped

The permissions to import and to export live here too. They are a superuser's by default:
an import can create comments under any name, authors and entries, and an export holds every
commenter's email and address, so no role is given them (see roles.py).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


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

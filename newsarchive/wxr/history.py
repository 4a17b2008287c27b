"""Every import leaves a record: an ImportRecord (shown read-only in the admin) and, when a
person ran it in the admin, an entry in Django's admin log, so it is among their recent
actions. A command-line import has no user, and its record says so.

A committed import writes its record inside its own transaction (no import without its
record); a dry run, a refused file or a failure writes it after the rollback.
"""

import time

from django.contrib.admin.models import ADDITION, LogEntry

from newsarchive.models import ImportRecord


def record(importer, files, outcome, error=""):
    """Write the record of `importer`'s run over `files` ((name, file, size) triples)."""
    summary = importer.summary
    user = importer.user
    entry = ImportRecord.objects.create(
        started_at=importer.started_at,
        seconds=time.monotonic() - importer.started,
        user=user,
        username=user.get_username() if user is not None else "",
        via=importer.via,
        outcome=outcome,
        files="\n".join(str(name) for name, _, _ in files),
        counts={
            kind: {"created": created, "updated": updated, "unchanged": unchanged}
            for kind, created, updated, unchanged in summary.rows()
        }
        if outcome in {ImportRecord.Outcome.IMPORTED, ImportRecord.Outcome.DRY_RUN}
        else {},
        skipped=dict(summary.skipped_rows()),
        error=str(error),
        summary="\n".join(summary.lines(verbose=True)) if not error else "",
    )
    if user is not None:
        message = f"{entry.get_outcome_display()}: {str(error) or summary.lines()[0]}"
        LogEntry.objects.log_actions(user.pk, [entry], ADDITION, change_message=message)
    return entry

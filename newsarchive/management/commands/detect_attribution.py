import datetime

from django.core.management import BaseCommand

from newsarchive.attribution import FIELDS, detect_attribution
from newsarchive.models import Entry


class Command(BaseCommand):
    help = (
        "Read source, byline, dateline, credits and original date from the text of existing "
        "entries and fill the attribution fields that are still empty. Bodies are never "
        "changed, and fields an editor has filled are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be filled; save nothing."
        )
        parser.add_argument(
            "--since",
            type=datetime.date.fromisoformat,
            metavar="YYYY-MM-DD",
            help="Only entries published on or after this day.",
        )

    def handle(self, dry_run, since, verbosity, **options):
        entries = Entry.objects.all()
        if since:
            entries = entries.filter(published_on__gte=since)
        counts = detect_attribution(entries, dry_run=dry_run)
        if verbosity:
            verb = "Would fill" if dry_run else "Filled"
            filled = ", ".join(f"{counts[name]:,} {name.replace('_', ' ')}" for name in FIELDS)
            self.stdout.write(f"Read {counts['entries']:,} entries. {verb}: {filled}.")

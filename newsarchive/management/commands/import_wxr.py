import zoneinfo

from django.core.management import BaseCommand, CommandError

from newsarchive.wxr.importer import import_wxr, parse_author_map
from newsarchive.wxr.parser import WXRError
from newsarchive.wxr.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Import WordPress export files (WXR 1.0, 1.1, 1.2): authors, categories, tags, posts, "
        "pages, attachments (recorded, not downloaded) and comments, with their WordPress ids. "
        "Importing the same file again changes nothing; an updated export updates what changed. "
        "All files go in one transaction: a malformed file leaves the database as it was."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--author-map",
            action="append",
            default=[],
            metavar="LOGIN=USERNAME",
            help="Give a WordPress author's entries to an existing user (repeatable).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; save nothing."
        )
        parser.add_argument(
            "--time-zone",
            help="The blog's time zone, for dates exported without GMT (default: TIME_ZONE).",
        )
        parser.add_argument(
            "--no-attribution",
            action="store_true",
            help="Do not look for source, byline and dateline in the text of new entries.",
        )

    def handle(self, files, author_map, dry_run, time_zone, no_attribution, verbosity, **options):
        try:
            mapping = parse_author_map(author_map)
            tz = zoneinfo.ZoneInfo(time_zone) if time_zone else None
        except (ValueError, zoneinfo.ZoneInfoNotFoundError) as error:
            raise CommandError(str(error)) from None
        progress = ProgressBar(self.stderr) if verbosity and self.stderr.isatty() else None
        try:
            summary = import_wxr(
                files,
                author_map=mapping,
                dry_run=dry_run,
                time_zone=tz,
                detect=not no_attribution,
                progress=progress,
            )
        except WXRError as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"{error.filename}: {error.strerror}") from None
        finally:
            if progress is not None:
                progress.close()
        if verbosity:
            for line in summary.lines(verbose=verbosity > 1):
                self.stdout.write(line)

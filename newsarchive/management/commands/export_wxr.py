import datetime
import io
import sys

from django.core.management import BaseCommand, CommandError

from newsarchive.wxr.exporter import export_wxr


class Command(BaseCommand):
    help = (
        "Write the archive as a WordPress export (WXR 1.2) that WordPress's importer accepts: "
        "authors, categories, tags, entries, pages, attachments and comments, with their ids. "
        "Usage: manage.py export_wxr [--since DATE] > archive.xml"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since",
            type=datetime.date.fromisoformat,
            metavar="YYYY-MM-DD",
            help="Only entries published on or after this day.",
        )
        parser.add_argument("--output", "-o", metavar="FILE", help="Write here, not to stdout.")
        parser.add_argument(
            "--site-url",
            default="http://localhost",
            help="The archive's address, for links and guids (default: http://localhost).",
        )

    def handle(self, since, output, site_url, verbosity, **options):
        if output:
            try:
                with open(output, "w", encoding="utf-8", newline="\n") as out:
                    counts = export_wxr(out, since=since, site_url=site_url)
            except OSError as error:
                raise CommandError(f"{output}: {error.strerror}") from None
        else:
            out = self.stdout._out
            if out is sys.stdout and hasattr(out, "buffer"):
                # UTF-8 whatever the terminal's encoding: the file declares it.
                out = io.TextIOWrapper(out.buffer, encoding="utf-8", newline="\n")
                counts = export_wxr(out, since=since, site_url=site_url)
                out.flush()
                out.detach()
            else:
                counts = export_wxr(out, since=since, site_url=site_url)
        if verbosity:
            self.stderr.write(
                f"Exported {counts['entries']:,} entries, {counts['comments']:,} comments and "
                f"{counts['attachments']:,} attachments."
            )

from django.core.management import BaseCommand

from newsarchive.filing import publish_due


class Command(BaseCommand):
    help = "Publish scheduled entries whose time has come (run from cron every minute)."

    def handle(self, *args, **options):
        published = publish_due()
        if options["verbosity"]:
            self.stdout.write(
                f"Published {published} scheduled entr{'y' if published == 1 else 'ies'}."
            )

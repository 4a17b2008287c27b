from django.core.management import BaseCommand

from newsarchive.models import Entry


class Command(BaseCommand):
    help = "Publish scheduled entries whose time has come (run from cron every minute)."

    def handle(self, *args, **options):
        published = Entry.objects.publish_due()
        if options["verbosity"]:
            self.stdout.write(
                f"Published {published} scheduled entr{'y' if published == 1 else 'ies'}."
            )

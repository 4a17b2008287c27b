from django.core.management import BaseCommand

from newsarchive.counts import rebuild_counts


class Command(BaseCommand):
    help = (
        "Recount months, categories, tags, sources, bylines and datelines from scratch "
        "(after loading data outside the admin and the importer)."
    )

    def handle(self, *args, **options):
        rebuild_counts()
        self.stdout.write("Counts rebuilt.")

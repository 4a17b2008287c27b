from django.core.management import BaseCommand, call_command

from newsarchive.models import Category, Entry, rebuild_counts
from newsarchive.synthetic import SYNTHETIC_GUID_PREFIX, generate_archive

DEMO_ENTRIES = 300


class Command(BaseCommand):
    help = (
        "Load the demo archive: the seed entry, its neighbours and synthetic entries around them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--entries", type=int, default=DEMO_ENTRIES)

    def handle(self, entries, verbosity, **options):
        load_demo(entries, verbosity=verbosity)


def load_demo(entries=DEMO_ENTRIES, verbosity=1):
    Category.uncategorized()  # the fixture files its entries there
    call_command("loaddata", "demo", verbosity=verbosity)
    # Fixtures load raw; saving again derives the publication day in this blog's time zone.
    for entry in Entry.objects.exclude(guid__startswith=SYNTHETIC_GUID_PREFIX):
        entry.save()
    if not Entry.objects.filter(guid__startswith=SYNTHETIC_GUID_PREFIX).exists():
        generate_archive(entries, seed=1)
    rebuild_counts()

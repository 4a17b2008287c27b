from django.core.management import BaseCommand, call_command
from django.db import transaction

from newsarchive.counts import rebuild_counts
from newsarchive.models import Attachment, Category, Entry, Source, Tag
from newsarchive.synthetic import generate_archive

DEMO_ENTRIES = 300


class Command(BaseCommand):
    help = (
        "Load the demo archive (the seed entry, its neighbours and synthetic entries around "
        "them) into an empty archive. An archive with entries is left as it is, so that "
        "`make run` never undoes edits; --reset replaces everything with the demo."
    )

    def add_arguments(self, parser):
        parser.add_argument("--entries", type=int, default=DEMO_ENTRIES)
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete every entry, comment, category, tag and source first (users stay).",
        )

    def handle(self, entries, reset, verbosity, **options):
        if load_demo(entries, verbosity=verbosity, reset=reset):
            self.stdout.write(f"Loaded the demo archive ({Entry.objects.count()} entries).")
        else:
            self.stdout.write(
                "The archive has entries already: left as it is "
                "(`manage.py load_demo --reset` replaces it with the demo)."
            )


def load_demo(entries=DEMO_ENTRIES, verbosity=1, reset=False):
    """Load the demo into an empty archive, or after deleting the archive with `reset`.
    Returns whether it loaded."""
    with transaction.atomic():
        if reset:
            delete_archive()
        elif Entry.objects.exists():
            return False
        Category.uncategorized()  # the fixture files its entries there
        call_command("loaddata", "demo", verbosity=verbosity)
        # Fixtures load raw: derive the publication day in this blog's time zone (and what
        # else is derived) without saving, which would stamp a 2007 entry as modified today.
        loaded = list(Entry.objects.all())
        for entry in loaded:
            entry.derive_fields()
        Entry.objects.bulk_update(loaded, Entry.DERIVED)
        generate_archive(entries, seed=1)
        rebuild_counts()
    return True


def delete_archive():
    """Everything readers see, gone: entries with their comments, filing and counts."""
    Entry.objects.all().delete()
    Tag.objects.all().delete()
    Category.objects.exclude(slug=Category.UNCATEGORIZED_SLUG).delete()
    Source.objects.all().delete()
    Attachment.objects.all().delete()
    rebuild_counts()

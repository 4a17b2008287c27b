from django.core.management import BaseCommand, CommandError

from newsarchive.synthetic import generate_archive


class Command(BaseCommand):
    help = (
        "Add plainly synthetic entries, with categories, tags and comments, to the archive. "
        "The same seed on the same database gives the same entries; a re-run adds more."
    )

    def add_arguments(self, parser):
        parser.add_argument("--entries", type=int, required=True, help="How many to add.")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, entries, seed, verbosity, **options):
        if entries < 0:
            raise CommandError("--entries cannot be negative.")
        created = generate_archive(entries, seed=seed, stdout=self.stdout if verbosity else None)
        if verbosity:
            self.stdout.write(
                "Created " + ", ".join(f"{n:,} {name}" for name, n in created.items())
            )

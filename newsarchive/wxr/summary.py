"""What an import did (or, in a dry run, would do): counts by kind, skips, warnings, changes."""

from collections import Counter

KINDS = (
    "authors", "categories", "tags", "sources", "posts", "pages", "attachments", "comments",
    "old permalinks",
)  # fmt: skip
OUTCOMES = ("created", "updated", "unchanged")
MAX_NOTES = 200


class Summary:
    def __init__(self, dry_run=False):
        self.dry_run = dry_run
        self.counts = {kind: Counter() for kind in KINDS}
        self.skipped = Counter()
        self.attribution = Counter()
        self.warnings = []
        self.changes = []
        self.files = []
        self.entries_read = 0
        self.touched = False  # written something no count shows (attachment parents, say)
        self.seconds = 0.0

    def add(self, kind, outcome, n=1):
        if n:
            self.counts[kind][outcome] += n

    def move(self, kind, old, new):
        """An object counted as `old` turned out `new` (a page whose path changed, say)."""
        self.counts[kind][old] -= 1
        self.counts[kind][new] += 1

    def skip(self, reason, n=1):
        self.skipped[reason] += n

    def warn(self, text):
        if len(self.warnings) < MAX_NOTES:
            self.warnings.append(text)
        elif len(self.warnings) == MAX_NOTES:
            self.warnings.append("… and more warnings, not shown.")

    def change(self, text):
        if len(self.changes) < MAX_NOTES:
            self.changes.append(text)
        elif len(self.changes) == MAX_NOTES:
            self.changes.append("… and more changes, not shown.")

    def total(self, outcome, kinds=KINDS):
        return sum(self.counts[kind][outcome] for kind in kinds)

    @property
    def changed_anything(self):
        return bool(self.touched or self.total("created") or self.total("updated"))

    @property
    def rate(self):
        return self.entries_read / self.seconds if self.seconds else 0.0

    def rows(self):
        """(kind, created, updated, unchanged) for the kinds that saw anything."""
        return [
            (kind, *(self.counts[kind][outcome] for outcome in OUTCOMES))
            for kind in KINDS
            if any(self.counts[kind].values())
        ]

    def skipped_rows(self):
        """(reason, n) for what was skipped, by reason: a list, so that templates never
        look names up on the Counter (where `.items` is a count, not the method)."""
        return sorted(self.skipped.items())

    def attribution_rows(self):
        """(field, n) for attribution found in the text of new entries."""
        return [(name.replace("_", " "), n) for name, n in sorted(self.attribution.items())]

    def lines(self, verbose=False):
        """The summary as the command prints it."""
        verb = "Would import" if self.dry_run else "Imported"
        names = ", ".join(self.files) or "nothing"
        lines = [
            f"{verb} {names}: {self.entries_read:,} entries in {self.seconds:.1f} s "
            f"({self.rate:,.0f} entries/s)."
        ]
        rows = self.rows()
        if rows:
            lines.append(f"  {'':<15}{'created':>10}{'updated':>10}{'unchanged':>11}")
            lines.extend(
                f"  {kind:<15}{created:>10,}{updated:>10,}{unchanged:>11,}"
                for kind, created, updated, unchanged in rows
            )
        if self.skipped:
            lines.append("Skipped:")
            lines.extend(f"  {n:>8,}  {reason}" for reason, n in self.skipped_rows())
        if self.attribution:
            found = ", ".join(f"{n:,} {name}" for name, n in self.attribution_rows())
            lines.append(f"Attribution found in the text of new entries: {found}.")
        if self.warnings:
            lines.append("Warnings:")
            lines.extend(f"  - {text}" for text in self.warnings)
        if self.changes and (verbose or self.dry_run):
            lines.append("Changes:" if not self.dry_run else "Would change:")
            lines.extend(f"  - {text}" for text in self.changes)
        if self.dry_run:
            lines.append("Dry run: nothing was saved.")
        return lines

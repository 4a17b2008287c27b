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
        self.blogs = []  # which blog each file is from, and what it is to this archive
        self.beside = Counter()  # kind → new items whose ids another blog's items have
        self.adopted = Counter()  # kind → rows from before blogs were recorded, adopted
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

    def blog(self, name, blog):
        """The blog file `name` is from (an identity.FileBlog)."""
        if blog.own_export:
            state = "a newsarchive export: each item says where it came from"
        elif blog.known:
            state = "imported before: its items are matched and updated"
        else:
            state = "new to this archive: its items are added beside the others"
        self.blogs.append(f"Blog of {name}: {blog} ({state}).")

    def add_beside(self, kind, item):
        """A new `kind` ("posts") whose WordPress id is another blog's item's too."""
        self.beside[kind] += 1
        self.change(f"{kind[:-1]} {item}: added beside another blog's {kind[:-1]} {item}")

    def adopt(self, kind, n=1):
        """Rows from before blogs were recorded, now recorded as this blog's: a change to
        the database, but to nothing a page shows or counts."""
        if n:
            self.adopted[kind] += n

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

    def identity_lines(self):
        """What the blogs' ids did: items added beside another blog's, rows adopted."""
        lines = []
        if self.beside:
            lines.append(
                f"{'Would add' if self.dry_run else 'Added'} beside another blog's items with "
                f"the same WordPress ids, overwriting nothing: {_counted(self.beside)}. "
                "Old ?p= addresses keep meaning the entries that had those ids first."
            )
        if self.adopted:
            lines.append(
                f"Imported before blogs were recorded, {'would be' if self.dry_run else 'now'} "
                f"recorded as this blog's: {_counted(self.adopted)}."
            )
        return lines

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
            f"{verb} {names}: {self.entries_read:,} "
            f"{'entry' if self.entries_read == 1 else 'entries'} in {self.seconds:.1f} s "
            f"({self.rate:,.0f} entries/s)."
        ]
        lines.extend(self.blogs)
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
        lines.extend(self.identity_lines())
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


def _counted(counter):
    """{"posts": 3, "comments": 1} → "1 comment, 3 posts"."""
    return ", ".join(
        f"{n:,} {kind[:-1] if n == 1 else kind}" for kind, n in sorted(counter.items())
    )

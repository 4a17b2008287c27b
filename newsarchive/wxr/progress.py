"""How far an import is, as plain numbers, and a one-line progress bar for a terminal.

The importer calls its `progress` with a Progress after each chunk of a file: anything that
takes one (the command's ProgressBar, a job that keeps the figures somewhere for a page to
show) can follow an import, wherever it runs.
"""

import time
from typing import NamedTuple


class Progress(NamedTuple):
    bytes_read: int  # of the file being read
    total_bytes: int | None  # its size, when known
    entries: int  # posts and pages read so far, every file of the run
    seconds: float  # since the import started

    @property
    def fraction(self):
        """How much of the file is read, 0 to 1 (0 when its size is unknown)."""
        return min(self.bytes_read / self.total_bytes, 1.0) if self.total_bytes else 0.0

    @property
    def rate(self):
        """Entries per second so far."""
        return self.entries / self.seconds if self.seconds else 0.0


class ProgressBar:
    """Redraws at most a few times a second: percent of the file, entries, entries per second."""

    WIDTH = 30

    def __init__(self, stream, interval=0.25):
        self.stream, self.interval = stream, interval
        self.shown_at = 0.0
        self.drawn = False

    def __call__(self, progress):
        now = time.monotonic()
        if now - self.shown_at < self.interval:
            return
        self.shown_at = now
        filled = int(progress.fraction * self.WIDTH)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(
            f"\r[{bar}] {progress.fraction:4.0%}  {progress.entries:,} entries  "
            f"{progress.rate:,.0f} entries/s ",
            ending="",
        )
        self.stream.flush()
        self.drawn = True

    def close(self):
        if self.drawn:
            self.stream.write("")

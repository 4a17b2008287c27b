"""A one-line progress bar for imports run at a terminal."""

import time


class ProgressBar:
    """Redraws at most a few times a second: percent of the file, entries, entries per second."""

    WIDTH = 30

    def __init__(self, stream, interval=0.25):
        self.stream, self.interval = stream, interval
        self.shown_at = 0.0
        self.drawn = False

    def __call__(self, read, size, entries, seconds):
        now = time.monotonic()
        if now - self.shown_at < self.interval:
            return
        self.shown_at = now
        fraction = min(read / size, 1.0) if size else 0.0
        filled = int(fraction * self.WIDTH)
        rate = entries / seconds if seconds else 0.0
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(
            f"\r[{bar}] {fraction:4.0%}  {entries:,} entries  {rate:,.0f} entries/s ", ending=""
        )
        self.stream.flush()
        self.drawn = True

    def close(self):
        if self.drawn:
            self.stream.write("")

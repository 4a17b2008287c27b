"""How often is the Uncategorized queue's top suggestion right?

Hides the newest N filed entries of the archive in DATABASE_URL (default: the demo archive of
`make run`), suggests categories for them from the rest, and counts how often the top
suggestion is one of the entry's real categories.

    DEBUG=1 .venv/bin/python bench/suggestions.py [--held-out 50]
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsarchive.settings")


def main():
    import django

    django.setup()
    from newsarchive.admin import suggestions

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--held-out", type=int, default=50)
    args = parser.parse_args()
    right, asked = suggestions.evaluate(held_out=args.held_out)
    share = right / asked if asked else 0
    print(f"top suggestion right for {right} of {asked} held-out entries ({share:.0%})")


if __name__ == "__main__":
    main()

"""What the page cache and the Django code behind it agree on, so that neither imports the other.

Django tells the page cache two things about each response it renders, in the request's WSGI
environ (request.META): whether the response may be given to other readers (SHAREABLE, decided
by newsarchive/sharing.py), and which values in it are the reader's own (FRESH_VALUES, noted by
the template tags of templatetags/pagecache.py), so that the page cache can put each reader's own
in their place. Of those values the page cache makes one kind itself, by the same function the
comment form uses: the signed time a form was served (`form_time`). The CSRF token it gets from
Django (pagecache/readers.py).
"""

import time

from django.core import signing

SHAREABLE = "newsarchive.shareable"  # request.META: True when the page cache may store it
FRESH_VALUES = "newsarchive.fresh_values"  # request.META: [(value, kind, argument), …]
# request.META: (key, version) of the one thing a page depends on besides the whole archive,
# read before the view read what the page shows (newsarchive/caching.py, COMMENTS_KEY).
DEPENDS_ON = "newsarchive.depends_on"

# The kinds of per-reader value: a CSRF token, and the time a comment form was served (its
# argument is the entry's id).
CSRF_TOKEN = "csrf"
FORM_TIME = "issued"

# The comment form's bot defence: which entry's form this is and when it was served.
form_times = signing.Signer(salt="newsarchive.comment-form")


def form_time(entry_id, again=False):
    """A signed note of which entry's form this is and when (to the millisecond) it was served;
    `again` for a form shown again because the first sending looked automated."""
    return form_times.sign(f"{entry_id}:{int(time.time() * 1000)}{':again' if again else ''}")

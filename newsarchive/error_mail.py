"""Mail to ADMINS about server errors, at most one a minute from each process.

An outage makes every request fail at once (a database restarting made 41 mails in a second):
the first error is mailed, the rest of the minute's are counted, and the next mail says how
many were held back. The errors themselves are all logged as before."""

import time

from django.utils.log import AdminEmailHandler


class ThrottledAdminEmailHandler(AdminEmailHandler):
    INTERVAL = 60.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.next_mail_at = 0.0
        self.held_back = self.mailing_after = 0

    def emit(self, record):
        # Handler.handle() holds the handler's lock around emit(): one thread at a time.
        now = time.monotonic()
        if now < self.next_mail_at:
            self.held_back += 1
            return
        self.next_mail_at = now + self.INTERVAL
        self.mailing_after, self.held_back = self.held_back, 0
        super().emit(record)

    def format_subject(self, subject):
        subject = super().format_subject(subject)
        held = self.mailing_after
        return f"{subject} (and {held} more not mailed)" if held else subject

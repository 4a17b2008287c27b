"""Failed attempts at a password (the admin's login, a protected entry's), kept a while to
slow guessing down: newsarchive/throttle.py counts them."""

from django.db import models
from django.utils import timezone


class FailedAttempt(models.Model):
    scope = models.CharField(max_length=50, help_text="What was tried: the admin login, an entry.")
    address = models.GenericIPAddressField("IP address", null=True, blank=True)
    target = models.CharField(
        max_length=200, blank=True, help_text="The account or entry the password was for."
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["scope", "address", "at"], name="attempt_address"),
            models.Index(fields=["scope", "target", "at"], name="attempt_target"),
            models.Index(fields=["at"], name="attempt_time"),
        ]

    def __str__(self):
        return f"{self.scope} {self.target} from {self.address} at {self.at:%Y-%m-%d %H:%M}"

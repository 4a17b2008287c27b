"""The Django admin, by concern: entries and their filing, categories and tags, comments."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from newsarchive import throttle
from newsarchive.admin import accounts, comments, entries, taxonomy  # noqa: F401 - registers them


class ThrottledLoginForm(AdminAuthenticationForm):
    """The admin's login, refusing an address (or an account) after too many wrong passwords
    in a quarter of an hour (newsarchive/throttle.py), even when the next one is right."""

    SCOPE = "admin-login"

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if throttle.is_throttled(self.SCOPE, self.request, username):
            raise ValidationError(throttle.TOO_MANY, code="throttled")
        try:
            return super().clean()
        except ValidationError as error:
            if any(e.code == "invalid_login" for e in error.error_list):
                throttle.failed(self.SCOPE, self.request, username)
            raise


admin.site.login_form = ThrottledLoginForm

admin.site.site_header = f"{settings.BLOG_NAME} administration"
admin.site.site_title = settings.BLOG_NAME
admin.site.index_title = "Filing, moderation and settings"

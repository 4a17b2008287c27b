"""The Django admin, by concern: entries and their filing, categories and tags, comments."""

from django.conf import settings
from django.contrib import admin

from newsarchive.admin import accounts, comments, entries, taxonomy  # noqa: F401 - registers them

admin.site.site_header = f"{settings.BLOG_NAME} administration"
admin.site.site_title = settings.BLOG_NAME
admin.site.index_title = "Filing, moderation and settings"

"""Staff accounts: Django's user admin, whose change form saves back what it was given (its
time boxes do not show microseconds, and an untouched save must not drop them)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm

from newsarchive.admin.base import ArchiveModelAdmin, StoredValuesForm

User = get_user_model()
admin.site.unregister(User)


class AccountChangeForm(StoredValuesForm, UserChangeForm):
    pass


@admin.register(User)
class AccountAdmin(ArchiveModelAdmin, UserAdmin):
    form = AccountChangeForm

"""What the admin modules share: change forms that save back what they were given, URL
fields, and the intermediate page of bulk actions."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template.response import TemplateResponse
from django.utils.functional import cached_property

# Addresses typed without a scheme are taken as https (Django 6's default, chosen now).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


def same_text(stored, sent):
    """Whether a text box sent back what was stored: browsers send line breaks as CRLF, and
    Django strips what surrounds the text, so neither is an edit."""

    def plain(text):
        return text.replace("\r\n", "\n").replace("\r", "\n").strip()

    return isinstance(stored, str) and isinstance(sent, str) and plain(stored) == plain(sent)


class StoredValuesForm(forms.ModelForm):
    """A change form that writes back exactly what was stored in every field the editor left
    alone. Saved untouched, an object is left as it was: text keeps its line breaks and its
    surrounding white space, times keep the microseconds the time box does not show, and a
    stored value today's rules refuse is kept rather than refused."""

    @cached_property
    def changed_data(self):
        return [name for name in super().changed_data if not self.sent_back(name)]

    def sent_back(self, name):
        """Whether the field's value came back as stored, but for how a browser sends text."""
        field = self.fields[name]
        if not isinstance(field, forms.CharField) or field.disabled:
            return False
        return same_text(self[name].initial, self[name].data)

    def full_clean(self):
        """A field the editor left alone keeps its stored value even where today's rules
        would refuse it (an imported post without a title, WordPress's percent-encoded slugs,
        a login with a space): what was stored is not the editor's mistake to correct before
        anything else can be saved. A field they changed is checked as always."""
        super().full_clean()
        if not self.is_bound or self.instance.pk is None:
            return
        for name in [name for name in self.errors if name in self.fields]:
            stored = self.stored_value(name)
            if stored is not None and name not in self.changed_data:
                del self.errors[name]
                self.cleaned_data[name] = stored[0]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        for name in set(cleaned) - set(self.changed_data):
            stored = self.stored_value(name)
            if stored is not None:
                cleaned[name] = stored[0]
        return cleaned

    def stored_value(self, name):
        """(value,) of a plain model field as loaded, or None for relations and form-only
        fields, whose stored form is not what the form cleans to."""
        try:
            field = self.instance._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        if not field.concrete or field.is_relation:
            return None
        return (field.value_from_object(self.instance),)


class ArchiveModelAdmin(admin.ModelAdmin):
    """The admin's ModelAdmin: its change forms save back what they were given, and saving an
    object untouched writes nothing (no save() stamps its modified time, no cache goes stale);
    the history still says "No fields changed."."""

    form = StoredValuesForm

    def save_model(self, request, obj, form, change):
        if change and not form.has_changed():
            return
        super().save_model(request, obj, form, change)


def intermediate(modeladmin, request, queryset, form, title, apply, template=None):
    """A bulk action that asks first: its form is shown, then applied once submitted valid.

    `apply(form)` does the work and returns a message; the changelist shows it.
    """
    if "apply" in request.POST and form.is_valid():
        modeladmin.message_user(request, apply(form), messages.SUCCESS)
        return None
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "queryset": queryset,
        "count": queryset.count(),
        "opts": opts,
        "action": request.POST["action"],
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media + form.media,
    }
    return TemplateResponse(
        request, template or "admin/newsarchive/intermediate_action.html", context
    )


def bound(form_class, request, **kwargs):
    return form_class(request.POST if "apply" in request.POST else None, **kwargs)


def log_change(request, queryset, message):
    """One history record per changed object, so each object's History shows the change."""
    changed = list(queryset)
    if changed:
        LogEntry.objects.log_actions(
            request.user.pk,
            queryset.model.objects.filter(pk__in=[o.pk for o in changed]),
            CHANGE,
            change_message=message,
        )
    return len(changed)

"""What the admin modules share: URL fields and the intermediate page of bulk actions."""

from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import models
from django.template.response import TemplateResponse

# Addresses typed without a scheme are taken as https (Django 6's default, chosen now).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


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

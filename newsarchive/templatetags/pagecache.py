"""Values a page must carry fresh for each reader, even when it comes from the page cache."""

from django import template
from django.middleware.csrf import get_token
from django.utils.html import format_html

from newsarchive.pagecache.names import CSRF_TOKEN, FORM_TIME, FRESH_VALUES, form_time

register = template.Library()


def remember(request, value, kind, argument=""):
    request.META.setdefault(FRESH_VALUES, []).append((value, kind, argument))
    return value


@register.simple_tag(takes_context=True)
def fresh_csrf_token(context):
    """{% csrf_token %}, marked so that the page cache gives each reader their own."""
    request = context["request"]
    token = remember(request, get_token(request), CSRF_TOKEN)
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


@register.simple_tag(takes_context=True)
def fresh_form_token(context, entry):
    """The signed time the comment form was served, signed anew for each reader."""
    return remember(context["request"], form_time(entry.pk), FORM_TIME, entry.pk)

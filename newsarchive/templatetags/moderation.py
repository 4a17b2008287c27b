from django import template

from newsarchive.models import Comment

register = template.Library()


@register.simple_tag
def awaiting_moderation():
    """How many comments wait in the moderation queue (for the admin index)."""
    return Comment.objects.filter(status=Comment.Status.PENDING).count()

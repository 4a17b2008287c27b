"""Email: moderators hear of each comment awaiting them; subscribers of newly approved ones."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, mail_managers
from django.template.loader import render_to_string
from django.urls import reverse

from newsarchive.models import Comment

_unsubscribe = signing.Signer(salt="newsarchive.comment-unsubscribe")


def absolute(request, path):
    return request.build_absolute_uri(path) if request is not None else path


def tell_moderators(comment, request):
    """Each new comment awaiting moderation goes to the site's managers with one-click links."""
    if comment.status != Comment.Status.PENDING or not settings.MANAGERS:
        return
    admin = "admin:newsarchive_comment_moderate"
    context = {
        "comment": comment,
        "entry_url": absolute(request, comment.entry.get_absolute_url()),
        "approve_url": absolute(request, reverse(admin, args=[comment.pk, "approve"])),
        "spam_url": absolute(request, reverse(admin, args=[comment.pk, "spam"])),
        "queue_url": absolute(request, reverse("admin:newsarchive_comment_changelist")),
    }
    mail_managers(
        f"Please moderate: “{comment.entry.display_title}”",
        render_to_string("newsarchive/email/moderate.txt", context),
    )


def unsubscribe_token(entry, email):
    return _unsubscribe.sign_object({"entry": entry.pk, "email": email.lower()})


def read_unsubscribe_token(token):
    """(entry id, email) from a token, or None if it was not made here."""
    try:
        data = _unsubscribe.unsign_object(token)
    except signing.BadSignature:
        return None
    return data["entry"], data["email"]


def tell_subscribers(comment, request):
    """Commenters who asked to hear of follow-ups get a note of this newly approved comment."""
    if comment.status != Comment.Status.APPROVED or comment.kind != Comment.Kind.COMMENT:
        return 0
    entry = comment.entry
    subscribers = (
        entry.comments.approved()
        .filter(notify=True)
        .exclude(author_email="")
        .exclude(author_email__iexact=comment.author_email or "")
        .values_list("author_email", flat=True)
    )
    addresses = sorted({email.lower() for email in subscribers})
    for email in addresses:
        unsubscribe_url = absolute(
            request, reverse("comment-unsubscribe", args=[unsubscribe_token(entry, email)])
        )
        context = {
            "comment": comment,
            "entry": entry,
            "comment_url": absolute(request, comment.get_absolute_url()),
            "unsubscribe_url": unsubscribe_url,
        }
        EmailMessage(
            f"New comment on “{entry.display_title}”",
            render_to_string("newsarchive/email/follow_up.txt", context),
            to=[email],
            headers={
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        ).send()
    return len(addresses)

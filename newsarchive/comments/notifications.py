"""Email: moderators hear of each comment awaiting them; subscribers of newly approved ones.

Links in mails are made from settings.SITE_URL, never from the request: a commenter chooses
the Host header of their own request, and must not choose where a moderator's "Approve" link
leads. A mail that cannot be sent is logged and never fails the comment that caused it.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from newsarchive.models import Comment
from newsarchive.roles import MODERATOR

logger = logging.getLogger(__name__)
_unsubscribe = signing.Signer(salt="newsarchive.comment-unsubscribe")


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def subject_line(text):
    """One line, whatever a title or a name holds (a header cannot carry line breaks)."""
    return " ".join(text.split())


def send(message):
    try:
        message.send()
    except Exception:
        logger.exception("Could not send “%s” to %s", message.subject, message.to)
        return False
    return True


def moderators():
    """Who hears of comments awaiting moderation: settings.MANAGERS, and the active members
    of the Moderator group (and superusers) who have an email address."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    staff = users.filter(groups__name=MODERATOR) | users.filter(is_superuser=True)
    addresses = {email for _, email in settings.MANAGERS}
    addresses.update(staff.values_list("email", flat=True))
    return sorted(addresses)


def tell_moderators(comment):
    """Each new comment awaiting moderation goes to the moderators with one-click links."""
    recipients = moderators()
    if comment.status != Comment.Status.PENDING or not recipients:
        return
    admin = "admin:newsarchive_comment_moderate"
    context = {
        "comment": comment,
        "entry_url": absolute(comment.entry.get_absolute_url()),
        "approve_url": absolute(reverse(admin, args=[comment.pk, "approve"])),
        "spam_url": absolute(reverse(admin, args=[comment.pk, "spam"])),
        "queue_url": absolute(reverse("admin:newsarchive_comment_changelist")),
    }
    send(
        EmailMessage(
            subject_line(
                f"{settings.EMAIL_SUBJECT_PREFIX}Please moderate: “{comment.entry.display_title}”"
            ),
            render_to_string("newsarchive/email/moderate.txt", context),
            to=recipients,
        )
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


def tell_subscribers(comment):
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
    comment_url = absolute(comment.get_absolute_url()) if addresses else ""
    for email in addresses:
        unsubscribe_url = absolute(
            reverse("comment-unsubscribe", args=[unsubscribe_token(entry, email)])
        )
        context = {
            "comment": comment,
            "entry": entry,
            "comment_url": comment_url,
            "unsubscribe_url": unsubscribe_url,
        }
        send(
            EmailMessage(
                subject_line(f"New comment on “{entry.display_title}”"),
                render_to_string("newsarchive/email/follow_up.txt", context),
                to=[email],
                headers={
                    "List-Unsubscribe": f"<{unsubscribe_url}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
        )
    return len(addresses)

"""What happens to a comment: the moderation rules, the defences, and moderators' actions."""

import datetime
import re

from django.db.models import Q
from django.utils import timezone

from newsarchive.caching import comments_changed
from newsarchive.comments import notifications
from newsarchive.models import Comment

_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
DUPLICATE_MESSAGE = "Duplicate comment detected; it looks as though you’ve already said that!"


def keys(text):
    return [line.strip().lower() for line in text.splitlines() if line.strip()]


def mentions_any(comment, words):
    """Whether any listed word appears in the comment's name, email, URL, text, IP or browser."""
    if not words:
        return False
    haystack = "\n".join(
        str(value or "")
        for value in (
            comment.author_name,
            comment.author_email,
            comment.author_url,
            comment.body,
            comment.ip_address,
            comment.user_agent,
        )
    ).lower()
    return any(word in haystack for word in words)


def status_for(comment, discussion, *, automated=False, user=None):
    """The status a new comment gets, by WordPress's Discussion rules."""
    if automated or mentions_any(comment, keys(discussion.disallowed_keys)):
        return Comment.Status.SPAM
    if mentions_any(comment, keys(discussion.moderation_keys)):
        return Comment.Status.PENDING
    if len(_LINK.findall(f"{comment.body}")) > discussion.max_links:
        return Comment.Status.PENDING
    if user is not None and user.has_perm("newsarchive.change_comment"):
        return Comment.Status.APPROVED
    if discussion.approve_known_authors and is_known_author(comment):
        return Comment.Status.APPROVED
    if discussion.require_approval:
        return Comment.Status.PENDING
    return Comment.Status.APPROVED


def is_known_author(comment):
    if not comment.author_name or not comment.author_email:
        return False
    return Comment.objects.filter(
        author_name=comment.author_name,
        author_email__iexact=comment.author_email,
        status=Comment.Status.APPROVED,
    ).exists()


def too_many_from(ip_address, per_minute):
    """Whether this address has already left its allowance of comments in the past minute."""
    if not ip_address:
        return False
    since = timezone.now() - datetime.timedelta(minutes=1)
    recent = Comment.objects.filter(ip_address=ip_address, submitted_at__gte=since)
    return recent.count() >= per_minute


def is_duplicate(comment):
    same_author = Q(author_email__iexact=comment.author_email) if comment.author_email else Q()
    same_author |= Q(author_name=comment.author_name)
    return (
        Comment.objects.filter(entry=comment.entry, body=comment.body)
        .exclude(status=Comment.Status.TRASH)
        .filter(same_author)
        .exists()
    )


def attach_parent(comment, parent, max_depth):
    """Replies nest up to `max_depth` levels; a reply to the deepest level becomes its sibling."""
    if parent is None:
        return
    ancestors = []
    node = parent
    while node is not None:
        ancestors.append(node)
        node = node.parent
    depth = len(ancestors)  # the parent's own depth, counting from 1
    comment.parent = ancestors[depth - max_depth + 1] if depth >= max_depth else parent


def set_status(comments, status, request=None):
    """Moderators' actions: move comments to a status; approved ones notify subscribers."""
    changing = list(comments.exclude(status=status).select_related("entry"))
    Comment.objects.filter(pk__in=[c.pk for c in changing]).update(status=status)
    for comment in changing:
        comment.status = status
    seen = [comment.entry_id for comment in changing if comment.is_seen_by_readers()]
    if seen:
        comments_changed(seen)
    if status == Comment.Status.APPROVED:
        for comment in changing:
            notifications.tell_subscribers(comment)
    return len(changing)

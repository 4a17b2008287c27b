"""Posting a comment, receiving a trackback, and leaving a follow-up subscription."""

import enum

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, transaction
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import escape, strip_tags
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from newsarchive import reader_state
from newsarchive.comments import moderation, notifications
from newsarchive.comments.forms import CHECK_AGAIN, CommentForm
from newsarchive.models import Comment, DiscussionSettings, Entry, comment_links
from newsarchive.throttle import client_ip
from newsarchive.views import date_or_404, entry_page


class Refusal(enum.Enum):
    """Every way the Leave a Reply form refuses a comment: the status it answers and what it
    says. Each shows the form again with everything the person typed (with the database down,
    their comment on a page of its own), so that nothing they wrote is lost."""

    INVALID = 400, ""  # a message by each field at fault
    CHECK_AGAIN = 400, CHECK_AGAIN  # looked automated: once, it may be a quick person
    CLOSED = 403, "Comments are closed for this entry."
    LOCKED = 403, ""  # a protected entry whose password this reader has not typed
    DUPLICATE = 409, moderation.DUPLICATE_MESSAGE
    TOO_MANY = 429, "You are posting comments too quickly. Please wait a minute and send it again."
    UNAVAILABLE = 503, "Your comment could not be saved just now"

    def __init__(self, status, message):
        self.status, self.message = status, message


def public_entry_or_404(year, month, day, slug):
    published_on = date_or_404(year, month, day)
    return get_object_or_404(Entry.objects.public(), published_on=published_on, slug=slug)


@require_POST
def post_comment(request, year, month, day, slug):
    try:
        return receive_comment(request, public_entry_or_404(year, month, day, slug))
    except DatabaseError:
        # Nothing the person typed is lost: show it back to them to keep.
        context = {
            "comment_text": request.POST.get("body", ""),
            "message": Refusal.UNAVAILABLE.message,
        }
        return render(request, "503.html", context, status=Refusal.UNAVAILABLE.status)


def refuse(request, entry, form, refusal):
    if refusal.message:
        form.add_error("body" if refusal is Refusal.DUPLICATE else None, refusal.message)
    # The refusal is shown on the entry's page (what was typed kept): read the entry as it does.
    entry = Entry.objects.for_entry_page().get(pk=entry.pk)
    response = entry_page(request, entry, form=form, status=refusal.status)
    if refusal is Refusal.TOO_MANY:
        response["Retry-After"] = "60"  # the allowance is per minute
    return response


def receive_comment(request, entry):
    discussion = DiscussionSettings.load()
    form = CommentForm(request.POST, entry=entry, user=request.user, discussion=discussion)
    if discussion.comments_closed_for(entry):
        return refuse(request, entry, form, Refusal.CLOSED)
    if not reader_state.is_unlocked(request, entry):
        return refuse(request, entry, form, Refusal.LOCKED)
    if not form.is_valid():
        return refuse(request, entry, form, Refusal.INVALID)
    automated = form.looks_automated()
    if automated and not form.is_second_try():
        form.reissue()
        return refuse(request, entry, form, Refusal.CHECK_AGAIN)
    comment = form.save(commit=False)
    comment.entry = entry
    comment.ip_address = client_ip(request)
    comment.user_agent = request.headers.get("User-Agent", "")[:500]
    if request.user.is_authenticated:
        comment.user = request.user
        comment.author_name = request.user.get_full_name() or request.user.get_username()
        comment.author_email = request.user.email
    moderation.attach_parent(comment, form.cleaned_data["parent"], discussion.thread_depth)
    comment.status = moderation.status_for(
        comment, discussion, automated=automated, user=request.user
    )
    refusal = save_unless_refused(comment, discussion)
    if refusal is not None:
        return refuse(request, entry, form, refusal)
    notifications.tell_moderators(comment)
    notifications.tell_subscribers(comment)
    return after_posting(request, comment, form.cleaned_data.get("remember"))


def save_unless_refused(comment, discussion):
    """Save the comment unless its address has had its allowance this minute or it says the
    same again: the checks and the insert are one step, so that simultaneous posts cannot
    all pass the checks before any is saved (each waits for the lock on the settings row)."""
    with transaction.atomic():
        DiscussionSettings.objects.select_for_update().filter(pk=discussion.pk).first()
        if moderation.too_many_from(comment.ip_address, discussion.comments_per_minute):
            return Refusal.TOO_MANY
        if moderation.is_duplicate(comment):
            return Refusal.DUPLICATE
        comment.save()
    return None


def after_posting(request, comment, remember):
    """Back to the entry at the comment (POST/redirect/GET); the reader's session remembers
    their pending comment (shown to them alone) and, if they asked, their name."""
    # Spam is kept for moderators but never shown, even to its author.
    if comment.status == Comment.Status.PENDING:
        reader_state.add_pending_comment(request, comment.pk)
    if comment.status == Comment.Status.SPAM:
        response = redirect(f"{comment.entry.get_absolute_url()}#respond")
    else:
        own = reader_state.own_pending_comments(request) or [comment.pk]
        response = redirect(comment_links([comment], own_pending=own)[comment.pk])
    if comment.user_id:
        return response
    if remember:
        reader_state.remember_commenter(
            request, comment.author_name, comment.author_email, comment.author_url
        )
    else:
        reader_state.forget_commenter(request)
    return response


def trackback_response(error=None):
    """The reply the TrackBack specification gives: `<error>0</error>` on success."""
    body = (
        "<error>0</error>"
        if error is None
        else f"<error>1</error>\n<message>{escape(error)}</message>"
    )
    xml = f'<?xml version="1.0" encoding="utf-8"?>\n<response>\n{body}\n</response>\n'
    return HttpResponse(xml, content_type="text/xml; charset=utf-8")


@csrf_exempt  # other blogs ping us; the protocol has no token to carry
@require_http_methods(["GET", "POST"])
def trackback(request, year, month, day, slug):
    entry = public_entry_or_404(year, month, day, slug)
    if request.method == "GET":
        return HttpResponsePermanentRedirect(entry.get_absolute_url())
    try:
        return trackback_response(receive_trackback(request, entry))
    except DatabaseError:
        return trackback_response("The archive cannot take trackbacks just now; please try later.")


def receive_trackback(request, entry):
    """Record a trackback as a pending comment; the error message, or None on success."""
    discussion = DiscussionSettings.load()
    url = request.POST.get("url", "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return "A trackback needs the url of the entry that links here."
    if not entry.pings_open or entry.password or discussion.comments_closed_for(entry):
        return "Sorry, trackbacks are closed for this item."
    title = strip_tags(request.POST.get("title", "")).strip()[:250] or url
    excerpt = strip_tags(request.POST.get("excerpt", "")).strip()
    if len(excerpt) > 255:
        excerpt = excerpt[:252].rstrip() + "…"
    ping = Comment(
        entry=entry,
        kind=Comment.Kind.TRACKBACK,
        author_name=(strip_tags(request.POST.get("blog_name", "")).strip() or title)[:200],
        author_url=url[:500],
        body=f"{title}\n\n{excerpt}".strip(),
        ip_address=client_ip(request),
        user_agent=request.headers.get("User-Agent", "")[:500],
    )
    if moderation.too_many_from(ping.ip_address, discussion.comments_per_minute):
        return "Too many trackbacks from your address; please wait a minute."
    if entry.comments.filter(kind=Comment.Kind.TRACKBACK, author_url=ping.author_url).exists():
        return "We already have a ping from that URL for this post."
    disallowed = moderation.mentions_any(ping, moderation.keys(discussion.disallowed_keys))
    ping.status = Comment.Status.SPAM if disallowed else Comment.Status.PENDING
    ping.save()
    notifications.tell_moderators(ping)
    return None


@csrf_exempt  # mail clients' one-click unsubscribe (RFC 8058) posts without a token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    found = notifications.read_unsubscribe_token(token)
    if found is None:
        return render(request, "newsarchive/unsubscribe.html", {"invalid": True}, status=400)
    entry_id, email = found
    entry = get_object_or_404(Entry, pk=entry_id)
    context = {"entry": entry if entry.is_public else None}
    if request.method == "GET":
        # Opening the link only asks: link previews and mail scanners open links too.
        return render(request, "newsarchive/unsubscribe.html", {**context, "asking": True})
    entry.comments.filter(author_email__iexact=email).update(notify=False)
    return render(request, "newsarchive/unsubscribe.html", context)

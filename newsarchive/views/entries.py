"""One entry: its page with comments and the reply form, password-protected entries, WordPress
pages at their own address, and comment pages."""

import datetime
from urllib.parse import quote

from django.core import signing
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.views.decorators.http import require_http_methods

from newsarchive import content, metadata
from newsarchive.caching import cached
from newsarchive.comments.forms import CommentForm
from newsarchive.models import (
    Comment,
    DiscussionSettings,
    Entry,
    OldPermalink,
    PreparedQuery,
    ShownComment,
    stored_slug,
    thread,
)
from newsarchive.views.archives import date_or_404

# The two queries of every entry page, compiled to SQL once per process (models/prepared.py):
# building and compiling them took longer than running them.
ENTRY_AT = PreparedQuery(
    lambda now, day, slug, stored: (
        Entry.objects.posts()
        .with_neighbours(now)
        .with_filing()
        .select_related("author", "source")
        .filter(published_on=day)
        .with_slug(slug, stored)[:1]
    ),
    now=datetime.datetime,
    day=datetime.date,
    slug=str,
    stored=str,
)
APPROVED_COMMENTS = PreparedQuery(
    lambda entry_id: Comment.objects.filter(entry=entry_id).approved().shown(), entry_id=int
)


def entry_detail(request, year, month, day, slug, page=1):
    published_on = date_or_404(year, month, day)
    found = ENTRY_AT(now=timezone.now(), day=published_on, slug=slug, stored=stored_slug(slug))
    entry = found[0] if found else None
    if entry is None:
        old = get_object_or_404(
            OldPermalink.objects.select_related("entry"), published_on=published_on, slug=slug
        )
        return redirect(old.entry, permanent=True)
    return show_entry(request, entry, page)


@require_http_methods(["GET", "HEAD", "POST"])
def page_detail(request, path):
    """A stand-alone page at its own address (`/about/`, `/about/team/`)."""
    pages = (
        Entry.objects.filter(kind=Entry.Kind.PAGE).with_filing().select_related("author", "source")
    )
    entry = pages.filter(Q(path=path) | Q(path=quote(path, safe="/-").lower())).first()
    if entry is None:
        raise Http404("No such page.")
    return show_entry(request, entry)


def show_entry(request, entry, page=1):
    if not entry.is_public and not request.user.is_staff:
        raise Http404("No such entry.")
    Entry.attach_filing([entry], rows=entry.filing_rows())
    if "replytocom" in request.GET:
        return HttpResponsePermanentRedirect(legacy_reply_target(entry, request.GET["replytocom"]))
    if request.method == "POST":
        return unlock(request, entry)
    return entry_page(request, entry, page=page)


PASSWORD_COOKIE = "entry_password"


def password_key(password):
    return salted_hmac(PASSWORD_COOKIE, password).hexdigest()


def is_unlocked(request, entry):
    """A password-protected entry opens once the reader has typed its password (as WordPress)."""
    if not entry.password:
        return True
    given = request.get_signed_cookie(PASSWORD_COOKIE, default="", salt=PASSWORD_COOKIE)
    return constant_time_compare(given, password_key(entry.password))


def unlock(request, entry):
    typed = request.POST.get("post_password", "")
    if not entry.password or not constant_time_compare(typed, entry.password):
        return entry_page(request, entry, password_error=True, status=403)
    response = redirect(request.path)
    response.set_signed_cookie(
        PASSWORD_COOKIE,
        password_key(entry.password),
        salt=PASSWORD_COOKIE,
        max_age=10 * 24 * 60 * 60,
        httponly=True,
        samesite="Lax",
    )
    return response


def legacy_reply_target(entry, number):
    """WordPress's non-JavaScript reply links (`?replytocom=77`) land on the comment."""
    comment = None
    if number.isascii() and number.isdigit() and len(number) <= 18:  # what int() and ids take
        comment = entry.comments.approved().with_anchor_id(int(number)).first()
    return comment.get_absolute_url() if comment else entry.get_absolute_url()


def entry_page(request, entry, form=None, status=200, page=1, password_error=False):
    """The entry with its comments and reply form; also re-rendered when a comment is refused."""
    parts = content.split_pages(entry.body)
    if not 1 <= page <= len(parts):
        raise Http404("No such page of this entry.")
    if not is_unlocked(request, entry):
        context = {
            "entry": entry,
            "locked": True,
            "password_error": password_error,
            "description": entry.display_title,
        }
        return render(request, "newsarchive/entry_detail.html", context, status=status)
    discussion = DiscussionSettings.load()
    threads = threaded_comments(entry, own_pending_comments(request), discussion.thread_depth)
    pings = [c for c in threads if c.is_ping]
    comments = [c for c in threads if not c.is_ping]
    comment_page, shown = paginate_threads(comments, discussion, request.GET.get("cpage"))
    closed = discussion.comments_closed_for(entry)
    if form is None and not closed:
        form = CommentForm(
            entry=entry,
            user=request.user,
            discussion=discussion,
            initial={**remembered_commenter(request), "parent": request.GET.get("replyto")},
        )
    replying_to = form and form["parent"].value()
    body_html = content.render_body(parts[page - 1])
    # The summary is most often the whole first page, which is rendered already.
    summary_shown = page == 1 and not entry.password and entry.summary_text() == parts[0]
    description = metadata.description(body_html if summary_shown else entry.summary_html())
    context = {
        "entry": entry,
        "description": description,
        "json_ld": metadata.entry_json_ld(
            entry, request.build_absolute_uri(entry.get_absolute_url()), description
        ),
        "related": cached(
            f"related-{entry.pk}", lambda: list(Entry.objects.public().related_to(entry))
        ),
        "body_html": body_html,
        "page_numbers": range(1, len(parts) + 1) if len(parts) > 1 else None,
        "page_number": page,
        "comments": shown,
        "comment_page": comment_page,
        "comment_count": sum(1 for c in comments if c.status == Comment.Status.APPROVED),
        "pings": pings,
        "form": form,
        "comments_closed": closed,
        "replying_to": next((c for c in comments if str(c.pk) == str(replying_to)), None),
    }
    return render(request, "newsarchive/entry_detail.html", context, status=status)


def threaded_comments(entry, own_pending, max_depth):
    """Approved comments, and the reader's own awaiting moderation, in reading order."""
    if own_pending:
        rows = entry.comments.visible_to(own_pending).shown()
    else:
        rows = APPROVED_COMMENTS(entry_id=entry.pk)
    return thread(ShownComment.from_rows(rows), max_depth)


def paginate_threads(comments, discussion, number):
    """(page or None, comments to show): pages of top-level threads, in the configured order."""
    threads = []
    for comment in comments:
        if comment.depth == 1:
            threads.append([])
        threads[-1].append(comment)
    if discussion.order == DiscussionSettings.Order.NEWEST_FIRST:
        threads.reverse()
    if not discussion.comments_per_page or len(threads) <= discussion.comments_per_page:
        return None, [c for thread in threads for c in thread]
    page = Paginator(threads, discussion.comments_per_page).get_page(number)
    return page, [c for thread in page.object_list for c in thread]


PENDING_COOKIE = "comments_pending"
COMMENTER_COOKIE = "comment_author"


def own_pending_comments(request):
    """Ids of comments this browser left that still await moderation (from a signed cookie)."""
    value = request.get_signed_cookie(PENDING_COOKIE, default="", salt=PENDING_COOKIE)
    return [int(n) for n in value.split(",") if n.isdigit()]


def remembered_commenter(request):
    """Name, email and website this browser asked us to remember."""
    try:
        return signing.loads(request.COOKIES.get(COMMENTER_COOKIE, ""), salt=COMMENTER_COOKIE)
    except signing.BadSignature:
        return {}


def entry_comment_page(request, year, month, day, slug, number):
    """WordPress's paginated comments (`…/comment-page-2/`) are `?cpage=2` on the entry now."""
    entry = get_object_or_404(
        Entry.objects.public(), published_on=date_or_404(year, month, day), slug=slug
    )
    return HttpResponsePermanentRedirect(f"{entry.get_absolute_url()}?cpage={number}#comments")

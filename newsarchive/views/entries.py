"""One entry: its page with comments and the reply form, password-protected entries, WordPress
pages at their own address, and comment pages."""

from urllib.parse import quote, unquote

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.crypto import constant_time_compare
from django.views.decorators.http import require_http_methods

from newsarchive import content, metadata, reader_state, throttle
from newsarchive.caching import cached, entry_key
from newsarchive.comments.forms import CommentForm
from newsarchive.models import (
    Comment,
    DiscussionSettings,
    Entry,
    OldPermalink,
    thread,
    top_level_threads,
)
from newsarchive.roles import may_see_unpublished
from newsarchive.sharing import depends_only_on, never_store
from newsarchive.views.archives import date_or_404


@require_http_methods(["GET", "HEAD", "POST"])
def entry_detail(request, year, month, day, slug, page=1):
    published_on = date_or_404(year, month, day)
    posts = Entry.objects.posts().for_entry_page().filter(published_on=published_on)
    entry = posts.with_slug(slug).first()
    if entry is None:
        old = get_object_or_404(
            OldPermalink.objects.select_related("entry"), published_on=published_on, slug=slug
        )
        if not old.entry.is_public and not may_see_unpublished(request.user):
            raise Http404("No such entry.")  # where it went would name it
        return redirect(old.entry, permanent=True)
    return show_entry(request, entry, page)


@require_http_methods(["GET", "HEAD", "POST"])
def page_detail(request, path):
    """A stand-alone page at its own address (`/about/`, `/about/team/`)."""
    pages = Entry.objects.filter(kind=Entry.Kind.PAGE).for_entry_page()
    entry = pages.filter(Q(path=path) | Q(path=quote(path, safe="/-").lower())).first()
    if entry is None:
        raise Http404("No such page.")
    return show_entry(request, entry)


def show_entry(request, entry, page=1):
    if not entry.is_public and not may_see_unpublished(request.user):
        raise Http404("No such entry.")
    address = entry.get_absolute_url() + (f"{page}/" if page > 1 else "")
    if request.method != "POST" and request.path != unquote(address):
        # One address for each entry: `…/US-And-Iran…/` or a percent-encoded spelling of its
        # slug lead to the entry's own (as the page cache keeps a page per address).
        query = request.META.get("QUERY_STRING")
        return HttpResponsePermanentRedirect(f"{address}?{query}" if query else address)
    if "replytocom" in request.GET:
        return HttpResponsePermanentRedirect(comment_target(request, entry, "replytocom"))
    if "comment" in request.GET:
        return redirect(comment_target(request, entry, "comment"))
    if request.method == "POST":
        return unlock(request, entry)
    return entry_page(request, entry, page=page)


WRONG_PASSWORD = "That password is not right. Please try again."


def unlock(request, entry):
    scope, target = "entry-password", str(entry.pk)
    if throttle.is_throttled(scope, request, target):
        return entry_page(request, entry, password_error=throttle.TOO_MANY, status=429)
    typed = request.POST.get("post_password", "")
    if not entry.password or not constant_time_compare(typed, entry.password):
        throttle.failed(scope, request, target)
        return entry_page(request, entry, password_error=WRONG_PASSWORD, status=403)
    reader_state.unlock(request, entry)
    return redirect(request.path)


def comment_target(request, entry, parameter):
    """Where `#comment-77` is: WordPress's non-JavaScript reply links (`?replytocom=77`) and
    `?comment=77` (where comment-reply.js sends an old link whose comment is on another page
    of comments) land on the page showing it. A protected entry's comments are behind its
    password: which numbers are its comments is too."""
    number, comment = request.GET[parameter], None
    if not reader_state.is_unlocked(request, entry):
        return entry.get_absolute_url()
    if number.isascii() and number.isdigit() and len(number) <= 18:  # what int() and ids take
        comment = entry.comments.approved().with_anchor_id(int(number)).first()
    return comment.get_absolute_url() if comment else entry.get_absolute_url()


def entry_page(request, entry, form=None, status=200, page=1, password_error=False):
    """The entry with its comments and reply form; also re-rendered when a comment is refused."""
    # Of all comments, the page shows this entry's only: comments elsewhere leave it fresh.
    depends_only_on(request, entry_key(entry.pk))
    # Locked, every page number asks for the password: how many pages there are is the
    # article's, behind it.
    if not reader_state.is_unlocked(request, entry):
        context = {
            "entry": entry,
            "locked": True,
            "password_error": password_error,
            "kept_comment": form["body"].value() if form is not None else None,
            "description": entry.display_title,
        }
        return render(request, "newsarchive/entry_detail.html", context, status=status)
    parts = content.split_pages(entry.body)
    if not 1 <= page <= len(parts):
        raise Http404("No such page of this entry.")
    discussion = DiscussionSettings.load()
    own_pending = reader_state.own_pending_comments(request)
    threads = threaded_comments(entry, own_pending, discussion.thread_depth)
    pings = [c for c in threads if c.is_ping]
    comments = [c for c in threads if not c.is_ping]
    asked = request.GET.get("cpage")
    comment_page, shown = paginate_threads(comments, discussion, asked)
    shown_number = str(comment_page.number) if comment_page and comment_page.number > 1 else None
    if request.method != "POST" and asked != shown_number:
        # One address for each page of comments: `?cpage=1`, `?cpage=02` or a page past the
        # last lead to the page shown (as the page cache keeps a page per address).
        query = f"?cpage={shown_number}" if shown_number else ""
        return redirect(f"{request.path}{query}#comments")
    closed = discussion.comments_closed_for(entry)
    if form is None and not closed:
        form = CommentForm(
            entry=entry,
            user=request.user,
            discussion=discussion,
            initial={
                **reader_state.remembered_commenter(request),
                "parent": replying_to_id(request),
            },
        )
    replying_to = form and form["parent"].value()
    body_html = content.render_body(parts[page - 1])
    # The summary is most often the whole first page, which is rendered already.
    summary_shown = page == 1 and not entry.password and entry.summary_text() == parts[0]
    description = metadata.description(body_html if summary_shown else entry.summary_html())
    context = {
        "entry": entry,
        # Also when the page answers a comment refused (at …/comment/): its address is the entry's.
        "canonical_url": f"{settings.SITE_URL}{entry.get_absolute_url()}",
        "description": description,
        "json_ld": metadata.entry_json_ld(
            entry, f"{settings.SITE_URL}{entry.get_absolute_url()}", description
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
        "own_pending_count": sum(1 for c in comments if c.status == Comment.Status.PENDING),
        "pings": pings,
        "form": form,
        "comments_closed": closed,
        "replying_to": next((c for c in comments if str(c.pk) == str(replying_to)), None),
    }
    return render(request, "newsarchive/entry_detail.html", context, status=status)


def threaded_comments(entry, own_pending, max_depth):
    """Approved comments, and the reader's own awaiting moderation, in reading order."""
    # Not entry.comments, which sets the entry on each comment read: a sixth more time, for
    # nothing the page shows. All fields: .only() saved nothing measurable here.
    comments = Comment.objects.filter(entry=entry.pk).visible_to(own_pending).in_reading_order()
    return thread(list(comments), max_depth)


def paginate_threads(comments, discussion, number):
    """(page or None, comments to show): pages of top-level threads, in the configured order."""
    threads = top_level_threads(comments, discussion.order)
    if not discussion.comments_per_page or len(threads) <= discussion.comments_per_page:
        return None, [c for thread in threads for c in thread]
    page = Paginator(threads, discussion.comments_per_page).get_page(number)
    return page, [c for thread in page.object_list for c in thread]


def replying_to_id(request):
    """`?replyto=N`: the comment a reader without JavaScript replies to. A page for each
    comment and whatever else is typed there, so it is not kept for other readers."""
    if "replyto" not in request.GET:
        return None
    never_store(request, "a reply form for one comment")
    return request.GET["replyto"]


def entry_comment_page(request, year, month, day, slug, number):
    """WordPress's paginated comments (`…/comment-page-2/`) are `?cpage=2` on the entry now."""
    entry = get_object_or_404(
        Entry.objects.public(), published_on=date_or_404(year, month, day), slug=slug
    )
    # No fragment: the browser keeps the link's own (`#comment-77`), and comment-reply.js
    # finds the comment's page if the numbering of pages has changed since.
    return HttpResponsePermanentRedirect(f"{entry.get_absolute_url()}?cpage={number}")

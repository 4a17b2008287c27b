"""The reading side: the home page, entries, archives by date, category, tag and author."""

import datetime
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.dateformat import format as format_date
from django.views import generic
from django.views.decorators.http import require_http_methods

from newsarchive import content, metadata
from newsarchive import search as finding
from newsarchive.caching import cached
from newsarchive.comments.forms import CommentForm
from newsarchive.models import (
    Category,
    CategoryRedirect,
    Comment,
    DiscussionSettings,
    Entry,
    MonthArchive,
    OldPermalink,
    Provenance,
    Tag,
)


class EntryListMixin:
    """A paginated list of public entries; an archive with no entries is a 404."""

    template_name = "newsarchive/entry_list.html"
    context_object_name = "entries"
    allow_empty = True  # the paginator's count already tells emptiness; no extra query
    empty_is_404 = True
    ordering = ("-published_at", "-pk")
    feed_url = None

    def get_queryset(self):
        return Entry.objects.public().for_listing().order_by(*self.ordering)

    def get_paginate_by(self, queryset):
        return settings.ENTRIES_PER_PAGE

    def known_count(self):
        """How many entries the list has, when a kept count already says (no COUNT query)."""
        return None

    def get_paginator(self, queryset, per_page, **kwargs):
        count = self.known_count()
        if count is None:
            return super().get_paginator(queryset, per_page, **kwargs)
        return CountedPaginator(queryset, per_page, count, **kwargs)

    def paginate_queryset(self, queryset, page_size):
        paginator, page, entries, is_paginated = super().paginate_queryset(queryset, page_size)
        if self.empty_is_404 and not paginator.count:
            raise Http404("No entries here.")
        page.object_list = Entry.attach_filing(entries)
        return paginator, page, page.object_list, is_paginated

    def get_context_data(self, **kwargs):
        # `…/page/3/` pages link to their siblings from the list's own address.
        base = self.request.path
        if self.kwargs.get("page"):
            base = base[: base.rindex("page/")]
        return super().get_context_data(
            heading=self.get_heading(), feed_url=self.feed_url, pagination_base=base, **kwargs
        )

    def get_heading(self):
        return ""


class CountedPaginator(Paginator):
    """A paginator told its count by a kept counter, so that counting costs nothing however
    large the archive grows."""

    def __init__(self, object_list, per_page, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.known_count = count

    @property
    def count(self):
        return self.known_count


def on_this_day(day):
    """Entries from this day of the year in other years (a cached fragment)."""
    key = f"on-this-day-{day:%Y-%m-%d}"
    return cached(key, lambda: list(Entry.objects.public().on_this_day(day)))


class HomeView(EntryListMixin, generic.ListView):
    empty_is_404 = False
    ordering = ("-is_sticky", "-published_at", "-pk")

    def known_count(self):
        return MonthArchive.objects.aggregate(n=Coalesce(Sum("entry_count"), 0))["n"]

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        return super().get_context_data(
            is_home=True, on_this_day=on_this_day(today), on_this_day_date=today, **kwargs
        )


def home(request, page=None):
    """The front page, which also answers WordPress's query-string links (`/?p=123`)."""
    if "s" in request.GET:
        return search(request)
    if page is None and request.GET:
        legacy = legacy_redirect(request.GET)
        if legacy:
            return HttpResponsePermanentRedirect(legacy)
    if page == 1:
        return redirect("home", permanent=True)
    return HomeView.as_view()(request, page=page)


def legacy_redirect(query):
    """Today's address for a WordPress query-string link, or None."""
    try:
        if "p" in query:
            entry = get_object_or_404(Entry.objects.public(), wp_id=int(query["p"]))
            return entry.get_absolute_url()
        if "page_id" in query:
            pages = Entry.objects.public().filter(kind=Entry.Kind.PAGE)
            return get_object_or_404(pages, wp_id=int(query["page_id"])).get_absolute_url()
        if "m" in query:
            return month_param_url(query["m"])
        if "cat" in query:
            return get_object_or_404(Category, wp_term_id=int(query["cat"])).get_absolute_url()
        if "tag" in query:
            return get_object_or_404(Tag, slug=query["tag"]).get_absolute_url()
        if "author_name" in query:
            return reverse("author", kwargs={"username": query["author_name"]})
        if "feed" in query:
            return reverse("feed-atom" if query["feed"] == "atom" else "feed")
    except ValueError:
        raise Http404("Malformed link.") from None
    return None


def month_param_url(value):
    """`?m=2007`, `?m=200703` or `?m=20070310`, as WordPress accepts them."""
    if not value.isdigit() or len(value) not in (4, 6, 8):
        raise Http404("Malformed date.")
    year, month, day = int(value[:4]), int(value[4:6] or 0), int(value[6:8] or 0)
    if day:
        date_or_404(year, month, day)
        return reverse("archive-day", kwargs={"year": year, "month": month, "day": day})
    if month:
        date_or_404(year, month, 1)
        return reverse("archive-month", kwargs={"year": year, "month": month})
    return reverse("archive-year", kwargs={"year": year})


def date_or_404(year, month, day):
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise Http404("No such date.") from None


class DateArchiveMixin(EntryListMixin):
    date_field = "published_at"
    month_format = "%m"
    day_format = "%d"
    make_object_list = True
    # public() already keeps future entries out.
    allow_future = True

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        # The sidebar lists the months; Django's per-archive DISTINCT query is not needed.
        return None


class EntryYearArchiveView(DateArchiveMixin, generic.YearArchiveView):
    def known_count(self):
        months = MonthArchive.objects.filter(month__year=int(self.get_year()))
        return months.aggregate(n=Coalesce(Sum("entry_count"), 0))["n"]

    def get_heading(self):
        return f"Archive for {self.get_year()}"


class EntryMonthArchiveView(DateArchiveMixin, generic.MonthArchiveView):
    def known_count(self):
        month = date_or_404(int(self.get_year()), int(self.get_month()), 1)
        return (
            MonthArchive.objects.filter(month=month).values_list("entry_count", flat=True).first()
            or 0
        )

    def get_heading(self):
        month = datetime.date(int(self.get_year()), int(self.get_month()), 1)
        return f"Archive for {format_date(month, 'F, Y')}"


class EntryDayArchiveView(DateArchiveMixin, generic.DayArchiveView):
    def get_context_data(self, **kwargs):
        day = date_or_404(int(self.get_year()), int(self.get_month()), int(self.get_day()))
        return super().get_context_data(
            on_this_day=on_this_day(day), on_this_day_date=day, **kwargs
        )

    def get_heading(self):
        day = date_or_404(int(self.get_year()), int(self.get_month()), int(self.get_day()))
        return f"Archive for {format_date(day, 'F jS, Y')}"


class CategoryArchiveView(EntryListMixin, generic.ListView):
    def get(self, request, *args, **kwargs):
        self.category = Category.objects.filter(path=kwargs["path"]).first()
        if self.category is None:
            # A renamed or merged category's old address leads to where it went.
            moved = get_object_or_404(
                CategoryRedirect.objects.select_related("category"), old_path=kwargs["path"]
            )
            page = kwargs.get("page")
            target = moved.category.get_absolute_url() + (f"page/{page}/" if page else "")
            return HttpResponsePermanentRedirect(target)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        self.feed_url = reverse("feed-category", kwargs={"path": self.category.path})
        return super().get_queryset().in_category(self.category)

    def known_count(self):
        return self.category.tree_count

    def get_heading(self):
        return f"Archive for the ‘{self.category.name}’ Category"

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)


class TagArchiveView(EntryListMixin, generic.ListView):
    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        self.feed_url = reverse("feed-tag", kwargs={"slug": self.tag.slug})
        return super().get_queryset().filter(tags=self.tag)

    def known_count(self):
        return self.tag.entry_count

    def get_heading(self):
        return f"Entries Tagged ‘{self.tag.name}’"


class AuthorArchiveView(EntryListMixin, generic.ListView):
    def get_queryset(self):
        self.author = get_object_or_404(get_user_model(), username=self.kwargs["username"])
        return super().get_queryset().filter(author=self.author)

    def get_heading(self):
        return f"Entries by {self.author.get_full_name() or self.author.get_username()}"


@require_http_methods(["GET", "HEAD", "POST"])
def entry_detail(request, year, month, day, slug, page=1):
    published_on = date_or_404(year, month, day)
    entry = (
        Entry.objects.posts()
        .with_neighbours()
        .select_related("author", "source")
        .filter(published_on=published_on)
        .with_slug(slug)
        .first()
    )
    if entry is None:
        old = get_object_or_404(
            OldPermalink.objects.select_related("entry"), published_on=published_on, slug=slug
        )
        return redirect(old.entry, permanent=True)
    return show_entry(request, entry, page)


@require_http_methods(["GET", "HEAD", "POST"])
def page_detail(request, path):
    """A stand-alone page at its own address (`/about/`, `/about/team/`)."""
    pages = Entry.objects.filter(kind=Entry.Kind.PAGE).select_related("author", "source")
    entry = pages.filter(Q(path=path) | Q(path=quote(path, safe="/-").lower())).first()
    if entry is None:
        raise Http404("No such page.")
    return show_entry(request, entry)


def show_entry(request, entry, page=1):
    if not entry.is_public and not request.user.is_staff:
        raise Http404("No such entry.")
    Entry.attach_filing([entry])
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
    if number.isdigit():
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
    visible = entry.comments.visible_to(own_pending_comments(request))
    threads = visible.threaded(discussion.thread_depth)
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
    public = Entry.objects.public()
    context = {
        "entry": entry,
        "description": metadata.description(entry),
        "json_ld": metadata.entry_json_ld(
            entry, request.build_absolute_uri(entry.get_absolute_url())
        ),
        "related": cached(f"related-{entry.pk}", lambda: list(public.related_to(entry))),
        "body_html": content.render_body(parts[page - 1]),
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


def search(request):
    """Search results (`/search/?q=…`, or WordPress's `/?s=…`), with filters beside them."""
    text = finding.clean(request.GET.get("q", request.GET.get("s", "")))
    chosen = {name: request.GET.get(name, "") for name in finding.FILTERS}
    context = {"query": text, "chosen": chosen, "is_filtered": finding.is_filtered(chosen)}
    if text:
        page, entries, filters = finding.run(text, chosen, request.GET.get("page"))
        context.update(
            page_obj=page,
            entries=entries,
            filters=filters,
            previous_url=page.has_previous()
            and finding.search_url(text, chosen, page.previous_page_number()),
            next_url=page.has_next() and finding.search_url(text, chosen, page.next_page_number()),
            unfiltered_url=finding.search_url(text, {}),
        )
        if not page.paginator.count:
            context["alternatives"] = finding.alternatives(text)
    return render(request, "newsarchive/search.html", context)


class ProvenanceArchiveView(EntryListMixin, generic.ListView):
    """Everything from one source, by one writer or from one dateline (`/source/…/`)."""

    kind = None
    headings = {
        "source": "Entries from {}",
        "writer": "Entries by {}",
        "dateline": "Entries datelined {}",
    }

    def get(self, request, *args, **kwargs):
        self.provenance = get_object_or_404(Provenance, kind=self.kind, slug=kwargs["slug"])
        self.feed_url = f"{self.provenance.get_absolute_url()}feed/"
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().from_provenance(self.kind, self.provenance.slug)

    def known_count(self):
        return self.provenance.entry_count

    def get_heading(self):
        return self.headings[self.kind].format(self.provenance.name)

"""Lists of entries: the home page (which also answers WordPress's query-string links), archives
by date, category, tag, author and provenance, and search results."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.views import generic
from django.views.decorators.http import require_http_methods

from newsarchive import search as finding
from newsarchive.caching import cached
from newsarchive.models import (
    Category,
    CategoryRedirect,
    Entry,
    MonthArchive,
    Provenance,
    Tag,
    is_showable,
)
from newsarchive.sharing import never_store


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
        return paginator, page, entries, is_paginated

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
        # An entry's number is its WordPress id, or for one written here, its own id (as
        # WordPress numbers every post). Two imported blogs can both have a post 2: an old
        # address means the one that had its number first (not found if that one is not
        # public).
        if "p" in query:
            entry = get_object_or_404(Entry.objects.public(), pk__in=numbered(query["p"]))
            return entry.get_absolute_url()
        if "page_id" in query:
            pages = Entry.objects.public().filter(kind=Entry.Kind.PAGE)
            return get_object_or_404(pages, pk__in=numbered(query["page_id"])).get_absolute_url()
        if "paged" in query:
            number = int(query["paged"])
            if number < 1:
                raise Http404("No such page.")
            return reverse("home", kwargs={"page": number}) if number > 1 else reverse("home")
        if "m" in query:
            return month_param_url(query["m"])
        if "cat" in query:
            first = Category.objects.filter(wp_term_id=int(query["cat"])).order_by("pk")[:1]
            return get_object_or_404(Category, pk__in=first).get_absolute_url()
        if "tag" in query:
            if "\x00" in query["tag"]:  # in no slug, and PostgreSQL refuses to look for it
                raise Http404("No such tag.")
            return get_object_or_404(Tag, slug=query["tag"]).get_absolute_url()
        if "author_name" in query:
            return reverse("author", kwargs={"username": query["author_name"]})
        if "feed" in query:
            return reverse("feed-atom" if query["feed"] == "atom" else "feed")
    except ValueError:
        raise Http404("Malformed link.") from None
    except NoReverseMatch:  # `?author_name=` empty or with a "/": no address has such a name
        raise Http404("No such address.") from None
    return None


def numbered(number):
    """The entry WordPress's `?p=N` names: the first with WordPress id N, else one written
    here whose own id is N."""
    number = int(number)
    wordpress = Entry.objects.filter(wp_id=number).order_by("pk")[:1]
    if wordpress.exists():
        return wordpress
    return Entry.objects.filter(pk=number, wp_id__isnull=True)


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
    date_or_404(year, 1, 1)
    return reverse("archive-year", kwargs={"year": year})


def date_or_404(year, month, day):
    """The day, if it is one the archive can show."""
    try:
        date = datetime.date(year, month, day)
    except ValueError:
        raise Http404("No such date.") from None
    if not is_showable(date):
        raise Http404("No such date in the archive.")
    return date


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
            # A renamed or merged category's old address leads to where it went, and, as in
            # WordPress, a sub-category's own slug (`/category/middle-east/`) to its full path.
            moved = CategoryRedirect.objects.select_related("category").filter(
                old_path=kwargs["path"]
            )
            by_slug = Category.objects.filter(slug=kwargs["path"].rsplit("/", 1)[-1])
            category = getattr(moved.first(), "category", None) or get_object_or_404(by_slug)
            page = kwargs.get("page")
            target = category.get_absolute_url() + (f"page/{page}/" if page else "")
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
def search(request):
    """Search results (`/search/?q=…`, or WordPress's `/?s=…`), with filters beside them."""
    # A page for whatever anyone types: not worth keeping for other readers.
    never_store(request, "search results")
    text = finding.clean(request.GET.get("q", request.GET.get("s", "")))
    # Cleaned as the query is: a control character is in no slug (and PostgreSQL refuses a NUL).
    chosen = {name: finding.clean(request.GET.get(name, "")) for name in finding.FILTERS}
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

"""Writing a batch's posts and pages.

An item is matched with an entry by WordPress id; an entry made here without one (the seed,
or one exported from this archive) is adopted by its guid, its day and slug (posts) or a slug
no other page has (pages). A matched entry takes the file's values where they differ. New
entries get their ids up front and are built while COPY streams the rows before them, so
PostgreSQL computes its search vectors while Python prepares the next rows.
"""

import datetime
import functools
import json
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone

from newsarchive import attribution
from newsarchive.models import Entry, provenance_slugs
from newsarchive.wxr import bulk, identity
from newsarchive.wxr.records import META_ATTRIBUTION, META_PERMALINK_DAY, showable
from newsarchive.wxr.text import decoded, derived_slug, is_numbered, numbered, web_address

KINDS = {"post": Entry.Kind.POST, "page": Entry.Kind.PAGE}
PENDING_PATH = "wxr-import-pending/{}"  # a new page's path until every parent is known
ATTRIBUTION_FIELDS = [
    "source_id", "credit_line", "byline", "dateline", "original_published_on", "original_url",
    "contributors",
]  # fmt: skip
MOVES = {"slug", "published_on", "kind"}  # changes that can put a post on another's address
# The fields Entry.derive_fields() fills today; _derive() fills them the same way, faster.
DERIVED_HERE = {"published_on", "month_day", "path", "writer_slug", "dateline_slug"}
_provenance_slugs = functools.lru_cache(maxsize=4096)(provenance_slugs)


class Plan:
    """One item of the batch and the entry it becomes."""

    __slots__ = ("blog_id", "day", "diff", "entry", "item", "kind", "match", "slug", "was")

    def __init__(self, item, entry, day, slug, match=None):
        self.item, self.entry, self.day, self.slug = item, entry, day, slug
        self.match = match
        self.blog_id = None
        self.kind = KINDS[item.post_type]
        self.was = None if entry is None else (entry.published_on, entry.slug, entry.kind)
        self.diff = None

    @property
    def is_new(self):
        return self.was is None


class Entries:
    def __init__(self, writer):
        self.writer = writer
        self.importer = writer.importer
        self.summary = writer.summary
        self.blog_tz = writer.blog_tz
        self.unsettled = []

    def write(self, items):
        """Write the batch's entries; returns its plans, each with its entry saved."""
        for item in items:  # users first: no query may run while COPY streams
            self.importer.user_id(item.creator)
        found = self._existing(items)
        plans, changed, adopted, fields = [], [], [], set()
        for item in items:
            match = found.get(item.post_id)
            entry = match.row if match else None
            if entry is None:
                slug = item.slug[:200] or derived_slug(item.title, item.post_id)
                day = self._day(item) or self._fallback_day(item)
                plans.append(Plan(item, None, day, slug, match))
                continue
            plan = Plan(item, entry, None, None, match)
            values = self._values(item, entry)
            if match.identity.made_here and entry.wp_id is None:
                del values["guid"]  # made here: the export made its guid up
            if entry.kind == Entry.Kind.PAGE and is_numbered(entry.slug, values["slug"]):
                values["slug"] = entry.slug  # moved to -2 when its address was taken
            diff = [name for name, value in values.items() if getattr(entry, name) != value]
            if entry.published_at.replace(microsecond=0) == values["published_at"]:
                diff = [name for name in diff if name != "published_at"]
            for name in diff:
                setattr(entry, name, values[name])
            diff += self._attribute(entry, item, is_new=False)
            diff += self._identify(plan, adopted)
            plan.diff, plan.day, plan.slug = diff, entry.published_on, entry.slug
            plans.append(plan)
        self._free_slugs(plans)
        for plan in plans:
            if plan.entry is not None:
                plan.entry.slug = plan.slug  # as stored, when _free_slugs() kept its -2
            if plan.diff:
                self._derive(plan.entry, plan.item, is_new=False)
                changed.append(plan.entry)
                fields.update(plan.diff)
        new = [plan for plan in plans if plan.is_new]
        if new:
            for plan in new:  # the blog, recorded if new, before COPY
                ident = plan.match.identity if plan.match else plan.item.identity
                plan.blog_id = self.writer.blog_pk(ident.blog)
                if plan.match and plan.match.beside:
                    kind = "pages" if plan.kind == Entry.Kind.PAGE else "posts"
                    self.summary.add_beside(kind, plan.item.post_id)
            pks = bulk.reserve_ids(Entry, len(new))
            bulk.insert(Entry, (self._build(plan, pk) for plan, pk in zip(new, pks, strict=True)))
            self._settle_sources()
        if changed:
            fields.discard("wp_id")
            update = [*fields, *Entry.DERIVED, "modified_at", "wp_id", "wp_blog"]
            Entry.objects.bulk_update(changed, update)
        if adopted:
            Entry.objects.bulk_update(adopted, ["wp_blog"])
        self._remember(plans)
        self._count(plans)
        return plans

    def _identify(self, plan, adopted):
        """Give a matched entry its item's identity: ["wp_id"] if that is a change to show,
        [] if not (the same identity, an entry from before blogs were recorded adopted, or
        an entry made here matched by our own export, which keeps having none)."""
        entry, match = plan.entry, plan.match
        ident = match.identity
        if ident.made_here and entry.wp_id is None:
            return []
        if match.adopt:
            entry.wp_blog_id = self.writer.blog_pk(ident.blog)
            adopted.append(entry)
            self.summary.adopt("pages" if plan.kind == Entry.Kind.PAGE else "posts")
            return []
        if entry.wp_id == ident.id and entry.wp_blog_id == self.writer.blogs.key(ident.blog):
            return []
        entry.wp_id, entry.wp_blog_id = ident.id, self.writer.blog_pk(ident.blog)
        return ["wp_id"]

    def _remember(self, plans):
        """Entries that are not the file's blog's item of their number are found by number
        through the writer's `renumbered` (for parents, attachments, stickiness)."""
        key, renumbered = self.writer.blogs.key(self.writer.blog.address), self.writer.renumbered
        for plan in plans:
            entry = plan.entry
            if entry.wp_id != plan.item.post_id or entry.wp_blog_id != key:
                renumbered[plan.item.post_id] = entry.pk

    def _build(self, plan, pk):
        """A new entry, complete: this runs while COPY streams, so it must not query."""
        values = self._values(plan.item, None)
        ident = plan.match.identity if plan.match else plan.item.identity
        values["wp_id"], values["wp_blog_id"] = ident.id, plan.blog_id
        values["id"], values["slug"] = pk, plan.slug
        entry = plan.entry = bulk.make(Entry, values)
        self._attribute(entry, plan.item, is_new=True)
        self._derive(entry, plan.item, is_new=True)
        return entry

    def _count(self, plans):
        for plan in plans:
            kind = "pages" if plan.kind == Entry.Kind.PAGE else "posts"
            outcome = "created" if plan.is_new else "updated" if plan.diff else "unchanged"
            self.summary.add(kind, outcome)
            if plan.diff:
                self.summary.change(f"{kind[:-1]} {plan.item.post_id}: {', '.join(plan.diff)}")
            if plan.kind == Entry.Kind.PAGE:
                self.writer.pages.add(plan, outcome)

    # Matching ----------------------------------------------------------------------------

    def _existing(self, items):
        """{post number: identity.Match} for the entries these items are: by identity (blog
        and WordPress id, see identity.py); else, for entries made here, by guid, by day and
        slug (posts) or by a slug no other page has (pages). Items that match nothing are
        there too when a row of another blog has their id (they go beside it)."""
        if self.writer.fresh:
            return {}
        writer = self.writer
        rows = {
            (e.wp_blog_id, e.wp_id): e
            for e in Entry.objects.filter(wp_id__in={item.identity.id for item in items})
        }
        ids = {wp_id for _, wp_id in rows}
        found, missing = {}, []
        for item in items:
            ident = item.identity
            result = identity.match(
                ident,
                rows,
                ids,
                functools.partial(_agrees, item=item),
                writer.blogs,
                writer.blog.address,
            )
            if result.row is not None:
                found[item.post_id] = result
            else:
                missing.append(item)
                if result.beside or result.identity != ident:
                    found[item.post_id] = result
        if not missing:
            return found
        guids = {item.guid for item in missing if item.guid}
        days = {self._day(item) for item in missing} - {None}
        slugs = {item.slug for item in missing if item.slug}
        query = Q(guid__in=guids) | Q(kind=Entry.Kind.PAGE, slug__in=slugs)
        if days and slugs:
            query |= Q(kind=Entry.Kind.POST, published_on__in=days, slug__in=slugs)
        candidates = list(Entry.objects.filter(query, wp_id__isnull=True))
        by_guid, by_permalink, pages = defaultdict(list), {}, defaultdict(list)
        for entry in candidates:
            if entry.guid:
                by_guid[entry.guid].append(entry)
            if entry.kind == Entry.Kind.POST:
                by_permalink[(entry.published_on, entry.slug)] = entry
            else:
                pages[entry.slug].append(entry)
        adopted = set()
        for item in missing:
            same_guid = by_guid.get(item.guid, []) if item.guid else []
            entry = same_guid[0] if len(same_guid) == 1 else None
            if entry is None and item.post_type == "post" and item.slug:
                entry = by_permalink.get((self._day(item), item.slug))
            if entry is None and item.post_type == "page" and len(pages[item.slug]) == 1:
                entry = pages[item.slug][0]
            if entry is not None and entry.pk not in adopted:
                adopted.add(entry.pk)
                ident = found[item.post_id].identity if item.post_id in found else item.identity
                found[item.post_id] = identity.Match(entry, ident, False, False)
        return found

    def _free_slugs(self, plans):
        """A post whose day and slug another entry already has gets -2, -3 …, as WordPress."""
        posts = [
            plan
            for plan in plans
            if plan.kind == Entry.Kind.POST and (plan.is_new or MOVES.intersection(plan.diff))
        ]
        if not posts:
            return
        taken = set(
            Entry.objects.filter(
                kind=Entry.Kind.POST,
                slug__in={plan.slug for plan in posts},
                published_on__in={plan.day for plan in posts},
            )
            .exclude(pk__in=[plan.entry.pk for plan in plans if plan.entry])
            .values_list("published_on", "slug")
        )
        moving = {id(plan) for plan in posts}
        claimed = {
            (plan.day, plan.slug)
            for plan in plans
            if plan.kind == Entry.Kind.POST and id(plan) not in moving
        }
        for plan in posts:
            key = (plan.day, plan.slug)
            if key in taken or key in claimed:
                wanted, n = plan.slug, 2
                while (plan.day, numbered(wanted, n)) in claimed or self._taken(
                    plan, numbered(wanted, n)
                ):
                    n += 1
                plan.slug = numbered(wanted, n)
                key = (plan.day, plan.slug)
                if plan.diff and plan.was[1] == plan.slug:
                    plan.diff.remove("slug")
                self.summary.warn(
                    f"post {plan.item.post_id}: another entry of {plan.day} is already at "
                    f"{wanted!r}; this one is at {plan.slug!r}"
                )
            claimed.add(key)

    @staticmethod
    def _taken(plan, slug):
        others = Entry.objects.filter(kind=Entry.Kind.POST, published_on=plan.day, slug=slug)
        if plan.entry is not None:
            others = others.exclude(pk=plan.entry.pk)
        return others.exists()

    # Values ------------------------------------------------------------------------------

    def _day(self, item):
        """The permalink's day: our own export's record of it, else WordPress's local date."""
        for key, value in item.meta:
            if key == META_PERMALINK_DAY:
                try:
                    return datetime.date.fromisoformat(value.strip()[:10])
                except ValueError:
                    break
        if item.date is not None:
            return item.date.date()
        if item.date_gmt is not None:
            moment = self.importer.moment(item.date_gmt, None)
            return timezone.localtime(moment, self.blog_tz).date()
        return None

    def _fallback_day(self, item):
        return timezone.localtime(self.importer.now, self.blog_tz).date()

    def _values(self, item, entry):
        importer = self.importer
        published_at = importer.moment(item.date_gmt, item.date)
        if published_at is None:
            published_at = entry.published_at if entry else importer.now
        published_on = self._day(item) or (
            entry.published_on if entry else timezone.localtime(published_at, self.blog_tz).date()
        )
        status = item.status
        # As Entry.save(): publishing with a future date schedules; a due schedule publishes.
        if status == Entry.Status.PUBLISHED and published_at > importer.now:
            status = Entry.Status.SCHEDULED
        elif status == Entry.Status.SCHEDULED and published_at <= importer.now:
            status = Entry.Status.PUBLISHED
        slug = item.slug[:200] or (entry.slug if entry else derived_slug(item.title, item.post_id))
        kind = KINDS[item.post_type]
        return {
            "kind": kind,
            "title": decoded(item.title)[:300],
            "slug": slug,
            "body": item.content,
            "excerpt": item.excerpt,
            "status": status,
            "published_at": published_at,
            "published_on": published_on,
            "author_id": importer.user_id(item.creator),
            "comments_open": item.comment_status != "closed",
            "pings_open": item.ping_status != "closed",
            "is_sticky": kind == Entry.Kind.POST
            and (item.is_sticky or item.post_id in self.importer.sticky),
            "guid": item.guid[:255],
            "password": item.password[:255],
            "menu_order": item.menu_order,
        }

    def _derive(self, entry, item, is_new):
        """What save() would fill, but the permalink day stays WordPress's own (its local date),
        pages keep their path until the pages are placed, and the modified time is
        WordPress's."""
        day, path = entry.published_on, entry.path
        if DERIVED_HERE.issuperset(Entry.DERIVED):
            # Entry.derive_fields() as it stands, with the slugs remembered: a large archive
            # has a few thousand bylines and a few hundred datelines; slugify() is slow.
            entry.month_day = day.month * 100 + day.day
            entry.writer_slug = _provenance_slugs(entry.byline, "")[0]
            entry.dateline_slug = _provenance_slugs("", entry.dateline)[1]
        else:  # a field this module does not know yet: the model's own way, slower
            entry.derive_fields()
            entry.published_on, entry.month_day = day, day.month * 100 + day.day
        if entry.kind == Entry.Kind.PAGE:
            entry.path = PENDING_PATH.format(item.post_id) if is_new else path
        modified = item.modified_gmt
        if modified is not None:
            entry.modified_at = modified.replace(tzinfo=datetime.UTC)
        else:
            entry.modified_at = entry.published_at if is_new else self.importer.now

    # Attribution -------------------------------------------------------------------------

    def _attribute(self, entry, item, is_new):
        """Attribution from our own export's meta (exact), else detected in new entries' text.

        Returns the names of fields changed on an existing entry.
        """
        saved = next((value for key, value in item.meta if key == META_ATTRIBUTION), None)
        if saved is not None:
            try:
                data = json.loads(saved)
            except ValueError:
                data = None
            if isinstance(data, dict):
                return self._saved_attribution(entry, item, data, is_new)
        if is_new and self.importer.detect and entry.body:
            found = attribution.detect(entry.body, self.writer.source_names)
            resolve = functools.partial(self._source, entry, is_new=True)
            for name in attribution.fill(entry, found, resolve):
                self.summary.attribution[name] += 1
        return []

    def _saved_attribution(self, entry, item, data, is_new):
        source = data.get("source") or {}
        original = as_date(data.get("original_published_on"))
        where = (None, item.line, item.column)
        showable(original, "the original day in _newsarchive_attribution", where)
        values = {
            "source_id": self._source(
                entry, source.get("name", ""), source.get("slug"), source.get("url", ""), is_new
            ),
            "original_published_on": original,
        }
        for name in ATTRIBUTION_FIELDS:
            if name not in values:
                limit = Entry._meta.get_field(name).max_length
                values[name] = str(data.get(name) or "")[:limit]
        values["original_url"] = web_address(values["original_url"])
        diff = [name for name, value in values.items() if getattr(entry, name) != value]
        for name in diff:
            setattr(entry, name, values[name])
        return diff

    def _source(self, entry, name, slug=None, url="", is_new=False):
        """A source's id. A new entry is being streamed into COPY, where no query can run:
        a source not in the database yet is created and set on it afterwards."""
        if not name:
            return None
        sources = self.writer.sources
        pk = sources.known(name, slug)
        if pk is None and is_new:
            self.unsettled.append((entry.pk, name, slug, url))
            return None
        return pk if pk is not None else sources.id_for(name, slug, url)

    def _settle_sources(self):
        by_source = defaultdict(list)
        for entry_id, name, slug, url in self.unsettled:
            by_source[self.writer.sources.id_for(name, slug, url)].append(entry_id)
        for source_id, entry_ids in by_source.items():
            Entry.objects.filter(pk__in=entry_ids).update(source_id=source_id)
        self.unsettled = []


def _agrees(entry, item):
    """Whether an entry imported before blogs were recorded is this item: the same guid, or
    when either has none, the same kind and slug."""
    if entry.guid and item.guid:
        return entry.guid == item.guid[:255]
    return entry.kind == KINDS[item.post_type] and entry.slug == (item.slug[:200] or entry.slug)


def as_date(value):
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None

"""Writing a batch of WXR items: entries (entries.py), comments (comments.py), their filing
and old permalinks, attachments; and, after the last file, the pages' places.

Each batch costs a fixed handful of queries whatever its size: existing objects are loaded by
WordPress id in one query per kind, new ones get their ids up front and go in with one COPY
(or bulk_create) per table, changed ones with bulk_update(). Nothing here calls save(), so
what it would fill is filled here, and the importer rebuilds the kept counts once at the end.
"""

import mimetypes
from collections import defaultdict

from django.db.models import Q

from newsarchive import attribution
from newsarchive.models import Attachment, Comment, Entry, OldPermalink, TaggedEntry, blog_timezone
from newsarchive.wxr import bulk, identity
from newsarchive.wxr.comments import Comments
from newsarchive.wxr.entries import KINDS, PENDING_PATH, Entries, as_date
from newsarchive.wxr.records import META_OLD_PERMALINK
from newsarchive.wxr.text import decoded, numbered, web_address

STATUSES = {status.value for status in Entry.Status}
ATTACHMENT_FIELDS = ["entry_id", "title", "url", "mime_type", "uploaded_at", "guid"]


class Writer:
    def __init__(self, importer):
        self.importer = importer
        self.summary = importer.summary
        self.blog_tz = blog_timezone()
        self.blogs = importer.blogs
        self.sources = attribution.SourceResolver()
        self.source_names = self.sources.recognise()
        # Into an empty archive nothing can match an item, so the first file skips looking.
        self.empty = not (Entry.objects.exists() or Comment.objects.exists())
        self.fresh = False
        self.entries = Entries(self)
        self.comments = Comments(self)
        self.pages = Pages(self)

    def new_file(self, blog):
        """Ids repeated within a file are skipped (WordPress keeps the first); a later file
        with the same ids updates what the earlier one imported, if it is the same blog's."""
        self.blog = blog  # identity.FileBlog
        self.seen_posts = set()
        self.seen_identities = {}  # blog address → set of ids, for our own exports
        self.attachment_parents = {}  # attachment pk → parent's number, not found yet
        # Post numbers of this file → entry pk, for the entries that are not the file's
        # blog's item of that number (matched by our own export's origin): their parents,
        # attachments and stickiness are found through here rather than by their identity.
        self.renumbered = {}
        self.comments.new_file()
        self.fresh, self.empty = self.empty, False

    def blog_pk(self, address):
        """The blog's primary key, recording the blog if nothing of it was kept before."""
        if address == self.blog.address:
            return self.blog.pk()
        return self.blogs.pk(address)

    def accept(self, item):
        """Whether to import this item; counts the skipped ones by reason."""
        kind = item.post_type
        if not kind:
            # As WordPress's importer: an invalid post type, and the id stays free for a
            # later item (the a11y test data has such a stub before its real page).
            self.summary.skip("items without a wp:post_type")
            return False
        if kind not in KINDS and kind != "attachment":
            self.summary.skip(f"{kind} items")
            return False
        if item.post_id is None:
            self.summary.skip(f"{kind} items without a wp:post_id")
            return False
        if item.post_id in self.seen_posts:
            self.summary.skip(f"{kind} items repeating an earlier wp:post_id")
            return False
        # In our own export, an item that does not say where it came from was made here.
        item.identity = identity.Identity(self.blog.address, item.post_id, self.blog.own_export)
        if item.meta and self.blog.own_export:
            item.identity = identity.origin(item.meta, item.identity)
            seen = self.seen_identities.setdefault(item.identity.blog, set())
            if item.identity.id in seen:
                self.summary.skip(f"{kind} items repeating an earlier item's origin")
                return False
            seen.add(item.identity.id)
        if kind != "attachment":
            item.status = item.status or Entry.Status.DRAFT
            if item.status not in STATUSES:
                self.summary.skip(f"{kind} items with status {item.status!r}")
                return False
            self.summary.entries_read += 1
        self.importer.check_dates(item)
        self.seen_posts.add(item.post_id)
        return True

    def write(self, items):
        entries = [item for item in items if item.post_type != "attachment"]
        if entries:
            plans = self.entries.write(entries)
            self._filing(plans)
            self._old_permalinks(plans)
            self.comments.write(plans)
        attachments = [item for item in items if item.post_type == "attachment"]
        if attachments:
            self._attachments(attachments)

    def end_file(self):
        """After a file's last item: what needed every item of the file first."""
        self._attachment_parents()
        self.pages.settle()
        if self.importer.sticky:
            pks = self.entry_pks(self.importer.sticky).values()
            stuck = Entry.objects.filter(pk__in=pks, kind=Entry.Kind.POST)
            self.summary.touched |= bool(stuck.exclude(is_sticky=True).update(is_sticky=True))

    def finish(self):
        """After the last file: what needed every file first."""
        self.pages.place()
        self.summary.add("sources", "created", self.sources.created)

    def entry_pks(self, numbers):
        """{post number in this file: entry pk} for the entries these numbers name."""
        found = {n: self.renumbered[n] for n in numbers if n in self.renumbered}
        rest = [n for n in numbers if n not in found]
        key = self.blogs.key(self.blog.address)
        if rest and key != identity.UNKNOWN:
            found.update(
                Entry.objects.filter(wp_blog_id=key, wp_id__in=rest).values_list("wp_id", "pk")
            )
        return found

    # Filing ------------------------------------------------------------------------------

    def _filing(self, plans):
        importer = self.importer
        Filing = Entry.categories.through
        wanted_categories, wanted_tags = {}, {}
        for plan in plans:
            entry, categories, tags = plan.entry, [], []
            for taxonomy, slug, name in plan.item.terms:
                if not slug:
                    continue
                if taxonomy == "category":
                    categories.append(importer.category_id(slug, name))
                elif taxonomy == "post_tag":
                    tags.append(importer.tag_id(slug, name))
            if not categories and entry.kind == Entry.Kind.POST:
                categories = [importer.uncategorized_id()]
            wanted_categories[entry.pk] = set(categories)
            wanted_tags[entry.pk] = set(tags)
        existing = [plan.entry.pk for plan in plans if not plan.is_new]
        current_categories, current_tags = defaultdict(set), defaultdict(set)
        if existing:
            for entry_id, category_id in Filing.objects.filter(entry_id__in=existing).values_list(
                "entry_id", "category_id"
            ):
                current_categories[entry_id].add(category_id)
            for entry_id, tag_id in TaggedEntry.objects.filter(
                content_object_id__in=existing
            ).values_list("content_object_id", "tag_id"):
                current_tags[entry_id].add(tag_id)
        unfiled = {importer.uncategorized_id()}
        for pk, wanted in wanted_categories.items():
            current = current_categories.get(pk, set())
            # Filing done here is not undone by a file that leaves the entry Uncategorized.
            if wanted == unfiled and current and current != unfiled:
                wanted_categories[pk] = current
        by_pk = {plan.entry.pk: plan for plan in plans}
        self._refile(Filing, "entry_id", "category_id", wanted_categories, current_categories)
        self._refile(TaggedEntry, "content_object_id", "tag_id", wanted_tags, current_tags)
        for pk in existing:
            moved = [
                what
                for what, wanted, current in (
                    ("categories", wanted_categories, current_categories),
                    ("tags", wanted_tags, current_tags),
                )
                if wanted[pk] != current.get(pk, set())
            ]
            if moved:
                plan = by_pk[pk]
                kind = "pages" if plan.kind == Entry.Kind.PAGE else "posts"
                if not plan.diff:
                    self.summary.move(kind, "unchanged", "updated")
                self.summary.change(f"{kind[:-1]} {plan.item.post_id}: {', '.join(moved)}")

    @staticmethod
    def _refile(model, entry_field, term_field, wanted, current):
        add, remove = [], Q()
        for pk, terms in wanted.items():
            have = current.get(pk, set())
            add.extend((pk, term) for term in terms - have)
            if have - terms:
                remove |= Q(**{entry_field: pk, f"{term_field}__in": have - terms})
        if remove:
            model.objects.filter(remove).delete()
        bulk.insert_rows(model, [entry_field, term_field], add)

    # Old permalinks ----------------------------------------------------------------------

    def _old_permalinks(self, plans):
        wanted = {}
        for plan in plans:
            entry = plan.entry
            if entry.kind != Entry.Kind.POST:
                continue
            links = set()
            if plan.was is not None and plan.was[2] == Entry.Kind.POST:
                links.add(plan.was[:2])  # as Entry.save() does when a post moves
            for key, value in plan.item.meta:
                value = value.strip()
                if key == "_wp_old_slug" and value:
                    links.add((entry.published_on, value[:200]))
                elif key == "_wp_old_date" and (day := as_date(value)):
                    links.add((day, entry.slug))
                elif key == META_OLD_PERMALINK and (day := as_date(value[:10])):
                    links.add((day, value[11:][:200]))
            links.discard((entry.published_on, entry.slug))
            for link in links:
                if link[1]:
                    wanted.setdefault(link, entry.pk)
        if not wanted:
            return
        existing = set(
            OldPermalink.objects.filter(slug__in={slug for _, slug in wanted}).values_list(
                "published_on", "slug"
            )
        )
        new = [
            OldPermalink(entry_id=pk, published_on=day, slug=slug)
            for (day, slug), pk in wanted.items()
            if (day, slug) not in existing
        ]
        OldPermalink.objects.bulk_create(new)
        self.summary.add("old permalinks", "created", len(new))
        self.summary.add("old permalinks", "unchanged", len(wanted) - len(new))

    # Attachments -------------------------------------------------------------------------

    def _attachments(self, items):
        existing = self._existing_attachments(items)
        parents = self.entry_pks({item.parent for item in items if item.parent})
        new, changed, adopted, matched = [], [], [], 0
        for item in items:
            url = web_address(item.attachment_url or item.guid)[:1000]
            found = existing.get(item.post_id)
            attachment = found.row if found else None
            entry_id = parents.get(item.parent) if item.parent else None
            # Its parent may come later in the file (WordPress allows forward references).
            waiting = bool(item.parent) and entry_id is None
            if waiting and attachment is not None:
                entry_id = attachment.entry_id
            values = {
                "entry_id": entry_id,
                "title": decoded(item.title)[:300],
                "url": url,
                "mime_type": (mimetypes.guess_type(url)[0] or "")[:100],
                "uploaded_at": self.importer.moment(item.date_gmt, item.date),
                "guid": item.guid[:255],
            }
            if attachment is None:
                ident = found.identity if found else item.identity
                if found and found.beside:
                    self.summary.add_beside("attachments", item.post_id)
                attachment = Attachment(
                    wp_id=ident.id, wp_blog_id=self.blog_pk(ident.blog), **values
                )
                new.append((attachment, item.parent if waiting else None))
                continue
            matched += 1
            if waiting:
                self.attachment_parents[attachment.pk] = item.parent
            if found.identity.made_here and attachment.wp_id is None:
                values.pop("guid")  # made here: the export made its guid up
            diff = [name for name, value in values.items() if getattr(attachment, name) != value]
            if diff:
                for name in diff:
                    setattr(attachment, name, values[name])
                changed.append(attachment)
                self.summary.change(f"attachment {item.post_id}: {', '.join(diff)}")
            if found.adopt:
                attachment.wp_blog_id = self.blog_pk(found.identity.blog)
                self.summary.adopt("attachments")
                if not diff:
                    adopted.append(attachment)
        Attachment.objects.bulk_create([attachment for attachment, _ in new])
        for attachment, parent in new:
            if parent:
                self.attachment_parents[attachment.pk] = parent
        if changed or adopted:
            Attachment.objects.bulk_update([*changed, *adopted], [*ATTACHMENT_FIELDS, "wp_blog"])
        self.summary.add("attachments", "created", len(new))
        self.summary.add("attachments", "updated", len(changed))
        self.summary.add("attachments", "unchanged", matched - len(changed))

    def _existing_attachments(self, items):
        """{post number: identity.Match} of the attachments these items are: by identity,
        from before blogs were recorded when guid or address agree, or made here by address."""
        if self.fresh:
            return {}
        rows = {
            (a.wp_blog_id, a.wp_id): a
            for a in Attachment.objects.filter(wp_id__in={i.identity.id for i in items})
        }
        ids = {wp_id for _, wp_id in rows}
        found, made_here = {}, []
        for item in items:
            url = web_address(item.attachment_url or item.guid)[:1000]

            def agrees(row, item=item, url=url):
                if row.guid and item.guid:
                    return row.guid == item.guid[:255]
                return row.url == url

            ident = item.identity
            if ident.made_here:
                made_here.append((item, url))
            result = identity.match(ident, rows, ids, agrees, self.blogs, self.blog.address)
            if result.row is not None or result.beside or result.identity != ident:
                found[item.post_id] = result
        if made_here:
            urls = {url for _, url in made_here}
            ours = defaultdict(list)
            for row in Attachment.objects.filter(wp_id__isnull=True, url__in=urls):
                ours[row.url].append(row)
            for item, url in made_here:
                if item.post_id not in found and ours[url]:
                    found[item.post_id] = identity.Match(
                        ours[url].pop(0), item.identity, False, False
                    )
        return found

    def _attachment_parents(self):
        if not self.attachment_parents:
            return
        entry_ids = self.entry_pks(set(self.attachment_parents.values()))
        for pk, parent in self.attachment_parents.items():
            entry_id = entry_ids.get(parent)
            moved = Attachment.objects.filter(pk=pk).exclude(entry_id=entry_id)
            self.summary.touched |= bool(moved.update(entry_id=entry_id))
        self.attachment_parents = {}


class Pages:
    """Where each page sits (parent and path), settled once every page of the run is in:
    WordPress lets a page come before its parent."""

    def __init__(self, writer):
        self.writer = writer
        self.summary = writer.summary
        self.pending = []  # (page pk, its parent's number in the file) of the file being read
        self.parents = {}  # page pk → parent pk (or None), for the pages of this run
        self.outcomes = {}  # page pk → created, updated or unchanged
        self.numbers = {}  # page pk → its number in its file, for messages

    def add(self, plan, outcome):
        pk = plan.entry.pk
        self.pending.append((pk, plan.item.parent or None))
        self.outcomes[pk] = outcome
        self.numbers[pk] = plan.item.post_id

    def settle(self):
        """At the end of a file: its pages' parents, from their numbers in the file."""
        parents = self.writer.entry_pks({parent for _, parent in self.pending if parent})
        for pk, parent in self.pending:
            self.parents[pk] = parents.get(parent) if parent else None
        self.pending = []

    def place(self):
        if not self.parents:
            return
        pages = {
            pk: {"slug": slug, "parent_id": parent_id, "path": path}
            for pk, slug, parent_id, path in Entry.objects.filter(kind=Entry.Kind.PAGE).values_list(
                "pk", "slug", "parent_id", "path"
            )
        }
        wanted = {pk: dict(page) for pk, page in pages.items()}
        for pk, parent_pk in self.parents.items():
            wanted[pk]["parent_id"] = parent_pk if parent_pk != pk else None
        depths = {}

        def depth_of(pk, chain=()):
            if pk not in depths:
                page = wanted[pk]
                parent = page["parent_id"]
                if parent in chain or parent not in wanted:
                    page["parent_id"] = parent = None
                depths[pk] = depth_of(parent, (*chain, pk)) + 1 if parent else 0
            return depths[pk]

        for pk in wanted:
            depth_of(pk)
        # Parents first, so a page's path is made from its parent's final one. Two pages at
        # one address: the one imported now moves to -2, as WordPress would.
        ours = set(self.parents)
        paths, holders = {}, {}
        for pk in sorted(wanted, key=lambda pk: (depths[pk], pk in ours, pk)):
            parent = wanted[pk]["parent_id"]
            prefix = f"{paths[parent]}/" if parent else ""
            path, n = f"{prefix}{wanted[pk]['slug']}", 2
            while path in holders:
                wanted[pk]["slug"] = numbered(pages[pk]["slug"], n)
                path = f"{prefix}{wanted[pk]['slug']}"
                n += 1
            if n > 2:
                self.summary.warn(f"page {self.numbers.get(pk, pk)}: address taken; now /{path}/")
            holders[path] = pk
            paths[pk] = path
        moving = []
        for pk, page in wanted.items():
            page["path"] = paths[pk]
            if page != pages[pk]:
                moving.append(Entry(pk=pk, **page))
                if pk in ours and self.outcomes.get(pk) == "unchanged":
                    self.summary.move("pages", "unchanged", "updated")
                    self.summary.change(f"page {self.numbers[pk]}: parent, path")
        if moving:
            self.summary.touched = True
            # Through unique placeholders first, so that swapped addresses never collide.
            placeholders = [Entry(pk=e.pk, path=PENDING_PATH.format(f"p{e.pk}")) for e in moving]
            Entry.objects.bulk_update(placeholders, ["path"])
            Entry.objects.bulk_update(moving, ["slug", "parent_id", "path"])

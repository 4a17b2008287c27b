"""Writing a batch's comments, threads and moderation states as WordPress had them.

Comments are taken in comment-id order, as WordPress's importer takes them. Every new comment
gets its id before any is inserted, so a reply can name its parent whatever order the two come
in, and a whole batch goes in with one COPY (or bulk_create).
"""

import functools
import ipaddress
from collections import defaultdict

from newsarchive.models import Comment
from newsarchive.wxr import bulk, identity
from newsarchive.wxr.text import decoded, unescaped, web_address

STATES = {
    "1": Comment.Status.APPROVED,
    "approve": Comment.Status.APPROVED,
    "approved": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "": Comment.Status.PENDING,  # missing: nobody approved it
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.TRASH,
    "post-trashed": Comment.Status.TRASH,
}
KINDS = {
    "": Comment.Kind.COMMENT,
    "comment": Comment.Kind.COMMENT,  # WordPress 5.5+ writes it; earlier versions leave it empty
    "pingback": Comment.Kind.PINGBACK,
    "trackback": Comment.Kind.TRACKBACK,
}


class Comments:
    def __init__(self, writer):
        self.writer = writer
        self.importer = writer.importer
        self.summary = writer.summary
        self.new_file()

    def new_file(self):
        self.seen = set()
        self.seen_identities = {}  # blog address → set of ids, for our own exports' origins
        # Comment numbers of this file → pk, for comments not the file's blog's of that
        # number (matched through our own export's origin): replies find them here.
        self.renumbered = {}

    def write(self, plans):
        rows = self._rows(plans)
        if not rows:
            return
        existing = {} if self.writer.fresh else self._existing(rows)
        pks = {number: match.row.pk for number, match in existing.items() if match.row}
        known = {record.id for _, record in rows}
        outside = {r.parent for _, r in rows if r.parent and r.parent not in known}
        if outside:
            pks.update(self._outside(outside))
        new = [pair for pair in rows if not _matched(existing, pair[1])] if existing else rows
        for (_, record), pk in zip(new, bulk.reserve_ids(Comment, len(new)), strict=True):
            pks[record.id] = pk
        looped = in_loops({record.id: record.parent for _, record in rows})
        if new:
            self._insert(new, existing, pks, looped)
        self._update(rows, existing, pks, looped)

    def _rows(self, plans):
        rows = []
        for plan in plans:
            # A comment is its item's blog's, or made here with it, unless it says otherwise.
            blog, made_here = plan.item.identity.blog, plan.item.identity.made_here
            own_export = self.writer.blog.own_export
            for record in sorted(plan.item.comments, key=lambda c: c.id or 0):
                if record.id is None:
                    self.summary.skip("comments without a comment_id")
                elif record.id in self.seen:
                    self.summary.skip("comments repeating an earlier comment_id")
                elif record.type not in KINDS:
                    self.summary.skip(f"comments of type {record.type!r}")
                else:
                    record.identity = identity.Identity(blog, record.id, made_here)
                    if record.meta and own_export:
                        record.identity = identity.origin(record.meta, record.identity)
                        seen = self.seen_identities.setdefault(record.identity.blog, set())
                        if record.identity.id in seen:
                            self.summary.skip("comments repeating an earlier comment's origin")
                            continue
                        seen.add(record.identity.id)
                    self.seen.add(record.id)
                    rows.append((plan.entry, record))
        return rows

    def _existing(self, rows):
        """{comment number: identity.Match} for these comments: by identity (a comment from
        before blogs were recorded agrees when it is on the same entry), else made here."""
        writer = self.writer
        found = {}
        by_key = {
            (c.wp_blog_id, c.wp_id): c
            for c in Comment.objects.filter(wp_id__in={r.identity.id for _, r in rows})
        }
        ids = {wp_id for _, wp_id in by_key}
        for entry, record in rows:
            result = identity.match(
                record.identity,
                by_key,
                ids,
                lambda comment, entry=entry: comment.entry_id == entry.pk,
                writer.blogs,
                writer.blog.address,
            )
            if result.row is not None or result.beside or result.identity != record.identity:
                found[record.id] = result
        self._adopt(rows, found)
        return found

    def _outside(self, numbers):
        """{number: pk} for parents outside this batch: earlier in the file, or imported
        before from the same blog."""
        found = {n: self.renumbered[n] for n in numbers if n in self.renumbered}
        rest = [n for n in numbers if n not in found]
        key = self.writer.blogs.key(self.writer.blog.address)
        if rest and key != identity.UNKNOWN:
            rows = Comment.objects.filter(wp_blog_id=key, wp_id__in=rest)
            found.update(rows.values_list("wp_id", "pk"))
        return found

    def _insert(self, new, existing, pks, looped):
        blogs, stored = {}, []
        for _, record in new:  # users and blogs first: no query may run while COPY streams
            self.importer.comment_user_id(record.user_id)
            match = existing.get(record.id)
            ident = match.identity if match else record.identity
            if ident.blog not in blogs:
                blogs[ident.blog] = self.writer.blog_pk(ident.blog)
            if match and match.beside:
                self.summary.add_beside("comments", record.id)
            stored.append((record.id, pks[record.id], blogs[ident.blog], ident.id))

        def built():
            for (entry, record), (_, pk, blog_id, wp_id) in zip(new, stored, strict=True):
                values = self._values(entry, record)
                values["id"], values["wp_id"], values["wp_blog_id"] = pk, wp_id, blog_id
                if record.parent and record.id not in looped:
                    values["parent_id"] = pks.get(record.parent)
                yield values

        bulk.insert_values(Comment, built())
        self._remember(stored)
        self.summary.add("comments", "created", len(new))

    def _remember(self, stored):
        """Comments that are not the file's blog's of their number ((number, pk, wp_blog_id,
        wp_id) each) are found through `renumbered` by replies in later batches."""
        key = self.writer.blogs.key(self.writer.blog.address)
        for number, pk, blog_id, wp_id in stored:
            if (blog_id, wp_id) != (key, number):
                self.renumbered[number] = pk

    def _update(self, rows, existing, pks, looped):
        updated, adopted, fields, stored = [], [], set(), []
        blogs = self.writer.blogs
        for entry, record in rows:
            match = existing.get(record.id)
            comment = match.row if match else None
            if comment is None:
                continue
            made_here = match.identity.made_here and comment.wp_id is None
            values = self._values(entry, record, made_here)
            parent = pks.get(record.parent) if record.parent else None
            values["parent_id"] = None if parent == comment.pk or record.id in looped else parent
            diff = [name for name, value in values.items() if getattr(comment, name) != value]
            if comment.submitted_at.replace(microsecond=0) == values["submitted_at"]:
                # Made here through the form, to the microsecond; WXR keeps whole seconds.
                diff = [name for name in diff if name != "submitted_at"]
            for name in diff:
                setattr(comment, name, values[name])
            ident = match.identity
            if made_here:
                pass  # it keeps having no WordPress id
            elif match.adopt:
                comment.wp_blog_id = self.writer.blog_pk(ident.blog)
                self.summary.adopt("comments")
                if not diff:
                    adopted.append(comment)
                fields.add("wp_blog")
            elif (comment.wp_id, comment.wp_blog_id) != (ident.id, blogs.key(ident.blog)):
                comment.wp_id, comment.wp_blog_id = ident.id, self.writer.blog_pk(ident.blog)
                diff.append("wp_id")
                fields.add("wp_blog")
            if diff:
                updated.append(comment)
                fields.update(diff)
                self.summary.change(f"comment {record.id}: {', '.join(diff)}")
            stored.append((record.id, comment.pk, comment.wp_blog_id, comment.wp_id))
        if updated or adopted:
            Comment.objects.bulk_update([*updated, *adopted], list(fields))
        self._remember(stored)
        self.summary.add("comments", "updated", len(updated))
        self.summary.add("comments", "unchanged", len(stored) - len(updated))

    def _adopt(self, rows, found):
        """Comments made here (no WordPress id) and exported by us: the same entry, author and
        minute make them the same comment."""
        entries = {entry.pk for entry, record in rows if not _matched(found, record)}
        candidates = defaultdict(list)
        for comment in Comment.objects.filter(entry_id__in=entries, wp_id__isnull=True):
            minute = comment.submitted_at.replace(second=0, microsecond=0)
            key = (comment.entry_id, comment.author_name, minute)
            candidates[key].append(comment)
        if not candidates:
            return
        for entry, record in rows:
            if _matched(found, record):
                continue
            moment = self._moment(entry, record).replace(second=0, microsecond=0)
            matches = candidates.get((entry.pk, decoded(record.author)[:200], moment))
            if matches:
                ident = found[record.id].identity if record.id in found else record.identity
                found[record.id] = identity.Match(matches.pop(0), ident, False, False)

    def _moment(self, entry, record):
        return self.importer.moment(record.date_gmt, record.date) or entry.published_at

    def _values(self, entry, record, made_here=False):
        return {
            "entry_id": entry.pk,
            "author_name": decoded(record.author)[:200],
            "author_email": record.email[:254],
            "author_url": web_address(record.url)[:500],
            # Typed here as plain text, exported as WordPress's HTML: back to what was typed.
            "body": unescaped(record.content) if made_here else record.content,
            "status": STATES.get(record.approved, Comment.Status.PENDING),
            "kind": KINDS[record.type],
            "submitted_at": self._moment(entry, record),
            "ip_address": ip_address(record.ip),
            "user_id": self.importer.comment_user_id(record.user_id),
        }


def _matched(found, record):
    match = found.get(record.id)
    return match is not None and match.row is not None


def in_loops(parents):
    """Comment ids whose chain of parents comes back to them (a malformed file): they are
    imported at the top level rather than as a thread nobody could reach."""
    looped = set()
    for start in parents:
        seen, node = set(), parents[start]
        while node in parents and node not in seen and node != start:
            seen.add(node)
            node = parents[node]
        if node == start:
            looped.add(start)
    return looped


@functools.lru_cache(maxsize=4096)
def ip_address(text):
    """An IPv4 or IPv6 address as the database stores it, or None for anything else."""
    try:
        return str(ipaddress.ip_address(text.strip())) if text else None
    except ValueError:
        return None

"""Writing a batch's comments, threads and moderation states as WordPress had them.

Comments are taken in comment-id order, as WordPress's importer takes them. Every new comment
gets its id before any is inserted, so a reply can name its parent whatever order the two come
in, and a whole batch goes in with one COPY (or bulk_create).
"""

import functools
import ipaddress
from collections import defaultdict

from newsarchive.models import Comment
from newsarchive.wxr import bulk
from newsarchive.wxr.text import decoded, web_address

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
        self.seen = bulk.IdSet()

    def new_file(self):
        self.seen = bulk.IdSet()

    def write(self, plans):
        rows = self._rows(plans)
        if not rows:
            return
        ids = [record.id for _, record in rows]
        existing = {}
        if not self.writer.fresh:
            existing = {c.wp_id: c for c in Comment.objects.filter(wp_id__in=ids)}
            self._adopt(rows, existing)
        pks = {wp_id: comment.pk for wp_id, comment in existing.items()}
        known = set(ids)
        outside = {r.parent for _, r in rows if r.parent and r.parent not in known}
        if outside:
            pks.update(Comment.objects.filter(wp_id__in=outside).values_list("wp_id", "pk"))
        new = [(entry, record) for entry, record in rows if record.id not in existing]
        for (_, record), pk in zip(new, bulk.reserve_ids(Comment, len(new)), strict=True):
            pks[record.id] = pk
        looped = in_loops({record.id: record.parent for _, record in rows})
        if new:
            self._insert(new, pks, looped)
        self._update(rows, existing, pks, looped)

    def _rows(self, plans):
        rows = []
        for plan in plans:
            for record in sorted(plan.item.comments, key=lambda c: c.id or 0):
                if record.id is None:
                    self.summary.skip("comments without a comment_id")
                elif record.id in self.seen:
                    self.summary.skip("comments repeating an earlier comment_id")
                elif record.type not in KINDS:
                    self.summary.skip(f"comments of type {record.type!r}")
                else:
                    self.seen.add(record.id)
                    rows.append((plan.entry, record))
        return rows

    def _insert(self, new, pks, looped):
        for _, record in new:  # users first: no query may run while COPY streams
            self.importer.comment_user_id(record.user_id)

        def built():
            for entry, record in new:
                values = self._values(entry, record)
                values["id"], values["wp_id"] = pks[record.id], record.id
                if record.parent and record.id not in looped:
                    values["parent_id"] = pks.get(record.parent)
                yield values

        bulk.insert_values(Comment, built())
        self.summary.add("comments", "created", len(new))

    def _update(self, rows, existing, pks, looped):
        updated, fields = [], set()
        for entry, record in rows:
            comment = existing.get(record.id)
            if comment is None:
                continue
            values = self._values(entry, record)
            parent = pks.get(record.parent) if record.parent else None
            values["parent_id"] = None if parent == comment.pk or record.id in looped else parent
            diff = [name for name, value in values.items() if getattr(comment, name) != value]
            if comment.submitted_at.replace(microsecond=0) == values["submitted_at"]:
                # Made here through the form, to the microsecond; WXR keeps whole seconds.
                diff = [name for name in diff if name != "submitted_at"]
            for name in diff:
                setattr(comment, name, values[name])
            if comment.wp_id != record.id:
                comment.wp_id = record.id
                diff.append("wp_id")
            if diff:
                updated.append(comment)
                fields.update(diff)
                self.summary.change(f"comment {record.id}: {', '.join(diff)}")
        if updated:
            Comment.objects.bulk_update(updated, list(fields))
        self.summary.add("comments", "updated", len(updated))
        self.summary.add("comments", "unchanged", len(existing) - len(updated))

    def _adopt(self, rows, existing):
        """Comments made here (no WordPress id) and exported by us: the same entry, author and
        minute make them the same comment."""
        entries = {entry.pk for entry, record in rows if record.id not in existing}
        candidates = defaultdict(list)
        for comment in Comment.objects.filter(entry_id__in=entries, wp_id__isnull=True):
            minute = comment.submitted_at.replace(second=0, microsecond=0)
            key = (comment.entry_id, comment.author_name, minute)
            candidates[key].append(comment)
        if not candidates:
            return
        for entry, record in rows:
            if record.id in existing:
                continue
            moment = self._moment(entry, record).replace(second=0, microsecond=0)
            matches = candidates.get((entry.pk, decoded(record.author)[:200], moment))
            if matches:
                existing[record.id] = matches.pop(0)

    def _moment(self, entry, record):
        return self.importer.moment(record.date_gmt, record.date) or entry.published_at

    def _values(self, entry, record):
        return {
            "entry_id": entry.pk,
            "author_name": decoded(record.author)[:200],
            "author_email": record.email[:254],
            "author_url": web_address(record.url)[:500],
            "body": record.content,
            "status": STATES.get(record.approved, Comment.Status.PENDING),
            "kind": KINDS[record.type],
            "submitted_at": self._moment(entry, record),
            "ip_address": ip_address(record.ip),
            "user_id": self.importer.comment_user_id(record.user_id),
        }


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

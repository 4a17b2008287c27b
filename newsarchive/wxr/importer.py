"""Importing WXR files: the same archive the blog had, in one transaction, idempotently.

Everything a run does happens in one transaction: a malformed file (found however late) leaves
the database exactly as it was, and a dry run is the same run rolled back. Items are read as a
stream and written in batches with bulk queries; the kept counts are rebuilt once at the end.

Objects are matched by their WordPress ids (posts, pages, attachments, comments), terms by
slug, authors by login. A matched object gets the file's values where they differ: the file
is the truth for what it contains, so an updated export updates what changed and the same
file again changes nothing. Two things made here are kept: attribution that was found in the
text or typed by an editor is never overwritten by detection, and filing done here is not
undone by a file that leaves the entry Uncategorized. Entries made here without a WordPress
id (the seed, or anything exported from this archive) are recognised by their guid, day and
slug, and adopt the id, so importing our own export back creates no duplicates.
"""

import contextlib
import datetime
import os
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import DatabaseError, connection, reset_queries, transaction
from django.utils import timezone

from newsarchive.counts import rebuild_counts
from newsarchive.models import (
    EARLIEST_MOMENT,
    LATEST_MOMENT,
    Category,
    Entry,
    ImportRecord,
    Tag,
    TaggedEntry,
    blog_timezone,
    is_showable,
)
from newsarchive.wxr import batches, history, identity
from newsarchive.wxr.entries import as_date
from newsarchive.wxr.parser import WXRError
from newsarchive.wxr.progress import Progress
from newsarchive.wxr.records import DAY_META, read_records, showable
from newsarchive.wxr.summary import Summary
from newsarchive.wxr.text import decoded

BATCH_SIZE = 1000
# What the archive can show, as the naive GMT datetimes WXR gives.
FIRST_GMT = EARLIEST_MOMENT.replace(tzinfo=None)
LAST_GMT = LATEST_MOMENT.replace(tzinfo=None)


class Importer:
    """One import run over one or more files. `run()` returns its Summary.

    author_map: {wordpress login: username of an existing user}. time_zone: the blog's zone,
    for WordPress local dates given without their GMT twin (default: settings.TIME_ZONE).
    progress: called with a progress.Progress after each chunk of the file is read, in the
    thread running the import (inside its transaction: what it writes to this database shows
    only once the import commits).
    user and via: who runs it and from where, for its ImportRecord (history.py).
    """

    def __init__(
        self,
        author_map=None,
        dry_run=False,
        time_zone=None,
        detect=True,
        batch_size=BATCH_SIZE,
        progress=None,
        user=None,
        via=ImportRecord.Via.COMMAND,
    ):
        self.user, self.via = user, via
        self.author_map_names = dict(author_map or {})
        self.dry_run = dry_run
        self.tz = time_zone or blog_timezone()
        self.detect = detect
        self.batch_size = batch_size
        self.progress = progress
        self.summary = Summary(dry_run=dry_run)

    def run(self, files):
        """Import `files`, a list of (name, binary file, size in bytes or None). Whatever
        happens, the run is recorded (history.py)."""
        files = list(files)
        started = time.monotonic()
        self.started, self.started_at = started, timezone.now()
        try:
            with transaction.atomic():
                self._check_constraints(immediately=True)
                self._setup()
                for name, file, size in files:
                    self._import_file(name, file, size)
                self.writer.finish()
                self._check_constraints(immediately=False)
                if self.dry_run:
                    transaction.set_rollback(True)
                else:
                    if self.summary.changed_anything:
                        self._analyze()
                        rebuild_counts()
                    self.summary.seconds = time.monotonic() - started
                    history.record(self, files, ImportRecord.Outcome.IMPORTED)
        except WXRError as error:
            history.record(self, files, ImportRecord.Outcome.REFUSED, error)
            raise
        except Exception as error:
            with contextlib.suppress(DatabaseError):
                failure = f"{type(error).__name__}: {error}"
                history.record(self, files, ImportRecord.Outcome.FAILED, failure)
            raise
        self.summary.seconds = time.monotonic() - started
        if self.dry_run:
            history.record(self, files, ImportRecord.Outcome.DRY_RUN)
        return self.summary

    @staticmethod
    def _check_constraints(immediately):
        """During the import, foreign keys are checked at the end of each statement rather
        than all at commit, where PostgreSQL would queue an event per row for the whole run.
        Afterwards (this transaction only), back to Django's deferred checks."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET CONSTRAINTS ALL {'IMMEDIATE' if immediately else 'DEFERRED'}")

    def _analyze(self):
        """Fresh planner statistics before the recounts: PostgreSQL would otherwise plan
        them for the empty tables it last saw, and take minutes instead of seconds."""
        if connection.vendor != "postgresql" or self.summary.total("created") < 1000:
            return
        tables = [Entry, Entry.categories.through, TaggedEntry, Category, Tag]
        with connection.cursor() as cursor:
            names = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in tables)
            cursor.execute(f"ANALYZE {names}")

    def _setup(self):
        self.now = timezone.now()
        User = get_user_model()
        self.author_map = {}
        for login, username in self.author_map_names.items():
            pk = User.objects.filter(username=username).values_list("pk", flat=True).first()
            if pk is None:
                raise WXRError(f"--author-map {login}={username}: there is no user {username!r}")
            self.author_map[login] = pk
        self.users = {}
        self.categories = dict(Category.objects.values_list("slug", "pk"))
        self.tags = dict(Tag.objects.values_list("slug", "pk"))
        self.tag_names = set(Tag.objects.values_list("name", flat=True))
        self.blogs = identity.Blogs()
        self.writer = batches.Writer(self)

    # Reading -----------------------------------------------------------------------------

    def _import_file(self, name, file, size):
        self.summary.files.append(str(name))
        self.file_authors = {}  # WordPress author id → login, for comment_user_id
        self.channel, self.blog = {}, None
        self.sticky = set()  # post numbers a sticky_posts option names
        pending_authors, pending_terms, items = [], [], []

        def progress(read):
            if self.progress is not None:
                seconds = time.monotonic() - self.started
                self.progress(Progress(read, size, self.summary.entries_read, seconds))

        try:
            for kind, record in read_records(file, name, progress):
                if kind == "item":
                    if self.blog is None:
                        self._file_blog(name)
                    if pending_authors or pending_terms:
                        self._authors(pending_authors)
                        self._terms(pending_terms)
                        pending_authors, pending_terms = [], []
                    if self.writer.accept(record):
                        items.append(record)
                    if len(items) >= self.batch_size:
                        self.writer.write(items)
                        items = []
                        reset_queries()  # DEBUG keeps every query's SQL otherwise
                elif kind == "author":
                    pending_authors.append(record)
                elif kind == "term":
                    pending_terms.append(record)
                elif kind == "sticky":
                    self.sticky.update(record)
                elif kind == "channel":
                    self.channel.setdefault(*record)
            if self.blog is None:
                self._file_blog(name)
            self._authors(pending_authors)
            self._terms(pending_terms)
            if items:
                self.writer.write(items)
            self.writer.end_file()
        except WXRError as error:
            error.file = error.file or str(name)
            raise

    def _file_blog(self, name):
        """The blog this file is from, as its channel names it before the first item."""
        self.blog = identity.FileBlog(self.blogs, self.channel)
        self.summary.blog(name, self.blog)
        self.writer.new_file(self.blog)

    # Authors -----------------------------------------------------------------------------

    def _authors(self, authors):
        if not authors:
            return
        User = get_user_model()
        wanted = {}
        for author in authors:
            if author.id is not None:
                self.file_authors[author.id] = author.login
            if author.login not in self.author_map:
                wanted.setdefault(author.login[:150], author)
        known = dict(User.objects.filter(username__in=wanted).values_list("username", "pk"))
        self.users.update(known)
        self.summary.add("authors", "unchanged", len(known))
        new = [self._new_user(a) for login, a in wanted.items() if login not in known]
        for user in User.objects.bulk_create(new):
            self.users[user.username] = user.pk
        self.summary.add("authors", "created", len(new))

    def _new_user(self, author):
        first, last = author.first_name, author.last_name
        display = decoded(author.display_name)
        if not first and not last and display and display != author.login:
            first = display
        return get_user_model()(
            username=author.login[:150],
            email=author.email[:254],
            first_name=decoded(first)[:150],
            last_name=decoded(last)[:150],
            # An import never makes an account anyone can log in to: WordPress passwords
            # are not carried over, and the account is inactive.
            password=make_password(None),
            is_active=False,
        )

    def user_id(self, login):
        """The user for a dc:creator login, creating one the first time a login is seen."""
        if not login:
            return None
        if login in self.author_map:
            return self.author_map[login]
        login = login[:150]
        if login not in self.users:
            User = get_user_model()
            pk = User.objects.filter(username=login).values_list("pk", flat=True).first()
            if pk is None:
                pk = User.objects.create(
                    username=login, password=make_password(None), is_active=False
                ).pk
                self.summary.add("authors", "created")
            self.users[login] = pk
        return self.users[login]

    def comment_user_id(self, wp_user_id):
        login = self.file_authors.get(wp_user_id) if wp_user_id else None
        return self.user_id(login) if login else None

    # Terms -------------------------------------------------------------------------------

    def _terms(self, terms):
        if not terms:
            return
        categories, tags = {}, {}
        for term in terms:
            if not term.slug:
                self.summary.skip("terms without a slug")
            elif term.taxonomy == "category":
                categories.setdefault(term.slug, term)
            elif term.taxonomy == "post_tag":
                tags.setdefault(term.slug, term)
            else:
                self.summary.skip(f"{term.taxonomy or 'unnamed'} terms (not categories or tags)")
        self._categories(categories)
        self._tags(tags)

    def _categories(self, terms):
        existing = {c.slug: c for c in Category.objects.filter(slug__in=terms)}
        idents = {slug: self._term_identity(term) for slug, term in terms.items()}
        taken = self._taken_term_ids(Category, idents)
        done = set()

        def save(slug, chain=()):
            if slug in done or slug in chain:
                return
            term = terms[slug]
            parent_slug = term.parent_slug if term.parent_slug != slug else ""
            if parent_slug in terms:
                save(parent_slug, (*chain, slug))
            parent_id = self.categories.get(parent_slug) if parent_slug else None
            if parent_slug and parent_id is None:
                self.summary.warn(f"category {slug!r}: its parent {parent_slug!r} is unknown")
            category = existing.get(slug)
            (blog_id, term_id), adopt = self._term_key("category", slug, category, idents, taken)
            if category is not None and not self._owns(category, idents[slug], adopt):
                self.categories[slug] = category.pk  # another blog's: filed under, not changed
                self.summary.add("categories", "unchanged")
                done.add(slug)
                return
            values = {
                "name": decoded(term.name)[:200] or slug,
                "description": term.description,
                "parent_id": parent_id,
                "wp_term_id": term_id,
            }
            if category is None:
                category = Category(slug=slug[:200], wp_blog_id=blog_id, **values)
                category.save()
                self.summary.add("categories", "created")
            else:
                changed = [k for k, v in values.items() if getattr(category, k) != v]
                category.wp_blog_id = blog_id
                if changed:
                    for name in changed:
                        setattr(category, name, values[name])
                    category.save()
                    self.summary.add("categories", "updated")
                    self.summary.change(f"category {slug}: {', '.join(changed)}")
                else:
                    if adopt:
                        Category.objects.filter(pk=category.pk).update(wp_blog_id=blog_id)
                    self.summary.add("categories", "unchanged")
            self.categories[slug] = category.pk
            done.add(slug)

        for slug in terms:
            save(slug)

    def _tags(self, terms):
        existing = {t.slug: t for t in Tag.objects.filter(slug__in=terms)}
        idents = {slug: self._term_identity(term) for slug, term in terms.items()}
        taken = self._taken_term_ids(Tag, idents)
        new, changed, adopted = [], [], []
        for slug, term in terms.items():
            tag = existing.get(slug)
            (blog_id, term_id), adopt = self._term_key("tag", slug, tag, idents, taken)
            if tag is not None and not self._owns(tag, idents[slug], adopt):
                self.tag_names.add(tag.name)
                continue  # another blog's: tagged with, not changed
            name = decoded(term.name)[:100] or slug
            if tag is None:
                tag = Tag(
                    slug=self._tag_slug(slug),
                    name=self._tag_name(name, slug),
                    description=term.description,
                    wp_term_id=term_id,
                    wp_blog_id=blog_id,
                )
                new.append(tag)
                continue
            values = {"description": term.description, "wp_term_id": term_id}
            if tag.name != name:
                self.tag_names.discard(tag.name)
                values["name"] = self._tag_name(name, slug)
            diff = [k for k, v in values.items() if getattr(tag, k) != v]
            tag.wp_blog_id = blog_id
            if diff:
                for key in diff:
                    setattr(tag, key, values[key])
                changed.append(tag)
                self.summary.change(f"tag {slug}: {', '.join(diff)}")
            elif adopt:
                adopted.append(tag)
            self.tag_names.add(tag.name)
        Tag.objects.bulk_create(new)
        if changed or adopted:
            fields = ["name", "description", "wp_term_id", "wp_blog"]
            Tag.objects.bulk_update([*changed, *adopted], fields)
        for tag in [*new, *existing.values()]:
            self.tags[tag.slug] = tag.pk
        self.summary.add("tags", "created", len(new))
        self.summary.add("tags", "updated", len(changed))
        self.summary.add("tags", "unchanged", len(existing) - len(changed))

    def _term_identity(self, term):
        """The term's identity: our own export's origin, else the file's blog's term id."""
        default = None
        if term.term_id is not None:
            default = identity.Identity(self.blog.address, term.term_id)
        own = term.meta and self.blog.own_export
        found = identity.origin(term.meta, default) if own else default
        return None if found is None or found.made_here else found

    def _owns(self, row, ident, adopt):
        """Whether this file's term may change the category or tag `row` it shares a slug
        with: one made here, or its own blog's. Another blog's is filed under as it is, so
        that two blogs' imports do not undo each other's names."""
        if row.wp_term_id is None or adopt:
            return True
        return ident is not None and row.wp_blog_id == self.blogs.key(ident.blog)

    def _taken_term_ids(self, model, idents):
        """{(wp_blog_id, wp_term_id): slug} of the terms holding any of these ids."""
        ids = {ident.id for ident in idents.values() if ident is not None}
        if not ids:
            return {}
        rows = model.objects.filter(wp_term_id__in=ids)
        return {
            (blog, term_id): slug
            for blog, term_id, slug in rows.values_list("wp_blog_id", "wp_term_id", "slug")
        }

    def _term_key(self, kind, slug, row, idents, taken):
        """((wp_blog_id, wp_term_id), adopted) for the term `slug`. Terms are matched by slug;
        their WordPress id only answers `?cat=`, so a term keeps the first blog's id, one from
        before blogs were recorded is adopted by the blog with the same id, and one without an
        id takes the file's, unless another term of that blog holds it."""
        current = (row.wp_blog_id, row.wp_term_id) if row is not None else (None, None)
        ident = idents[slug]
        if ident is None:
            return current, False
        key = (self.blogs.key(ident.blog), ident.id)
        if current == key:
            return current, False
        if current[1] is not None:
            if current[0] is None and current[1] == ident.id and ident.blog is not None:
                self.summary.adopt(f"{kind} terms")
                return (self.writer.blog_pk(ident.blog), ident.id), True
            if current[0] is not None and current[0] == key[0] and taken.get(key) in {None, slug}:
                return key, False  # the blog gave the term a new id
            return current, False
        holder = taken.get(key)
        if holder is not None and holder != slug:
            self.summary.warn(
                f"{kind} {slug!r}: term id {ident.id} already belongs to {holder!r}; not kept"
            )
            return current, False
        key = (self.writer.blog_pk(ident.blog), ident.id)
        taken[key] = slug
        return key, False

    def _tag_slug(self, slug):
        if len(slug) > 100:
            self.summary.warn(f"tag slug {slug!r} is longer than 100 characters; shortened")
            slug = slug[:100]
        return slug

    def _tag_name(self, name, slug):
        """Tag names are unique here, though not in WordPress: a second one gets its slug."""
        if name in self.tag_names:
            self.summary.warn(f"tag {slug!r}: another tag is already called {name!r}")
            name = f"{name[: 97 - len(slug)]} ({slug})"
        self.tag_names.add(name)
        return name

    def category_id(self, slug, name):
        """A category named on an item; created if the file never declared it."""
        if slug not in self.categories:
            category = Category(slug=slug[:200], name=decoded(name)[:200] or slug)
            category.save()
            self.categories[slug] = category.pk
            self.summary.add("categories", "created")
        return self.categories[slug]

    def tag_id(self, slug, name):
        if slug not in self.tags:
            tag = Tag.objects.create(
                slug=self._tag_slug(slug), name=self._tag_name(decoded(name)[:100] or slug, slug)
            )
            self.tags[slug] = tag.pk
            self.summary.add("tags", "created")
        return self.tags[slug]

    def uncategorized_id(self):
        if not hasattr(self, "_uncategorized"):
            self._uncategorized = Category.uncategorized().pk
            self.categories.setdefault(Category.UNCATEGORIZED_SLUG, self._uncategorized)
        return self._uncategorized

    # Dates -------------------------------------------------------------------------------

    def moment(self, gmt, local):
        """An aware datetime: from the GMT date, else the local one in the blog's zone."""
        if gmt is not None:
            return gmt.replace(tzinfo=datetime.UTC)
        if local is not None:
            return local.replace(tzinfo=self.tz)
        return None

    def check_dates(self, item):
        """Refuse, with its place, any moment or day this item would store that the archive
        could not show (pages would fail on it): its date, its modified time, its comments'
        dates, the days of its permalinks. Attribution's original day is checked as it is
        read (entries.py)."""
        where = (None, item.line, item.column)
        if not self._fine(item.date_gmt, item.date):
            showable(self.moment(item.date_gmt, item.date), "the item's date", where)
        if not self._fine(item.modified_gmt, None):
            moment = item.modified_gmt.replace(tzinfo=datetime.UTC)
            showable(moment, "wp:post_modified_gmt", where)
        for comment in item.comments:
            if not self._fine(comment.date_gmt, comment.date):
                moment = self.moment(comment.date_gmt, comment.date)
                showable(moment, "the comment's date", (None, comment.line, comment.column))
        for key, value in item.meta:
            if key in DAY_META:
                showable(as_date(value.strip()[:10]), key, where)

    def _fine(self, gmt, local):
        """Quickly: whether the moment from these dates is one the archive can show."""
        if gmt is not None:
            return FIRST_GMT <= gmt <= LAST_GMT
        if local is not None:
            return is_showable(local.replace(tzinfo=self.tz))
        return True


def import_wxr(paths, **options):
    """Import WXR files by path (what the command and tests call); returns the Summary."""
    with contextlib.ExitStack() as stack:
        files = [
            (os.path.basename(p), stack.enter_context(open(p, "rb")), os.path.getsize(p))
            for p in map(os.path.abspath, paths)
        ]
        return Importer(**options).run(files)


def parse_author_map(values):
    """["login=username", …] → {login: username}."""
    mapping = {}
    for value in values:
        login, sep, username = value.partition("=")
        if not sep or not login.strip() or not username.strip():
            raise ValueError(f"--author-map {value!r}: expected LOGIN=USERNAME")
        mapping[login.strip()] = username.strip()
    return mapping

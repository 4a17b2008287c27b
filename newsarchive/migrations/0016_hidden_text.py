"""What readers may search: a password-protected entry by its title alone.

Without the password nothing of a protected entry but its title, date and permalink may leave
the server, so its byline, dateline and body are left out of the full-text index rather than
filtered out of every query that reads it.

PostgreSQL: search_vector and heading_vector (generated columns, migrations 0009 and 0013)
index the byline, dateline and body only when the entry has no password. PostgreSQL 15 cannot
change a generated column's expression, so both are dropped and added again, in one ALTER
TABLE (one rewrite of the table: about a minute per million entries), and the index over them
(0015) is made again.

SQLite: the FTS5 table read the text from the entry table itself (external content), so
snippets and FTS5's own 'rebuild' would read a protected entry's body from there. It becomes an
ordinary FTS5 table holding the text it indexes (a protected entry's title only); its triggers
fill it, now also when a password changes.

Provenance (the counts behind /source/, /byline/, /dateline/ and the sidebar) no longer counts
protected entries, whose attribution is printed with the article: the sources, writers and
datelines of protected entries are counted again.
"""

import re

from django.db import migrations


def vector(columns, protected_too):
    """The weighted tsvector of `columns` ("title", "byline", "dateline", "body")."""
    parts = {
        "title": "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')",
        "byline": "setweight(to_tsvector('english'::regconfig, "
        "coalesce(byline, '') || ' ' || coalesce(dateline, '')), 'B')",
        "body": "setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'C')",
    }
    rest = " || ".join(parts[c] for c in columns if c != "title")
    if not protected_too:
        rest = f"CASE WHEN password = '' THEN {rest} ELSE ''::tsvector END"
    return f"{parts['title']} || {rest}"


def postgresql(protected_too):
    return [
        "DROP INDEX IF EXISTS entry_search_day",
        "ALTER TABLE newsarchive_entry DROP COLUMN search_vector, DROP COLUMN heading_vector",
        f"""ALTER TABLE newsarchive_entry
            ADD COLUMN search_vector tsvector GENERATED ALWAYS AS
                ({vector(["title", "byline", "body"], protected_too)}) STORED,
            ADD COLUMN heading_vector tsvector GENERATED ALWAYS AS
                ({vector(["title", "byline"], protected_too)}) STORED""",
        "CREATE INDEX entry_search_day ON newsarchive_entry"
        " USING gin (search_vector, published_on) WHERE status = 'publish' AND kind = 'post'",
    ]


COLUMNS = "title, byline, dateline, body"
TRIGGERS = [
    "newsarchive_entry_fts_insert",
    "newsarchive_entry_fts_delete",
    "newsarchive_entry_fts_update",
]


def searchable(row):
    """What of the entry `row` (new, old or the table) the index holds."""
    hidden = [f"CASE WHEN {row}.password = '' THEN {row}.{c} ELSE '' END" for c in
              ("byline", "dateline", "body")]  # fmt: skip
    return ", ".join([f"{row}.title", *hidden])


SQLITE = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS),
    "DROP TABLE IF EXISTS newsarchive_entry_fts",
    f"""CREATE VIRTUAL TABLE newsarchive_entry_fts USING fts5(
        {COLUMNS}, tokenize='porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER newsarchive_entry_fts_insert AFTER INSERT ON newsarchive_entry BEGIN
        INSERT INTO newsarchive_entry_fts (rowid, {COLUMNS}) VALUES (new.id, {searchable("new")});
    END""",
    """CREATE TRIGGER newsarchive_entry_fts_delete AFTER DELETE ON newsarchive_entry BEGIN
        DELETE FROM newsarchive_entry_fts WHERE rowid = old.id;
    END""",
    f"""CREATE TRIGGER newsarchive_entry_fts_update
    AFTER UPDATE OF title, byline, dateline, body, password ON newsarchive_entry BEGIN
        DELETE FROM newsarchive_entry_fts WHERE rowid = old.id;
        INSERT INTO newsarchive_entry_fts (rowid, {COLUMNS}) VALUES (new.id, {searchable("new")});
    END""",
    f"""INSERT INTO newsarchive_entry_fts (rowid, {COLUMNS})
        SELECT id, {searchable("newsarchive_entry")} FROM newsarchive_entry""",
]
# Back to migration 0009's external-content table.
SQLITE_REVERSE = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS),
    "DROP TABLE IF EXISTS newsarchive_entry_fts",
    f"""CREATE VIRTUAL TABLE newsarchive_entry_fts USING fts5(
        {COLUMNS}, content='newsarchive_entry', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    "INSERT INTO newsarchive_entry_fts (newsarchive_entry_fts) VALUES ('rebuild')",
    f"""CREATE TRIGGER newsarchive_entry_fts_insert AFTER INSERT ON newsarchive_entry BEGIN
        INSERT INTO newsarchive_entry_fts (rowid, {COLUMNS})
        VALUES (new.id, new.title, new.byline, new.dateline, new.body);
    END""",
    f"""CREATE TRIGGER newsarchive_entry_fts_delete AFTER DELETE ON newsarchive_entry BEGIN
        INSERT INTO newsarchive_entry_fts (newsarchive_entry_fts, rowid, {COLUMNS})
        VALUES ('delete', old.id, old.title, old.byline, old.dateline, old.body);
    END""",
    f"""CREATE TRIGGER newsarchive_entry_fts_update
    AFTER UPDATE OF title, byline, dateline, body ON newsarchive_entry BEGIN
        INSERT INTO newsarchive_entry_fts (newsarchive_entry_fts, rowid, {COLUMNS})
        VALUES ('delete', old.id, old.title, old.byline, old.dateline, old.body);
        INSERT INTO newsarchive_entry_fts (rowid, {COLUMNS})
        VALUES (new.id, new.title, new.byline, new.dateline, new.body);
    END""",
]


PROVENANCE_FIELDS = {"source": "source__slug", "writer": "writer_slug", "dateline": "dateline_slug"}


def writer_name(byline):
    """As newsarchive.models.writer_name() reads a byline today."""
    name = re.sub(r"^by\s+", "", byline.split(",")[0].strip(), flags=re.IGNORECASE)
    return name.title() if name.isupper() else name


def name_of(kind, entry):
    """As Provenance.name_of() names a source, writer or dateline after its newest entry."""
    if kind == "source":
        return entry.source.name
    return writer_name(entry.byline) if kind == "writer" else entry.dateline


def recount(protected_too):
    """Count again the sources, writers and datelines that protected published posts have,
    with them (as before this migration) or without."""

    def apply(apps, schema_editor):
        Entry = apps.get_model("newsarchive", "Entry")
        Provenance = apps.get_model("newsarchive", "Provenance")
        published = Entry.objects.filter(kind="post", status="publish")
        counted = published if protected_too else published.filter(password="")
        counted = counted.select_related("source").order_by("-published_at", "-pk")
        for kind, field in PROVENANCE_FIELDS.items():
            slugs = set(published.exclude(password="").values_list(field, flat=True))
            for slug in slugs - {None, ""}:
                entries = counted.filter(**{field: slug})
                newest = entries.first()
                if newest is None:
                    Provenance.objects.filter(kind=kind, slug=slug).delete()
                    continue
                Provenance.objects.update_or_create(
                    kind=kind,
                    slug=slug,
                    defaults={"entry_count": entries.count(), "name": name_of(kind, newest)},
                )

    return apply


def run(statements):
    def apply(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("newsarchive", "0015_search_index_by_day")]

    operations = [
        migrations.RunPython(
            run({"postgresql": postgresql(protected_too=False), "sqlite": SQLITE}),
            run({"postgresql": postgresql(protected_too=True), "sqlite": SQLITE_REVERSE}),
        ),
        migrations.RunPython(recount(protected_too=False), recount(protected_too=True)),
    ]

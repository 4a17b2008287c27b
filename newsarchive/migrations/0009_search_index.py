"""The full-text index: a weighted tsvector column on PostgreSQL, an FTS5 table on SQLite.

Neither is a Django field: newsarchive/search/ queries them, one way per database.
"""

from django.db import migrations

POSTGRESQL = [
    """
    ALTER TABLE newsarchive_entry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') ||
        setweight(to_tsvector('english'::regconfig,
                  coalesce(byline, '') || ' ' || coalesce(dateline, '')), 'B') ||
        setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'C')
    ) STORED
    """,
    "CREATE INDEX entry_search_vector ON newsarchive_entry USING gin (search_vector)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS entry_search_vector",
    "ALTER TABLE newsarchive_entry DROP COLUMN IF EXISTS search_vector",
]

# An external-content FTS5 table over the entry table's own columns: it stores only the
# index, snippets read the text from the entries; triggers keep it in step.
COLUMNS = "title, byline, dateline, body"
SQLITE = [
    f"""
    CREATE VIRTUAL TABLE newsarchive_entry_fts USING fts5(
        {COLUMNS},
        content='newsarchive_entry', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    "INSERT INTO newsarchive_entry_fts (newsarchive_entry_fts) VALUES ('rebuild')",
    f"""
    CREATE TRIGGER newsarchive_entry_fts_insert AFTER INSERT ON newsarchive_entry BEGIN
        INSERT INTO newsarchive_entry_fts (rowid, {COLUMNS})
        VALUES (new.id, new.title, new.byline, new.dateline, new.body);
    END
    """,
    f"""
    CREATE TRIGGER newsarchive_entry_fts_delete AFTER DELETE ON newsarchive_entry BEGIN
        INSERT INTO newsarchive_entry_fts (newsarchive_entry_fts, rowid, {COLUMNS})
        VALUES ('delete', old.id, old.title, old.byline, old.dateline, old.body);
    END
    """,
    f"""
    CREATE TRIGGER newsarchive_entry_fts_update
    AFTER UPDATE OF title, byline, dateline, body ON newsarchive_entry BEGIN
        INSERT INTO newsarchive_entry_fts (newsarchive_entry_fts, rowid, {COLUMNS})
        VALUES ('delete', old.id, old.title, old.byline, old.dateline, old.body);
        INSERT INTO newsarchive_entry_fts (rowid, {COLUMNS})
        VALUES (new.id, new.title, new.byline, new.dateline, new.body);
    END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS newsarchive_entry_fts_update",
    "DROP TRIGGER IF EXISTS newsarchive_entry_fts_delete",
    "DROP TRIGGER IF EXISTS newsarchive_entry_fts_insert",
    "DROP TABLE IF EXISTS newsarchive_entry_fts",
]


def run(statements):
    def apply(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("newsarchive", "0008_provenance")]

    operations = [
        migrations.RunPython(
            run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]

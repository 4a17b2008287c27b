"""SQLite's full-text index: an FTS5 table holding what readers may search of each entry, kept
in step with the entries by triggers (migrations 0009 and 0019), and put back after a
migration that rebuilt the entry table.

The table holds its own copy of the text it indexes, so that a snippet can only ever show
what was indexed: an entry's title, and its byline, dateline and body only when it has no
password (a protected entry is found by its title alone)."""

COLUMNS = "title, byline, dateline, body"


def searchable(row):
    """The indexed values of the entry `row` ("new" in a trigger, or the table's name)."""
    hidden = [f"CASE WHEN {row}.password = '' THEN {row}.{c} ELSE '' END" for c in
              ("byline", "dateline", "body")]  # fmt: skip
    return ", ".join([f"{row}.title", *hidden])


FTS5_TRIGGERS = {
    "newsarchive_entry_fts_insert": f"""
        CREATE TRIGGER IF NOT EXISTS newsarchive_entry_fts_insert
        AFTER INSERT ON newsarchive_entry BEGIN
            INSERT INTO newsarchive_entry_fts (rowid, {COLUMNS})
            VALUES (new.id, {searchable("new")});
        END""",
    "newsarchive_entry_fts_delete": """
        CREATE TRIGGER IF NOT EXISTS newsarchive_entry_fts_delete
        AFTER DELETE ON newsarchive_entry BEGIN
            DELETE FROM newsarchive_entry_fts WHERE rowid = old.id;
        END""",
    "newsarchive_entry_fts_update": f"""
        CREATE TRIGGER IF NOT EXISTS newsarchive_entry_fts_update
        AFTER UPDATE OF title, byline, dateline, body, password ON newsarchive_entry BEGIN
            DELETE FROM newsarchive_entry_fts WHERE rowid = old.id;
            INSERT INTO newsarchive_entry_fts (rowid, {COLUMNS})
            VALUES (new.id, {searchable("new")});
        END""",
}
REINDEX = [
    "DELETE FROM newsarchive_entry_fts",
    f"INSERT INTO newsarchive_entry_fts (rowid, {COLUMNS}) "
    f"SELECT id, {searchable('newsarchive_entry')} FROM newsarchive_entry",
]


def keep_sqlite_index(using="default", **kwargs):
    """Put back the FTS5 triggers after migrate: on SQLite, Django rebuilds a table to alter
    it, and the rebuild drops its triggers. If any were gone, reindex everything."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE name IN (%s, %s, %s, %s)",
            ["newsarchive_entry_fts", *FTS5_TRIGGERS],
        )
        present = {name for (name,) in cursor.fetchall()}
        if "newsarchive_entry_fts" not in present:
            return  # before migration 0009
        for name, sql in FTS5_TRIGGERS.items():
            if name not in present:
                cursor.execute(sql)
        if not present.issuperset(FTS5_TRIGGERS):
            for sql in REINDEX:
                cursor.execute(sql)

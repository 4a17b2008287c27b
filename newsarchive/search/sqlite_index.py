"""SQLite's full-text index: an FTS5 table kept in step with the entries by triggers
(migration 0009), and put back after a migration that rebuilt the entry table."""

FTS5_TRIGGERS = {
    "newsarchive_entry_fts_insert": """
        CREATE TRIGGER IF NOT EXISTS newsarchive_entry_fts_insert
        AFTER INSERT ON newsarchive_entry BEGIN
            INSERT INTO newsarchive_entry_fts (rowid, title, byline, dateline, body)
            VALUES (new.id, new.title, new.byline, new.dateline, new.body);
        END""",
    "newsarchive_entry_fts_delete": """
        CREATE TRIGGER IF NOT EXISTS newsarchive_entry_fts_delete
        AFTER DELETE ON newsarchive_entry BEGIN
            INSERT INTO newsarchive_entry_fts (newsarchive_entry_fts, rowid, title, byline,
                                               dateline, body)
            VALUES ('delete', old.id, old.title, old.byline, old.dateline, old.body);
        END""",
    "newsarchive_entry_fts_update": """
        CREATE TRIGGER IF NOT EXISTS newsarchive_entry_fts_update
        AFTER UPDATE OF title, byline, dateline, body ON newsarchive_entry BEGIN
            INSERT INTO newsarchive_entry_fts (newsarchive_entry_fts, rowid, title, byline,
                                               dateline, body)
            VALUES ('delete', old.id, old.title, old.byline, old.dateline, old.body);
            INSERT INTO newsarchive_entry_fts (rowid, title, byline, dateline, body)
            VALUES (new.id, new.title, new.byline, new.dateline, new.body);
        END""",
}


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
            cursor.execute(
                "INSERT INTO newsarchive_entry_fts (newsarchive_entry_fts) VALUES ('rebuild')"
            )

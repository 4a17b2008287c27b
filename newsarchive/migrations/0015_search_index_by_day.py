"""The full-text index also keys each public post by its day (PostgreSQL).

Search ranks the newest matches first and looks through the archive in slices of recent
days (newsarchive/search/results.py). With the day in the same GIN index (btree_gin), "matches the
words and is newer than this day" is answered inside the index, so only the rows in the
slice are read, however many older entries also match. Only public posts are ever searched,
so the index holds only published posts; it replaces the index over every entry.
"""

from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations

FORWARD = [
    "CREATE INDEX entry_search_day ON newsarchive_entry USING gin (search_vector, published_on)"
    " WHERE status = 'publish' AND kind = 'post'",
    "DROP INDEX IF EXISTS entry_search_vector",
]
BACKWARD = [
    "CREATE INDEX entry_search_vector ON newsarchive_entry USING gin (search_vector)",
    "DROP INDEX IF EXISTS entry_search_day",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("newsarchive", "0014_category_tree_count")]

    operations = [
        BtreeGinExtension(),
        migrations.RunPython(run(FORWARD), run(BACKWARD)),
    ]

"""A small tsvector of the title (weight A) and byline and dateline (B), for ranking.

Ranking by the full search_vector reads each match's whole body vector (often stored out of
line); ranking by this small one does not. Body-only matches rank equal and fall back to date.
"""

from django.db import migrations

FORWARD = """
    ALTER TABLE newsarchive_entry ADD COLUMN heading_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') ||
        setweight(to_tsvector('english'::regconfig,
                  coalesce(byline, '') || ' ' || coalesce(dateline, '')), 'B')
    ) STORED
"""
BACKWARD = "ALTER TABLE newsarchive_entry DROP COLUMN IF EXISTS heading_vector"


def run(sql):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("newsarchive", "0012_modified_at_set_by_save")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]

from django.db import migrations


def create_uncategorized(apps, schema_editor):
    Category = apps.get_model("newsarchive", "Category")
    Category.objects.get_or_create(
        slug="uncategorized", defaults={"name": "Uncategorized", "path": "uncategorized"}
    )


class Migration(migrations.Migration):
    dependencies = [("newsarchive", "0001_initial")]

    operations = [migrations.RunPython(create_uncategorized, migrations.RunPython.noop)]

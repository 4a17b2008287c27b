from django.db import migrations


def create_discussion_settings(apps, schema_editor):
    apps.get_model("newsarchive", "DiscussionSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("newsarchive", "0003_discussion")]

    operations = [migrations.RunPython(create_discussion_settings, migrations.RunPython.noop)]

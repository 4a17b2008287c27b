from django.apps import AppConfig


class NewsarchiveConfig(AppConfig):
    name = "newsarchive"
    verbose_name = "News archive"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core.checks import register
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from newsarchive import signals  # noqa: F401 - connects the receivers
        from newsarchive.checks import page_cache_settings
        from newsarchive.postgres import read_timestamps_fast
        from newsarchive.roles import ensure_roles
        from newsarchive.search import keep_sqlite_index

        # After Django has created this app's permissions, give them to the two roles.
        post_migrate.connect(ensure_roles, sender=self)
        post_migrate.connect(keep_sqlite_index, sender=self)
        connection_created.connect(read_timestamps_fast)
        register(page_cache_settings)

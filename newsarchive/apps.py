from django.apps import AppConfig


class NewsarchiveConfig(AppConfig):
    name = "newsarchive"
    verbose_name = "News archive"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from newsarchive import signals  # noqa: F401 - connects the receivers

from django.apps import AppConfig


class PlaybooksConfig(AppConfig):
    name = "playbooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from playbooks import signals  # noqa: PLC0415 (the models must be loaded before the signals)

        signals.connect()

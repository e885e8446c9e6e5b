from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from core import sessions  # noqa: PLC0415 (the models must be loaded before the signals)

        sessions.connect()

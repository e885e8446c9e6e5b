from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from core import sessions  # noqa: PLC0415 (the models must be loaded before the signals)

        sessions.connect()

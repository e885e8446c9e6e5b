from django.apps import AppConfig

from core import texts


class PlaybooksConfig(AppConfig):
    name = "playbooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import audit_texts  # noqa: PLC0415 - models may be imported only once apps are ready

        texts.register(audit_texts.TEXTS, audit_texts.PARAMS)

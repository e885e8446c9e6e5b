from django.apps import AppConfig

from core import texts


class PlaybooksConfig(AppConfig):
    name = "playbooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The models must be loaded before the signals connect, before the practices' fields
        # register with the playbook file (playbooks/portable.py) and before the audit texts.
        from playbooks import audit_texts, portable_practice, signals  # noqa: PLC0415

        signals.connect()
        portable_practice.register()
        texts.register(audit_texts.TEXTS, audit_texts.PARAMS)

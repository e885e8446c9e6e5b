from django.apps import AppConfig


class PlaybooksConfig(AppConfig):
    name = "playbooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The models must be loaded before the signals connect and before the practices' fields
        # register with the playbook file (playbooks/portable.py).
        from playbooks import portable_practice, signals  # noqa: PLC0415

        signals.connect()
        portable_practice.register()

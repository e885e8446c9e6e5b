from django.apps import AppConfig


class PlaybooksConfig(AppConfig):
    name = "playbooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The practices' fields travel in the playbook file (playbooks/portable.py).
        from . import portable_practice  # noqa: PLC0415 - models may be imported only once apps are ready

        portable_practice.register()

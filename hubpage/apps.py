from django.apps import AppConfig


class HubpageConfig(AppConfig):
    name = "hubpage"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Its rows travel in the playbook file (playbooks/portable.py).
        from . import portable  # noqa: PLC0415 - models may be imported only once apps are ready

        portable.register()

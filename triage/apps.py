from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "triage"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Its rows travel in the playbook file (playbooks/portable.py).
        from core import metrics

        from . import metrics as queue_metrics
        from . import portable

        portable.register()
        metrics.register(queue_metrics.collect)

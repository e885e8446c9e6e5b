from django.apps import AppConfig

from core import metrics, texts

from . import alert_texts


class TriageConfig(AppConfig):
    name = "triage"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Its rows travel in the playbook file (playbooks/portable.py).
        from . import metrics as queue_metrics  # noqa: PLC0415 - models may be imported only once apps are ready
        from . import portable  # noqa: PLC0415 - models may be imported only once apps are ready

        portable.register()
        texts.register(alert_texts.TEXTS)
        metrics.register(queue_metrics.collect)

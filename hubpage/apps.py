from django.apps import AppConfig


class HubpageConfig(AppConfig):
    name = "hubpage"
    default_auto_field = "django.db.models.BigAutoField"

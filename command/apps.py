from django.apps import AppConfig


class CommandConfig(AppConfig):
    name = "command"
    verbose_name = "Command centre"

from django.apps import AppConfig

from core import texts


class PlaybooksConfig(AppConfig):
    name = "playbooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The models must be loaded before the signals connect, before the practices' fields
        # register with the playbook file (playbooks/portable.py), before the audit texts and
        # before the roster facts join the caller's query (core.auth, which reads models too).
        from core import auth  # noqa: PLC0415
        from playbooks import audit_texts, portable_practice, selectors, signals  # noqa: PLC0415

        signals.connect()
        portable_practice.register()
        texts.register(audit_texts.TEXTS, audit_texts.PARAMS)
        # Tiers ask every queue call whether the caller works first-line only.
        auth.read_with_user(auth.UserFact(selectors.roster_facts_sql(), selectors.remember_roster_facts))

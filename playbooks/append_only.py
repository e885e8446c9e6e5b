"""Rows that, once written, are never changed or deleted (the audit trail).

Code paths are refused here; the `auditentry_append_only` trigger refuses everything else.
"""

from django.db import models

# A session that sets this to 'on' may TRUNCATE the audit table (the test suite's flush between
# tests does; `SET crisiscenter.allow_audit_truncate = 'on'`). Nothing in the app sets it.
ALLOW_AUDIT_TRUNCATE = "crisiscenter.allow_audit_truncate"


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit entries cannot be deleted.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be deleted.")

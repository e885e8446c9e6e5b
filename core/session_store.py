"""Sessions in the database (Django's table and rows), read by one hand-written statement.

Django's db backend reads the session through a queryset built and compiled on every
request: with the ORM gone from the queue's top 50, that was a visible share of the page's
CPU (docs/benchmarks.md, "Top 50 of a tier"). Same table, same expiry rule; writes, deletes
and the async path stay Django's.
"""

from __future__ import annotations

from functools import cache

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


@cache
def _select(table: str) -> str:
    return f"SELECT session_data, expire_date FROM {table} WHERE session_key = %s AND expire_date > %s"  # nosec B608


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        key = self.session_key  # validated by the session key's setter (SessionBase)
        if not key:
            self._session_key = None
            return None
        model = self.model
        with connections[router.db_for_read(model)].cursor() as cursor:
            cursor.execute(_select(model._meta.db_table), [key, timezone.now()])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=key, session_data=row[0], expire_date=row[1])

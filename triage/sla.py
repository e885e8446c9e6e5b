"""The service level: how long a mention of each band may wait for its first answer.

One object for every place that asks: ingest sets each mention's deadline, the queue's figures
and the breach alerts find what is overdue, the capacity panel plans against it, and the
reports decide whether a first reply came in time. The windows are edited in the admin
(QueueSettings); these are the defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType

from django.db.models import Q

from .models import UNANSWERED, Band, QueueSettings

DEFAULT_WINDOWS: Mapping[Band, timedelta] = MappingProxyType(
    {
        Band.P1: timedelta(minutes=15),
        Band.P2: timedelta(hours=1),
        Band.P3: timedelta(hours=4),
        Band.P4: timedelta(hours=24),
    }
)


@dataclass(frozen=True)
class Sla:
    windows: Mapping[Band, timedelta] = field(default_factory=lambda: DEFAULT_WINDOWS)

    @classmethod
    def configured(cls, queue: QueueSettings | None = None) -> Sla:
        queue = queue or QueueSettings.load()
        return cls(
            {
                Band.P1: timedelta(minutes=queue.sla_p1_minutes),
                Band.P2: timedelta(minutes=queue.sla_p2_minutes),
                Band.P3: timedelta(minutes=queue.sla_p3_minutes),
                Band.P4: timedelta(minutes=queue.sla_p4_minutes),
            }
        )

    def due_at(self, band: int, arrived: datetime) -> datetime:
        return arrived + self.windows[Band(band)]

    def minutes(self, band: int) -> int:
        return int(self.windows[Band(band)].total_seconds() // 60)

    @staticmethod
    def breached(now: datetime) -> Q:
        """Unanswered and past its deadline."""
        return Q(status__in=UNANSWERED, sla_due_at__lt=now)

    @staticmethod
    def met(first_reply_at: datetime, due_at: datetime) -> bool:
        return first_reply_at <= due_at

"""Shared by the platform connector tests: fixtures on disk, stored mentions."""

from __future__ import annotations

import json
from pathlib import Path

from triage.ingest import process_batch
from triage.models import BatchStatus, Mention, MentionBatch

FIXTURES = Path(__file__).parent / "fixtures" / "platforms"


def fixture(name: str):
    return json.loads((FIXTURES / name).read_text())


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text()


def process_pending() -> None:
    """What the Celery worker does after commit; these tests run inside one transaction."""
    for batch_id in MentionBatch.objects.filter(status=BatchStatus.PENDING).values_list("pk", flat=True):
        process_batch(batch_id)


def stored(platform: str) -> dict[str, Mention]:
    return {m.external_id: m for m in Mention.objects.filter(platform=platform)}

"""Publishing the hub page as files, and posting updates to it.

The page is rendered once per change and written atomically (temporary file, then
rename), so serving it needs no database and survives PostgreSQL or Redis being down.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from playbooks.models import Crisis
from playbooks.selectors import active_crisis

from .models import HubUpdate
from .render import HubSnapshot, HubUpdateView, render_feed, render_html, render_json

logger = logging.getLogger(__name__)

PUBLIC, STAFF = "public", "staff"
FILES = {"index.html": render_html, "feed.atom": render_feed, "hub.json": render_json}


def snapshot_for(crisis: Crisis | None) -> HubSnapshot:
    base = {"organisation": settings.ORGANISATION_NAME, "base_url": settings.PUBLIC_BASE_URL}
    if crisis is None:
        return HubSnapshot(mode="none", **base)
    updates = tuple(
        HubUpdateView(posted_at=u.posted_at, html=u.body_html, text=u.body_markdown)
        for u in crisis.hub_updates.all()
    )
    return HubSnapshot(
        mode="drill" if crisis.is_drill else "crisis",
        title=crisis.title,
        summary=crisis.summary,
        activated_at=crisis.activated_at,
        updated_at=updates[0].posted_at if updates else crisis.hub_published_at,
        updates=updates,
        **base,
    )


def _write_atomically(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_snapshot(snapshot: HubSnapshot, audience: str) -> None:
    for name, render in FILES.items():
        _write_atomically(settings.HUB_ROOT / audience / name, render(snapshot))


def publish() -> None:
    """Render the current state: the public page, and a staff-only page during a drill."""
    crisis = active_crisis()
    drill = crisis is not None and crisis.is_drill
    write_snapshot(snapshot_for(None if drill else crisis), PUBLIC)
    if drill:
        write_snapshot(snapshot_for(crisis), STAFF)
    else:
        for name in FILES:
            (settings.HUB_ROOT / STAFF / name).unlink(missing_ok=True)
    logger.info("hub page published (%s)", "drill" if drill else ("crisis" if crisis else "no incident"))


class NoActiveCrisis(Exception):
    pass


def post_update(*, body: str, by) -> HubUpdate:
    from playbooks.services import record_hub_update

    body = body.strip()
    if not body:
        raise ValueError("an update needs some text")
    with transaction.atomic():
        crisis = active_crisis()
        if crisis is None:
            raise NoActiveCrisis("there is no active crisis to update")
        update = HubUpdate.objects.create(
            crisis=crisis, body_markdown=body, posted_at=timezone.now(), posted_by=by
        )
        record_hub_update(crisis=crisis, by=by)
        transaction.on_commit(publish, robust=True)
    return update

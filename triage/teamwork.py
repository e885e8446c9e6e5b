"""Working together on the queue: tags, notes, and bulk actions on a selection."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core import events
from core.roles import QUEUE_WORKERS, has_role

from .models import Mention, MentionStatus, Note, Tag
from .selectors import fresh_payloads
from .tiers import OutsideTier, QueueError, can_work, check_work, reach, visible_to

MAX_BULK = 500
NOTE_LIMIT = 2000


class BadTag(QueueError):
    status_code = 400


def clean_tag(name: str) -> str:
    name = " ".join(str(name).split()).lower()
    if not name or len(name) > 40:
        raise BadTag(gettext("a tag is 1 to 40 characters"))
    return name


def _tags(names: Iterable[str]) -> list[Tag]:
    tags = []
    for name in {clean_tag(n) for n in names}:
        tag, _ = Tag.objects.get_or_create(name=name, defaults={"curated": False})
        tags.append(tag)
    return tags


def _changed(ids: list[int]) -> None:
    events.send_queue_delta("updated", fresh_payloads(ids))


def tag(*, mention_ids: list[int], agent, add: Iterable[str] = (), remove: Iterable[str] = ()) -> int:
    """Add and remove tags on the mentions this agent may work (free tags are created as needed);
    returns how many mentions."""
    mine = visible_to(agent, Mention.objects.filter(pk__in=mention_ids[:MAX_BULK]))
    ids = list(mine.values_list("pk", flat=True))
    with transaction.atomic():
        through = Mention.tags.through
        for t in _tags(add):
            through.objects.bulk_create(
                [through(mention_id=pk, tag_id=t.pk) for pk in ids], ignore_conflicts=True
            )
        removing = [clean_tag(n) for n in remove]
        if removing:
            through.objects.filter(mention_id__in=ids, tag__name__in=removing).delete()
        _changed(ids)
    return len(ids)


@dataclass(frozen=True)
class BulkResult:
    done: list[int]
    skipped: dict[int, str]  # id -> why (held by someone else, already closed, ...)


def bulk_close(*, mention_ids: list[int], agent, status: MentionStatus) -> BulkResult:
    """Resolve or dismiss a selection: mentions someone else holds, or outside the agent's
    tier, are skipped and named."""
    ids = mention_ids[:MAX_BULK]
    with transaction.atomic():
        rows = list(Mention.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        done, skipped = [], {}
        for m in rows:
            if not can_work(agent, m):
                skipped[m.pk] = OutsideTier().args[0]
            elif m.status in (MentionStatus.RESOLVED, MentionStatus.DISMISSED):
                skipped[m.pk] = f"already {m.status}"
            elif m.claimed_by_id and m.claimed_by_id != agent.pk:
                skipped[m.pk] = "someone else is working on it"
            else:
                done.append(m.pk)
        Mention.objects.filter(pk__in=done).update(
            status=status, resolved_at=timezone.now(), resolved_by=agent
        )
        if done:
            events.send_queue_delta(status.value, fresh_payloads(done))
    return BulkResult(done, skipped)


def bulk_assign(*, mention_ids: list[int], agent, assignee_username: str) -> BulkResult:
    """Hand unclaimed mentions to an agent; expert items never go to a volunteer. Only those who
    reach every tier hand out work."""
    if reach(agent) != "all":
        raise OutsideTier()
    assignee = get_user_model().objects.filter(username=assignee_username, is_active=True).first()
    if assignee is None or not has_role(assignee, QUEUE_WORKERS):
        raise BadTag(gettext("no agent called {name}").format(name=repr(assignee_username)))
    with transaction.atomic():
        rows = list(Mention.objects.select_for_update().filter(pk__in=mention_ids[:MAX_BULK]).order_by("pk"))
        done, skipped = [], {}
        for m in rows:
            if m.status != MentionStatus.NEW:
                skipped[m.pk] = f"already {m.get_status_display().lower()}"
            elif not can_work(assignee, m):
                skipped[m.pk] = OutsideTier().args[0]
            else:
                done.append(m.pk)
        Mention.objects.filter(pk__in=done).update(
            status=MentionStatus.CLAIMED, claimed_by=assignee, claimed_at=timezone.now()
        )
        if done:
            events.send_queue_delta("claimed", fresh_payloads(done))
    return BulkResult(done, skipped)


def add_note(*, mention_id: int, agent, body: str) -> Note:
    body = body.strip()
    if not body:
        raise BadTag("a note needs some text")
    if len(body) > NOTE_LIMIT:
        raise BadTag("a note is at most 2,000 characters")
    mention = Mention.objects.filter(pk=mention_id).first()
    if mention is None:
        raise BadTag("no such mention")
    check_work(agent, mention)
    with transaction.atomic():
        note = Note.objects.create(mention_id=mention_id, author=agent, body=body, created_at=timezone.now())
        _changed([mention_id])
    return note

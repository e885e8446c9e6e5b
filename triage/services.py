"""The queue's use cases: claim, next, release, reply, resolve, dismiss.

Every claim is a conditional UPDATE (or SKIP LOCKED for "next"), so two agents
never hold the same mention; every change sends one queue delta after commit.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cache

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from core import events
from core.dbrows import columns, from_row
from playbooks.selectors import strengths

from .delivery import initial_status, send_reply_task
from .models import Mention, MentionStatus, Reply, ReplyStatus, ReplyTemplate, Tag, Tier
from .selectors import fresh_payloads, mention_payload
from .tiers import OutsideTier, QueueError, TemplateOutsideTier, check_template, check_work, reach

__all__ = ["ClaimedByOther", "NotOpen", "OutsideTier", "QueueError", "TemplateOutsideTier"]


class ClaimedByOther(QueueError):
    def __init__(self, holder: str):
        super().__init__(gettext("@{holder} is already working on this mention").format(holder=holder))
        self.holder = holder


class NotOpen(QueueError):
    def __init__(self, status: str):
        super().__init__(gettext("this mention is already {status}").format(status=status))


def _locked(mention_id: int) -> Mention:
    # No join here: a row re-read after waiting for its lock would come back with the
    # new claimed_by_id but the joined user of the old version.
    return Mention.objects.select_for_update().get(pk=mention_id)


def _held_by_other(mention: Mention, agent) -> bool:
    return mention.claimed_by_id is not None and mention.claimed_by_id != agent.pk


def _take(mention: Mention, agent) -> None:
    """Inside the transaction that locked `mention`: it is now the agent's."""
    mention.status, mention.claimed_by, mention.claimed_at = MentionStatus.CLAIMED, agent, timezone.now()
    mention.save(update_fields=["status", "claimed_by", "claimed_at"])
    events.send_queue_delta("claimed", [mention_payload(mention)])


def claim(*, mention_id: int, agent) -> Mention:
    """Claim one mention. Claiming again what you hold is a no-op; someone else's is a 409."""
    with transaction.atomic():
        mention = _locked(mention_id)
        check_work(agent, mention)
        held = mention.status in (MentionStatus.CLAIMED, MentionStatus.REPLIED)
        if held and _held_by_other(mention, agent):
            raise ClaimedByOther(mention.claimed_by.get_username())
        if held:
            return mention
        if mention.status != MentionStatus.NEW:
            raise NotOpen(mention.get_status_display().lower())
        _take(mention, agent)
    return mention


@cache
def _next_sql(*, first_line_only: bool, preferred: bool = False) -> str:
    """The claim of "next". `preferred`: only a mention the agent's skills or languages suit,
    ranked no more than SKILL_PREFERENCE_POINTS below the top of their queue (one queue minute
    per point), so a refund question reaches who knows the CRM without burying the top."""
    table, tags = Mention._meta.db_table, Mention.tags.through._meta
    tier = "AND tier = %(first_line)s " if first_line_only else ""
    prefer = (
        "AND (topic = ANY(%(topics)s) OR lower(lang) = ANY(%(langs)s)) "
        f"AND queue_key <= (SELECT min(queue_key) FROM {table} WHERE status = %(new)s {tier}) "  # nosec B608
        "+ %(window)s "
        if preferred
        else ""
    )
    # Table and column names from the models; every value is a query parameter.
    return (
        f"UPDATE {table} SET status = %(claimed)s, claimed_by_id = %(agent)s, "  # nosec B608
        f"claimed_at = %(now)s "
        f"WHERE id = (SELECT id FROM {table} WHERE status = %(new)s {tier}{prefer}"
        f"ORDER BY queue_key LIMIT 1 FOR UPDATE SKIP LOCKED) "
        f"RETURNING {columns(Mention)}, ARRAY(SELECT t.name FROM {tags.db_table} mt "
        f"JOIN {Tag._meta.db_table} t ON t.id = mt.tag_id WHERE mt.mention_id = {table}.id ORDER BY t.name)"
    )


def next_for(*, agent) -> Mention | None:
    """Claim the top unclaimed mention for the agent's tier, skipping rows others are claiming.

    One statement, atomic on its own: pick with SKIP LOCKED, update, read back with the
    tags. With 50 agents pressing "next" at the same moment every query and round trip
    counts (docs/benchmarks.md, claims).
    """
    wanted = reach(agent)
    if wanted == "none":
        return None
    params = {"claimed": MentionStatus.CLAIMED, "agent": agent.pk, "now": timezone.now(),
              "new": MentionStatus.NEW, "first_line": Tier.FIRST_LINE}  # fmt: skip
    first_line_only = wanted == "first_line"
    row = None
    with connection.cursor() as cursor:
        suited = strengths(agent)
        if suited:
            # Skills and languages on the roster: first what suits them near the top, else the top.
            window = timedelta(minutes=settings.SKILL_PREFERENCE_POINTS)
            preferred = {**params, "topics": sorted(suited.topics), "langs": sorted(suited.languages)}
            cursor.execute(
                _next_sql(first_line_only=first_line_only, preferred=True), {**preferred, "window": window}
            )
            row = cursor.fetchone()
        if row is None:
            cursor.execute(_next_sql(first_line_only=first_line_only), params)
            row = cursor.fetchone()
    if row is None:
        return None
    *values, tag_names = row
    mention = from_row(Mention, values)
    mention.claimed_by, mention.tag_names = agent, tag_names
    events.send_queue_delta("claimed", [mention_payload(mention)])  # after commit: now, or the caller's
    return mention


def release(*, mention_id: int, agent) -> Mention:
    with transaction.atomic():
        mention = _locked(mention_id)
        check_work(agent, mention)
        if mention.status != MentionStatus.CLAIMED:
            raise NotOpen(mention.get_status_display().lower())
        if _held_by_other(mention, agent):
            raise ClaimedByOther(mention.claimed_by.get_username())
        mention.status, mention.claimed_by, mention.claimed_at = MentionStatus.NEW, None, None
        mention.save(update_fields=["status", "claimed_by", "claimed_at"])
        events.send_queue_delta("released", [mention_payload(mention)])
    return mention


def reply(
    *, mention_id: int, agent, text: str, template: ReplyTemplate | None = None, variant: int = 0
) -> Reply:
    """Record a reply (claiming the mention if it was free) and send it after commit (in a drill:
    recorded with the status drill, never sent)."""
    text = text.strip()
    if not text:
        raise ValueError(gettext("A reply needs some text."))
    check_template(agent, template)
    with transaction.atomic():
        mention = _locked(mention_id)
        check_work(agent, mention)
        if _held_by_other(mention, agent):
            raise ClaimedByOther(mention.claimed_by.get_username())
        if mention.status in (MentionStatus.RESOLVED, MentionStatus.DISMISSED):
            raise NotOpen(mention.get_status_display().lower())
        now = timezone.now()
        status = initial_status([mention])[mention.pk]
        answer = Reply.objects.create(
            mention=mention,
            author=agent,
            text=text,
            template=template,
            variant=variant,
            created_at=now,
            status=status,
        )
        mention.status, mention.claimed_by = MentionStatus.REPLIED, agent
        mention.claimed_at = mention.claimed_at or now
        mention.save(update_fields=["status", "claimed_by", "claimed_at"])
        events.send_queue_delta("replied", [mention_payload(mention)])
        if status == ReplyStatus.SENDING:
            transaction.on_commit(lambda: send_reply_task.delay(answer.pk), robust=True)
    return answer


def _close(*, mention_id: int, agent, status: MentionStatus) -> Mention:
    with transaction.atomic():
        mention = _locked(mention_id)
        check_work(agent, mention)
        if mention.status in (MentionStatus.RESOLVED, MentionStatus.DISMISSED):
            return mention
        if _held_by_other(mention, agent):
            raise ClaimedByOther(mention.claimed_by.get_username())
        mention.status, mention.resolved_at, mention.resolved_by = status, timezone.now(), agent
        mention.save(update_fields=["status", "resolved_at", "resolved_by"])
        events.send_queue_delta(status.value, [mention_payload(mention)])
    return mention


def resolve(*, mention_id: int, agent) -> Mention:
    return _close(mention_id=mention_id, agent=agent, status=MentionStatus.RESOLVED)


def dismiss(*, mention_id: int, agent) -> Mention:
    return _close(mention_id=mention_id, agent=agent, status=MentionStatus.DISMISSED)


def dismiss_removed(*, platform: str, external_ids: list[str]) -> int:
    """Posts their authors deleted on the platform: unanswered ones leave the queue as
    dismissed (kept, never deleted); a claimed one stays with its agent."""
    if not external_ids:
        return 0
    with transaction.atomic():
        mentions = list(
            Mention.objects.select_for_update().filter(
                platform=platform, external_id__in=external_ids, status=MentionStatus.NEW
            )
        )
        if not mentions:
            return 0
        now = timezone.now()
        Mention.objects.filter(pk__in=[m.pk for m in mentions]).update(
            status=MentionStatus.DISMISSED, resolved_at=now
        )
        for mention in mentions:
            mention.status, mention.resolved_at = MentionStatus.DISMISSED, now
        events.send_queue_delta("dismissed", [mention_payload(m) for m in mentions])
    return len(mentions)


def take_over(*, mention_id: int, agent) -> Mention:
    """An experienced agent takes a mention from a volunteer (never the other way round)."""
    if reach(agent) != "all":
        raise OutsideTier()
    with transaction.atomic():
        mention = _locked(mention_id)
        if mention.status in (MentionStatus.RESOLVED, MentionStatus.DISMISSED):
            raise NotOpen(mention.get_status_display().lower())
        if mention.claimed_by_id and reach(mention.claimed_by) == "all":
            raise ClaimedByOther(mention.claimed_by.get_username())
        _take(mention, agent)
    return mention


def release_idle_claims(*, idle_minutes: int, now=None) -> list[int]:
    """Claims with no reply for `idle_minutes` go back to the queue; returns their ids."""
    now = now or timezone.now()
    cutoff = now - timezone.timedelta(minutes=idle_minutes)
    with transaction.atomic():
        idle = list(
            Mention.objects.filter(status=MentionStatus.CLAIMED, claimed_at__lt=cutoff)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:1000]
        )
        if not idle:
            return []
        Mention.objects.filter(pk__in=idle, status=MentionStatus.CLAIMED).update(
            status=MentionStatus.NEW, claimed_by=None, claimed_at=None
        )
        events.send_queue_delta("released", fresh_payloads(idle))
    return idle

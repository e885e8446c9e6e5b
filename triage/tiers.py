"""Who may read and work which mentions: the one rule every path asks.

Volunteers and outside teams work first-line items only (acknowledge, apologise, point to
the hub); expert items (refunds, journalists, safety, ...) are for experienced agents,
leads and admins. "Work" and "read" are the same line: someone who may not answer an
expert item does not see it, its notes or its replies either. The services, the bulk
actions, the API (lists, detail, context, notes, drafts, templates), the queue page, the
websocket feed and its resync, and the reports all ask here.
"""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import QuerySet
from django.utils.translation import gettext

from core.roles import QUEUE_WORKERS, has_role
from playbooks.selectors import is_first_line_only

from .models import Mention, ReplyTemplate, Tier

Reach = Literal["all", "first_line", "none"]


class QueueError(Exception):
    status_code = 409


class OutsideTier(QueueError):
    status_code = 403

    def __init__(self) -> None:
        super().__init__(gettext("this mention needs an experienced agent"))


class TemplateOutsideTier(QueueError):
    status_code = 403

    def __init__(self) -> None:
        super().__init__(gettext("This template is for experienced agents."))


def reach(user: Any) -> Reach:
    """What of the queue this user reaches: everything, first-line items, or nothing."""
    if not has_role(user, QUEUE_WORKERS):
        return "none"
    return "first_line" if is_first_line_only(user) else "all"


def visible_tiers(wanted: Reach) -> tuple[str, ...] | None:
    """The tiers a reach may read: None for every tier, () for none."""
    return {"all": None, "first_line": (Tier.FIRST_LINE,), "none": ()}[wanted]


def visible_to(user: Any, mentions: QuerySet[Mention]) -> QuerySet[Mention]:
    """`mentions` narrowed to those this user may read (and so work)."""
    tiers = visible_tiers(reach(user))
    if tiers is None:
        return mentions
    return mentions.filter(tier__in=tiers) if tiers else mentions.none()


def tier_allowed(wanted: Reach, tier: str) -> bool:
    tiers = visible_tiers(wanted)
    return tiers is None or tier in tiers


def _allowed(user: Any, tier: str) -> bool:
    # A first-line item needs only a queue role (held in memory): no roster query on the hot
    # claim path for the common case.
    if tier == Tier.FIRST_LINE:
        return has_role(user, QUEUE_WORKERS)
    return reach(user) == "all"


def can_work(user: Any, mention: Mention) -> bool:
    """May this user read this mention, its notes and replies, and claim, answer or close it?"""
    return _allowed(user, mention.tier)


def check_work(user: Any, mention: Mention) -> None:
    if not can_work(user, mention):
        raise OutsideTier()


def may_use(user: Any, template: ReplyTemplate) -> bool:
    return _allowed(user, template.tier)


def check_template(user: Any, template: ReplyTemplate | None) -> None:
    if template is not None and not may_use(user, template):
        raise TemplateOutsideTier()


def templates_visible_to(user: Any, templates: QuerySet[ReplyTemplate]) -> QuerySet[ReplyTemplate]:
    wanted = reach(user)
    if wanted == "none":
        return templates.none()
    return templates.filter(tier=Tier.FIRST_LINE) if wanted == "first_line" else templates

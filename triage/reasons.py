"""The one mapping from a score reason's code to the words a reader sees, in their language.

Scoring stores each reason as {"factor", "points", "code", "params"} (triage.scoring); this
module renders it with gettext when it is shown (the detail pane, the API), so a lead
reading in Chinese and an agent reading in English see the same breakdown in their own
words. Matched terms ("humo", "冒烟") are quoted as the post wrote them. Breakdowns stored
before reasons had codes carry English prose in "reason" and are shown as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from .models import AuthorKind, Band, Topic

REASONS: dict[str, Any] = {
    "reach.influencer": _("{followers} followers: influencer"),
    "reach.followers": _("{followers} followers"),
    "reach.verified": _("verified account"),
    "author.watchlist": _("{kind}: on the watchlist"),
    "author.profile": _("{kind}: profile says “{term}”"),
    "amplification.reshares": _("{count} reshares"),
    "amplification.quotes": _("{count} quotes"),
    "amplification.replies": _("{count} replies"),
    "amplification.spreading": _("spreading fast: {per_minute} a minute"),
    "urgency.safety": _("safety: “{term}”"),
    "urgency.safety_floor": _("safety report: raised to {band}"),
    "urgency.question": _("asks a question"),
    "urgency.direct_mention": _("mentions our account directly"),
    "urgency.strongly_negative": _("strongly negative (sentiment {sentiment})"),
    "urgency.negative": _("negative (sentiment {sentiment})"),
    "topic.practical": _("practical question: {topic} (“{term}”)"),
    "topic.word": _("{topic}: “{term}”"),
    "topic.scenario_keyword": _("scenario keyword “{term}”"),
    "language.other": _("written in {lang}; the team answers in {team}"),
}
FACTORS: dict[str, Any] = {
    "reach": _("reach"),
    "author": _("author"),
    "amplification": _("amplification"),
    "urgency": _("urgency"),
    "topic": _("topic"),
    "language": _("language"),
}


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def _param(key: str, value: Any) -> str:
    if key in ("followers", "count", "per_minute") and isinstance(value, int):
        return number_format(value, force_grouping=True)
    if key == "sentiment" and isinstance(value, (int, float)):
        return f"{value:+.2f}"
    if key == "kind" and value in AuthorKind.values:
        return str(AuthorKind(value).label).lower()
    if key == "topic" and value in Topic.values:
        return str(Topic(value).label).lower()
    if key == "band" and value in Band.values:
        return str(Band(value).label).split()[0]
    return str(value)


def render(item: Mapping[str, Any]) -> str:
    """One breakdown item's reason in the active language."""
    code = item.get("code")
    if code not in REASONS:
        return str(item.get("reason") or code or "")
    params = {k: _param(k, v) for k, v in (item.get("params") or {}).items()}
    try:
        return str(REASONS[code]).format(**params)
    except (KeyError, IndexError, ValueError):
        # A translation naming a field the code does not carry must not break the pane.
        with override("en"):
            return str(REASONS[code]).format_map(_Missing(params))


def explained(breakdown: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The breakdown with each item's reason (and factor's name) rendered for the reader."""
    out = []
    for item in breakdown or ():
        factor = str(item.get("factor", ""))
        out.append(
            {
                **item,
                "factor_label": str(FACTORS.get(factor, factor)),
                "reason": render(item),
            }
        )
    return out

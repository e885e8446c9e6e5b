"""Report figures as tables (for CSV) and as JSON (for the API), and who may see which.

Roles: every staff member (lead, agent, volunteer, admin) sees the report. Per-agent
figures are a management tool: leads and admins see every agent, an agent sees their own
row only, a volunteer sees none (the page leaves the table out, the API sends null, the
CSV answers 403).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from core.roles import LEADS, Role, has_role, roles_of
from triage import tiers
from triage.models import Band, Mention, Topic
from triage.reports.figures import AgentFigures, CrisisFigures

# What makes Excel, LibreOffice or Sheets run a cell (OWASP's list, DDE's | and %, and
# their fullwidth forms, which some spreadsheets fold to ASCII).
FORMULA_START = frozenset("=+-@|%\uff1d\uff0b\uff0d\uff20\uff5c\uff05")
TOP_HEADER = (
    "id",
    "platform",
    "author_handle",
    "author_followers",
    "author_kind",
    "reshares",
    "band",
    "topic",
    "status",
    "url",
    "text",
)
TABLES = ("summary", "volume", "topics", "bands", "platforms", "tags", "top_mentions", "agents")


def visible_agents(fig: CrisisFigures, user: Any) -> list[AgentFigures] | None:
    """The per-agent rows this user may see; None when they may see none."""
    if has_role(user, LEADS):
        return fig.agents
    if Role.AGENT in roles_of(user):
        return [a for a in fig.agents if a.username == user.get_username()]
    return None


def visible_figures(fig: CrisisFigures, user: Any) -> CrisisFigures:
    """The figures with only the top mentions this user may read (triage.tiers): a volunteer's
    report counts expert items but never quotes them."""
    wanted = tiers.reach(user)
    top = [m for m in fig.top_mentions if tiers.tier_allowed(wanted, m.tier)]
    return fig if len(top) == len(fig.top_mentions) else replace(fig, top_mentions=top)


def _first_visible(value: str) -> str:
    """The first character a spreadsheet would parse: past whitespace, control and format
    characters (a tab, a newline, a bidi mark or a zero-width space before "=" still runs)."""
    for ch in value:
        if not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf"):
            return ch
    return ""


def safe_cell(value: Any) -> Any:
    """A spreadsheet must not run a mention's text as a formula: prefix those cells with '.
    Numbers we computed stay numbers; every string is checked, header included."""
    if isinstance(value, str) and (_first_visible(value) in FORMULA_START or value[:1] in ("\t", "\r")):
        return "'" + value
    return value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Every cell quoted, every string cell neutralised (safe_cell)."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
    return out.getvalue()


def _iso(at: datetime | None) -> str:
    return at.isoformat() if at else ""


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def summary(fig: CrisisFigures) -> dict[str, Any]:
    return {
        "start": _iso(fig.start),
        "end": _iso(fig.end),
        "total": fig.total,
        "answered": fig.answered,
        "answered_share": _round(fig.answered_share, 4),
        "unanswered": fig.unanswered,
        "resolved": fig.resolved,
        "dismissed": fig.dismissed,
        "reply_seconds_p50": _round(fig.reply_seconds_p50),
        "reply_seconds_p90": _round(fig.reply_seconds_p90),
        "reply_seconds_p99": _round(fig.reply_seconds_p99),
        "sla_met": fig.sla_met,
        "sla_missed": fig.sla_missed,
        "sla_met_share": _round(fig.sla_met_share, 4),
    }


def top_mention_row(m: Mention) -> dict[str, Any]:
    return {
        "id": m.pk,
        "platform": m.platform,
        "author_handle": m.author_handle,
        "author_followers": m.author_followers,
        "author_kind": m.author_kind,
        "reshares": m.reshares,
        "band": m.band,
        "topic": m.topic,
        "status": m.status,
        "url": m.url,
        "text": m.text,
    }


def tables(fig: CrisisFigures, agents: list[AgentFigures] | None) -> dict[str, tuple[list[str], list[list]]]:
    """Every table of the report as (header, rows), in the order the page shows them."""
    s = summary(fig)
    top = [top_mention_row(m) for m in fig.top_mentions]
    result = {
        "summary": (["figure", "value"], [[k, "" if v is None else v] for k, v in s.items()]),
        "volume": (
            ["bucket_start", "mentions"],
            [[_iso(at), n] for at, n in (fig.volume_by_hour if fig.hourly else fig.volume_by_day)],
        ),
        "topics": (["topic", "mentions"], [[k, v] for k, v in fig.topics.items()]),
        "bands": (["band", "label", "mentions"], [[b, str(Band(b).label), n] for b, n in fig.bands.items()]),
        "platforms": (["platform", "mentions"], [[k, v] for k, v in fig.platforms.items()]),
        "tags": (["tag", "mentions"], [[k, v] for k, v in (fig.tags or {}).items()]),
        "top_mentions": (list(TOP_HEADER), [[r[k] for k in TOP_HEADER] for r in top]),
    }
    if agents is not None:
        result["agents"] = (
            ["agent", "replied", "resolved", "reply_seconds_p50"],
            [[a.username, a.replied, a.resolved, _round(a.reply_seconds_p50)] for a in agents],
        )
    return result


def payload(fig: CrisisFigures, agents: list[AgentFigures] | None) -> dict[str, Any]:
    """The report as the API gives it."""
    return {
        "crisis": {"id": fig.crisis_id, "title": fig.title} if fig.crisis_id else None,
        **summary(fig),
        "resolution": "hour" if fig.hourly else "day",
        "volume_by_hour": [{"at": _iso(at), "mentions": n} for at, n in fig.volume_by_hour],
        "volume_by_day": [{"at": _iso(at), "mentions": n} for at, n in fig.volume_by_day],
        "phases": [{"at": _iso(m.at), "label": str(m.label), "kind": m.kind} for m in fig.marks],
        "topics": fig.topics,
        "bands": {str(Band(b).label): n for b, n in fig.bands.items()},
        "platforms": fig.platforms,
        "tags": fig.tags,
        "top_mentions": [top_mention_row(m) for m in fig.top_mentions],
        "agents": None
        if agents is None
        else [
            {
                "username": a.username,
                "replied": a.replied,
                "resolved": a.resolved,
                "reply_seconds_p50": _round(a.reply_seconds_p50),
            }
            for a in agents
        ],
    }


def topic_label(value: str) -> str:
    try:
        return str(Topic(value).label)
    except ValueError:
        return value

"""The mention list of the API (GET /api/v1/mentions/): filters, rank, page and capped count in
one hand-written statement.

Written as SQL rather than built by the ORM: building and compiling the queryset, then turning
values() rows into dicts, cost 5 ms of CPU for a 50-row page, more than PostgreSQL spends
answering it (docs/benchmarks.md, "Top 50 of a tier"). Each filter is a fixed condition
with its value as a parameter; the open queue is written as the partial indexes'
condition so that PostgreSQL uses them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.translation import get_language

from .models import Mention, Tag
from .reasons import explained_text
from .selectors import OPEN, PAYLOAD_COLUMNS, TIMES, band_labels, row_payload
from .tiers import Reach, visible_tiers


@dataclass(frozen=True)
class ListFilters:
    """What a list asks for; every value already bounded by the view. Blank means any."""

    status: str = "open"  # "open" (new, claimed, replied) or one MentionStatus
    bands: tuple[int, ...] | None = None
    q: str = ""  # text or handle; "@jane" looks at handles only
    platform: str = ""
    topic: str = ""
    tier: str = ""
    lang: str = ""
    tag: str = ""
    holder_id: int | None = None  # "mine"


@dataclass(frozen=True)
class Page:
    payloads: list[dict[str, Any]]
    count: int  # capped: at most offset + limit + count_cap + 1


def _like(value: str) -> str:
    return f"%{connection.ops.prep_for_like_query(value)}%"


def conditions(filters: ListFilters, reach: Reach) -> tuple[list[str], list[Any]]:
    """The WHERE conditions (over the alias m) and their parameters."""
    where: list[str] = []
    params: list[Any] = []
    tiers = visible_tiers(reach)
    if tiers is not None:
        if not tiers:
            return ["false"], []
        where.append("m.tier = ANY(%s)")
        params.append(list(tiers))
    if filters.status == "open":
        where.append("m.status IN ({})".format(", ".join(f"'{status}'" for status in OPEN)))
    else:
        where.append("m.status = %s")
        params.append(filters.status)
    if filters.bands is not None:
        where.append("m.band = ANY(%s)")
        params.append(list(filters.bands))
    if filters.q.startswith("@") and len(filters.q) > 1:
        where.append("UPPER(m.author_handle) LIKE UPPER(%s)")
        params.append(_like(filters.q[1:]))
    elif filters.q:
        where.append("(UPPER(m.text) LIKE UPPER(%s) OR UPPER(m.author_handle) LIKE UPPER(%s))")
        params += [_like(filters.q), _like(filters.q.lstrip("@"))]
    for column in ("platform", "topic", "tier", "lang"):
        if value := getattr(filters, column):
            where.append(f"m.{column} = %s")
            params.append(value)
    if filters.tag:
        where.append(
            f"EXISTS (SELECT 1 FROM {_tables().links} l JOIN {_tables().tags} t ON t.id = l.tag_id"  # nosec B608
            " WHERE l.mention_id = m.id AND t.name = %s)"
        )
        params.append(filters.tag)
    if filters.holder_id is not None:
        where.append("m.claimed_by_id = %s")
        params.append(filters.holder_id)
    return where, params


@dataclass(frozen=True)
class _Tables:
    mentions: str
    users: str
    username: str
    links: str
    tags: str


@cache
def _tables() -> _Tables:
    user_model = get_user_model()
    links = Mention.tags.through._meta
    return _Tables(
        mentions=Mention._meta.db_table,
        users=user_model._meta.db_table,
        username=user_model._meta.get_field(user_model.USERNAME_FIELD).column,
        links=links.db_table,
        tags=Tag._meta.db_table,
    )


_READ = tuple(name for name in PAYLOAD_COLUMNS if name != "breakdown")


def _iso(column: str) -> str:
    """A timestamptz column as Python's isoformat() writes it in UTC (the fraction only when
    there is one, always six digits): the page's JavaScript orders the queue by comparing
    these strings with those of websocket deltas. Turning 200 timestamps into datetimes, then
    back into text, was a tenth of the page's CPU."""
    # ".000000" can only be the fraction: the date and time before it have no dot.
    text = f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
    return f"replace({text}, '.000000', '') || '+00:00'"


def _column(name: str) -> str:
    column = f'm."{Mention._meta.get_field(name).column}"'
    return _iso(column) if name in TIMES else column


@cache
def _select() -> str:
    """The page's columns: the payload's (times as text), the holder's name, the tag names, the
    breakdown as text (parsed and explained once per distinct text)."""
    names = _tables()
    fields = ", ".join(_column(name) for name in _READ)
    return (
        f"SELECT {fields}, u.{names.username},"
        f" ARRAY(SELECT t.name FROM {names.links} l JOIN {names.tags} t ON t.id = l.tag_id"
        " WHERE l.mention_id = m.id ORDER BY t.name),"
        " m.breakdown::text"
    )


def _payloads(rows: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    width, language, labels = len(_READ), get_language(), band_labels()
    payloads = []
    for row in rows:
        values = dict(zip(_READ, row[:width], strict=True))
        values["holder"] = row[width]
        breakdown = explained_text(row[width + 2], language)
        payloads.append(row_payload(values, row[width + 1], breakdown, labels))
    return payloads


def page(filters: ListFilters, reach: Reach, *, limit: int, offset: int, count_cap: int) -> Page:
    """The mentions matching `filters` that `reach` may see, ranked as the queue ranks them
    (queue_key: score, raised by waiting time), `limit` from `offset`; with their number counted
    up to offset + limit + count_cap + 1 (an exact count of a big queue visits every row)."""
    names = _tables()
    where, params = conditions(filters, reach)
    matching = f"FROM {names.mentions} m WHERE {' AND '.join(where)}"  # nosec B608: fixed conditions
    counted = f"SELECT count(*) FROM (SELECT 1 {matching} LIMIT %s) counted"  # nosec B608
    cap = offset + limit + count_cap + 1
    sql = (
        # Uncorrelated: PostgreSQL counts once (an InitPlan), not per row.
        f"{_select()}, ({counted}) FROM {names.mentions} m"  # nosec B608
        f" LEFT JOIN {names.users} u ON u.id = m.claimed_by_id"
        f" WHERE {' AND '.join(where)} ORDER BY m.queue_key LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, cap, *params, limit, offset])
        rows = cursor.fetchall()
        if rows:
            return Page(_payloads(rows), rows[0][-1])
        # A page past the end has no row to carry the count.
        cursor.execute(counted, [*params, cap])
        return Page([], cursor.fetchone()[0])

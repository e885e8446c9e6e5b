"""One Reddit poll: search (posts), new comments and u/ mentions, each from its own saved cursor and stored
as its own batch; a cursor (the newest created_utc) moves only after its batch is committed."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from social import health
from social.connectors.base import OutboundError
from social.connectors.reddit import PLATFORM, RedditConnector
from social.cursors import get_cursor
from triage.inbound.streams import BatchBuffer

# Search results can appear a little after they were posted: look this far behind the
# cursor every time; what was already stored is dropped by the dedupe.
OVERLAP_SECONDS = 300


@dataclass(frozen=True)
class PollResult:
    found: int
    accepted: int
    cursor: float


def _poll_source(name: str, fetch) -> tuple[int, int, float]:
    cursor = float(get_cursor(PLATFORM, name) or 0)
    found = fetch()
    stamps = {m["external_id"]: datetime.fromisoformat(m["created_at"]).timestamp() for m in found}
    fresh = [m for m in found if stamps[m["external_id"]] >= cursor - OVERLAP_SECONDS]
    # A date from the future (a bad item, set aside by flush) must not move the cursor past
    # every real post to come.
    horizon = time.time() + 86_400
    newest = max([cursor, *(stamp for stamp in stamps.values() if stamp <= horizon)])
    buffer = BatchBuffer(PLATFORM, source="reddit:poll", max_items=len(fresh) + 1)
    buffer.add(fresh, **{name: repr(newest)})
    return len(found), buffer.flush(), newest


def poll(connector: RedditConnector) -> PollResult:
    """Both sources; a rate limit on the second keeps what the first stored, then raises."""
    found = accepted = 0
    newest = 0.0
    for name, fetch in (
        ("search_created_utc", connector.search_posts),
        ("comments_created_utc", connector.new_comments),
        ("mentions_created_utc", connector.username_mentions),
    ):
        try:
            source_found, source_accepted, source_newest = _poll_source(name, fetch)
        except OutboundError as exc:
            health.record_error(PLATFORM, f"poll: {exc}")
            raise
        found, accepted, newest = found + source_found, accepted + source_accepted, max(newest, source_newest)
    return PollResult(found, accepted, newest)

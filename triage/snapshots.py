"""What a queue page is sent when it opens: built once per change, not once per page.

Two hundred agents opening the queue at once (a restart of the websocket server, the start
of a shift) used to cost two hundred top-N queries, two hundred JSON encodings and two
hundred rounds of whole-table counts for the capacity figures. Here:

- the snapshot is keyed by the queue's sequence number: pages that open while no delta
  has gone out get the same encoded text (one query and one encoding per process per
  change, for at most SNAPSHOT_SECONDS, as waiting time alone reorders the queue).
  Reusing it is as safe as building it: a change whose delta is not numbered yet gets a
  number above the snapshot's, and the page, already in the group, receives it;
- the counts behind the figures are taken at most every STATS_SECONDS per process (the
  page refreshes them over HTTP every 30 s anyway), and one thread takes them while the
  others wait for the result instead of all counting at once.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from core.events import current_queue_seq

from .selectors import queue_stats, queue_top
from .tiers import Reach

STATS_SECONDS = 5.0
SNAPSHOT_SECONDS = 1.0

_lock = threading.Lock()
# Per reach (triage.tiers): (seq, monotonic time built, the encoded message)
_snapshots: dict[Reach, tuple[int, float, str]] = {}
# Per reach: (monotonic time taken, the figures)
_stats: dict[Reach, tuple[float, dict[str, Any]]] = {}


def shared_stats(reach: Reach = "all") -> dict[str, Any]:
    """queue_stats() of one reach (no alerts) no older than STATS_SECONDS, taken by one thread at
    a time."""
    with _lock:
        taken = _stats.get(reach)
        if taken is None or time.monotonic() - taken[0] > STATS_SECONDS:
            taken = _stats[reach] = (time.monotonic(), queue_stats(reach=reach))
        return taken[1]


def snapshot_json(reach: Reach = "all") -> str:
    """The `queue.snapshot` message as JSON text, the same for every page of one reach at this
    seq: first-line pages get first-line items only."""
    seq = current_queue_seq()  # read before the rows: deltas up to seq are in them
    cached = _snapshots.get(reach)
    if cached is not None and cached[0] == seq and time.monotonic() - cached[1] < SNAPSHOT_SECONDS:
        return cached[2]
    mentions = queue_top(reach=reach)
    message = {"type": "queue.snapshot", "seq": seq, "mentions": mentions, "stats": shared_stats(reach)}
    text = json.dumps(message, separators=(",", ":"))
    _snapshots[reach] = (seq, time.monotonic(), text)
    return text


def forget() -> None:
    """Drop what is kept (tests that change the queue behind the sequence's back)."""
    _snapshots.clear()
    _stats.clear()

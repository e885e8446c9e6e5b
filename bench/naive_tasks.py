"""The naive way to store mentions, the baseline bench/ingest.py measures against.

One Celery task per mention and one INSERT per mention, scored with the product's own
normalise() and build_mention(). Never used by the product: the bench's worker loads
it with `--include bench.naive_tasks`. Not a benchmark itself: `make bench` runs every
bench/*.py, so running this file does nothing (the project imports are deferred).
"""

from __future__ import annotations

import time

from celery import shared_task

# The scoring context is read once every few seconds per process, not once per task:
# the baseline should pay for the per-item task and the per-row INSERT, not for extra
# queries a smarter naive version would avoid.
_CONTEXT_TTL = 5.0
_context: dict = {}


def scoring_context() -> dict:
    if time.monotonic() - _context.get("at", -_CONTEXT_TTL) < _CONTEXT_TTL:
        return _context
    from django.conf import settings

    from playbooks.selectors import active_crisis_id
    from social.selectors import brand_handles
    from triage.models import WatchedAuthor
    from triage.scoring import ScoringRules

    _context.update(
        at=time.monotonic(),
        rules=ScoringRules(influencer_followers=settings.INFLUENCER_FOLLOWERS),
        watchlist={
            (platform, handle.lower()): kind
            for platform, handle, kind in WatchedAuthor.objects.values_list("platform", "handle", "kind")
        },
        brand=brand_handles(),
        crisis_id=active_crisis_id(),
    )
    return _context


@shared_task(ignore_result=True)
def store_one_mention(item: dict) -> bool:
    """Normalise, score and save one mention; False if it is invalid or a duplicate."""
    from django.db import IntegrityError
    from django.utils import timezone

    from triage.ingest import build_mention, normalise

    normalised, _problems = normalise(item)
    if normalised is None:
        return False
    context = scoring_context()
    mention = build_mention(
        normalised,
        now=timezone.now(),
        rules=context["rules"],
        watchlist=context["watchlist"],
        brand=context["brand"],
    )
    mention.crisis_id = context["crisis_id"]
    try:
        mention.save()  # autocommit: one INSERT ... RETURNING id per mention
    except IntegrityError:
        return False
    return True


@shared_task(ignore_result=True)
def store_and_push_one_mention(item: dict) -> bool:
    """The naive live queue: one task, one INSERT and one group message per mention (bench/push.py)."""
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    from core import events
    from triage.ingest import build_mention, normalise
    from triage.selectors import mention_payload

    normalised, _problems = normalise(item)
    if normalised is None:
        return False
    context = scoring_context()
    mention = build_mention(
        normalised,
        now=timezone.now(),
        rules=context["rules"],
        watchlist=context["watchlist"],
        brand=context["brand"],
    )
    try:
        with transaction.atomic():
            mention.save()
            events.send_queue_delta("new", [mention_payload(mention)])
    except IntegrityError:
        return False
    return True

"""Skills on the roster used in routing (issue 16, rules 3-5): "next" hands a refund question to
the agent who knows the CRM and a French one to whoever speaks French, without burying the top
of the queue; an outside team marked skilled may take expert work."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.roles import Role
from playbooks.models import RosterEntry
from playbooks.selectors import is_first_line_only
from tests.conftest import make_user, mention_item
from tests.triage.test_queue import load
from triage import services
from triage.models import Mention, Tier

pytestmark = pytest.mark.django_db


def _queue(*rows: tuple[str, str, int]) -> list[Mention]:
    """Mentions ranked as given: (topic, language, points below the top)."""
    mentions = load(*(mention_item(str(i)) for i in range(len(rows))))
    now = timezone.now()
    for mention, (topic, lang, below) in zip(mentions, rows, strict=True):
        Mention.objects.filter(pk=mention.pk).update(
            topic=topic, lang=lang, tier=Tier.FIRST_LINE, queue_key=now - timedelta(minutes=60 - below)
        )
    return [Mention.objects.get(pk=m.pk) for m in mentions]


def test_next_hands_a_refund_question_to_the_agent_who_knows_the_crm(agent, other_agent):
    top, _second, refund = _queue(("complaint", "en", 0), ("complaint", "en", 5), ("refund", "en", 10))
    RosterEntry.objects.create(user=agent, team="Customer care", skills=["crm"])

    assert services.next_for(agent=agent).pk == refund.pk
    assert services.next_for(agent=other_agent).pk == top.pk


def test_a_suited_mention_far_below_the_top_does_not_jump_the_queue(agent, settings):
    settings.SKILL_PREFERENCE_POINTS = 15
    top, _refund = _queue(("complaint", "en", 0), ("refund", "en", 40))
    RosterEntry.objects.create(user=agent, team="Customer care", skills=["refunds"])

    assert services.next_for(agent=agent).pk == top.pk


def test_next_hands_a_french_mention_to_a_french_speaker(agent):
    _top, french = _queue(("complaint", "", 0), ("complaint", "fr", 3))
    RosterEntry.objects.create(user=agent, team="Lisbon desk", languages="pt, FR")

    assert services.next_for(agent=agent).pk == french.pk


def test_an_outside_team_marked_skilled_may_take_expert_work():
    agency = make_user("aga_agency", Role.AGENT)
    entry = RosterEntry.objects.create(user=agency, team="Support", outside_team="Manila contact centre")
    assert is_first_line_only(agency)

    entry.skilled = True
    entry.save()
    agency = type(agency).objects.get(pk=agency.pk)  # a fresh request
    assert not is_first_line_only(agency)

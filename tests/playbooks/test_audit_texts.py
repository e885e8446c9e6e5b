"""Audit entries are stored as a code and parameters and read in the reader's language."""

import pytest
from django.utils import timezone, translation

from command import flows
from playbooks import audit
from playbooks.models import AuditEntry, AuditKind, Phase
from tests.conftest import api_for
from tests.review_helpers import closed_drill

pytestmark = pytest.mark.django_db


def test_an_activation_reads_in_english_and_in_chinese(scenario, lead):
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    entry = AuditEntry.objects.get(crisis=crisis, kind=AuditKind.ACTIVATED)
    assert entry.code == "crisis.activated" and entry.params == {"scenario": scenario.name}
    assert entry.description == f"Crisis activated: {scenario.name}"  # the English, kept beside the code
    with translation.override("en"):
        assert entry.text == f"Crisis activated: {scenario.name}"
    with translation.override("zh-hans"):
        assert entry.text == f"危机已启动：{scenario.name}"
    held = AuditEntry.objects.get(crisis=crisis, kind=AuditKind.OUTBOUND_HELD)
    with translation.override("zh-hans"):
        assert held.text.startswith("已暂停 ") and "条定时帖子" in held.text


def test_a_phase_and_its_label_read_in_the_readers_language(scenario, lead):
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    flows.move_phase(crisis_id=crisis.pk, to=Phase.AFTERMATH, by=lead)
    entry = AuditEntry.objects.get(crisis=crisis, kind=AuditKind.PHASE)
    assert entry.code == "crisis.phase" and entry.params == {"phase": "aftermath"}
    with translation.override("en"):
        assert entry.text == "Crisis moved to aftermath"
    with translation.override("zh-hans"):
        assert entry.text == "危机阶段变更为：善后"
        assert [c.field for c in audit.changes(entry.details)] == ["阶段"]


def test_an_entry_written_before_codes_shows_its_english(scenario, lead):
    entry = AuditEntry.objects.create(
        at=timezone.now(),
        kind=AuditKind.PHASE,
        description="Crisis moved to aftermath",
        crisis=None,
        actor=lead,
    )
    with translation.override("zh-hans"):
        assert entry.text == "Crisis moved to aftermath"
    # Prose still goes in for a writer that has no code yet (merged branches, scripts).
    plain = audit.record(AuditKind.PHASE, "Something by hand", crisis=None, actor=lead)
    assert plain.code == "" and plain.text == "Something by hand"


def test_a_translation_missing_a_field_does_not_break_the_page(scenario, lead):
    entry = AuditEntry(code="crisis.activated", params={}, description="Crisis activated: x")
    assert entry.text == "Crisis activated: ?"


def test_the_review_api_carries_the_code_beside_the_words(scenario, lead, agent):
    crisis = closed_drill(scenario, lead)
    milestones = api_for(agent).get(f"/api/v1/crises/{crisis.pk}/review/").json()["milestones"]
    first = milestones[0]
    assert first["kind"] == "activated" and first["code"] == "drill.activated"
    assert first["params"] == {"scenario": scenario.name}
    assert first["description"] == f"Drill activated: {scenario.name}"


def test_values_in_the_changes_read_in_the_readers_language():
    with translation.override("zh-hans"):
        assert audit.show(True) == "是" and audit.show("2026-11-25T09:30:00+00:00").startswith(
            "2026年11月25日"
        )
    with translation.override("en"):
        assert audit.show(True) == "yes"

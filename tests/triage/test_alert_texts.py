"""Alerts and score reasons are codes with parameters, rendered in the reader's language."""

import importlib
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from core.models import Profile
from core.roles import Role
from core.sockets import localised, reader_language
from tests.conftest import api_for, make_user, mention_item
from tests.triage.test_queue import load
from triage import alerts, reasons
from triage.models import Alert, Mention

pytestmark = pytest.mark.django_db
migration = importlib.import_module("triage.migrations.0010_i18npy_alert_codes")


def test_a_spike_alert_reads_in_english_and_chinese():
    load(*[mention_item(str(i), text="This is a disgrace, trains stuck, furious") for i in range(40)])
    alert = alerts.check_for_spike().alert
    assert alert.code.startswith("alert.spike_volume") and alert.params["volume"] == 40
    assert "40 mentions in 5 minutes" in alert.message  # the English stays beside the code
    with translation.override("zh-hans"):
        assert alert.text.startswith("提及量激增：5 分钟内 40 条")
    with translation.override("en"):
        assert alert.text == alert.message


def test_a_breach_alert_counts_in_each_language(lead):
    (mention,) = load(mention_item("1"))
    Mention.objects.filter(pk=mention.pk).update(sla_due_at=timezone.now() - timedelta(minutes=1))
    alert = alerts.alert_new_breaches()
    assert alert.code == "alert.sla_breach_one" and alert.params["count"] == 1
    assert alert.message.startswith("1 mention passed their SLA (1 P")
    with translation.override("zh-hans"):
        assert alert.text.startswith("1 条提及已超过服务时限")
    listed = api_for(lead).get("/api/v1/alerts/").json()[0]
    assert listed["code"] == "alert.sla_breach_one" and listed["params"]["count"] == 1
    assert listed["message"] == alert.message  # English by default


def test_each_socket_gets_the_alert_in_its_readers_language():
    event = {
        "type": "triage.alert",
        "kind": "spike",
        "message": "Mentions are spiking: 40 ...",
        "code": "alert.spike_volume",
    }
    event["params"] = {"volume": 40, "baseline": 2}
    chinese = make_user("wang_lead", Role.LEAD)
    Profile.objects.update_or_create(user=chinese, defaults={"language": "zh-hans"})
    scope = {"user": chinese, "headers": [(b"accept-language", b"en")]}
    assert reader_language(scope) == "zh-hans"
    assert localised(event, "zh-hans")["message"] == "提及量激增：5 分钟内 40 条，平时约 2 条"
    browser = {
        "user": make_user("kate_lead", Role.LEAD),
        "headers": [(b"accept-language", b"zh-CN,zh;q=0.9")],
    }
    assert reader_language(browser) == "zh-hans"
    # French is not a staff UI language (LANGUAGES): English, as the pages do.
    assert reader_language({"headers": [(b"accept-language", b"fr")]}) == "en"
    assert localised({"message": "as it was"}, "zh-hans") == {"message": "as it was"}


@pytest.mark.parametrize(
    ("message", "code", "params"),
    [
        ("3 mentions passed their SLA (2 P1, 1 P2)", "alert.sla_breach", {"count": 3, "bands": "2 P1, 1 P2"}),
        ("1 mention passed their SLA (1 P3)", "alert.sla_breach_one", {"count": 1, "bands": "1 P3"}),
        (
            "Mentions are spiking: 40 mentions in 5 minutes against a usual 2.5; "
            "60% negative against a usual 10%",
            "alert.spike_volume_negative",
            {"volume": 40, "baseline": 2.5, "negative": 60, "baseline_negative": 10},
        ),
        (
            "The hub page promised an update by 18:00 and none has been posted",
            "alert.hub_overdue",
            {"time": "18:00"},
        ),
    ],
)
def test_alerts_from_before_codes_get_theirs(message, code, params):
    assert migration.coded(message) == (code, params)
    with translation.override("en"):
        assert Alert(code=code, params=params, message="").text == message
    assert migration.coded("Something else") is None


def test_score_reasons_read_in_english_and_chinese():
    item = {"factor": "urgency", "points": 30, "code": "urgency.safety", "params": {"term": "smoke"}}
    reach = {"factor": "reach", "points": 10, "code": "reach.influencer", "params": {"followers": 12000}}
    with translation.override("en"):
        assert reasons.render(item) == "safety: “smoke”"
        assert reasons.explained([reach])[0]["reason"] == "12,000 followers: influencer"
    with translation.override("zh-hans"):
        assert reasons.render(item) == "安全：“smoke”"
        explained = reasons.explained([reach])[0]
        assert explained["reason"].endswith(" 位关注者：意见领袖") and explained["factor_label"] == "影响范围"
    # A breakdown stored as prose before codes is shown as it is.
    assert reasons.render({"factor": "reach", "reason": "1200 followers"}) == "1200 followers"

"""Reports on a small crafted crisis whose every figure is known in advance."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from playbooks.models import AuditEntry, AuditKind, Crisis, Phase
from tests.conftest import api_for
from triage.models import Band, Mention, MentionStatus, Reply, ReplyStatus
from triage.reports import charts
from triage.reports import figures as reports
from triage.reports.export import safe_cell, to_csv

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
SLA = timedelta(minutes=5)
SVG = "{http://www.w3.org/2000/svg}"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _mention(n: int, at: datetime, *, crisis=None, **kw) -> Mention:
    defaults = {
        "platform": "x",
        "external_id": f"m{n}",
        "text": f"Mention {n}: when do trains run?",
        "created_at": at - timedelta(seconds=30),
        "author_handle": f"user{n}",
        "author_followers": n * 10,
        "score": 40,
        "band": Band.P3,
        "topic": "schedule",
        "ingested_at": at,
        "sla_due_at": at + SLA,
        "queue_key": at,
        "crisis": crisis,
    }
    return Mention.objects.create(**{**defaults, **kw})


def _reply(mention: Mention, by, seconds: int, status=ReplyStatus.SENT) -> Reply:
    mention.status = MentionStatus.REPLIED
    mention.save(update_fields=["status"])
    return Reply.objects.create(
        mention=mention,
        author=by,
        text="Sorry, trains run again from 10:00.",
        created_at=mention.ingested_at + timedelta(seconds=seconds),
        status=status,
    )


@pytest.fixture
def crisis_data(scenario, lead, agent, other_agent):
    """19 mentions: 3, 5 and 2 in the first three hours, then a later aftermath peak of 8."""
    crisis = Crisis.objects.create(
        scenario=scenario,
        title="Signal failure",
        summary="Trains stopped.",
        activated_at=T0,
        ended_at=T0 + 3 * HOUR,
        phase=Phase.CLOSED,
    )
    AuditEntry.objects.create(
        at=T0 + 2 * HOUR,
        crisis=crisis,
        kind=AuditKind.TASK_DONE,
        description="Moved to aftermath",
        details={"before": "active", "after": "aftermath"},
    )
    n = 0
    mentions = []
    for hour, count in ((0, 3), (1, 5), (2, 2)):
        for i in range(count):
            n += 1
            mentions.append(_mention(n, T0 + hour * HOUR + timedelta(minutes=i), crisis=crisis))
    for hour, count in ((26, 8), (27, 1)):  # after close: no crisis set, still its aftermath
        for i in range(count):
            n += 1
            topic = "refund" if hour == 26 else "schedule"
            mentions.append(_mention(n, T0 + hour * HOUR + timedelta(minutes=i), topic=topic))
    # long after the aftermath window: not part of this crisis
    _mention(99, T0 + timedelta(days=12), topic="praise")
    # first replies at 60, 120, 180 s (agent), 240, 600 s (other agent); SLA 300 s
    for mention, by, seconds in zip(
        mentions[:5], [agent, agent, agent, other_agent, other_agent], [60, 120, 180, 240, 600], strict=True
    ):
        _reply(mention, by, seconds)
    _reply(mentions[0], other_agent, 900)  # a second reply: not the first
    _reply(mentions[5], agent, 30, status=ReplyStatus.FAILED)  # never reached the author
    Mention.objects.filter(pk__in=[mentions[6].pk, mentions[7].pk]).update(status=MentionStatus.DISMISSED)
    Mention.objects.filter(pk__in=[mentions[8].pk, mentions[9].pk]).update(
        status=MentionStatus.RESOLVED, resolved_by=lead, resolved_at=T0 + 4 * HOUR
    )
    mentions[12].text = '=HYPERLINK("http://evil.example","click")'
    mentions[12].author_followers = 1_000_000
    mentions[12].save()
    return crisis


@pytest.mark.django_db
def test_crisis_report_counts_answered_and_reply_time_percentiles(crisis_data):
    fig = reports.crisis_figures(crisis_data.pk)
    assert fig.total == 19
    assert fig.answered == 5  # the failed reply does not count
    assert fig.answered_share == pytest.approx(5 / 19)
    assert fig.reply_seconds_p50 == pytest.approx(180)
    assert fig.reply_seconds_p90 == pytest.approx(456)  # 240 + 0.6 * (600 - 240)
    assert fig.reply_seconds_p99 == pytest.approx(585.6)
    assert (fig.dismissed, fig.resolved, fig.unanswered) == (2, 2, 10)


@pytest.mark.django_db
def test_sla_share_counts_late_replies_and_overdue_unanswered_but_not_dismissed(crisis_data):
    fig = reports.crisis_figures(crisis_data.pk)
    # met: 4 replies inside 5 minutes; missed: the 600 s reply and 10 unanswered past due
    assert (fig.sla_met, fig.sla_missed) == (4, 11)
    assert fig.sla_met_share == pytest.approx(4 / 15)


@pytest.mark.django_db
def test_volume_per_hour_shows_the_phases_and_the_aftermath_peak(crisis_data):
    fig = reports.crisis_figures(crisis_data.pk)
    by_hour = dict(fig.volume_by_hour)
    assert [by_hour[T0 + h * HOUR] for h in (0, 1, 2, 3, 25, 26, 27)] == [3, 5, 2, 0, 0, 8, 1]
    assert fig.hourly and fig.volume == fig.volume_by_hour
    assert len(fig.volume_by_hour) == 28  # every hour from activation, none skipped
    kinds = [(m.kind, m.at) for m in fig.marks]
    assert kinds == [
        ("activated", T0),
        ("aftermath", T0 + 2 * HOUR),
        ("closed", T0 + 3 * HOUR),
        ("peak", T0 + 26 * HOUR),
    ]
    assert fig.aftermath_peak.label == "Aftermath peak: 8"


@pytest.mark.django_db
def test_topics_bands_platforms_and_top_mentions(crisis_data):
    fig = reports.crisis_figures(crisis_data.pk)
    assert fig.topics == {"schedule": 11, "refund": 8}  # the praise 12 days later is not in it
    assert fig.bands == {Band.P3: 19} and fig.platforms == {"x": 19}
    assert fig.top_mentions[0].author_followers == 1_000_000
    assert [m.author_followers for m in fig.top_mentions[1:4]] == [190, 180, 170]
    assert fig.tags is None or isinstance(fig.tags, dict)


@pytest.mark.django_db
def test_per_agent_figures(crisis_data):
    fig = reports.crisis_figures(crisis_data.pk)
    rows = {a.username: (a.replied, a.resolved, a.reply_seconds_p50) for a in fig.agents}
    # omar's later reply on mention 1 counts as replied, not as a first reply
    assert rows == {
        "ade_agent": (3, 0, 120),
        "omar_agent": (3, 0, 420),
        "lena_lead": (0, 2, None),
    }


@pytest.mark.django_db
def test_period_report_takes_mentions_ingested_in_the_period(crisis_data):
    fig = reports.period_figures(T0 + HOUR, T0 + 27 * HOUR)
    assert fig.total == 5 + 2 + 8
    assert [m.kind for m in fig.marks] == ["aftermath", "closed"]
    long = reports.period_figures(T0, T0 + timedelta(days=14))
    assert not long.hourly and dict(long.volume)[T0.replace(hour=0) + timedelta(days=1)] == 9


def test_period_parameters():
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert reports.parse_period(None, None, now=now) == (now - timedelta(days=7), now)
    start, end = reports.parse_period("2026-11-01", "2026-11-02", now=now)
    assert end - start == timedelta(days=2)  # "to" is inclusive
    for bad_from, bad_to, message in [
        ("yesterday", None, "from must be a date"),
        ("2026-11-03", "2026-11-02", "from must be before to"),
        ("2020-01-01", "2026-01-01", "at most 366 days"),
        ("2026-13-45", None, "from must be a date"),
    ]:
        with pytest.raises(reports.PeriodError, match=message):
            reports.parse_period(bad_from, bad_to, now=now)


# --- CSV -------------------------------------------------------------------------
def test_csv_cells_that_could_run_as_formulas_are_neutralised():
    assert [safe_cell(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "fine", 5)] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "fine",
        5,
    ]
    text = to_csv(["a", "b"], [['say "hi", then\nleave', "=cmd|' /C calc'!A0"]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["a", "b"], ['say "hi", then\nleave', "'=cmd|' /C calc'!A0"]]


@pytest.mark.django_db
def test_crisis_csv_export_of_top_mentions_is_safe_to_open(crisis_data, lead):
    response = logged_in(lead).get(f"/triage/reports/crisis/{crisis_data.pk}/top_mentions.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["text"] == '\'=HYPERLINK("http://evil.example","click")'
    volume = logged_in(lead).get(f"/triage/reports/crisis/{crisis_data.pk}/volume.csv").content.decode()
    assert volume.splitlines()[1:3] == ["2026-11-20T08:00:00+00:00,3", "2026-11-20T09:00:00+00:00,5"]
    assert logged_in(lead).get(f"/triage/reports/crisis/{crisis_data.pk}/secrets.csv").status_code == 404


# --- SVG -------------------------------------------------------------------------
def test_charts_are_well_formed_accessible_svg_with_text_escaped():
    bars = [charts.Bar("<script>alert(1)</script> & co", 3, "band-1"), charts.Bar("P2 high", 0)]
    root = ET.fromstring(str(charts.hbars(bars, uid="t", title="Topics & tags")))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Topics & tags"
    assert "<script>alert(1)</script> & co: 3 mentions" in root.find(f"{SVG}desc").text
    assert not list(root.iter(f"{SVG}script"))
    series = [(T0 + h * HOUR, v) for h, v in enumerate([3, 5, 0, 8])]
    marks = [
        charts.Mark(T0, "Activated", "activated"),
        charts.Mark(T0 + 3 * HOUR, "Aftermath peak: 8", "peak"),
    ]
    root = ET.fromstring(str(charts.volume(series, marks, uid="v", title="Mentions over time")))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Activated" in texts and "Aftermath peak: 8" in texts and "mentions per hour" in texts
    assert "the busiest hour was 20 Nov 11:00 with 8" in root.find(f"{SVG}desc").text
    ET.fromstring(str(charts.volume([], uid="e", title="Nothing")))


@pytest.mark.django_db
def test_crisis_report_page_draws_its_charts_inline(crisis_data, lead):
    page = logged_in(lead).get(f"/triage/reports/crisis/{crisis_data.pk}/").content.decode()
    svgs = re.findall(r"<svg .*?</svg>", page, flags=re.S)
    assert len(svgs) >= 4
    for svg in svgs:
        ET.fromstring(svg)
    assert "Aftermath peak: 8" in page and "Crisis report: Signal failure" in page
    assert "<script" not in page.split("<main", 1)[1]
    assert "P3 normal" in page  # band words, not colour alone
    assert "=HYPERLINK(&quot;http://evil.example&quot;" in page  # escaped text


# --- roles -----------------------------------------------------------------------
@pytest.mark.django_db
def test_report_pages_need_a_staff_role(crisis_data, outsider):
    crisis_url = f"/triage/reports/crisis/{crisis_data.pk}/"
    for url in ("/triage/reports/", crisis_url, "/triage/reports/topics.csv"):
        assert Client().get(url).status_code == 302
        assert logged_in(outsider).get(url).status_code == 403
    assert api_for(outsider).get("/api/v1/reports/").status_code == 403
    assert api_for(None).get(f"/api/v1/reports/crisis/{crisis_data.pk}/").status_code == 401


@pytest.mark.django_db
def test_volunteers_see_the_report_but_no_per_agent_figures(crisis_data, volunteer):
    client = logged_in(volunteer)
    page = client.get(f"/triage/reports/crisis/{crisis_data.pk}/")
    assert page.status_code == 200 and b"Per agent" not in page.content and b"ade_agent" not in page.content
    assert client.get(f"/triage/reports/crisis/{crisis_data.pk}/agents.csv").status_code == 403
    body = api_for(volunteer).get(f"/api/v1/reports/crisis/{crisis_data.pk}/").json()
    assert body["agents"] is None and body["total"] == 19


@pytest.mark.django_db
def test_agents_see_their_own_row_and_leads_see_everyone(crisis_data, agent, lead):
    mine = api_for(agent).get(f"/api/v1/reports/crisis/{crisis_data.pk}/").json()["agents"]
    assert mine == [{"username": "ade_agent", "replied": 3, "resolved": 0, "reply_seconds_p50": 120.0}]
    everyone = api_for(lead).get(f"/api/v1/reports/crisis/{crisis_data.pk}/").json()["agents"]
    assert {a["username"] for a in everyone} == {"ade_agent", "omar_agent", "lena_lead"}
    page = logged_in(lead).get(f"/triage/reports/crisis/{crisis_data.pk}/").content.decode()
    assert "omar_agent" in page and "Per agent" in page


# --- API -------------------------------------------------------------------------
@pytest.mark.django_db
def test_api_gives_the_crisis_report(crisis_data, agent):
    body = api_for(agent).get(f"/api/v1/reports/crisis/{crisis_data.pk}/").json()
    assert body["crisis"] == {"id": crisis_data.pk, "title": "Signal failure"}
    assert (body["total"], body["answered"], body["reply_seconds_p50"]) == (19, 5, 180.0)
    assert body["sla_met_share"] == round(4 / 15, 4) and body["resolution"] == "hour"
    assert {"at": "2026-11-21T10:00:00+00:00", "mentions": 8} in body["volume_by_hour"]
    assert [p["kind"] for p in body["phases"]] == ["activated", "aftermath", "closed", "peak"]
    assert body["bands"] == {"P3 normal": 19}
    assert api_for(agent).get("/api/v1/reports/crisis/424242/").status_code == 404


@pytest.mark.django_db
def test_api_period_report_and_its_errors(crisis_data, lead):
    client = api_for(lead)
    body = client.get("/api/v1/reports/", {"from": "2026-11-20", "to": "2026-11-20"}).json()
    assert body["total"] == 10 and body["crisis"] is None
    bad = client.get("/api/v1/reports/", {"from": "2026-11-21", "to": "2026-11-20"})
    assert bad.status_code == 400 and bad.json()["detail"] == "from must be before to"
    assert logged_in(lead).get("/triage/reports/?from=nonsense").status_code == 200
    assert b"from must be a date" in logged_in(lead).get("/triage/reports/?from=nonsense").content


@pytest.mark.django_db
def test_reports_are_in_the_openapi_document(lead):
    schema = api_for(lead).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/v1/reports/" in schema["paths"] and "/api/v1/reports/crisis/{id}/" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/reports/"]["get"]["parameters"]}
    assert {"from", "to"} <= params


@pytest.mark.django_db
def test_one_big_account_does_not_fill_the_most_influential_list(crisis_data):
    for n, platform in ((200, "x"), (201, "facebook"), (202, "x")):
        big = {"author_handle": "KingsbridgeTimes", "author_followers": 1_200_000, "platform": platform}
        _mention(n, T0 + HOUR, crisis=crisis_data, **big)
    fig = reports.crisis_figures(crisis_data.pk)
    handles = [m.author_handle.lower() for m in fig.top_mentions]
    assert handles.count("kingsbridgetimes") == 2 and len(fig.top_mentions) == 10
    assert fig.top_mentions[0].author_followers == 1_200_000

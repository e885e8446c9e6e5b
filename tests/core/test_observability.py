"""What an operator watches: /metrics, error reports without the public's words, batch-tagged logs."""

import io
import json
import logging
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from core import logs, metrics, telemetry
from tests.conftest import ROOT, _test_env, forget_presence, mention_item
from triage import ingest, presence
from triage.models import Mention

pytestmark = pytest.mark.django_db

TOKEN = "scrape-me-0123456789"


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(client) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def test_metrics_answer_only_the_bearer_of_the_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404  # not configured: not there
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200


def test_a_scrape_shows_the_queue_by_band_breaches_and_open_sockets(client, token):
    ingest.process_batch(
        ingest.accept_batch(
            [
                mention_item("1", text="There is smoke in carriage 3, is anyone hurt?"),
                mention_item("2", text="nice day"),
                mention_item("3", text="meh"),
            ]
        ).pk
    )
    late = Mention.objects.get(external_id="2")
    Mention.objects.filter(pk=late.pk).update(sla_due_at=timezone.now() - timedelta(minutes=1))
    bands = dict(Mention.objects.values_list("external_id", "band"))
    forget_presence()
    presence.joined("ade", "tab-1")
    presence.joined("ade", "tab-2")
    presence.joined("bo", "tab-3")

    figures = scrape(client)
    for band in (1, 2, 3, 4):
        expected = sum(1 for b in bands.values() if b == band)
        assert figures[("crisiscenter_queue_depth", (("band", f"P{band}"),))] == expected
    assert figures[("crisiscenter_sla_breaches", ())] == 1
    assert figures[("crisiscenter_websocket_clients", (("socket", "triage"),))] == 3
    assert figures[("crisiscenter_agents_online", ())] == 2


def test_counters_from_other_processes_add_up_in_one_scrape(client, token):
    """A gunicorn worker or a Celery worker counts in Redis: whichever process is scraped shows all."""
    key = ("crisiscenter_mentions_stored_total", (("source", "api"),))
    before = scrape(client).get(key, 0)
    ingest.process_batch(ingest.accept_batch([mention_item("a"), mention_item("b")]).pk)
    code = (
        "import django; django.setup(); from core import metrics; "
        "metrics.count('mentions_stored', 5, source='api'); "
        "metrics.observe('task', 0.3, task='elsewhere', state='SUCCESS')"
    )
    env = _test_env() | {"DJANGO_SETTINGS_MODULE": "crisiscenter.settings"}
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, timeout=60)

    figures = scrape(client)
    assert figures[key] == before + 2 + 5
    task = (("state", "SUCCESS"), ("task", "elsewhere"))
    assert figures[("crisiscenter_task_seconds_bucket", (("le", "0.25"), *task))] == 0
    assert figures[("crisiscenter_task_seconds_bucket", (("le", "0.5"), *task))] >= 1
    assert figures[("crisiscenter_ingest_batch_seconds_count", ())] >= 1


def test_a_scrape_still_answers_with_redis_counters_gone(client, token, monkeypatch):
    def redis_down():
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(metrics, "_stored_families", redis_down)
    monkeypatch.setattr(metrics, "_collectors", [redis_down, *metrics._collectors])
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200 and b"crisiscenter_queue_depth" in response.content


# --- error reports ----------------------------------------------------------------
def test_an_error_report_carries_no_mention_text():
    words = "my daughter is on the 8:15 and nobody answers"
    event = {
        "message": "batch 7 cannot be processed",
        "request": {"url": "https://cc.example/api/v1/mentions/", "data": [{"text": words}]},
        "exception": {
            "values": [
                {
                    "type": "ValueError",
                    "stacktrace": {"frames": [{"function": "f", "vars": {"item": {"text": words}}}]},
                }
            ]
        },
        "extra": {"mention": {"text": words, "author": {"handle": "rita", "bio": words, "name": words}}},
        "breadcrumbs": {"values": [{"category": "query", "data": {"text": words}}]},
    }
    scrubbed = telemetry.scrub(event, {})
    assert words not in json.dumps(scrubbed)
    assert scrubbed["message"] == "batch 7 cannot be processed"  # what went wrong stays
    assert scrubbed["extra"]["mention"]["author"]["handle"] == "rita"


def test_sentry_is_on_only_with_a_dsn_and_sends_no_pii():
    code = (
        "import django; django.setup(); import sentry_sdk; c = sentry_sdk.get_client(); "
        "o = c.options; print(c.is_active(), o['send_default_pii'], o['include_local_variables'], "
        "getattr(o['before_send'], '__name__', None), "
        "sorted(i for i in c.integrations if i in ('django', 'celery', 'redis')))"
    )

    def run(**extra: str) -> str:
        env = _test_env() | {"DJANGO_SETTINGS_MODULE": "crisiscenter.settings", "SENTRY_DSN": ""} | extra
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.strip()

    assert run().startswith("False ")  # no DSN: no client, nothing sent anywhere
    on = run(SENTRY_DSN="http://public@127.0.0.1:9/1")
    assert on == "True False False scrub ['celery', 'django', 'redis']"


# --- logs -------------------------------------------------------------------------
@pytest.fixture
def json_log():
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logs.JsonLinesFormatter())
    handler.addFilter(logs.ContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    level, root.level = root.level, logging.INFO
    yield out
    root.removeHandler(handler)
    root.setLevel(level)


def test_every_log_line_of_a_batch_carries_its_id(json_log, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        batch = ingest.accept_batch([mention_item("1"), mention_item("2")], source="api")
    with django_capture_on_commit_callbacks(execute=True):
        ingest.process_batch_task(batch.pk)
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    ours = [line for line in lines if line["logger"].startswith(("triage", "core"))]
    said = " | ".join(line["message"] for line in ours)
    for step in ("accepted", "queued", "taken by the worker", "2 stored", "queue delta"):
        assert step in said, said
    assert all(line["batch"] == batch.pk for line in ours), ours
    assert {"time", "level", "logger", "message"} <= set(ours[0])
    assert "context" not in ours[0]


def test_plain_logs_name_the_batch_too():
    record = logging.LogRecord("triage.ingest", logging.INFO, __file__, 1, "batch queued", (), None)
    formatter = logs.PlainFormatter("%(levelname)s %(name)s: %(message)s")
    with logs.log_context(batch=42):
        logs.ContextFilter().filter(record)
    assert formatter.format(record) == "INFO triage.ingest: batch queued [batch=42]"


def test_a_bad_log_format_stops_the_start():
    env = _test_env() | {"DJANGO_SETTINGS_MODULE": "crisiscenter.settings", "LOG_FORMAT": "xml"}
    code = "import django; django.setup()"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode != 0 and "LOG_FORMAT='xml' must be plain or json" in done.stderr


def test_json_logs_are_one_object_a_line():
    env = _test_env() | {"DJANGO_SETTINGS_MODULE": "crisiscenter.settings", "LOG_FORMAT": "json"}
    code = (
        "import django, logging; django.setup(); from core.logs import log_context\n"
        "with log_context(batch=9): logging.getLogger('triage.ingest').warning('batch queued')"
    )
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    (line,) = [json.loads(raw) for raw in done.stderr.splitlines() if raw.startswith("{")]
    assert line["batch"] == 9 and line["level"] == "WARNING" and line["message"] == "batch queued"
    assert time.monotonic() - started < 60

"""Personas, factories and the real infrastructure the integration tests go through."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management.base import CommandError
from django.db import OperationalError, connection
from django.test import TransactionTestCase
from rest_framework.test import APIClient

from core import ratelimit
from core.roles import Role
from crisiscenter.celery import app
from crisiscenter.wsdeflate import WS_PROTOCOL
from playbooks.append_only import ALLOW_AUDIT_TRUNCATE
from playbooks.models import Scenario
from tests.factories import (
    AdCampaignFactory,
    ChecklistItemFactory,
    DepartmentFactory,
    PlatformAccountFactory,
    ScenarioFactory,
    ScheduledPostFactory,
    UserFactory,
    api_key,
)
from triage import ingest, presence, snapshots
from triage.models import BatchStatus, MentionBatch

ROOT = Path(__file__).resolve().parent.parent
# The local platform server (X, Meta) and fixture loaders for the connector tests.
pytest_plugins = ["tests.platforms"]

# The platforms and webhooks the tests call are local servers on 127.0.0.1: outbound calls
# may reach them here, and only here (production refuses private addresses, core.netguard;
# tests/core/test_outbound_guard.py turns it off again). Child processes inherit it.
os.environ["OUTBOUND_ALLOW_PRIVATE_HOSTS"] = "1"
settings.OUTBOUND_ALLOW_PRIVATE_HOSTS = True


def clear_counters() -> None:
    """Throttle and lockout counters live in the Redis cache, shared by the whole run."""
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*", count=1000))
    if keys:
        client.delete(*keys)
    ratelimit.reset()


@pytest.fixture(autouse=True)
def _fresh_counters():
    """Each test starts with no throttle or lockout counts (every test calls from 127.0.0.1)."""
    clear_counters()


# --- personas ----------------------------------------------------------------
def make_user(username: str, *roles: Role):
    return UserFactory(username=username, roles=roles)


@pytest.fixture
def lead(db):
    return make_user("lena_lead", Role.LEAD)


@pytest.fixture
def agent(db):
    return make_user("ade_agent", Role.AGENT)


@pytest.fixture
def other_agent(db):
    return make_user("omar_agent", Role.AGENT)


@pytest.fixture
def volunteer(db):
    return make_user("vic_volunteer", Role.VOLUNTEER)


@pytest.fixture
def outsider(db):
    return make_user("olly_outsider")


@pytest.fixture
def integration(db):
    return make_user("ingest_bot", Role.INTEGRATION)


def api_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    return client


# --- fixtures built from tests/factories.py ---------------------------------
@pytest.fixture
def scenario(db) -> Scenario:
    scenario = ScenarioFactory(name="Rail signal failure")
    for order, (dept, title, due) in enumerate(
        [("Social care", "Hold posts", 5), ("Comms", "Publish hub", 10), ("Legal", "Review statement", 30)]
    ):
        department = DepartmentFactory(name=dept)
        scenario.departments.add(department)
        ChecklistItemFactory(
            scenario=scenario, department=department, title=title, due_minutes=due, order=order
        )
    return scenario


@pytest.fixture
def outbound(db) -> dict:
    account = PlatformAccountFactory(platform="x", handle="northlinerail")
    posts = [ScheduledPostFactory(account=account, text=f"post {i}") for i in range(5)]
    campaigns = [
        AdCampaignFactory(account=account, name=f"campaign {i}", external_id=f"c{i}") for i in range(3)
    ]
    return {"account": account, "posts": posts, "campaigns": campaigns}


def mention_item(external_id: str = "1", **overrides) -> dict:
    item = {
        "platform": "x",
        "external_id": external_id,
        "text": "When will trains run again?",
        "author": {"handle": "commuter_kate", "followers": 1300},
        "created_at": "2026-11-23T10:02:00Z",
    }
    item.update(overrides)
    return item


# --- real infrastructure -----------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The generic webhook's secret in the session's server and worker (tests/integration); unit tests
# set or remove it per test with monkeypatch.
LIVE_WEBHOOK_SECRET = "live-webhook-secret"


def _test_env() -> dict[str, str]:
    """The environment of a child process that must use the test database."""
    db = settings.DATABASES["default"]
    url = urllib.parse.urlsplit(settings.DATABASE_URL)._replace(path=f"/{db['NAME']}")
    return {
        **os.environ,
        "DATABASE_URL": urllib.parse.urlunsplit(url),
        "REDIS_URL": settings.REDIS_URL,
        "PYTHONUNBUFFERED": "1",
        "GENERIC_WEBHOOK_SECRET": LIVE_WEBHOOK_SECRET,
    }


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real Celery worker on this run's own queue, against the test database."""
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "crisiscenter",
                "worker",
                "-l",
                "info",
                "-c",
                "2",
                "-Q",
                settings.CELERY_TASK_DEFAULT_QUEUE,
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"test-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=_test_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
        )

    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=0.5, destination=[worker_name()]):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the Celery worker did not start:\n{log.read_text()[-3000:]}")
    yield process
    _stop(process)


@pytest.fixture(scope="session")
def asgi_server(django_db_setup, tmp_path_factory):
    """The real ASGI app under uvicorn (HTTP and websockets), against the test database."""
    port = free_port()
    log = tmp_path_factory.mktemp("web") / "web.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "crisiscenter.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
                "--ws",  # as deployed: each large frame deflated once for every page
                WS_PROTOCOL,
            ],
            cwd=ROOT,
            env=_test_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start:\n{log.read_text()[-3000:]}") from None
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    _stop(process)


def _flush_retrying_a_deadlock(original):
    """The real worker and server may still hold a row lock when a test's tables are
    truncated; PostgreSQL then aborts the TRUNCATE as a deadlock victim. Try again."""

    def teardown(self):
        # The audit trail refuses TRUNCATE (playbooks migration 0012) unless the session says
        # so: a test's flush empties it on purpose.
        with connection.cursor() as cursor:
            cursor.execute(f"SET {ALLOW_AUDIT_TRUNCATE} = 'on'")
        for attempt in range(4):
            try:
                return original(self)
            except (CommandError, OperationalError) as exc:
                if "deadlock" not in f"{exc} {exc.__cause__}" or attempt == 3:
                    raise
                time.sleep(0.5)

    return teardown


TransactionTestCase._fixture_teardown = _flush_retrying_a_deadlock(TransactionTestCase._fixture_teardown)


def worker_name() -> str:
    return f"test-{os.getpid()}@{socket.gethostname()}"


@pytest.fixture(autouse=True)
def _worker_idle_before_flush(request):
    """A test that used the real worker ends only when the worker is idle: a task still
    writing (a pause run ticking its checklist item) would deadlock with the flush of the
    test database that follows."""
    yield
    if "celery_worker_process" in request.fixturenames:
        worker_idle()


def worker_idle(timeout: float = 20) -> bool:
    """Wait until the test worker has no task running or reserved; False if it stays busy."""
    inspect = app.control.inspect(destination=[worker_name()], timeout=0.5)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        active, reserved = inspect.active() or {}, inspect.reserved() or {}
        if not any(active.values()) and not any(reserved.values()):
            return True
        time.sleep(0.1)
    return False


def wait_for(predicate, timeout: float = 10.0, interval: float = 0.05, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


def store_items(items: list[dict]) -> int:
    """Accept and process one batch; returns its id once it is stored.

    In a transactional test the session's Celery worker may take the batch first (its
    publish is real); the batch then lands once, by the worker, and this waits for it."""
    batch = ingest.accept_batch(items)
    ingest.process_batch(batch.pk)
    wait_for(
        lambda: MentionBatch.objects.filter(pk=batch.pk, status=BatchStatus.DONE).exists(),
        message=f"batch {batch.pk} to be stored",
    )
    return batch.pk


@pytest.fixture(autouse=True)
def _fresh_queue_snapshot():
    """The queue snapshot is kept per sequence number (triage.snapshots); a test's rolled-back
    rows never move the sequence, so the next test must not be handed them."""
    snapshots.forget()


def forget_presence() -> None:
    """Nobody online: sockets of an earlier test or run linger for STALE_SECONDS."""
    client = presence._client()
    for key in client.scan_iter(f"{presence.PREFIX}:*"):
        client.delete(key)

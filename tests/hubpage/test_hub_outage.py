"""The hub keeps serving its last published copy while PostgreSQL and Redis are unreachable."""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings

from command import flows
from hubpage import services
from tests.conftest import ROOT, free_port


def fetch(url: str, headers: dict | None = None) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


@pytest.fixture
def app_without_database(tmp_path):
    """gunicorn with the app, its database and Redis pointing at closed ports."""
    closed_pg, closed_redis, port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed_pg}/gone",
        "REDIS_URL": f"redis://127.0.0.1:{closed_redis}/0",
        "HUB_ROOT": str(settings.HUB_ROOT),
        "SECRET_KEY": "outage-test",
        "DEBUG": "0",
    }
    env.pop("PYTEST_VERSION", None)
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "crisiscenter.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            fetch(f"{base}/healthz")
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((tmp_path / "gunicorn.log").read_text()[-3000:]) from None
            time.sleep(0.1)
    yield base
    process.terminate()
    process.wait(timeout=15)


@pytest.mark.django_db
def test_last_published_page_is_served_with_postgresql_and_redis_down(lead, scenario, app_without_database):
    flows.activate(scenario=scenario, by=lead)
    services.post_update(body="Buses replace trains between A and B.", by=lead)
    services.publish()
    base = app_without_database
    # The database really is gone for this server: anything that needs it fails.
    assert fetch(f"{base}/api/v1/scenarios/", {"Authorization": "Token abc"})[0] == 500
    for path in ("/hub/", "/hub/en/", "/hub/fr/"):
        status, body, _ = fetch(f"{base}{path}")
        assert status == 200, path
        assert b"Disruption on the main line" in body and b"Buses replace trains" in body
    # A signed-in visitor's session cannot be read: they still get the public page.
    status, body, _ = fetch(f"{base}/hub/", {"Cookie": "sessionid=abc123"})
    assert status == 200 and b"Disruption on the main line" in body
    status, body, _ = fetch(f"{base}/hub/feed.atom")
    assert status == 200 and b"Buses replace trains" in body
    assert fetch(f"{base}/hub/hub.json")[0] == 200
    etag = fetch(f"{base}/hub/en/")[2]["ETag"]
    assert fetch(f"{base}/hub/en/", {"If-None-Match": etag})[0] == 304

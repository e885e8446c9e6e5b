"""The README's shell recipes run as written, from a clone with nothing exported.

Every fenced `sh` block of README.md is found and run with bash, except the ones listed in
NOT_IN_CI with the reason. A recipe that talks to `make run` at localhost:8000 talks to the
test's own server instead; files a recipe names (export.csv) are provided next to it.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
from pathlib import Path

import pytest

from core.roles import Role, grant
from tests.conftest import _test_env, make_user
from triage.models import Mention, MentionBatch

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^```(?:sh|bash|shell)\n(.*?)^```", re.S | re.M)

# A recipe that starts with one of these is not run here, for the reason given.
NOT_IN_CI = {
    "make run": "starts the whole stack in the foreground and runs the whole suite, this test included",
    "SECRET_KEY=$(python3": "builds and starts the production images with Docker, which CI does not have",
}


def recipes() -> list[tuple[int, str]]:
    text = (ROOT / "README.md").read_text()
    return [(text[: m.start()].count("\n") + 1, m.group(1)) for m in FENCE.finditer(text)]


def _params():
    for line, body in recipes():
        reason = next((why for start, why in NOT_IN_CI.items() if body.startswith(start)), None)
        marks = [pytest.mark.skip(reason=reason)] if reason else []
        yield pytest.param(body, id=f"README.md:{line}", marks=marks)


def _fresh_clone_env() -> dict[str, str]:
    """What a reader's shell has: the venv on PATH, no SECRET_KEY, no DEBUG, not pytest."""
    env = {k: v for k, v in _test_env().items() if k not in ("SECRET_KEY", "DEBUG", "PYTEST_VERSION")}
    env["PATH"] = f"{ROOT / '.venv' / 'bin'}{os.pathsep}{env['PATH']}"
    return env


def test_every_shell_recipe_is_either_run_or_skipped_for_a_reason():
    bodies = [body for _, body in recipes()]
    assert len(bodies) >= 4
    assert any("issue_token" in body for body in bodies)  # the API recipe is among those run


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(300)
@pytest.mark.parametrize("recipe", list(_params()))
def test_readme_recipe_runs_as_written(recipe, asgi_server):
    # What `make run` has set up by the time a reader tries a recipe: seed_demo's ingest account.
    grant(make_user("ingest"), Role.INTEGRATION)
    export = ROOT / "export.csv"
    made_export = "export.csv" in recipe and not export.exists()
    if made_export:
        with export.open("w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["Tweet Id", "Text", "Author", "Reach", "Date"])
            writer.writerow(["1861", "Is anyone hurt?", "janedoe", "48200", "2026-11-23T10:02:00Z"])
    try:
        script = recipe.replace("http://localhost:8000", asgi_server)
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=ROOT,
            env=_fresh_clone_env(),
            capture_output=True,
            text=True,
            timeout=240,
        )
    finally:
        if made_export:
            export.unlink()
    assert done.returncode == 0, f"{script}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr[-3000:]}"
    if "/api/v1/mentions/" in recipe:
        assert '"accepted":1' in done.stdout.replace(" ", "")
        assert MentionBatch.objects.exists()
    if "import_mentions" in recipe:
        assert MentionBatch.objects.exists() or Mention.objects.filter(external_id="1861").exists()

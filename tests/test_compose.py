"""docker-compose.yml: every long-running service says when it is healthy, through the probes."""

import yaml

from tests.conftest import ROOT


def services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def test_every_long_running_service_has_a_healthcheck():
    for name, service in services().items():
        check = service.get("healthcheck", {})
        if service.get("restart") == "no":
            assert check.get("disable") is True, name  # one-off jobs: done when they exit
            continue
        assert check.get("test"), f"{name} has no healthcheck"


def test_app_healthchecks_use_readiness_or_a_worker_ping():
    every = services()
    assert "readyz" in " ".join(every["web"]["healthcheck"]["test"])
    assert "readyz" in " ".join(every["ws"]["healthcheck"]["test"])
    assert "inspect ping" in " ".join(every["worker"]["healthcheck"]["test"])
    for name in ("beat", "hub-follow", "stream-mastodon", "stream-bluesky"):
        assert every[name]["healthcheck"]["test"] == ["CMD", "python", "manage.py", "readyz"], name
    assert every["hub-follow"]["command"] == "python manage.py hub_follow"

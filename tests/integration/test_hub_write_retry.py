"""A hub page write that fails is never just logged: the lead is told the public page is behind,
and the real worker keeps writing it, with backoff, until it lands."""

import shutil

import pytest
from django.conf import settings
from django.test import Client

from command import flows
from hubpage.models import HubWrite
from hubpage.selectors import write_status
from playbooks.models import AutomatedAction, ChecklistTask
from tests.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broken_hub_folder():
    """The hub folder replaced by a file, as a full or unmounted disk would fail the write
    (the tests run as root, so taking away permissions would not stop a write)."""
    root = settings.HUB_ROOT
    aside = root.with_name(root.name + "-aside")
    shutil.rmtree(aside, ignore_errors=True)
    if root.exists():
        root.rename(aside)
    root.write_text("not a folder")

    def repair():
        if root.is_file():
            root.unlink()
        if aside.exists():
            aside.rename(root)
        else:
            root.mkdir(parents=True, exist_ok=True)

    yield repair
    repair()


def _page(user, path: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_failed_hub_write_is_shown_to_the_lead_and_retried_until_written(
    live, lead, scenario, broken_hub_folder
):
    scenario.checklist_items.filter(title="Publish hub").update(action=AutomatedAction.PUBLISH_HUB)
    activation = flows.activate(scenario=scenario, by=lead)
    crisis = activation.crisis

    status = write_status()
    assert status.behind >= 1 and status.warn and status.error
    overview = _page(lead, "/")
    assert "The public hub page is 1 update behind the database" in overview
    assert "retrying by itself" in overview
    assert "The public hub page is" in _page(lead, f"/playbooks/crises/{crisis.pk}/hub/")
    # The worker keeps trying while the folder is broken, and nothing is ticked as published.
    wait_for(lambda: HubWrite.objects.get(pk=1).attempts >= 3, timeout=30, message="the worker to retry")
    publish_item = ChecklistTask.objects.get(crisis=crisis, action=AutomatedAction.PUBLISH_HUB)
    assert publish_item.done_at is None

    broken_hub_folder()  # IT frees the disk

    wait_for(lambda: write_status().behind == 0, timeout=70, message="the worker to write the page")
    page = (settings.HUB_ROOT / "public" / "index.html").read_text()
    assert scenario.hub_title in page
    wait_for(
        lambda: ChecklistTask.objects.get(pk=publish_item.pk).done_at is not None,
        message="the publish item to tick",
    )
    assert not write_status().warn
    assert "behind the database" not in _page(lead, "/")

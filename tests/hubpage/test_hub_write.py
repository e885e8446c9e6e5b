"""Is the public page as new as the database? Each change moves the version on, each write
records what it wrote; the beat repair writes again, with backoff, what is behind."""

import shutil
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from command import tasks
from hubpage import services
from hubpage.models import HubWrite
from hubpage.selectors import write_retry_due, write_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub_folder_blocked():
    root = settings.HUB_ROOT
    shutil.rmtree(root, ignore_errors=True)
    root.write_text("not a folder")
    yield
    if root.is_file():
        root.unlink()
    root.mkdir(parents=True, exist_ok=True)


def test_a_change_is_behind_until_written():
    services.mark_changed()
    assert write_status().behind == 1 and not write_status().warn  # a write is on its way
    services.publish()
    status = write_status()
    assert status.behind == 0 and status.written_at is not None


def test_a_failed_write_warns_and_the_repair_waits_its_backoff_then_writes(hub_folder_blocked):
    services.mark_changed()
    assert services.publish_quietly() is False
    status = write_status()
    assert status.warn and status.attempts == 1 and "File exists" in status.error
    assert not write_retry_due(status)  # 2 s after the first failure
    assert write_retry_due(status, now=status.failed_at + timedelta(seconds=3))

    HubWrite.objects.filter(pk=1).update(failed_at=timezone.now() - timedelta(minutes=5))
    assert tasks.repair_hub_page() is False  # still blocked: a second failure is counted
    assert write_status().attempts == 2

    settings.HUB_ROOT.unlink()
    HubWrite.objects.filter(pk=1).update(failed_at=timezone.now() - timedelta(minutes=5))
    assert tasks.repair_hub_page() is True
    assert write_status().behind == 0 and not write_status().warn
    assert (settings.HUB_ROOT / "public" / "index.html").exists()


def test_a_write_lost_with_its_process_is_said_and_repaired():
    services.mark_changed()
    HubWrite.objects.filter(pk=1).update(changed_at=timezone.now() - timedelta(minutes=2))
    assert write_status().warn  # behind for two minutes without an error: the write went missing
    assert tasks.repair_hub_page() is True
    assert write_status().behind == 0


def test_nothing_behind_nothing_to_repair():
    assert tasks.repair_hub_page() is False

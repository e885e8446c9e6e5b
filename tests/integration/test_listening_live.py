"""Listening tools through the real parts: uvicorn, a Celery worker, Redis."""

import json
import time
import urllib.error
import urllib.request

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from social.connectors.generic import sign
from social.models import ImportStatus, MentionImport
from tests.conftest import LIVE_WEBHOOK_SECRET, mention_item, wait_for
from triage.models import Mention

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
SECRET = LIVE_WEBHOOK_SECRET


def post_signed(base: str, body: bytes, signature: str) -> int:
    request = urllib.request.Request(
        base + "/webhooks/generic/",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "X-CrisisCenter-Signature": signature},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_signed_delivery_reaches_the_queue_and_forgeries_and_replays_store_nothing(live):
    body = json.dumps([mention_item("live-1", platform="mastodon", text="Is anyone hurt?")]).encode()
    assert post_signed(live, body, sign(body, "forged", int(time.time()))) == 403
    genuine = sign(body, SECRET, int(time.time()))
    assert post_signed(live, body, genuine) == 202
    assert post_signed(live, body, genuine) == 200  # the replay
    mention = wait_for(lambda: Mention.objects.filter(external_id="live-1").first(), message="the mention")
    assert mention.platform == "mastodon" and mention.band == 1
    time.sleep(0.5)
    assert Mention.objects.count() == 1


def test_admin_csv_upload_is_imported_by_the_worker(live):
    admin_user = get_user_model().objects.create_superuser("root", password="pw-root")
    client = Client()
    client.force_login(admin_user)
    csv_text = "id,text,author,followers,date\n" + "\n".join(
        f"c{i},Refund for my cancelled train {i}?,user{i},{i * 10},2026-11-24 09:{i:02d}:00"
        for i in range(40)
    )
    response = client.post(
        "/admin/social/mentionimport/add/",
        {"platform": "facebook", "csv_file": SimpleUploadedFile("fb.csv", csv_text.encode()), "mapping": ""},
    )
    assert response.status_code == 302
    job = MentionImport.objects.get()
    wait_for(
        lambda: MentionImport.objects.get(pk=job.pk).status == ImportStatus.DONE,
        timeout=30,
        message="import done",
    )
    wait_for(
        lambda: Mention.objects.filter(platform="facebook").count() == 40, timeout=30, message="mentions"
    )
    job.refresh_from_db()
    assert (job.rows_read, job.accepted, job.rejected) == (40, 40, 0)

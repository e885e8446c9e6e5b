"""Any listening tool: the signed generic webhook and CSV imports (command and admin upload)."""

import json
import time
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from social.connectors.generic import sign
from social.models import ConnectorHealth, ImportStatus, MentionImport
from tests.conftest import mention_item
from tests.connector_helpers import process_pending
from triage.inbound.csv_import import run_import
from triage.models import Mention, MentionBatch

SECRET = "shared-webhook-secret"
URL = "/webhooks/generic/"


@pytest.fixture
def webhook_secret(monkeypatch):
    monkeypatch.setenv("GENERIC_WEBHOOK_SECRET", SECRET)


def deliver(client, body: bytes, signature: str | None):
    headers = {"HTTP_X_CRISISCENTER_SIGNATURE": signature} if signature is not None else {}
    return client.post(URL, data=body, content_type="application/json", **headers)


def body_of(*items) -> bytes:
    return json.dumps(list(items)).encode()


@pytest.mark.django_db
def test_genuine_delivery_is_stored_and_its_replay_stores_nothing_new(client, webhook_secret):
    body = body_of(mention_item("w1", platform="mastodon"), mention_item("w2", platform="reddit"))
    signature = sign(body, SECRET, int(time.time()))
    response = deliver(client, body, signature)
    assert response.status_code == 202
    assert response.json()["accepted"] == 2
    replay = deliver(client, body, signature)
    assert replay.status_code == 200 and replay.json()["replay"] is True
    assert MentionBatch.objects.count() == 1
    process_pending()
    assert set(Mention.objects.values_list("external_id", flat=True)) == {"w1", "w2"}
    assert ConnectorHealth.objects.get(platform="generic").events_total == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make_signature", "status", "reason"),
    [
        (lambda body: None, 401, "missing"),
        (lambda body: "v1=abc", 401, "must be t="),
        (lambda body: sign(body, "not-the-secret", int(time.time())), 403, "does not match"),
        (lambda body: sign(body + b" ", SECRET, int(time.time())), 403, "does not match"),
        (lambda body: sign(body, SECRET, int(time.time()) - 301), 403, "5 minutes"),
        (lambda body: sign(body, SECRET, int(time.time()) + 400), 403, "5 minutes"),
    ],
    ids=["missing", "unreadable", "wrong-secret", "tampered-body", "too-old", "from-the-future"],
)
def test_forged_old_or_missing_signatures_are_refused_and_store_nothing(
    client, webhook_secret, make_signature, status, reason
):
    body = body_of(mention_item("f1"))
    response = deliver(client, body, make_signature(body))
    assert response.status_code == status
    assert reason in response.json()["detail"]
    assert not MentionBatch.objects.exists()
    assert ConnectorHealth.objects.get(platform="generic").errors_total == 1


@pytest.mark.django_db
def test_malformed_signed_payloads_are_rejected_with_the_reason_and_counted(client, webhook_secret):
    for body in (b"{not json", body_of(mention_item("m1", created_at="yesterday"))):
        response = deliver(client, body, sign(body, SECRET, int(time.time())))
        assert response.status_code == 400
    assert "created_at" in json.dumps(response.json())
    assert not MentionBatch.objects.exists()
    health = ConnectorHealth.objects.get(platform="generic")
    assert health.errors_total == 2 and "malformed" in health.last_error


@pytest.mark.django_db
def test_webhook_without_a_configured_secret_accepts_nothing(client, monkeypatch):
    monkeypatch.delenv("GENERIC_WEBHOOK_SECRET", raising=False)
    body = body_of(mention_item("x1"))
    assert deliver(client, body, sign(body, "", int(time.time()))).status_code == 503
    assert client.get(URL).status_code == 405


CSV = (
    "Tweet Id,Network,Content,Author,Followers,Date,Link,Language,Shares\n"
    '101,x,Is the 8:14 cancelled?,commuter_kate,"1,300",2026-11-23 10:02:00,https://x.com/k/101,en,3\n'
    "102,x,,bob_travels,10,2026-11-23 10:03:00,,en,0\n"
    "103,x,Smoke in coach C!,alice_m,lots,2026-11-23 10:04:00,,en,0\n"
    "104,x,Refund please,lucas_b,90,last tuesday,,en,0\n"
    "105,tiktok,Anyone hurt?,granny_joan,35,2026-11-23T10:05:00Z,,en,0\n"
    ",mastodon,Rebooking for tomorrow?,dev_ravi,1.2k,1763892300,,fr,0\n"
)


@pytest.mark.django_db
def test_csv_import_reports_progress_and_each_bad_row_with_its_reason(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(CSV, encoding="utf-8")
    out = StringIO()
    call_command("import_mentions", str(path), "--map", "Tweet Id=external_id", stdout=out)
    output = out.getvalue()
    assert "6 rows read, 2 accepted in 1 batches, 4 rejected" in output
    assert "row 3: text is empty" in output
    assert "row 4: followers 'lots' is not a number" in output
    assert "row 5: created_at 'last tuesday' is not a date" in output
    assert "row 6: platform unknown platform 'tiktok'" in output
    process_pending()
    kate = Mention.objects.get(external_id="101")
    assert (kate.author_followers, kate.reshares, kate.url) == (1300, 3, "https://x.com/k/101")
    ravi = Mention.objects.get(platform="mastodon")
    assert ravi.author_followers == 1200 and ravi.external_id.startswith("csv-")
    # The same export again: the rows without an id get the same derived id, nothing doubles.
    call_command("import_mentions", str(path), "--map", "Tweet Id=external_id", stdout=StringIO())
    process_pending()
    assert Mention.objects.count() == 2


@pytest.mark.django_db
def test_large_csv_goes_in_batches_of_500(tmp_path):
    rows = [f"r{i},Where is my refund {i}?,user{i},{i},2026-11-23 10:00:00" for i in range(1200)]
    path = tmp_path / "big.csv"
    path.write_text("id,text,handle,followers,date\n" + "\n".join(rows), encoding="utf-8")
    out = StringIO()
    call_command("import_mentions", str(path), "--platform", "reddit", stdout=out)
    assert [b.item_count for b in MentionBatch.objects.order_by("pk")] == [500, 500, 200]
    assert "500 rows read, 500 accepted, 0 rejected" in out.getvalue()
    assert "1200 rows read, 1200 accepted in 3 batches, 0 rejected" in out.getvalue()


@pytest.mark.django_db
def test_csv_import_refuses_a_bad_map_or_a_file_without_text(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no text column"):
        call_command("import_mentions", str(path), stdout=StringIO())
    with pytest.raises(CommandError, match="expected COLUMN=FIELD"):
        call_command("import_mentions", str(path), "--map", "a=nonsense", stdout=StringIO())
    with pytest.raises(CommandError, match="does not have: Missing"):
        call_command("import_mentions", str(path), "--map", "Missing=text", stdout=StringIO())


@pytest.mark.django_db
def test_admin_upload_queues_an_import_whose_progress_shows_on_its_page(
    client, django_capture_on_commit_callbacks
):
    admin_user = get_user_model().objects.create_superuser("root", password="pw-root")
    client.force_login(admin_user)
    upload = SimpleUploadedFile("export.csv", CSV.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            "/admin/social/mentionimport/add/",
            {"platform": "", "csv_file": upload, "mapping": "Tweet Id=external_id"},
        )
    job = MentionImport.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/{job.pk}/change/")
    assert len(callbacks) == 1  # the Celery task, after commit
    assert (job.status, job.column_map, job.created_by) == (
        ImportStatus.QUEUED,
        {"Tweet Id": "external_id"},
        admin_user,
    )
    page = client.get(response.url).content.decode()
    assert 'http-equiv="refresh"' in page
    run_import(job.pk)
    assert run_import(job.pk) is None  # a second delivery of the task does nothing
    page = client.get(response.url).content.decode()
    assert "Done: 6 rows read, 2 accepted, 4 rejected" in page
    assert "row 5: created_at &#x27;last tuesday&#x27; is not a date" in page
    assert 'http-equiv="refresh"' not in page


@pytest.mark.django_db
def test_admin_upload_of_a_file_that_is_not_utf8_is_a_form_error(client):
    client.force_login(get_user_model().objects.create_superuser("root", password="pw-root"))
    upload = SimpleUploadedFile("export.csv", "text,é\n".encode("latin-1"), content_type="text/csv")
    response = client.post("/admin/social/mentionimport/add/", {"csv_file": upload, "mapping": ""})
    assert response.status_code == 200
    assert "not UTF-8" in response.content.decode()
    assert not MentionImport.objects.exists()


@pytest.mark.django_db
def test_a_file_that_stops_being_csv_keeps_the_rows_before_and_says_where(tmp_path):
    huge = "x" * 200_000  # beyond the csv module's field limit
    path = tmp_path / "broken.csv"
    path.write_text(
        "id,text,handle,followers,date\n"
        "a1,Refund please,kate,10,2026-11-23 10:00:00\n"
        f'a2,"{huge}",bob,10,2026-11-23 10:00:00\n'
        "a3,Never read,joan,10,2026-11-23 10:00:00\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command("import_mentions", str(path), "--platform", "x", stdout=out)
    assert "1 accepted in 1 batches, 1 rejected" in out.getvalue()
    assert "row 3: unreadable CSV from here on" in out.getvalue()
    assert MentionBatch.objects.get().items[0]["external_id"] == "a1"

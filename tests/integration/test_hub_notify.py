"""An update posted through the API reaches confirmed subscribers through the real Celery worker."""

import pytest
from django.utils import timezone

from command import flows
from hubpage.models import HubUpdate, Subscriber
from tests.conftest import wait_for

from .conftest import http_post

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_posted_update_is_mailed_to_confirmed_subscribers_by_the_worker(live, lead, scenario):
    now = timezone.now()
    for i in range(3):
        Subscriber.objects.create(email=f"s{i}@example.org", lang="en", created_at=now, confirmed_at=now)
    # Created last, so a batch that took her in would end at her id, not the last English one's.
    french = Subscriber.objects.create(email="fr@example.org", lang="fr", created_at=now, confirmed_at=now)
    flows.activate(scenario=scenario, by=lead)
    # Once the French page has an update of its own, English ones are no longer mailed to her.
    status, body = http_post(
        live, "/api/v1/hub/updates/", {"body": "Bus toutes les 10 minutes.", "lang": "fr"}, lead
    )
    assert status == 201
    french_update = body["id"]
    status, body = http_post(live, "/api/v1/hub/updates/", {"body": "Buses every 10 minutes."}, lead)
    assert status == 201 and body["lang"] == "en"
    english = Subscriber.objects.filter(lang="en").order_by("pk").last()
    wait_for(
        lambda: HubUpdate.objects.get(pk=body["id"]).notified_upto == english.pk,
        timeout=15,
        message="the worker to mail the English subscribers",
    )
    wait_for(
        lambda: HubUpdate.objects.get(pk=french_update).notified_upto == french.pk,
        timeout=15,
        message="the worker to mail the French subscriber",
    )

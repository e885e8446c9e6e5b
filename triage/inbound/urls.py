"""Platform deliveries (under /webhooks/): X, Meta and the signed generic webhook."""

from django.urls import path

from triage.inbound import generic_webhook, webhooks

urlpatterns = [
    path("x/", webhooks.x_webhook, name="webhook_x"),
    path("meta/", webhooks.meta_webhook, name="webhook_meta"),
    path("generic/", generic_webhook.generic_webhook, name="generic_webhook"),
]

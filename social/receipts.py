"""The one replay store for webhook deliveries: a delivery already stored is acknowledged and
stores nothing new. Rows live in PostgreSQL beside the batch they came with, written in the
same transaction, so a delivery whose store failed can be sent again and is then accepted."""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import WebhookReceipt


def first_delivery(source: str, key: str, *, keep_seconds: int) -> bool:
    """Record the delivery `key` (a signature or a body digest) from `source`; False if it was
    already received. Receipts older than keep_seconds, which no retry can repeat, are dropped."""
    now = timezone.now()
    WebhookReceipt.objects.filter(
        source=source, received_at__lt=now - timedelta(seconds=keep_seconds)
    ).delete()
    try:
        with transaction.atomic():
            WebhookReceipt.objects.create(source=source, signature=key, received_at=now)
    except IntegrityError:
        return False
    return True

"""The worker stores plain rows (MentionRow), not models: they must hold exactly what a Mention would."""

from datetime import UTC, datetime

import pytest
from django.db import transaction

from tests.conftest import mention_item
from triage.ingest import build_mention, build_row, column_defaults, insert_new_mentions, normalise
from triage.models import Mention
from triage.scoring import ScoringRules
from triage.selectors import mention_payload

CONTEXT = {
    "now": datetime(2026, 11, 23, 10, 5, tzinfo=UTC),
    "rules": ScoringRules(influencer_followers=1000),
    "watchlist": {("", "janedoe"): "journalist"},
    "brand": frozenset({"northlinerail"}),
}


def test_a_worker_row_has_every_column_of_the_model_with_the_same_values():
    item, _ = normalise(mention_item(author={"handle": "janedoe", "followers": 48200, "verified": True}))
    model, row = build_mention(item, **CONTEXT), build_row(item, defaults=column_defaults(), **CONTEXT)
    for field in Mention._meta.concrete_fields:
        if not field.primary_key:
            assert getattr(row, field.attname) == getattr(model, field.attname), field.attname
    model.pk = row.pk = 41
    assert mention_payload(row) == mention_payload(model)
    assert row.author_kind == "journalist" and row.status == "new"


@pytest.mark.django_db
def test_rows_are_stored_once_and_numbered(db):
    item, _ = normalise(mention_item("77"))
    defaults = column_defaults()
    with transaction.atomic():
        first = insert_new_mentions([build_row(item, defaults=defaults, **CONTEXT)] * 2)
        again = insert_new_mentions([build_row(item, defaults=defaults, **CONTEXT)])
    assert len(first) == 1 and first[0].pk == Mention.objects.get(external_id="77").pk
    assert again == []

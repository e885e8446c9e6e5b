"""Retention: a mark on anonymised mentions and an index of those not yet anonymised.

The index is built CONCURRENTLY (so non-atomic): on a mentions table of tens of millions of
rows a plain CREATE INDEX would block ingest for minutes. Adding the nullable column is
instant in PostgreSQL."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("triage", "0008_multilang_template_language_scenario_keywords")]

    operations = [
        migrations.AddField(
            model_name="mention",
            name="anonymised_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        AddIndexConcurrently(
            model_name="mention",
            index=models.Index(
                condition=models.Q(("anonymised_at", None)),
                fields=["ingested_at"],
                name="mention_not_anonymised_idx",
            ),
        ),
    ]

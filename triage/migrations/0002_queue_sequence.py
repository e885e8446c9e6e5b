from django.db import migrations


class Migration(migrations.Migration):
    """The sequence numbering queue deltas, and autovacuum fit for a hot table."""

    dependencies = [("triage", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE IF NOT EXISTS triage_queue_seq",
            "DROP SEQUENCE IF EXISTS triage_queue_seq",
        ),
        migrations.RunSQL(
            # Claims leave dead index entries that slow the next claim: vacuum early.
            "ALTER TABLE triage_mention SET (autovacuum_vacuum_scale_factor = 0.01, "
            "autovacuum_analyze_scale_factor = 0.02)",
            "ALTER TABLE triage_mention RESET (autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor)",
        ),
    ]

"""The audit trail also refuses TRUNCATE, and keeps who did what when a user is deleted.

`actor_name` keeps the actor's username on the entry: deleting the user still sets `actor`
to NULL (the one update the trigger lets through), the name stays. TRUNCATE is refused by a
statement trigger unless the session set crisiscenter.allow_audit_truncate (the tests' flush).
"""

from django.db import migrations, models

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION playbooks_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL
       AND (NEW.id, NEW.at, NEW.kind, NEW.description, NEW.details, NEW.crisis_id, NEW.actor_name)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.at, OLD.kind, OLD.description, OLD.details, OLD.crisis_id, OLD.actor_name) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP USING ERRCODE = 'restrict_violation';
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION playbooks_auditentry_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('crisiscenter.allow_audit_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only (TRUNCATE refused)' USING ERRCODE = 'restrict_violation';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER auditentry_no_truncate BEFORE TRUNCATE ON playbooks_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION playbooks_auditentry_no_truncate();
"""

UNDO = """
DROP TRIGGER IF EXISTS auditentry_no_truncate ON playbooks_auditentry;
DROP FUNCTION IF EXISTS playbooks_auditentry_no_truncate();
CREATE OR REPLACE FUNCTION playbooks_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL
       AND (NEW.id, NEW.at, NEW.kind, NEW.description, NEW.details, NEW.crisis_id)
           IS NOT DISTINCT FROM (OLD.id, OLD.at, OLD.kind, OLD.description, OLD.details, OLD.crisis_id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP USING ERRCODE = 'restrict_violation';
END
$$ LANGUAGE plpgsql;
"""

# The names of the entries written so far, once, with the row trigger off for this statement.
BACKFILL = """
ALTER TABLE playbooks_auditentry DISABLE TRIGGER auditentry_append_only;
UPDATE playbooks_auditentry a SET actor_name = u.username FROM auth_user u WHERE u.id = a.actor_id;
ALTER TABLE playbooks_auditentry ENABLE TRIGGER auditentry_append_only;
"""


class Migration(migrations.Migration):
    dependencies = [("playbooks", "0011_practices_broadcast_huddle_drills")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="actor_name",
            field=models.CharField(blank=True, default="", editable=False, max_length=150),
            preserve_default=False,
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.RunSQL(APPEND_ONLY, UNDO),
    ]

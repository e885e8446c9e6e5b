"""A backup is only as good as its restore: deploy/backup.sh (the compose `backup` service)
dumps the test database with pg_dump, pg_restore loads it into a fresh database, and the
same crisis, queue (mentions with their states and holders) and audit trail come back, with
the audit trail still append-only."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from command import flows
from playbooks.models import AuditEntry, Crisis
from tests.conftest import mention_item, store_items
from triage import services as queue
from triage.models import Mention, MentionStatus

pgserver = pytest.importorskip(
    "pgserver._commands", reason="pg_dump/pg_restore come with pgserver (embedded)"
)
ROOT = Path(__file__).resolve().parent.parent
PG_BIN = pgserver.POSTGRES_BIN_PATH


def libpq_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    return env | {
        "PGHOST": db["HOST"] or "",
        "PGPORT": str(db["PORT"] or 5432),
        "PGUSER": db["USER"] or "postgres",
        "PGPASSWORD": db["PASSWORD"] or "",
        "PGDATABASE": db["NAME"],
        "PATH": f"{PG_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }


def connect(dbname: str):
    db = settings.DATABASES["default"]
    return psycopg2.connect(
        dbname=dbname, user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"] or None
    )


@pytest.fixture
def fresh_database():
    name = f"restore_check_{os.getpid()}"
    admin = connect("postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    yield name
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def a_crisis_with_a_worked_queue(lead, agent, other_agent, scenario) -> Crisis:
    crisis = flows.activate(scenario=scenario, by=lead).crisis
    store_items(
        [
            mention_item(
                str(n), text=f"Mention {n}: when do trains run?", author={"handle": f"a{n}", "followers": n}
            )
            for n in range(1, 7)
        ]
    )
    one, two, three, four, *_ = Mention.objects.order_by("external_id")
    queue.claim(mention_id=one.pk, agent=agent)
    queue.claim(mention_id=two.pk, agent=other_agent)
    queue.claim(mention_id=three.pk, agent=agent)
    queue.resolve(mention_id=three.pk, agent=agent)
    queue.dismiss(mention_id=four.pk, agent=other_agent)
    return crisis


def queue_state(cur) -> list[tuple]:
    cur.execute(
        """SELECT m.platform, m.external_id, m.status, u.username, m.score, m.band, m.crisis_id
           FROM triage_mention m LEFT JOIN auth_user u ON u.id = m.claimed_by_id
           ORDER BY m.external_id"""
    )
    return cur.fetchall()


def audit_trail(cur) -> list[tuple]:
    cur.execute(
        "SELECT id, at, kind, description, details::text, crisis_id FROM playbooks_auditentry ORDER BY id"
    )
    return cur.fetchall()


def crisis_row(cur, crisis_id: int) -> tuple:
    cur.execute(
        "SELECT id, title, phase, is_drill, activated_at, scenario_id FROM playbooks_crisis WHERE id = %s",
        [crisis_id],
    )
    return cur.fetchone()


@pytest.mark.django_db(transaction=True)  # pg_dump reads from its own connection: data must be committed
def test_the_scheduled_dump_restores_the_same_crisis_queue_and_audit_trail(
    tmp_path, fresh_database, lead, agent, other_agent, scenario
):
    crisis = a_crisis_with_a_worked_queue(lead, agent, other_agent, scenario)
    assert AuditEntry.objects.filter(crisis=crisis).exists()

    done = subprocess.run(
        ["sh", str(ROOT / "deploy" / "backup.sh")],
        env=libpq_env() | {"BACKUP_DIR": str(tmp_path), "BACKUP_ONCE": "1", "BACKUP_RETENTION_DAYS": "14"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    [dump] = tmp_path.glob(f"{settings.DATABASES['default']['NAME']}-*.dump")
    assert not list(tmp_path.glob(".*.partial")) and "wrote" in done.stdout

    restored = subprocess.run(
        [str(PG_BIN / "pg_restore"), "--no-owner", "--exit-on-error", "--dbname", fresh_database, str(dump)],
        env=libpq_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert restored.returncode == 0, restored.stderr

    with connection.cursor() as cur:
        before = (crisis_row(cur, crisis.pk), queue_state(cur), audit_trail(cur))
    copy = connect(fresh_database)
    try:
        with copy.cursor() as cur:
            after = (crisis_row(cur, crisis.pk), queue_state(cur), audit_trail(cur))
            statuses = {row[2] for row in after[1]}
            assert statuses >= {MentionStatus.NEW, MentionStatus.CLAIMED, MentionStatus.RESOLVED}
            assert after == before
            # The audit trail came back append-only: its trigger still refuses a change.
            with pytest.raises(psycopg2.Error, match=r"append-only|cannot"):
                cur.execute("UPDATE playbooks_auditentry SET description = 'rewritten'")
            copy.rollback()
            # And the restored database is fully migrated: nothing left for migrate to do.
            cur.execute("SELECT count(*) FROM django_migrations")
            assert cur.fetchone()[0] > 0
    finally:
        copy.close()


def test_a_failed_dump_keeps_the_previous_ones_and_says_so(tmp_path):
    (tmp_path / "crisiscenter-20260101T000000Z.dump").write_bytes(b"an older dump")
    env = libpq_env() | {
        "PGDATABASE": "crisiscenter",
        "PGHOST": "/nonexistent-socket-dir",
        "BACKUP_DIR": str(tmp_path),
        "BACKUP_ONCE": "1",
    }
    done = subprocess.run(["sh", str(ROOT / "deploy" / "backup.sh")], env=env, capture_output=True, text=True)
    assert done.returncode != 0 and "FAILED: pg_dump of crisiscenter" in done.stdout
    assert [p.name for p in tmp_path.iterdir()] == ["crisiscenter-20260101T000000Z.dump"]


def test_old_dumps_are_pruned_but_never_the_newest(tmp_path):
    old = tmp_path / "crisiscenter-20250101T000000Z.dump"
    older = tmp_path / "crisiscenter-20240101T000000Z.dump"
    for path, days in ((old, 20), (older, 40)):
        path.write_bytes(b"x")
        stamp = path.stat().st_mtime - days * 86400
        os.utime(path, (stamp, stamp))
    script = ROOT / "deploy" / "backup.sh"
    # The script's settings and functions only, then prune() as each loop turn runs it.
    body = script.read_text().split('if [ "${BACKUP_ONCE:-0}" = "1" ]; then')[0]
    done = subprocess.run(
        ["sh", "-c", body + "\nprune\n"],
        env=libpq_env()
        | {"PGDATABASE": "crisiscenter", "BACKUP_DIR": str(tmp_path), "BACKUP_RETENTION_DAYS": "14"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    # Both are past 14 days, but the newest one stays: never no backup at all.
    assert sorted(p.name for p in tmp_path.iterdir()) == [old.name]

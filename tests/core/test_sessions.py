"""Which account changes tell a user's open sockets to close (core.sessions), and which do not."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from core import events
from core.roles import Role, grant
from core.sessions import session_tag
from tests.factories import RosterEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def told(monkeypatch):
    """The session.close messages sent, as (user id, session tag)."""
    sent: list[tuple[int, str | None]] = []

    def capture(group: str, event: dict) -> None:
        if event.get("type") == "session.close":
            sent.append((int(group.removeprefix("user.")), event["session"]))

    monkeypatch.setattr(events, "_group_send", capture)
    return sent


def test_logout_closes_that_sessions_sockets_only(agent, told, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(agent)
    key = client.session.session_key
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/logout/")
    assert told == [(agent.pk, session_tag(key))]
    assert key not in told[0][1]  # the key itself (a credential) never travels


@pytest.mark.parametrize(
    "change",
    [
        lambda u: (setattr(u, "is_active", False), u.save()),
        lambda u: (u.set_password("a new long password"), u.save()),
        lambda u: (setattr(u, "is_superuser", True), u.save(update_fields=["is_superuser"])),
        lambda u: u.groups.clear(),
        lambda u: grant(u, Role.LEAD),
        lambda u: Group.objects.get(name=Role.AGENT.value).user_set.remove(u),
        lambda u: Group.objects.get(name=Role.AGENT.value).delete(),
        lambda u: RosterEntryFactory(user=u, outside_team="Lisbon contact centre"),
        lambda u: u.delete(),
    ],
    ids=[
        "deactivated",
        "password",
        "superuser",
        "groups cleared",
        "role added",
        "removed from group",
        "group deleted",
        "outside team",
        "deleted",
    ],
)
def test_account_changes_close_every_socket_of_the_user(
    change, agent, told, django_capture_on_commit_callbacks
):
    user_id = agent.pk
    with django_capture_on_commit_callbacks(execute=True):
        change(agent)
    assert (user_id, None) in told


def test_a_login_or_a_name_change_closes_nothing(agent, told, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        agent.last_login = timezone.now()
        agent.save(update_fields=["last_login"])
        agent.first_name = "Ade"
        agent.save()
    assert told == []

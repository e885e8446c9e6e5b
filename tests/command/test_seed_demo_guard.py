"""seed_demo resets the demo accounts' passwords: never by accident on a production install."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_without_debug_or_force(settings):
    settings.DEBUG = False
    admin = get_user_model().objects.create_user("admin", password="a real admin's own password")
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=io.StringIO())
    admin.refresh_from_db()
    assert admin.check_password("a real admin's own password")


def test_seed_demo_runs_with_force_and_its_users_sign_in(settings, monkeypatch):
    settings.DEBUG = False
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-12")
    call_command("seed_demo", "--force", stdout=io.StringIO())
    lead = get_user_model().objects.get(username="lead")
    assert lead.check_password("demo-password-12")


def test_the_generated_demo_password_meets_the_minimum(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    password = out.getvalue().rsplit(": ", 1)[1].strip()
    assert len(password) >= 12

"""Signing in as an attacker tries it: wrong passwords lock the account out for that address,
wrong authenticator codes count the same, short passwords are refused, reset mails are limited."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.roles import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str, address: str = "198.51.100.7", **extra):
    return client.post(
        "/accounts/login/", {"username": username, "password": password, **extra}, REMOTE_ADDR=address
    )


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def test_wrong_passwords_lock_the_account_out_even_for_the_right_one(lead, settings):
    client = Client()
    answers = [sign_in(client, lead.username, "wrong password") for _ in range(settings.AXES_FAILURE_LIMIT)]
    # The attempt that reaches the limit is already answered with the lockout.
    assert [a.status_code for a in answers] == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    locked = sign_in(client, lead.username, f"pw-{lead.username}")
    assert locked.status_code == 429
    assert b"Too many failed sign-ins" in locked.content
    assert int(locked["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert "_auth_user_id" not in client.session


def test_a_lockout_is_per_username_and_address(lead, agent, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), lead.username, "wrong password")
    # The same person from another address, and another account from the same address, sign in.
    assert sign_in(Client(), lead.username, f"pw-{lead.username}", address="203.0.113.50").status_code == 302
    assert sign_in(Client(), agent.username, f"pw-{agent.username}").status_code == 302


def test_deleting_the_access_attempt_unlocks_the_account(lead, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), lead.username, "wrong password")
    assert sign_in(Client(), lead.username, f"pw-{lead.username}").status_code == 429
    AccessAttempt.objects.filter(username=lead.username).delete()  # what the admin's delete does
    assert sign_in(Client(), lead.username, f"pw-{lead.username}").status_code == 302


def test_a_lead_unlocks_on_the_lockouts_page(lead, agent, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), agent.username, "wrong password")
    helper = Client()
    helper.force_login(agent)
    assert helper.get("/accounts/lockouts/").status_code == 403  # agents cannot unlock anyone
    client = Client()
    client.force_login(lead)
    page = client.get("/accounts/lockouts/")
    assert page.status_code == 200 and f"Unlock {agent.username}".encode() in page.content
    attempt = AccessAttempt.objects.get(username=agent.username)
    assert client.post("/accounts/lockouts/", {"attempt": attempt.pk}).status_code == 302
    assert sign_in(Client(), agent.username, f"pw-{agent.username}").status_code == 302


def test_an_admin_can_unlock_in_the_admin(lead, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), lead.username, "wrong password")
    admin = make_user("ada_admin", Role.ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    attempts = client.get("/admin/axes/accessattempt/")
    assert attempts.status_code == 200 and lead.username.encode() in attempts.content


def test_the_admin_login_goes_through_the_one_login_page():
    answer = Client().get("/admin/login/?next=/admin/playbooks/")
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/?next=")


def test_passwords_need_twelve_characters():
    with pytest.raises(ValidationError):
        validate_password("Xq7#mzP2!aa")  # 11
    validate_password("Xq7#mzP2!aaB")  # 12


def test_password_reset_mails_are_limited(lead, settings):
    lead.email = "lena@example.org"
    lead.save()
    client = Client()
    answers = [
        client.post("/accounts/password_reset/", {"email": lead.email}, REMOTE_ADDR="198.51.100.9")
        for _ in range(settings.PASSWORD_RESETS_PER_MINUTE + 1)
    ]
    assert [a.status_code for a in answers[:-1]] == [302] * settings.PASSWORD_RESETS_PER_MINUTE
    assert answers[-1].status_code == 429 and answers[-1]["Retry-After"] == "60"
    assert len(mail.outbox) == settings.PASSWORD_RESETS_PER_MINUTE


# --- TOTP -------------------------------------------------------------------------------------
@pytest.fixture
def enrolled(lead) -> TOTPDevice:
    return TOTPDevice.objects.create(user=lead, name="authenticator", confirmed=True)


def test_an_enrolled_lead_needs_the_code_to_sign_in(lead, enrolled):
    client = Client()
    missing = sign_in(client, lead.username, f"pw-{lead.username}")
    assert missing.status_code == 200 and b"Enter the code your authenticator app shows" in missing.content
    wrong = sign_in(client, lead.username, f"pw-{lead.username}", otp_token="000000")
    assert wrong.status_code == 200 and b"That code is wrong" in wrong.content
    enrolled.refresh_from_db()
    enrolled.throttle_reset()  # django-otp's own pause after a wrong code (1 s, doubling)
    right = sign_in(client, lead.username, f"pw-{lead.username}", otp_token=code_for(enrolled))
    assert right.status_code == 302 and client.session.get("otp_device_id")


def test_wrong_codes_count_towards_the_lockout(lead, enrolled, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), lead.username, f"pw-{lead.username}", otp_token="000000")
    enrolled.refresh_from_db()
    enrolled.throttle_reset()  # django-otp's own pause aside: axes locks the account first
    locked = sign_in(Client(), lead.username, f"pw-{lead.username}", otp_token=code_for(enrolled))
    assert locked.status_code == 429


def test_a_lead_enrols_with_the_secret_shown_and_a_code(lead):
    client = Client()
    client.force_login(lead)
    page = client.get("/accounts/two-factor/")
    assert page.status_code == 200 and b"otpauth://totp/" in page.content
    device = TOTPDevice.objects.get(user=lead, confirmed=False)
    assert client.post("/accounts/two-factor/", {"code": "000000"}).status_code == 400
    device.refresh_from_db()
    device.throttle_reset()
    assert client.post("/accounts/two-factor/", {"code": code_for(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert b"Two-factor sign-in is on" in client.get("/accounts/two-factor/").content


def test_agents_cannot_enrol(agent):
    client = Client()
    client.force_login(agent)
    assert client.get("/accounts/two-factor/").status_code == 403
    assert not TOTPDevice.objects.filter(user=agent).exists()


def test_required_for_admins_sends_an_unenrolled_admin_to_enrolment(settings):
    settings.OTP_REQUIRED_FOR_ADMINS = True
    admin = make_user("ada_admin", Role.ADMIN)
    admin.is_staff = True
    admin.save()
    client = Client()
    client.force_login(admin)
    answer = client.get("/admin/")
    assert answer.status_code == 302 and answer["Location"] == "/accounts/two-factor/"
    assert client.get("/accounts/two-factor/").status_code == 200
    device = TOTPDevice.objects.get(user=admin)
    assert client.post("/accounts/two-factor/", {"code": code_for(device)}).status_code == 302
    assert client.get("/admin/").status_code == 200  # verified in this session by the enrolment

"""Signing in: the login form with its optional authenticator code, the lockout page, a
throttled password reset, and TOTP enrolment for leads and admins.

A wrong code counts as a failed sign-in for django-axes (the `user_login_failed` signal), so
guessing codes locks the account out as guessing passwords does.
"""

from __future__ import annotations

import base64
from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from redis.exceptions import RedisError

from . import netaddr, ratelimit
from .roles import LEADS, has_role


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def may_enrol(user: Any) -> bool:
    """Leads and admins (the role, or Django staff) may protect their sign-in with a code."""
    return user.is_authenticated and (has_role(user, LEADS) or user.is_staff or user.is_superuser)


class CodeLoginMixin:
    """Adds `otp_token`: required once the user has enrolled an authenticator, else ignored."""

    otp_token = forms.CharField(
        label=gettext_lazy("Authenticator code"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=gettext_lazy("Only if you set up an authenticator app."),
    )

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        self.otp_device = None
        device = confirmed_device(user)
        if device is None:
            return
        token = (self.cleaned_data.get("otp_token") or "").strip()
        allowed, _extra = device.verify_is_allowed()
        if token and allowed and device.verify_token(token):
            self.otp_device = device
            return
        user_login_failed.send(
            sender=__name__,
            credentials={"username": self.cleaned_data.get("username")},
            request=self.request,
        )
        message = (
            _("Enter the code your authenticator app shows.")
            if not token
            else _("That code is wrong or has expired. Enter the current code.")
        )
        raise forms.ValidationError(message, code="otp")


class LoginForm(CodeLoginMixin, AuthenticationForm):
    otp_token = CodeLoginMixin.otp_token


class LoginView(auth_views.LoginView):
    form_class = LoginForm

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.otp_device is not None:
            otp_login(self.request, form.otp_device)
        return response


def locked_out(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page again, saying why and for how long (429)."""
    cool_off = get_cool_off(request)
    minutes = max(1, int(cool_off.total_seconds() // 60)) if cool_off else None
    response = render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's, with a limit on the mails one client address, or one mailbox, can cause."""

    def post(self, request, *args, **kwargs):
        limit = settings.PASSWORD_RESETS_PER_MINUTE
        address = netaddr.rate_key(netaddr.client_ip(request))
        email = request.POST.get("email", "")[:254].strip().lower()
        try:
            allowed = ratelimit.within_limit(f"reset:addr:{address}", limit=limit) and ratelimit.within_limit(
                f"reset:mail:{email}", limit=limit
            )
        except RedisError:
            allowed = True  # Redis down: a reset mail still goes (Django's own token limits it)
        if not allowed:
            response = render(request, "registration/reset_throttled.html", status=429)
            response["Retry-After"] = "60"
            return response
        return super().post(request, *args, **kwargs)


# --- two-factor enrolment ---------------------------------------------------------------------
class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from the app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _secret(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed in: base32, in groups of four."""
    text = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enrol: a new secret is shown (as text and as the otpauth:// link an app opens); the code
    the app then shows confirms it. Enrolled: the same code turns it off."""
    if not may_enrol(request.user):
        return render(request, "registration/two_factor.html", {"not_allowed": True}, status=403)
    device = confirmed_device(request.user)
    pending = None
    if device is None:
        pending = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        if pending is None:
            pending = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = device or pending
        if target.verify_token(form.cleaned_data["code"].strip()):
            if device is None:
                pending.confirmed = True
                pending.save(update_fields=["confirmed"])
                otp_login(request, pending)
                messages.success(request, _("Two-factor sign-in is on: signing in now asks for a code."))
            else:
                TOTPDevice.objects.filter(user=request.user).delete()
                messages.success(request, _("Two-factor sign-in is off."))
            return redirect("two_factor")
        form.add_error("code", _("That code is wrong or has expired. Enter the current code."))
    context = {
        "device": device,
        "form": form,
        "secret": _secret(pending) if pending else "",
        "config_url": pending.config_url if pending else "",
        "required": settings.OTP_REQUIRED_FOR_ADMINS and request.user.is_staff,
    }
    return render(request, "registration/two_factor.html", context, status=400 if form.errors else 200)


# --- lockouts, for leads ----------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def lockouts(request: HttpRequest) -> HttpResponse:
    """Comms leads (and admins) see who is locked out and unlock them; admins also can in the
    admin (Axes, "Access attempts")."""
    if not has_role(request.user, LEADS):
        return render(request, "registration/lockouts.html", {"not_allowed": True}, status=403)
    if request.method == "POST":
        attempt = AccessAttempt.objects.filter(pk=request.POST.get("attempt", "")[:20] or None).first()
        if attempt is not None:
            attempt.delete()
            messages.success(request, _("%(name)s can sign in again.") % {"name": attempt.username})
        return redirect("lockouts")
    locked = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT).order_by(
        "-attempt_time"
    )
    return render(request, "registration/lockouts.html", {"locked": locked[:200]})

"""OTP_REQUIRED_FOR_ADMINS: an admin (Django staff) who has not enrolled an authenticator, or
who signed in without its code, reaches the enrolment page and logging out, nothing else."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

ALLOWED = ("two_factor", "logout")


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.OTP_REQUIRED_FOR_ADMINS and self._must_verify(request):
            if request.path_info.startswith("/api/"):
                return HttpResponse(status=403)
            return redirect(reverse("two_factor"))
        return self.get_response(request)

    @staticmethod
    def _must_verify(request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_staff:
            return False
        if request.path_info in {reverse(name) for name in ALLOWED}:
            return False
        # Set by django_otp's middleware: true once this session passed a code.
        return not user.is_verified()

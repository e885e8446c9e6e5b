"""The language of the staff pages: the user's own choice (Profile.language), else the browser's.

LocaleMiddleware picks the browser's language (the language cookie, then Accept-Language);
ProfileLanguageMiddleware, right after authentication, replaces it with the user's own choice when
they made one. The choice is cached in the session (with the user's id), so a page costs no query
for it; the language view below writes both. A choice made for someone else in the admin takes
effect at their next sign-in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from .models import Profile

SESSION_KEY = "cc_language"


def supported(language: str) -> bool:
    """A code of settings.LANGUAGES, or blank (follow the browser)."""
    return language == "" or language in dict(settings.LANGUAGES)


def language_field(*, blank: str, help_text: str) -> forms.ChoiceField:
    """A form's choice of a language we serve, or blank (`blank` names what blank means)."""
    return forms.ChoiceField(
        label=capfirst(gettext_lazy("language")),
        choices=[("", blank), *settings.LANGUAGES],
        required=False,
        help_text=help_text,
    )


def profile_language(user: Any) -> str:
    """The user's own language, blank when they follow the browser."""
    language = Profile.objects.filter(user=user).values_list("language", flat=True).first() or ""
    return language if supported(language) else ""


def set_profile_language(*, user: Any, language: str) -> Profile:
    """Save the user's language (blank: follow the browser); ValueError for one we do not serve."""
    if not supported(language):
        raise ValueError(f"unsupported language {language!r}")
    profile, _ = Profile.objects.update_or_create(user=user, defaults={"language": language})
    return profile


class ProfileLanguageMiddleware:
    """After AuthenticationMiddleware: a signed-in user's own language wins over the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            cached = request.session.get(SESSION_KEY)
            if not (isinstance(cached, list) and len(cached) == 2 and cached[0] == user.pk):
                cached = [user.pk, profile_language(user)]
                request.session[SESSION_KEY] = cached
            language = cached[1]
            request.chosen_language = language  # the language picker shows it (blank: the browser's)
            if language and supported(language):
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """POST language (a code, or blank to follow the browser) and next: saved for the user (when
    signed in) and in the language cookie for this browser, then back to the page."""
    language = request.POST.get("language", "")
    if not supported(language):
        return HttpResponseBadRequest(gettext("Unknown language."), content_type="text/plain; charset=utf-8")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = "/"
    if request.user.is_authenticated:
        set_profile_language(user=request.user, language=language)
        request.session[SESSION_KEY] = [request.user.pk, language]
    response = HttpResponseRedirect(target)
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    else:
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response

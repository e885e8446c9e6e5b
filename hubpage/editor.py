"""The comms lead's hub editor: sections, next-update time, updates with preview, FAQ. Lead-only, CSRF."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from core.roles import LEADS, role_required

from . import selectors, services
from .forms import ContentForm, FaqFormSet, PageOptionsForm, UpdateForm
from .models import HubContent, HubUpdate
from .render import markdown_to_safe_html


def _lang(request: HttpRequest) -> str:
    lang = request.GET.get("lang") or request.POST.get("lang") or selectors.default_language()
    return lang if lang in selectors.languages() else selectors.default_language()


def _back(lang: str, anchor: str = "") -> HttpResponse:
    return redirect(f"{reverse('hub_editor')}?lang={lang}{'#' + anchor if anchor else ''}")


@role_required(*LEADS)
@require_http_methods(["GET", "POST"])
def editor(request: HttpRequest) -> HttpResponse:
    crisis = selectors.hub_crisis()
    lang = _lang(request)
    if crisis is None:
        return render(request, "hubpage/editor.html", {"crisis": None, "lang": lang})
    page = services.ensure_content(crisis)
    content = HubContent.objects.filter(crisis=crisis, lang=lang).first()
    content_form = ContentForm(instance=content, prefix="c")
    options_form = PageOptionsForm(
        initial={"next_update_at": page.next_update_at, "keep_public": page.keep_public}
    )
    update_form = UpdateForm(prefix="u")
    faq_formset = FaqFormSet(queryset=crisis.hub_faqs.filter(lang=lang), prefix="faq")
    preview = None
    action = request.POST.get("action")
    if request.method == "POST" and action == "content":
        content_form = ContentForm(request.POST, instance=content, prefix="c")
        if content_form.is_valid():
            services.save_content(crisis=crisis, lang=lang, values=content_form.cleaned_data)
            messages.success(request, gettext("Hub page text saved and published."))
            return _back(lang)
    elif request.method == "POST" and action == "options":
        options_form = PageOptionsForm(request.POST)
        if options_form.is_valid():
            services.set_page_options(crisis=crisis, **options_form.cleaned_data)
            messages.success(request, gettext("Next update time saved and published."))
            return _back(lang)
    elif request.method == "POST" and action == "update":
        update_form = UpdateForm(request.POST, prefix="u")
        if update_form.is_valid():
            if "preview" in request.POST:  # the no-JS preview: same sanitiser as on save
                preview = markdown_to_safe_html(update_form.cleaned_data["body"])
            else:
                data = update_form.cleaned_data
                try:
                    services.post_update(body=data["body"], by=request.user, lang=lang, pin=data["pin"])
                except (ValueError, services.NoActiveCrisis) as exc:
                    update_form.add_error("body", str(exc))
                else:
                    messages.success(request, gettext("Update posted to the hub page."))
                    return _back(lang, "updates")
    elif request.method == "POST" and action == "faq":
        faq_formset = FaqFormSet(request.POST, queryset=crisis.hub_faqs.filter(lang=lang), prefix="faq")
        if faq_formset.is_valid():
            with transaction.atomic():
                for entry in faq_formset.save(commit=False):
                    entry.crisis, entry.lang = crisis, lang
                    entry.save()
                for entry in faq_formset.deleted_objects:
                    entry.delete()
                transaction.on_commit(services.publish, robust=True)
            messages.success(request, gettext("FAQ saved and published."))
            return _back(lang, "faq")
    context = {
        "crisis": crisis,
        "lang": lang,
        "languages": selectors.languages(),
        "public_url": selectors.hub_url(lang=lang),
        "content_form": content_form,
        "options_form": options_form,
        "update_form": update_form,
        "faq_formset": faq_formset,
        "preview": preview,
        "updates": crisis.hub_updates.filter(lang=lang),
    }
    return render(request, "hubpage/editor.html", context)


@role_required(*LEADS)
@require_http_methods(["GET", "POST"])
def edit_update(request: HttpRequest, pk: int) -> HttpResponse:
    update = get_object_or_404(HubUpdate, pk=pk)
    form = UpdateForm(initial={"body": update.body_markdown, "pin": update.pinned}, prefix="u")
    preview = None
    if request.method == "POST":
        form = UpdateForm(request.POST, prefix="u")
        if form.is_valid():
            if "preview" in request.POST:
                preview = markdown_to_safe_html(form.cleaned_data["body"])
            else:
                services.edit_update(
                    update_id=update.pk,
                    body=form.cleaned_data["body"],
                    by=request.user,
                    pin=form.cleaned_data["pin"],
                )
                messages.success(
                    request, gettext("Update changed; the previous text is kept in its history.")
                )
                return _back(update.lang, "updates")
    context = {"update": update, "form": form, "preview": preview, "revisions": update.revisions.all()}
    return render(request, "hubpage/edit_update.html", context)


@role_required(*LEADS)
@require_POST
def preview(request: HttpRequest) -> JsonResponse:
    """The live preview: the very sanitiser used on save, so what you see is what gets published."""
    return JsonResponse({"html": markdown_to_safe_html(request.POST.get("body", ""))})


@role_required(*LEADS)
@require_POST
def post_update_from_room(request: HttpRequest) -> HttpResponse:
    """The short form in the crisis room: post in the default language, back to the room."""
    try:
        services.post_update(
            body=request.POST.get("body", ""),
            by=request.user,
            lang=request.POST.get("lang") or None,
            pin=request.POST.get("pin") == "on",
        )
    except (ValueError, services.NoActiveCrisis) as exc:
        messages.error(request, gettext("The update was not posted: {reason}.").format(reason=exc))
    else:
        messages.success(request, gettext("Update posted to the hub page."))
    return redirect("crisis_room")

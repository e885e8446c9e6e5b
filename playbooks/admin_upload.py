"""The Scenario changelist's "Import playbook file": upload, preview, confirm (playbooks/upload.py).

Each import is recorded in the admin's own history (LogEntry), like any edit made in the admin:
one entry per department, scenario, reply template, tag or watched author it created or changed.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import upload
from .portable import ImportReport, required_permissions

TEMPLATE = "admin/playbooks/scenario/import.html"
URL_NAME = "admin:playbooks_scenario_import"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Playbook file"),
        help_text="YAML as the download action or manage.py export_playbooks writes it; UTF-8, "
        f"at most {filesizeformat(upload.MAX_UPLOAD_BYTES)}.",
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,application/x-yaml,text/yaml"}),
    )

    def clean_file(self) -> tuple[str, str]:
        file = self.cleaned_data["file"]
        try:
            return file.name, upload.read_upload(file)
        except upload.UploadRefused as exc:
            raise forms.ValidationError(str(exc)) from exc


class ConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=upload.MAX_TOKEN_CHARS)


def can_import(request: HttpRequest) -> bool:
    return request.user.has_perms(required_permissions())


def import_view(model_admin, request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST a file: its preview. POST the preview's token: apply it."""
    if not can_import(request):
        raise PermissionDenied(
            gettext("Importing playbooks needs the right to add and change every row they hold.")
        )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Import playbook file",
        "form": UploadForm(),
    }
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, context)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            name, text = form.cleaned_data["file"]
            context["preview"] = upload.preview(text, file_name=name, user_id=request.user.pk)
        else:
            context["form"] = form
    return TemplateResponse(request, TEMPLATE, context)


def _confirm(request: HttpRequest, context: dict) -> HttpResponse:
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("The confirmation is missing or too large; upload the file again."))
        return redirect(URL_NAME)
    try:
        with transaction.atomic():
            name, report = upload.apply(form.cleaned_data["token"], user_id=request.user.pk)
            _log(request, name, report)
    except upload.UploadRefused as exc:
        messages.error(request, str(exc))
        return redirect(URL_NAME)
    except upload.PreviewOutdated as exc:
        context["preview"] = upload.preview(exc.text, file_name=exc.file_name, user_id=request.user.pk)
        context["outdated"] = True
        return TemplateResponse(request, TEMPLATE, context)
    messages.success(
        request,
        f"Imported {name}: {report.created} created, {report.updated} updated, {report.unchanged} unchanged.",
    )
    return redirect(reverse("admin:playbooks_scenario_changelist"))


def _log(request: HttpRequest, file_name: str, report: ImportReport) -> None:
    for entry in report.entries:
        if entry.row is None or entry.verb == "unchanged":
            continue
        message = f"Imported from {file_name}" + (f" ({', '.join(entry.fields)})" if entry.fields else "")
        LogEntry.objects.log_actions(
            user_id=request.user.pk,
            queryset=[entry.row],
            action_flag=ADDITION if entry.verb == "created" else CHANGE,
            change_message=message,
            single_object=True,
        )

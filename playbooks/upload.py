"""Uploading a playbook file in two steps: preview exactly what it would change, then apply it.

Between the steps the file's text travels back to the browser as a signed, compressed hidden
field, bound to the user and to a digest of the previewed changes: no server-side state, and
the apply runs the very same text through the very same import (portable.import_data). If the
outcome differs from the preview (someone changed the playbooks in between), it is rolled back
and the user sees the new preview instead.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext

from .portable import ImportReport, PlaybookError, import_data, load_yaml

MAX_UPLOAD_BYTES = 1024 * 1024  # a full export of a large organisation is well under 200 KB
TOKEN_MAX_AGE_SECONDS = 60 * 60
# Incompressible text grows by a third in base64; the token field refuses anything longer.
MAX_TOKEN_CHARS = 2 * MAX_UPLOAD_BYTES
SALT = "playbooks.upload"


class UploadRefused(Exception):
    """The upload or the confirmation cannot be used; the message says why, for the user."""


class PreviewOutdated(Exception):
    """The playbooks changed after the preview: nothing was applied; preview the file again."""

    def __init__(self, file_name: str, text: str):
        self.file_name, self.text = file_name, text
        super().__init__(f"the playbooks changed since {file_name} was previewed")


@dataclass(frozen=True)
class Preview:
    file_name: str
    report: ImportReport | None = None  # what the import would do, when the file is valid
    errors: list[str] = field(default_factory=list)  # "<path>: <problem>", when it is not
    token: str = ""  # what the confirm form posts back

    @property
    def changes_anything(self) -> bool:
        return self.report is not None and bool(self.report.created or self.report.updated)


def read_upload(upload: UploadedFile) -> str:
    """The uploaded file's text, refused when too large or not UTF-8."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise UploadRefused(
            gettext(
                "%(name)s is %(size)s; a playbook file may be at most %(limit)s. "
                "Split it, or import it with manage.py import_playbooks."
            )
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(MAX_UPLOAD_BYTES),
            }
        )
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadRefused(
            gettext("%(name)s is not UTF-8 text (%(reason)s); save it as UTF-8.")
            % {"name": upload.name, "reason": exc.reason}
        ) from exc


def _digest(report: ImportReport) -> str:
    return hashlib.sha256("\n".join(report.lines).encode()).hexdigest()


def preview(text: str, *, file_name: str, user_id: int) -> Preview:
    """A dry run of the file: every change it would make, or every error with its path."""
    try:
        report = import_data(load_yaml(text), dry_run=True)
    except PlaybookError as exc:
        return Preview(file_name, errors=exc.errors)
    payload = {"user": user_id, "name": file_name, "text": text, "digest": _digest(report)}
    return Preview(file_name, report=report, token=signing.dumps(payload, salt=SALT, compress=True))


def _unsign(token: str, user_id: int) -> dict:
    if len(token) > MAX_TOKEN_CHARS:
        raise UploadRefused(gettext("The confirmation is too large; upload the file again."))
    try:
        payload = signing.loads(token, salt=SALT, max_age=TOKEN_MAX_AGE_SECONDS)
    except signing.SignatureExpired as exc:
        raise UploadRefused(gettext("The preview is more than an hour old; upload the file again.")) from exc
    except signing.BadSignature as exc:
        raise UploadRefused(
            gettext("The confirmation was altered or is not valid; upload the file again.")
        ) from exc
    if payload.get("user") != user_id:
        raise UploadRefused(gettext("This preview was made by someone else; upload the file yourself."))
    return payload


def apply(token: str, *, user_id: int) -> tuple[str, ImportReport]:
    """Import the previewed file in one transaction, if it still does exactly what was previewed.

    Returns the file's name and the report; raises UploadRefused or PreviewOutdated (which
    includes a file no longer valid against the database), and then nothing is written.
    """
    payload = _unsign(token, user_id)
    outdated = PreviewOutdated(payload["name"], payload["text"])
    try:
        with transaction.atomic():
            report = import_data(load_yaml(payload["text"]))
            if _digest(report) != payload["digest"]:
                raise outdated  # rolls the import back
    except PlaybookError as exc:
        raise outdated from exc
    return payload["name"], report

"""The practices of the guide in the playbook file: per scenario, the broadcast holding post,
the kick-off huddle and the drill schedule (key `practice`); for the whole file, the training
links shown for every crisis (key `training`). A scenario's own training links are a core key.

A file without these keys leaves them as they are, so older files import unchanged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.dateparse import parse_datetime

from .models import Scenario, TrainingLink
from .portable import (
    FileSection,
    ImportReport,
    Section,
    model_permissions,
    register_file_section,
    register_section,
)

BROADCAST_MAX = Scenario._meta.get_field("broadcast_text").max_length


def export_practice(scenario: Scenario) -> dict[str, Any] | None:
    data = {
        "broadcast_text": scenario.broadcast_text,
        "huddle": {"call_url": scenario.huddle_call_url, "agenda": scenario.huddle_agenda},
        "drills": {
            "every_days": scenario.drill_every_days,
            "next_at": scenario.next_drill_at.isoformat() if scenario.next_drill_at else None,
        },
    }
    empty = not (
        scenario.broadcast_text
        or scenario.huddle_call_url
        or scenario.huddle_agenda
        or scenario.drill_every_days
        or scenario.next_drill_at
    )
    return None if empty else data


def _url_errors(value: Any, path: str) -> list[str]:
    if value in (None, ""):
        return []
    try:
        URLValidator(schemes=["https", "http"])(value if isinstance(value, str) else "")
    except ValidationError:
        return [f"{path}: not a valid URL"]
    return []


def _when(value: Any) -> datetime | None:
    parsed = parse_datetime(value) if isinstance(value, str) else None
    return parsed if parsed is not None and parsed.tzinfo is not None else None


def validate_practice(value: Any, path: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{path}: must be a mapping"]
    errors = []
    unknown = set(value) - {"broadcast_text", "huddle", "drills"}
    if unknown:
        errors.append(f"{path}: unknown keys {', '.join(sorted(map(str, unknown)))}")
    text = value.get("broadcast_text")
    if text is not None and (not isinstance(text, str) or len(text) > BROADCAST_MAX):
        errors.append(f"{path}.broadcast_text: text of at most {BROADCAST_MAX} characters")
    huddle = value.get("huddle") or {}
    if not isinstance(huddle, dict):
        errors.append(f"{path}.huddle: must be a mapping")
    else:
        errors += _url_errors(huddle.get("call_url"), f"{path}.huddle.call_url")
        if huddle.get("agenda") is not None and not isinstance(huddle.get("agenda"), str):
            errors.append(f"{path}.huddle.agenda: must be text (one point per line)")
    drills = value.get("drills") or {}
    if not isinstance(drills, dict):
        errors.append(f"{path}.drills: must be a mapping")
    else:
        every = drills.get("every_days")
        if every is not None and (not isinstance(every, int) or isinstance(every, bool) or every < 1):
            errors.append(f"{path}.drills.every_days: a whole number of days, or empty")
        if drills.get("next_at") is not None and _when(drills["next_at"]) is None:
            errors.append(f"{path}.drills.next_at: a date and time with its UTC offset, or empty")
    return errors


def apply_practice(scenario: Scenario, value: dict[str, Any]) -> None:
    fields = []
    if "broadcast_text" in value:
        scenario.broadcast_text = value["broadcast_text"] or ""
        fields.append("broadcast_text")
    huddle = value.get("huddle")
    if isinstance(huddle, dict):
        scenario.huddle_call_url = huddle.get("call_url") or ""
        scenario.huddle_agenda = huddle.get("agenda") or ""
        fields += ["huddle_call_url", "huddle_agenda"]
    drills = value.get("drills")
    if isinstance(drills, dict):
        next_at = _when(drills.get("next_at"))
        if next_at != scenario.next_drill_at:
            scenario.drill_reminded_at = None  # a new date gets its own reminder
        scenario.drill_every_days = drills.get("every_days")
        scenario.next_drill_at = next_at
        fields += ["drill_every_days", "next_drill_at", "drill_reminded_at"]
    if fields:
        scenario.save(update_fields=[*fields, "updated_at"])


def _link(link: TrainingLink) -> dict[str, Any]:
    return {"title": link.title, "url": link.url, "minutes": link.minutes}


def export_training(scenario_names: set[str]) -> list[dict[str, Any]] | None:
    links = [_link(link) for link in TrainingLink.objects.filter(scenario__isnull=True)]
    return links or None


def validate_training(value: Any, path: str, scenario_names: set[str]) -> list[str]:
    if not isinstance(value, list):
        return [f"{path}: must be a list"]
    errors = []
    for i, link in enumerate(value):
        lpath = f"{path}[{i}]"
        if not isinstance(link, dict):
            errors.append(f"{lpath}: must be a mapping")
            continue
        title = link.get("title")
        if not isinstance(title, str) or not title.strip() or len(title) > 200:
            errors.append(f"{lpath}.title: required text of at most 200 characters")
        errors += _url_errors(link.get("url") or "-", f"{lpath}.url")
        minutes = link.get("minutes", 5)
        if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 0:
            errors.append(f"{lpath}.minutes: a whole number of minutes")
    return errors


def apply_training(value: list[dict[str, Any]], report: ImportReport) -> None:
    """The file's links for every crisis replace the ones there (completions of a link that
    stays, same title and URL, are kept)."""
    with transaction.atomic():
        existing = {
            (link.title, link.url): link for link in TrainingLink.objects.filter(scenario__isnull=True)
        }
        before = [_link(link) for link in existing.values()]
        keep = set()
        for order, spec in enumerate(value):
            link = existing.get((spec["title"], spec["url"])) or TrainingLink(
                title=spec["title"], url=spec["url"]
            )
            link.minutes, link.order = spec.get("minutes", 5), (order + 1) * 10
            link.save()
            keep.add(link.pk)
        TrainingLink.objects.filter(scenario__isnull=True).exclude(pk__in=keep).delete()
    after = [_link(link) for link in TrainingLink.objects.filter(scenario__isnull=True)]
    report.note("unchanged" if before == after else "updated", "training for every crisis")


def register() -> None:
    scenario_perms = model_permissions(Scenario, "change")
    link_perms = model_permissions(TrainingLink, "add", "change", "delete")
    register_section(Section("practice", export_practice, apply_practice, validate_practice, scenario_perms))
    register_file_section(
        FileSection("training", export_training, apply_training, validate_training, link_perms)
    )

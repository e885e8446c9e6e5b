"""Playbooks as a readable YAML file: export, validate, import (idempotent by name).

The file holds the departments (with contacts) and the scenarios (with checklist,
training links and keywords). Other apps add their own sections: per scenario with
`register_section` (the hub page's text and FAQ: a key under each scenario), and for
the whole file with `register_file_section` (reply templates, curated tags, the
watchlist: a top-level key), exported and imported with the rest.

Chat webhook URLs are credentials (anyone holding one can post to the channel), so
they are never exported; an import leaves a department's existing URL alone unless
the file sets one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.conf import settings
from django.contrib.auth import get_permission_codename
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models, transaction

from core import netguard
from core.language import supported as supported_language

from .models import (
    AutomatedAction,
    ChatFormat,
    ChecklistItem,
    Contact,
    Department,
    Scenario,
    ScenarioKind,
    TrainingLink,
)

FORMAT_VERSION = 1


class PlaybookError(Exception):
    """The file is not a valid playbook; `errors` lists each bad field with its path."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


@dataclass(frozen=True)
class ReportEntry:
    """One row of the file and what importing it did (or, in a dry run, would do)."""

    verb: str  # created, updated or unchanged
    what: str  # "scenario Rail signal failure"
    fields: tuple[str, ...] = ()  # for an update: the keys whose values differ
    row: Any = field(default=None, compare=False)  # the row written, for the admin's history

    def __str__(self) -> str:
        return f"{self.verb} {self.what}" + (f" ({', '.join(self.fields)})" if self.fields else "")


@dataclass
class ImportReport:
    entries: list[ReportEntry] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def note(self, verb: str, what: str, *, fields: tuple[str, ...] = (), row: Any = None) -> None:
        setattr(self, verb, getattr(self, verb) + 1)
        self.entries.append(ReportEntry(verb, what, tuple(fields), row))

    @property
    def lines(self) -> list[str]:
        return [str(entry) for entry in self.entries]

    def of(self, verb: str) -> list[ReportEntry]:
        return [entry for entry in self.entries if entry.verb == verb]


def changed_keys(before: Any, after: Any) -> tuple[str, ...]:
    """The keys of two exported rows (dicts) whose values differ, in the row's order."""
    if not isinstance(before, dict) or not isinstance(after, dict):
        return ()
    return tuple(key for key in dict.fromkeys([*before, *after]) if before.get(key) != after.get(key))


@dataclass(frozen=True)
class Section:
    """A per-scenario section another app owns. `export` returns plain data or None (left out);
    `validate` returns error messages for a value at `path`; `apply` writes it for a scenario."""

    key: str
    export: Callable[[Scenario], Any]
    apply: Callable[[Scenario, Any], None]
    validate: Callable[[Any, str], list[str]] = lambda value, path: []
    permissions: tuple[str, ...] = ()  # what `apply` writes, as model permissions (model_permissions)


SECTIONS: dict[str, Section] = {}
CORE_KEYS = {
    "name",
    "kind",
    "description",
    "hub",
    "holding_statement",
    "topic_keywords",
    "departments",
    "training",
    "checklist",
}


def register_section(section: Section) -> None:
    if section.key in CORE_KEYS:
        raise ValueError(f"{section.key!r} is a core scenario key")
    SECTIONS[section.key] = section


@dataclass(frozen=True)
class FileSection:
    """A top-level section another app owns (its rows are not per scenario).

    `export(scenario_names)` returns plain data or None (scenario_names: the scenarios exported
    with it); `validate(value, path, scenario_names)` returns error messages (scenario_names: those
    in the file and in the database); `apply(value, report)` writes it after the scenarios, so it
    may refer to them by name, and notes each row in the report.
    """

    key: str
    export: Callable[[set[str]], Any]
    apply: Callable[[Any, ImportReport], None]
    validate: Callable[[Any, str, set[str]], list[str]] = lambda value, path, scenario_names: []
    permissions: tuple[str, ...] = ()


FILE_SECTIONS: dict[str, FileSection] = {}
FILE_CORE_KEYS = {"version", "departments", "scenarios"}


def register_file_section(section: FileSection) -> None:
    if section.key in FILE_CORE_KEYS:
        raise ValueError(f"{section.key!r} is a core file key")
    FILE_SECTIONS[section.key] = section


def model_permissions(model: type[models.Model], *actions: str) -> tuple[str, ...]:
    opts = model._meta
    return tuple(f"{opts.app_label}.{get_permission_codename(action, opts)}" for action in actions)


def required_permissions() -> set[str]:
    """The model permissions an import needs: it creates and changes every kind of row the file
    holds, and replaces contacts, training links and checklist items."""
    perms = {
        *model_permissions(Department, "add", "change"),
        *model_permissions(Scenario, "add", "change"),
        *model_permissions(Contact, "add", "change", "delete"),
        *model_permissions(TrainingLink, "add", "change", "delete"),
        *model_permissions(ChecklistItem, "add", "change", "delete"),
    }
    for section in [*SECTIONS.values(), *FILE_SECTIONS.values()]:
        perms.update(section.permissions)
    return perms


# --- export ------------------------------------------------------------------
def _department(dept: Department) -> dict[str, Any]:
    return {
        "name": dept.name,
        "order": dept.order,
        "language": dept.language,
        "chat_format": dept.chat_format,
        "contacts": [
            {"name": c.name, "role": c.role, "email": c.email, "phone": c.phone, "on_call": c.on_call}
            for c in dept.contacts.all()
        ],
    }


def _scenario(scenario: Scenario) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": scenario.name,
        "kind": scenario.kind,
        "description": scenario.description,
        "hub": {"title": scenario.hub_title, "summary": scenario.hub_summary},
        "holding_statement": scenario.holding_statement,
        "topic_keywords": scenario.topic_keywords or {},
        "departments": sorted(d.name for d in scenario.departments.all()),
        "training": [{"title": t.title, "url": t.url, "minutes": t.minutes} for t in scenario.training.all()],
        "checklist": [
            {
                "title": item.title,
                "department": item.department.name,
                "owner_role": item.owner_role,
                "due_minutes": item.due_minutes,
                "action": item.action or None,
            }
            for item in scenario.checklist_items.select_related("department")
        ],
    }
    for key, section in SECTIONS.items():
        value = section.export(scenario)
        if value is not None:
            data[key] = value
    return data


def export_data(scenarios=None) -> dict[str, Any]:
    scenarios = scenarios if scenarios is not None else Scenario.objects.all()
    scenarios = scenarios.prefetch_related("departments", "training")
    data: dict[str, Any] = {
        "version": FORMAT_VERSION,
        "departments": [_department(d) for d in Department.objects.prefetch_related("contacts")],
        "scenarios": [_scenario(s) for s in scenarios],
    }
    names = {s["name"] for s in data["scenarios"]}
    for key, section in FILE_SECTIONS.items():
        value = section.export(names)
        if value is not None:
            data[key] = value
    return data


class _Dumper(yaml.SafeDumper):
    """Multi-line text (hub page sections, FAQ answers, reply variants) as `|` blocks, as typed.
    Never an anchor: a list shared by two scenarios is written out twice, as _Loader wants."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _text_block(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # PyYAML falls back to a quoted style by itself where a block cannot hold the text exactly.
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _text_block)


def dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def export_yaml(scenarios=None) -> str:
    header = "# Crisis Center playbooks. Import with: python manage.py import_playbooks FILE\n"
    return header + dump(export_data(scenarios))


# --- validation --------------------------------------------------------------
def _text(errors, value, path, *, required=False, max_length=None) -> None:
    if value is None and not required:
        return
    if not isinstance(value, str) or (required and not value.strip()):
        errors.append(f"{path}: {'required text' if required else 'must be text'}")
    elif max_length and len(value) > max_length:
        errors.append(f"{path}: at most {max_length} characters")


def _list(errors, value, path) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        errors.append(f"{path}: must be a list")
        return []
    return value


def _mapping(errors, value, path) -> dict | None:
    if not isinstance(value, dict):
        errors.append(f"{path}: must be a mapping")
        return None
    return value


# For sections in other apps: each appends "<path>: <problem>" messages to `errors`.
check_text, check_list, check_mapping = _text, _list, _mapping


def _validate_department(errors, dept, path) -> None:
    if _mapping(errors, dept, path) is None:
        return
    _text(errors, dept.get("name"), f"{path}.name", required=True, max_length=80)
    if not isinstance(dept.get("order", 0), int):
        errors.append(f"{path}.order: must be a whole number")
    if dept.get("chat_webhook_url"):
        try:
            URLValidator(schemes=["https", "http"])(dept["chat_webhook_url"])
        except ValidationError:
            errors.append(f"{path}.chat_webhook_url: not a valid URL")
        else:
            if reason := netguard.refusal(dept["chat_webhook_url"]):
                errors.append(f"{path}.chat_webhook_url: {reason}")
    if "language" in dept and not (
        isinstance(dept["language"], str) and supported_language(dept["language"])
    ):
        errors.append(
            f"{path}.language: blank (the site's language) or one of {', '.join(dict(settings.LANGUAGES))}"
        )
    if "chat_format" in dept and dept["chat_format"] not in ChatFormat.values:
        errors.append(f"{path}.chat_format: one of {', '.join(ChatFormat.values)}")
    for j, contact in enumerate(_list(errors, dept.get("contacts"), f"{path}.contacts")):
        cpath = f"{path}.contacts[{j}]"
        if _mapping(errors, contact, cpath) is None:
            continue
        _text(errors, contact.get("name"), f"{cpath}.name", required=True, max_length=120)
        if contact.get("email"):
            try:
                EmailValidator()(contact["email"])
            except ValidationError:
                errors.append(f"{cpath}.email: not a valid email address: {contact['email']!r}")


def _validate_scenario(errors, spec, path, department_names: set[str]) -> None:
    if _mapping(errors, spec, path) is None:
        return
    _text(errors, spec.get("name"), f"{path}.name", required=True, max_length=120)
    if spec.get("kind", ScenarioKind.OTHER) not in ScenarioKind.values:
        errors.append(f"{path}.kind: one of {', '.join(ScenarioKind.values)}")
    hub = _mapping(errors, spec.get("hub"), f"{path}.hub") or {}
    _text(errors, hub.get("title"), f"{path}.hub.title", required=True, max_length=200)
    _text(errors, hub.get("summary"), f"{path}.hub.summary", required=True)
    keywords = spec.get("topic_keywords") or {}
    if not isinstance(keywords, dict) or not all(
        isinstance(words, list) and all(isinstance(w, str) for w in words) for words in keywords.values()
    ):
        errors.append(f"{path}.topic_keywords: a mapping of topic to a list of words")
    for j, name in enumerate(_list(errors, spec.get("departments"), f"{path}.departments")):
        if name not in department_names:
            errors.append(f"{path}.departments[{j}]: unknown department {name!r}")
    for j, link in enumerate(_list(errors, spec.get("training"), f"{path}.training")):
        lpath = f"{path}.training[{j}]"
        if _mapping(errors, link, lpath) is None:
            continue
        _text(errors, link.get("title"), f"{lpath}.title", required=True, max_length=200)
        try:
            URLValidator(schemes=["https", "http"])(link.get("url") or "")
        except ValidationError:
            errors.append(f"{lpath}.url: not a valid URL")
        if not isinstance(link.get("minutes", 5), int) or link.get("minutes", 5) < 0:
            errors.append(f"{lpath}.minutes: a whole number of minutes")
    for j, item in enumerate(_list(errors, spec.get("checklist"), f"{path}.checklist")):
        ipath = f"{path}.checklist[{j}]"
        if _mapping(errors, item, ipath) is None:
            continue
        _text(errors, item.get("title"), f"{ipath}.title", required=True, max_length=200)
        if item.get("department") not in department_names:
            errors.append(f"{ipath}.department: unknown department {item.get('department')!r}")
        _text(errors, item.get("owner_role"), f"{ipath}.owner_role", max_length=120)
        due = item.get("due_minutes")
        if due is not None and (not isinstance(due, int) or isinstance(due, bool) or due < 0):
            errors.append(f"{ipath}.due_minutes: a whole number of minutes, or empty")
        if item.get("action") and item["action"] not in AutomatedAction.values:
            errors.append(f"{ipath}.action: one of {', '.join(AutomatedAction.values)}")
    for key, section in SECTIONS.items():
        if key in spec:
            errors.extend(section.validate(spec[key], f"{path}.{key}"))
    unknown = set(spec) - CORE_KEYS - set(SECTIONS)
    if unknown:
        errors.append(f"{path}: unknown keys {', '.join(sorted(map(str, unknown)))}")


def validate(data: Any) -> None:
    errors: list[str] = []
    if _mapping(errors, data, "(file)") is None:
        raise PlaybookError(errors)
    if data.get("version", FORMAT_VERSION) != FORMAT_VERSION:
        errors.append(f"version: this install reads version {FORMAT_VERSION}")
    departments = _list(errors, data.get("departments"), "departments")
    for i, dept in enumerate(departments):
        _validate_department(errors, dept, f"departments[{i}]")
    known = {d["name"] for d in departments if isinstance(d, dict) and isinstance(d.get("name"), str)}
    known |= set(Department.objects.values_list("name", flat=True))
    seen: set[str] = set()
    for i, spec in enumerate(_list(errors, data.get("scenarios"), "scenarios")):
        _validate_scenario(errors, spec, f"scenarios[{i}]", known)
        name = spec.get("name") if isinstance(spec, dict) else None
        if name in seen:
            errors.append(f"scenarios[{i}].name: {name!r} appears twice")
        seen.add(name)
    scenario_names = {n for n in seen if isinstance(n, str)}
    scenario_names |= set(Scenario.objects.values_list("name", flat=True))
    for key, section in FILE_SECTIONS.items():
        if key in data:
            errors.extend(section.validate(data[key], key, scenario_names))
    unknown = set(data) - FILE_CORE_KEYS - set(FILE_SECTIONS)
    if unknown:
        errors.append(f"(file): unknown keys {', '.join(sorted(map(str, unknown)))}")
    if errors:
        raise PlaybookError(errors)


# --- import ------------------------------------------------------------------
def _apply_department(spec: dict, report: ImportReport) -> None:
    dept = Department.objects.filter(name=spec["name"]).first()
    before = _department(dept) if dept else None
    if dept is None:
        dept = Department(name=spec["name"])
    dept.order = spec.get("order", dept.order or 0)
    dept.language = spec.get("language", dept.language)
    dept.chat_format = spec.get("chat_format", dept.chat_format)
    new_webhook = spec.get("chat_webhook_url") and spec["chat_webhook_url"] != dept.chat_webhook_url
    if new_webhook:
        dept.chat_webhook_url = spec["chat_webhook_url"]
    dept.save()
    if "contacts" in spec:
        dept.contacts.all().delete()
        Contact.objects.bulk_create(
            Contact(
                department=dept,
                name=c["name"],
                role=c.get("role") or "",
                email=c.get("email") or "",
                phone=str(c.get("phone") or ""),
                on_call=bool(c.get("on_call")),
            )
            for c in spec["contacts"]
        )
    after = _department(Department.objects.prefetch_related("contacts").get(pk=dept.pk))
    # The webhook URL is never exported, so it is compared apart (and named, never shown).
    fields = changed_keys(before, after) + (("chat_webhook_url",) if new_webhook else ())
    if before is None:
        report.note("created", f"department {dept.name}", row=dept)
    else:
        report.note("updated" if fields else "unchanged", f"department {dept.name}", fields=fields, row=dept)


def _apply_scenario(spec: dict, report: ImportReport) -> None:
    scenario = Scenario.objects.filter(name=spec["name"]).first()
    before = _scenario(scenario) if scenario else None
    if scenario is None:
        scenario = Scenario(name=spec["name"])
    scenario.kind = spec.get("kind") or ScenarioKind.OTHER
    scenario.description = spec.get("description") or ""
    scenario.hub_title = spec["hub"]["title"]
    scenario.hub_summary = spec["hub"]["summary"]
    scenario.holding_statement = spec.get("holding_statement") or ""
    scenario.topic_keywords = spec.get("topic_keywords") or {}
    scenario.save()
    names = spec.get("departments") or []
    scenario.departments.set(Department.objects.filter(name__in=names))
    scenario.training.all().delete()
    TrainingLink.objects.bulk_create(
        TrainingLink(scenario=scenario, title=t["title"], url=t["url"], minutes=t.get("minutes", 5), order=i)
        for i, t in enumerate(spec.get("training") or [])
    )
    # Past crises keep their own copy of each item (ChecklistTask), so replacing is safe.
    scenario.checklist_items.all().delete()
    by_name = {d.name: d for d in Department.objects.all()}
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            scenario=scenario,
            title=item["title"],
            department=by_name[item["department"]],
            owner_role=item.get("owner_role") or "",
            due_minutes=item.get("due_minutes"),
            action=item.get("action") or "",
            order=(i + 1) * 10,
        )
        for i, item in enumerate(spec.get("checklist") or [])
    )
    for key, section in SECTIONS.items():
        if key in spec:
            section.apply(scenario, spec[key])
    after = _scenario(Scenario.objects.get(pk=scenario.pk))
    if before is None:
        report.note("created", f"scenario {scenario.name}", row=scenario)
    else:
        fields = changed_keys(before, after)
        report.note(
            "updated" if fields else "unchanged", f"scenario {scenario.name}", fields=fields, row=scenario
        )


def import_data(data: Any, *, dry_run: bool = False) -> ImportReport:
    """Validate everything first, then write everything in one transaction (or roll it back)."""
    validate(data)
    report = ImportReport()
    with transaction.atomic():
        for spec in data.get("departments") or []:
            _apply_department(spec, report)
        for spec in data.get("scenarios") or []:
            _apply_scenario(spec, report)
        for key, section in FILE_SECTIONS.items():
            if key in data:
                section.apply(data[key], report)
        if dry_run:
            transaction.set_rollback(True)
    return report


class _Loader(yaml.SafeLoader):
    """YAML without aliases: a playbook file is plain data, and a few lines of nested
    aliases expand into billions of nodes ("billion laughs") before validation could stop them."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed; write the value out", mark
            )
        return super().compose_node(parent, index)


def load_yaml(text: str) -> Any:
    try:
        # _Loader is a SafeLoader, plain data only
        return yaml.load(text, Loader=_Loader)  # nosec B506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise PlaybookError([f"(file): not valid YAML{where}: {getattr(exc, 'problem', exc)}"]) from exc

"""The hub page's per-scenario templates in the playbook file (playbooks/portable.py).

Under each scenario:

    hub_text:            # what the hub page says when the scenario is activated, per language
      en: {title: ..., what_happened: ..., who_is_affected: ..., what_we_are_doing: ...,
           what_you_should_do: ..., contacts: ...}
    hub_faq:             # aftermath answers, in page order; the anchor is the link target
      - {lang: en, topic: refunds, anchor: refunds, question: ..., answer: ...}

A scenario in the file that carries the key gets exactly those rows (languages and
anchors not in the file are removed); one without the key keeps its rows.
"""

from __future__ import annotations

import re
from typing import Any

from playbooks.models import Scenario
from playbooks.portable import (
    Section,
    check_list,
    check_mapping,
    check_text,
    model_permissions,
    register_section,
)

from .models import FaqTopic, ScenarioFaq, ScenarioHubText
from .services import SECTIONS as TEXT_SECTIONS

TEXT_FIELDS = ("title", *TEXT_SECTIONS)
FAQ_FIELDS = ("lang", "topic", "anchor", "question", "answer")
LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,4})?$")
ANCHOR = re.compile(r"^[-a-zA-Z0-9_]{1,60}$")


def _lang_errors(errors: list[str], lang: Any, path: str) -> None:
    if not isinstance(lang, str) or not LANG.match(lang) or len(lang) > 8:
        errors.append(f"{path}: a language code such as en or fr, not {lang!r}")


# --- hub_text ----------------------------------------------------------------
def export_text(scenario: Scenario) -> dict[str, dict[str, str]]:
    return {
        text.lang: {field: getattr(text, field) for field in TEXT_FIELDS}
        for text in ScenarioHubText.objects.filter(scenario=scenario).order_by("lang")
    }


def validate_text(value: Any, path: str) -> list[str]:
    errors: list[str] = []
    if check_mapping(errors, value, path) is None:
        return errors
    for lang, text in value.items():
        lpath = f"{path}.{lang}"
        _lang_errors(errors, lang, lpath)
        if check_mapping(errors, text, lpath) is None:
            continue
        check_text(errors, text.get("title"), f"{lpath}.title", required=True, max_length=200)
        check_text(errors, text.get("what_happened"), f"{lpath}.what_happened", required=True)
        for field in TEXT_SECTIONS[1:]:
            check_text(errors, text.get(field), f"{lpath}.{field}")
        unknown = set(text) - set(TEXT_FIELDS)
        if unknown:
            errors.append(f"{lpath}: unknown keys {', '.join(sorted(map(str, unknown)))}")
    return errors


def apply_text(scenario: Scenario, value: dict[str, dict[str, str]]) -> None:
    ScenarioHubText.objects.filter(scenario=scenario).exclude(lang__in=list(value)).delete()
    for lang, text in value.items():
        ScenarioHubText.objects.update_or_create(
            scenario=scenario,
            lang=lang,
            defaults={field: text.get(field) or "" for field in TEXT_FIELDS},
        )


# --- hub_faq -----------------------------------------------------------------
def export_faq(scenario: Scenario) -> list[dict[str, str]]:
    return [
        {field: getattr(faq, field) for field in FAQ_FIELDS}
        for faq in ScenarioFaq.objects.filter(scenario=scenario)  # page order
    ]


def validate_faq(value: Any, path: str) -> list[str]:
    errors: list[str] = []
    seen: set[tuple[str, str]] = set()
    for i, faq in enumerate(check_list(errors, value, path)):
        fpath = f"{path}[{i}]"
        if check_mapping(errors, faq, fpath) is None:
            continue
        _lang_errors(errors, faq.get("lang"), f"{fpath}.lang")
        if faq.get("topic") not in FaqTopic.values:
            errors.append(f"{fpath}.topic: one of {', '.join(FaqTopic.values)}")
        anchor = faq.get("anchor")
        if not isinstance(anchor, str) or not ANCHOR.match(anchor):
            errors.append(f"{fpath}.anchor: letters, digits, - and _ only (at most 60), not {anchor!r}")
        elif (faq.get("lang"), anchor) in seen:
            errors.append(f"{fpath}.anchor: {anchor!r} appears twice in {faq.get('lang')!r}")
        seen.add((faq.get("lang"), anchor))
        check_text(errors, faq.get("question"), f"{fpath}.question", required=True, max_length=200)
        check_text(errors, faq.get("answer"), f"{fpath}.answer", required=True)
        unknown = set(faq) - set(FAQ_FIELDS)
        if unknown:
            errors.append(f"{fpath}: unknown keys {', '.join(sorted(map(str, unknown)))}")
    return errors


def apply_faq(scenario: Scenario, value: list[dict[str, str]]) -> None:
    keep = {(faq["lang"], faq["anchor"]) for faq in value}
    for faq in ScenarioFaq.objects.filter(scenario=scenario):
        if (faq.lang, faq.anchor) not in keep:
            faq.delete()
    for i, faq in enumerate(value):
        ScenarioFaq.objects.update_or_create(
            scenario=scenario,
            lang=faq["lang"],
            anchor=faq["anchor"],
            defaults={
                "topic": faq["topic"],
                "question": faq["question"],
                "answer": faq["answer"],
                "order": (i + 1) * 10,
            },
        )


def register() -> None:
    writes = ("add", "change", "delete")  # a scenario in the file gets exactly its rows
    text_perms, faq_perms = (
        model_permissions(ScenarioHubText, *writes),
        model_permissions(ScenarioFaq, *writes),
    )
    register_section(Section("hub_text", export_text, apply_text, validate_text, text_perms))
    register_section(Section("hub_faq", export_faq, apply_faq, validate_faq, faq_perms))

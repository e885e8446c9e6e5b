"""The queue's part of the playbook file (playbooks/portable.py): top-level sections

    reply_templates:     # by name; scenario: the scenario it is shown first for, or null
      - {name: ..., tier: first_line, scenario: Rail signal failure, language: fr, variants: [..., ...]}
    scenario_keywords:   # words that pick a topic while the scenario is on; language null: any
      - {scenario: Rail signal failure, language: fr, topic: compensation, words: [bon d'achat]}
    tags: [refund, injury, ...]          # the curated tags offered to every agent
    watchlist:           # platform null: any platform
      - {handle: ..., platform: x, kind: journalist, note: ...}

Imported by name (templates, tags) or platform + handle (watchlist): rows in the file are
created or updated, rows not in it are left alone (like departments and scenarios). A
template keeps its id, so replies already sent with it keep their link to it.
"""

from __future__ import annotations

import re
from typing import Any

from playbooks.models import Scenario
from playbooks.portable import (
    FileSection,
    ImportReport,
    changed_keys,
    check_list,
    check_mapping,
    check_text,
    model_permissions,
    register_file_section,
)
from social.models import Platform

from .models import (
    VARIANT_SEPARATOR,
    AuthorKind,
    ReplyTemplate,
    ScenarioKeyword,
    Tag,
    Tier,
    Topic,
    WatchedAuthor,
)

TEMPLATE_FIELDS = ("name", "tier", "scenario", "language", "variants")
KEYWORD_FIELDS = ("scenario", "language", "topic", "words")
LANGUAGE = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")
WATCH_FIELDS = ("handle", "platform", "kind", "note")


def _unknown(errors: list[str], value: dict, fields: tuple[str, ...], path: str) -> None:
    unknown = set(value) - set(fields)
    if unknown:
        errors.append(f"{path}: unknown keys {', '.join(sorted(map(str, unknown)))}")


def _note(report: ImportReport, before: Any, after: Any, what: str, row: Any) -> None:
    if before is None:
        report.note("created", what, row=row)
    elif before != after:
        report.note("updated", what, fields=changed_keys(before, after), row=row)
    else:
        report.note("unchanged", what, row=row)


# --- reply_templates ---------------------------------------------------------
def _template(t: ReplyTemplate) -> dict[str, Any]:
    return {
        "name": t.name,
        "tier": t.tier,
        "scenario": t.scenario.name if t.scenario_id else None,
        "language": t.language or None,
        "variants": t.variants,
    }


def export_templates(scenario_names: set[str]) -> list[dict[str, Any]]:
    """The templates for every scenario, or none (a file of chosen playbooks leaves the others out)."""
    templates = ReplyTemplate.objects.select_related("scenario")
    return [_template(t) for t in templates if t.scenario_id is None or t.scenario.name in scenario_names]


def validate_templates(value: Any, path: str, scenario_names: set[str]) -> list[str]:
    errors: list[str] = []
    seen: set[str] = set()
    for i, spec in enumerate(check_list(errors, value, path)):
        tpath = f"{path}[{i}]"
        if check_mapping(errors, spec, tpath) is None:
            continue
        check_text(errors, spec.get("name"), f"{tpath}.name", required=True, max_length=100)
        if spec.get("name") in seen:
            errors.append(f"{tpath}.name: {spec['name']!r} appears twice")
        seen.add(spec.get("name"))
        if spec.get("tier", Tier.FIRST_LINE) not in Tier.values:
            errors.append(f"{tpath}.tier: one of {', '.join(Tier.values)}")
        scenario = spec.get("scenario")
        if scenario is not None and scenario not in scenario_names:
            errors.append(f"{tpath}.scenario: unknown scenario {scenario!r}")
        _check_language(errors, spec.get("language"), f"{tpath}.language")
        variants = spec.get("variants")
        if not isinstance(variants, list) or not variants:
            errors.append(f"{tpath}.variants: a list of at least one reply text")
        else:
            for j, text in enumerate(variants):
                check_text(errors, text, f"{tpath}.variants[{j}]", required=True)
                if isinstance(text, str) and "\n---\n" in f"\n{text.strip()}\n":
                    errors.append(f"{tpath}.variants[{j}]: a line holding only --- separates variants")
        _unknown(errors, spec, TEMPLATE_FIELDS, tpath)
    return errors


def apply_templates(value: list[dict[str, Any]], report: ImportReport) -> None:
    scenarios = {s.name: s for s in Scenario.objects.filter(name__in={t.get("scenario") for t in value})}
    for spec in value:
        template = ReplyTemplate.objects.select_related("scenario").filter(name=spec["name"]).first()
        before = _template(template) if template else None
        template = template or ReplyTemplate(name=spec["name"])
        template.tier = spec.get("tier") or Tier.FIRST_LINE
        template.scenario = scenarios.get(spec.get("scenario"))
        template.language = (spec.get("language") or "").lower()
        template.body = VARIANT_SEPARATOR.join(text.strip() for text in spec["variants"])
        template.save()
        _note(report, before, _template(template), f"reply template {template.name}", template)


def _check_language(errors: list[str], value: Any, path: str) -> None:
    check_text(errors, value, path, max_length=16)
    if isinstance(value, str) and value and not LANGUAGE.match(value):
        errors.append(f"{path}: a language code such as fr, pt-BR or zh-hans, or null for any")


# --- scenario_keywords -------------------------------------------------------
def _keyword(k: ScenarioKeyword) -> dict[str, Any]:
    return {
        "scenario": k.scenario.name,
        "language": k.language or None,
        "topic": k.topic,
        "words": k.word_list,
    }


def export_keywords(scenario_names: set[str]) -> list[dict[str, Any]]:
    rows = ScenarioKeyword.objects.select_related("scenario").filter(scenario__name__in=scenario_names)
    return [_keyword(k) for k in rows]


def validate_keywords(value: Any, path: str, scenario_names: set[str]) -> list[str]:
    errors: list[str] = []
    seen: set[tuple[str, str, str]] = set()
    topics = [t for t in Topic.values if t != Topic.OTHER]
    for i, spec in enumerate(check_list(errors, value, path)):
        kpath = f"{path}[{i}]"
        if check_mapping(errors, spec, kpath) is None:
            continue
        if spec.get("scenario") not in scenario_names:
            errors.append(f"{kpath}.scenario: unknown scenario {spec.get('scenario')!r}")
        _check_language(errors, spec.get("language"), f"{kpath}.language")
        if spec.get("topic") not in topics:
            errors.append(f"{kpath}.topic: one of {', '.join(topics)}")
        words = spec.get("words")
        if not isinstance(words, list) or not words:
            errors.append(f"{kpath}.words: a list of at least one word or phrase")
        else:
            for j, word in enumerate(words):
                check_text(errors, word, f"{kpath}.words[{j}]", required=True, max_length=100)
                if isinstance(word, str) and "\n" in word:
                    errors.append(f"{kpath}.words[{j}]: one line")
        key = (str(spec.get("scenario")), str(spec.get("language") or "").lower(), str(spec.get("topic")))
        if key in seen:
            errors.append(f"{kpath}: scenario, language and topic appear twice")
        seen.add(key)
        _unknown(errors, spec, KEYWORD_FIELDS, kpath)
    return errors


def apply_keywords(value: list[dict[str, Any]], report: ImportReport) -> None:
    scenarios = {s.name: s for s in Scenario.objects.filter(name__in={k.get("scenario") for k in value})}
    for spec in value:
        scenario = scenarios[spec["scenario"]]
        language = (spec.get("language") or "").lower()
        row = (
            ScenarioKeyword.objects.select_related("scenario")
            .filter(scenario=scenario, language=language, topic=spec["topic"])
            .first()
        )
        before = _keyword(row) if row else None
        row = row or ScenarioKeyword(scenario=scenario, language=language, topic=spec["topic"])
        row.words = "\n".join(word.strip() for word in spec["words"])
        row.save()
        _note(report, before, _keyword(row), f"keywords {scenario.name} {language or 'any'} {row.topic}", row)


# --- tags --------------------------------------------------------------------
def export_tags(scenario_names: set[str]) -> list[str]:
    return list(Tag.objects.filter(curated=True).order_by("name").values_list("name", flat=True))


def validate_tags(value: Any, path: str, scenario_names: set[str]) -> list[str]:
    errors: list[str] = []
    seen: set[str] = set()
    for i, name in enumerate(check_list(errors, value, path)):
        check_text(errors, name, f"{path}[{i}]", required=True, max_length=40)
        if name in seen:
            errors.append(f"{path}[{i}]: {name!r} appears twice")
        seen.add(name)
    return errors


def apply_tags(value: list[str], report: ImportReport) -> None:
    for name in value:
        tag = Tag.objects.filter(name=name).first()
        before = tag.curated if tag else None
        tag = tag or Tag(name=name)
        tag.curated = True  # a free tag an agent made becomes part of the curated list
        tag.save()
        _note(report, before, True, f"tag {name}", tag)


# --- watchlist ---------------------------------------------------------------
def _watched(w: WatchedAuthor) -> dict[str, Any]:
    return {"handle": w.handle, "platform": w.platform or None, "kind": w.kind, "note": w.note}


def export_watchlist(scenario_names: set[str]) -> list[dict[str, Any]]:
    return [_watched(w) for w in WatchedAuthor.objects.order_by("handle", "platform")]


def validate_watchlist(value: Any, path: str, scenario_names: set[str]) -> list[str]:
    errors: list[str] = []
    seen: set[tuple[str, str]] = set()
    for i, spec in enumerate(check_list(errors, value, path)):
        wpath = f"{path}[{i}]"
        if check_mapping(errors, spec, wpath) is None:
            continue
        handle = spec.get("handle")
        check_text(errors, handle, f"{wpath}.handle", required=True, max_length=100)
        if isinstance(handle, str) and handle.startswith("@"):
            errors.append(f"{wpath}.handle: without the @ ({handle[1:]!r})")
        platform = spec.get("platform") or ""
        if platform and platform not in Platform.values:
            errors.append(f"{wpath}.platform: one of {', '.join(Platform.values)}, or empty for any")
        if spec.get("kind") not in AuthorKind.values:
            errors.append(f"{wpath}.kind: one of {', '.join(AuthorKind.values)}")
        check_text(errors, spec.get("note"), f"{wpath}.note", max_length=200)
        key = (str(platform), str(handle).lower())
        if key in seen:
            errors.append(f"{wpath}.handle: {handle!r} appears twice for the same platform")
        seen.add(key)
        _unknown(errors, spec, WATCH_FIELDS, wpath)
    return errors


def apply_watchlist(value: list[dict[str, Any]], report: ImportReport) -> None:
    for spec in value:
        platform = spec.get("platform") or ""
        watched = WatchedAuthor.objects.filter(platform=platform, handle__iexact=spec["handle"]).first()
        before = _watched(watched) if watched else None
        watched = watched or WatchedAuthor(platform=platform)
        watched.handle, watched.kind, watched.note = spec["handle"], spec["kind"], spec.get("note") or ""
        watched.save()
        _note(report, before, _watched(watched), f"watched author @{watched.handle}", watched)


def register() -> None:
    writes = ("add", "change")  # rows not in the file are left alone
    for section in [
        FileSection(
            "reply_templates",
            export_templates,
            apply_templates,
            validate_templates,
            model_permissions(ReplyTemplate, *writes),
        ),
        FileSection(
            "scenario_keywords",
            export_keywords,
            apply_keywords,
            validate_keywords,
            model_permissions(ScenarioKeyword, *writes),
        ),
        FileSection("tags", export_tags, apply_tags, validate_tags, model_permissions(Tag, *writes)),
        FileSection(
            "watchlist",
            export_watchlist,
            apply_watchlist,
            validate_watchlist,
            model_permissions(WatchedAuthor, *writes),
        ),
    ]:
        register_file_section(section)

"""The apps' own gettext catalogues: every Simplified Chinese string translated, and the compiled
.mo files in step with the .po files they come from (the hub's French and German too)."""

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("core", "playbooks", "social", "triage", "hubpage", "command")
CATALOGUES = sorted(ROOT.glob("*/locale/*/LC_MESSAGES/django.po"))
needs_msgfmt = pytest.mark.skipif(not shutil.which("msgfmt"), reason="msgfmt (gettext) is not installed")


def test_every_app_has_a_chinese_catalogue():
    assert {app for app in APPS if (ROOT / app / "locale/zh_Hans/LC_MESSAGES/django.po").exists()} == set(
        APPS
    )


@needs_msgfmt
@pytest.mark.parametrize("app", APPS)
def test_every_chinese_string_is_translated(app):
    po = ROOT / app / "locale/zh_Hans/LC_MESSAGES/django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=True,
        env={"LC_ALL": "C"},
    )
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


@needs_msgfmt
@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_compiled_catalogue_matches_its_source(po, tmp_path):
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(po)], check=True)
    with open(po.with_suffix(".mo"), "rb") as built, open(fresh, "rb") as compiled:
        assert gettext.GNUTranslations(built)._catalog == gettext.GNUTranslations(compiled)._catalog, (
            "run make install to compile the catalogues"
        )


@needs_msgfmt
def test_one_english_text_has_one_chinese_translation_across_the_catalogues():
    """Django merges the catalogues and the first one found wins: two different translations of
    one text would show one or the other depending on the apps' order."""
    seen: dict[str, dict[str, str]] = {}
    for po in [
        *ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"),
        ROOT / "locale/zh_Hans/LC_MESSAGES/django.po",
    ]:
        with open(po.with_suffix(".mo"), "rb") as compiled:
            for msgid, msgstr in gettext.GNUTranslations(compiled)._catalog.items():
                if isinstance(msgid, str) and msgid:
                    seen.setdefault(msgid, {})[str(po.relative_to(ROOT))] = msgstr
    differing = {msgid: where for msgid, where in seen.items() if len(set(where.values())) > 1}
    assert not differing, differing

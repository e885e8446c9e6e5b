"""The Simplified Chinese catalogs are complete: no string untranslated, none fuzzy, none missing.

Every catalog counts: the project's (locale/, templates and JavaScript) and each app's
(<app>/locale/, Python strings). GNU gettext's msgattrib lists what is wrong, so a failure names
the strings. After changing a string: `make messages`, translate, `make install`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LANGUAGE = "zh_Hans"
CATALOGS = sorted(
    [*ROOT.glob(f"locale/{LANGUAGE}/LC_MESSAGES/*.po"), *ROOT.glob(f"*/locale/{LANGUAGE}/LC_MESSAGES/*.po")]
)

pytestmark = pytest.mark.skipif(shutil.which("msgattrib") is None, reason="GNU gettext is not installed")


def _msgids(output: str) -> list[str]:
    return [m for m in re.findall(r'^msgid "(.*)"$', output, re.MULTILINE) if m]


def _catalog_ids(path: Path) -> set[str]:
    text = subprocess.run(
        ["msgcat", "--no-wrap", str(path)], capture_output=True, text=True, check=True
    ).stdout
    ids = set()
    for _context, msgid in re.findall(r'^(?:msgctxt "(.*)"\n)?msgid "(.*)"$', text, re.MULTILINE):
        ids.add(msgid.replace('\\"', '"'))
    return ids


def test_the_project_catalogs_exist():
    names = {p.relative_to(ROOT).as_posix() for p in CATALOGS}
    assert {f"locale/{LANGUAGE}/LC_MESSAGES/django.po", f"locale/{LANGUAGE}/LC_MESSAGES/djangojs.po"} <= names


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_string_is_translated(catalog: Path):
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", "--no-wrap", str(catalog)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-obsolete", "--no-wrap", str(catalog)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert not _msgids(untranslated), f"{catalog.relative_to(ROOT)}: untranslated {_msgids(untranslated)}"
    assert not _msgids(fuzzy), f"{catalog.relative_to(ROOT)}: fuzzy {_msgids(fuzzy)}"


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_translation_keeps_its_placeholders(catalog: Path):
    check = subprocess.run(
        ["msgfmt", "--check-format", "--check-header", "-o", "/dev/null", str(catalog)],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr


def test_every_marked_string_is_in_the_catalogs():
    """A string marked in a template or a script but not extracted would show in English:
    {% translate "..." %} in templates/ and gettext("...") in static/js must be msgids."""
    templates = _catalog_ids(ROOT / "locale" / LANGUAGE / "LC_MESSAGES" / "django.po")
    scripts = _catalog_ids(ROOT / "locale" / LANGUAGE / "LC_MESSAGES" / "djangojs.po")
    missing = []
    for path in (ROOT / "templates").rglob("*.html"):
        if path.relative_to(ROOT / "templates").as_posix().startswith("hubpage/"):
            continue  # the hub page's strings: branch i18n-py (issue 14)
        for _quote, text in re.findall(r"""{%\s*(?:translate|trans)\s+(["'])(.*?)\1""", path.read_text()):
            if text not in templates:
                missing.append(f"{path.name}: {text}")
    for path in (ROOT / "static" / "js").glob("*.js"):
        for text in re.findall(r'\bgettext\("((?:[^"\\]|\\.)*)"\)', path.read_text()):
            if text not in scripts:
                missing.append(f"{path.name}: {text}")
    assert not missing, f"run `make messages` and translate: {missing}"

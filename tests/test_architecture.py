"""The one direction of dependencies holds, and `make lint` would catch a change that breaks it."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
APPS = ["crisiscenter", "command", "triage", "hubpage", "social", "playbooks", "core"]


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def sample_project(tmp_path: Path, modules: dict[str, str]) -> Path:
    """Empty packages named like ours, the project's own contracts, and the given modules."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    lines = ["[importlinter]\nroot_packages =\n    " + "\n    ".join(config["root_packages"])]
    for index, contract in enumerate(config["contracts"]):
        lines.append(f"\n[importlinter:contract:{index}]")
        for key, value in contract.items():
            if isinstance(value, list):
                value = "\n    " + "\n    ".join(value)
            lines.append(f"{key} = {value}")
    (tmp_path / ".importlinter").write_text("\n".join(lines) + "\n")
    for app in APPS:
        (tmp_path / app).mkdir()
        (tmp_path / app / "__init__.py").write_text("")
    # The modules the contracts name must exist, as they do in the project.
    for name, source in {"playbooks.services": "", "playbooks.review": "", **modules}.items():
        path = tmp_path / (name.replace(".", "/") + ".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / "__init__.py").touch()
        path.write_text(source)
    return tmp_path


def test_the_project_keeps_its_import_contracts():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def test_an_upward_import_breaks_the_build(tmp_path):
    project = sample_project(tmp_path, {"core.roles": "import playbooks.models\n", "playbooks.models": ""})
    result = lint_imports(project)
    assert result.returncode != 0
    assert "core is not allowed to import playbooks" in result.stdout


def test_an_app_below_command_cannot_tick_the_checklist(tmp_path):
    project = sample_project(
        tmp_path, {"social.services": "from playbooks import services\n", "playbooks.services": ""}
    )
    result = lint_imports(project)
    assert result.returncode != 0
    assert "social.services -> playbooks.services" in result.stdout


def test_a_cycle_between_modules_breaks_the_build(tmp_path):
    project = sample_project(
        tmp_path,
        {"triage.ingest": "from triage import tasks\n", "triage.tasks": "from triage import ingest\n"},
    )
    result = lint_imports(project)
    assert result.returncode != 0
    assert "No import cycle between the modules of any package BROKEN" in result.stdout


def test_an_import_hidden_in_a_function_breaks_the_build(tmp_path):
    sample = "def activate():\n    from playbooks import services\n\n    return services\n"
    (tmp_path / "sample.py").write_text(sample)
    result = subprocess.run(
        [str(BIN / "ruff"), "check", "--config", str(ROOT / "pyproject.toml"), "sample.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "PLC0415" in result.stdout


def test_the_architecture_document_draws_the_graph_the_code_has():
    generated = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "architecture_graph.py")],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.strip()
    document = (ROOT / "docs" / "architecture.md").read_text()
    assert generated in document, "run scripts/architecture_graph.py --write and commit docs/architecture.md"

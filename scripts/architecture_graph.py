#!/usr/bin/env python
"""Print the Mermaid diagram of which package imports which, drawn from the code.

docs/architecture.md carries its output between the `graph:begin` / `graph:end` markers, and
tests/test_architecture.py fails when the two differ: `scripts/architecture_graph.py --write`
refreshes the document.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
APPS = ["crisiscenter", "command", "triage", "hubpage", "social", "playbooks", "core"]
DOC = ROOT / "docs" / "architecture.md"
BEGIN, END = "<!-- graph:begin -->", "<!-- graph:end -->"


def app_edges() -> set[tuple[str, str]]:
    """(importer, imported) for every package that imports another directly."""
    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(*APPS)
    return {
        (importer, imported)
        for importer in APPS
        for imported in APPS
        if importer != imported
        and graph.direct_import_exists(importer=importer, imported=imported, as_packages=True)
    }


def mermaid() -> str:
    lines = ["```mermaid", "graph TD"]
    for importer, imported in sorted(app_edges(), key=lambda e: (APPS.index(e[0]), APPS.index(e[1]))):
        lines.append(f"    {importer} --> {imported}")
    lines.append("```")
    return "\n".join(lines)


def write() -> None:
    text = DOC.read_text()
    block = f"{BEGIN}\n{mermaid()}\n{END}"
    DOC.write_text(re.sub(re.escape(BEGIN) + r".*?" + re.escape(END), block, text, flags=re.S))


if __name__ == "__main__":
    if "--write" in sys.argv:
        write()
    else:
        print(mermaid())

"""Every CSV the reports export: every cell of every table quoted, and no cell a spreadsheet
would run as a formula, whoever wrote the mention."""

from __future__ import annotations

import csv
import io

import pytest

from tests.triage.test_reports import crisis_data, logged_in  # noqa: F401 - crisis_data is a fixture
from triage.reports.export import FORMULA_START, TABLES

pytestmark = pytest.mark.django_db


def requoted(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL).writerows(rows)
    return out.getvalue()


def test_every_cell_of_every_exported_table_is_quoted_and_inert(crisis_data, lead):  # noqa: F811
    client = logged_in(lead)
    seen = 0
    for table in TABLES:
        for path in (f"/triage/reports/{table}.csv", f"/triage/reports/crisis/{crisis_data.pk}/{table}.csv"):
            response = client.get(path)
            assert response.status_code == 200, path
            text = response.content.decode()
            rows = list(csv.reader(io.StringIO(text)))
            assert text == requoted(rows), path  # QUOTE_ALL: numbers and empty cells too
            for row in rows:
                for cell in row:
                    visible = cell.lstrip()
                    assert not visible or visible[0] not in FORMULA_START, (path, cell)
                    seen += 1
    assert seen > 100

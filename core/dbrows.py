"""Model instances from rows read by hand-written SQL, converted as the ORM converts them."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from django.db import connection, models


@cache
def columns(model: type[models.Model], alias: str = "") -> str:
    """Every concrete column, quoted, in field order: the SELECT or RETURNING list for from_row()."""
    prefix = f"{alias}." if alias else ""
    return ", ".join(f'{prefix}"{f.column}"' for f in model._meta.concrete_fields)


def from_row(model: type[models.Model], values: Sequence[Any]) -> models.Model:
    """An instance from values in columns() order. Model.from_db() takes values as the ORM
    hands them over, after each field's from_db_value(): a JSONField arrives as text otherwise."""
    fields = model._meta.concrete_fields
    converted = [
        field.from_db_value(value, None, connection) if hasattr(field, "from_db_value") else value
        for field, value in zip(fields, values, strict=True)
    ]
    return model.from_db(connection.alias, [f.attname for f in fields], converted)

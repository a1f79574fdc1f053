"""Turning result objects into the JSON documents the tool writes.

Each result type builds its own document in its ``to_dict`` (the one place per
type); these helpers do the plumbing those methods share: attributes picked by
name, tuples as lists, datetimes as ISO-8601 UTC, enums as their values, nested
results through their own ``to_dict``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from typing import Any

from acs_triage.times import iso

__all__ = ["fields_json", "json_value", "pick"]


def json_value(value: object) -> Any:
    """``value`` as JSON-ready data."""
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, (list, tuple)):
        return [json_value(item) for item in value]
    if isinstance(value, Mapping):
        return {key: json_value(item) for key, item in value.items()}
    return value


def pick(obj: object, *names: str) -> dict[str, Any]:
    """``{name: obj.name}`` for each name, in that order, as JSON-ready data."""
    return {name: json_value(getattr(obj, name)) for name in names}


def fields_json(obj: object, *, rename: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every field of the dataclass ``obj``, in declaration order (``rename`` maps a
    field to its JSON name)."""
    names = rename or {}
    return {
        names.get(field.name, field.name): json_value(getattr(obj, field.name))
        for field in dataclasses.fields(obj)  # type: ignore[arg-type]
    }

"""Reading a JSON Lines export: one object per line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import TextIOWrapper

from acs_triage.records import Leg, Rejection
from acs_triage.sources.exports.columns import KeyMap
from acs_triage.sources.exports.streams import PhysicalLines
from acs_triage.sources.exports.values import json_type_name, one_line


def jsonl_records(text: TextIOWrapper, source: str, name: str) -> Iterator[Leg | Rejection]:
    """One Leg or Rejection per non-blank line, numbered by physical line; the first
    object plays the part of a header row."""
    lines = PhysicalLines(text)
    keys = KeyMap(name)
    loads = json.loads
    number = 0
    overlong = 0
    for line in lines:
        number += 1
        if lines.overlong != overlong:
            overlong = lines.overlong
            yield Rejection(source, number, f"line longer than {lines.max_chars} characters")
            continue
        stripped = line.strip()
        if not stripped:
            continue
        try:
            record = loads(stripped)
        except RecursionError:
            yield Rejection(source, number, "invalid JSON: nested too deeply")
            continue
        except ValueError as error:
            message = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
            yield Rejection(source, number, f"invalid JSON: {one_line(message)}")
            continue
        if isinstance(record, dict):
            yield keys.convert(record, number, source)
        else:
            yield Rejection(source, number, f"record is not a JSON object (found {json_type_name(record)})")

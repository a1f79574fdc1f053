"""Reading a JSON Lines export: one object per line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import TextIOWrapper

from acs_triage.records import Leg, Rejection
from acs_triage.sources.exports.columns import KeyMap
from acs_triage.sources.exports.streams import PhysicalLines
from acs_triage.sources.exports.values import json_type_name, one_line


def parsed_lines(text: TextIOWrapper, source: str) -> Iterator[tuple[int, object] | Rejection]:
    """``(physical line number, decoded JSON value)`` for each non-blank line, or the
    Rejection of a line that is too long or not JSON. Shared by the JSON Lines
    readers (exported rows, diagnostic records)."""
    lines = PhysicalLines(text)
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
            yield number, loads(stripped)
        except RecursionError:
            yield Rejection(source, number, "invalid JSON: nested too deeply")
        except ValueError as error:
            message = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
            yield Rejection(source, number, f"invalid JSON: {one_line(message)}")


def jsonl_records(text: TextIOWrapper, source: str, name: str) -> Iterator[Leg | Rejection]:
    """One Leg or Rejection per non-blank line, numbered by physical line; the first
    object plays the part of a header row."""
    keys = KeyMap(name)
    for parsed in parsed_lines(text, source):
        if isinstance(parsed, Rejection):
            yield parsed
            continue
        number, record = parsed
        if isinstance(record, dict):
            yield keys.convert(record, number, source)
        else:
            yield Rejection(source, number, f"record is not a JSON object (found {json_type_name(record)})")

"""A command's result as a :class:`View`, rendered in the chosen :class:`OutputFormat`.

A view has a JSON document (with ``schema`` name and version) and a list of
sections for humans. ``table`` and ``markdown`` show every section; ``csv`` writes
the one section marked ``primary`` (one header row, then data rows), so it can be
loaded into a spreadsheet as is; ``json`` writes the document.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from tabulate import tabulate


class OutputFormat(str, Enum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


@dataclass(frozen=True)
class Section:
    """A titled table (``headers`` + ``rows``) or, without headers, lines of text."""

    title: str
    headers: Sequence[str] = ()
    rows: Sequence[Sequence[object]] = ()
    lines: Sequence[str] = ()
    primary: bool = False  # the section ``csv`` writes
    human: bool = True  # shown by ``table`` and ``markdown``


@dataclass(frozen=True)
class View:
    document: dict[str, Any]
    sections: Sequence[Section] = field(default_factory=tuple)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?%?$")


def _terminal_safe(text: str) -> str:
    """Control characters (ANSI escapes included) from log data shown, not obeyed."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def _spreadsheet_safe(text: str) -> str:
    """A cell that a spreadsheet would run as a formula gets a leading apostrophe
    (OWASP's advice for CSV injection); plain numbers like -5 are left alone."""
    if text.startswith(_FORMULA_START) and not _NUMBER.match(text):
        return "'" + text
    return text


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _table(view: View) -> str:
    out: list[str] = []
    for section in (s for s in view.sections if s.human):
        if section.title:
            out.append(section.title)
            out.append("-" * len(section.title))
        if section.headers:
            rows = [[_terminal_safe(_cell(c)) for c in row] for row in section.rows]
            out.append(
                tabulate(rows, headers=list(section.headers), tablefmt="simple", disable_numparse=True)
                if rows
                else "(none)"
            )
        out.extend(_terminal_safe(line) for line in section.lines)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _md_escape(text: str) -> str:
    return _terminal_safe(text.replace("|", "\\|").replace("\n", " "))


def _markdown(view: View) -> str:
    out: list[str] = []
    for index, section in enumerate(s for s in view.sections if s.human):
        if section.title:
            out.append(("# " if index == 0 else "## ") + section.title)
            out.append("")
        if section.headers:
            rows = [[_md_escape(_cell(c)) for c in row] for row in section.rows]
            out.append(
                tabulate(
                    rows,
                    headers=[_md_escape(h) for h in section.headers],
                    tablefmt="github",
                    disable_numparse=True,
                )
                if rows
                else "_None._"
            )
            out.append("")
        for line in section.lines:
            out.append(_terminal_safe(line))
        if section.lines:
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _csv(view: View) -> str:
    primary = next((s for s in view.sections if s.primary), None)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if primary is not None:
        writer.writerow(primary.headers)
        for row in primary.rows:
            writer.writerow([_spreadsheet_safe(_cell(c)) for c in row])
    return buffer.getvalue()


def render(view: View, fmt: OutputFormat) -> str:
    """Render ``view``; the result always ends with a newline."""
    if fmt is OutputFormat.JSON:
        return json.dumps(view.document, indent=2, ensure_ascii=False) + "\n"
    if fmt is OutputFormat.CSV:
        return _csv(view)
    if fmt is OutputFormat.MARKDOWN:
        return _markdown(view)
    if fmt is OutputFormat.TABLE:
        return _table(view)
    raise AssertionError(f"unhandled format {fmt}")  # pragma: no cover

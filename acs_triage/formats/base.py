"""A command's result as a :class:`View`, rendered in the chosen :class:`OutputFormat`.

A view has a JSON document (with ``schema`` name and version), sections of typed
blocks for people (:mod:`acs_triage.formats.blocks`) and the table ``csv`` writes.
``table`` renders the sections for a terminal of a given width
(:mod:`~acs_triage.formats.terminal`), ``markdown`` as CommonMark with GFM tables
(:mod:`~acs_triage.formats.markdown`), ``html`` as one self-contained page
(:mod:`~acs_triage.formats.html`, which alone imports jinja2), ``csv`` the CSV table with
the JSON field names and machine values (one header row; lists joined by ``|``), ``json``
the document.
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

from acs_triage.display import json_safe, neutralise
from acs_triage.formats.blocks import Section, Table, machine
from acs_triage.formats.markdown import markdown_text
from acs_triage.formats.terminal import terminal_text

__all__ = ["DEFAULT_WIDTH", "OutputFormat", "View", "render"]

#: Width of ``table`` output when neither ``COLUMNS`` nor a terminal says.
DEFAULT_WIDTH = 100


class OutputFormat(str, Enum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"
    HTML = "html"


@dataclass(frozen=True)
class View:
    document: dict[str, Any]
    sections: Sequence[Section] = field(default_factory=tuple)
    csv: Table | None = None  #: what ``--format csv`` writes


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?%?$")


def _spreadsheet_safe(text: str) -> str:
    """A cell that a spreadsheet would run as a formula gets a leading apostrophe
    (OWASP's advice for CSV injection); plain numbers like -5 are left alone."""
    if text.startswith(_FORMULA_START) and not _NUMBER.match(text):
        return "'" + text
    return text


def _cell(text: str, *, lines: bool) -> str:
    """A CSV cell: control characters and line breaks escaped (a value from the log never
    starts a line), except, in a column of the tool's own ``lines`` (a query in ``kql show
    -f csv``), the line feeds, which CSV quotes."""
    if not lines:
        return neutralise(text)
    return "\n".join(neutralise(line) for line in text.split("\n"))


def _csv(view: View) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if view.csv is not None:
        columns = [(i, c) for i, c in enumerate(view.csv.columns) if c.csv]
        writer.writerow([c.key for _, c in columns])
        for row in view.csv.rows:
            writer.writerow([_spreadsheet_safe(_cell(machine(row[i]), lines=c.lines)) for i, c in columns])
    return buffer.getvalue()


def render(view: View, fmt: OutputFormat, width: int | None = DEFAULT_WIDTH) -> str:
    """Render ``view``; ``width`` applies to ``table`` (None: as wide as the content).
    The result always ends with a newline."""
    if fmt is OutputFormat.JSON:
        return json_safe(json.dumps(view.document, indent=2, ensure_ascii=False)) + "\n"
    if fmt is OutputFormat.CSV:
        return _csv(view)
    if fmt is OutputFormat.MARKDOWN:
        return markdown_text(view.sections)
    if fmt is OutputFormat.TABLE:
        return terminal_text(view.sections, width)
    if fmt is OutputFormat.HTML:
        from acs_triage.formats.html import html_text  # jinja2: only when HTML is asked for

        return html_text(view.sections, view.document)
    raise AssertionError(f"unhandled format {fmt}")  # pragma: no cover

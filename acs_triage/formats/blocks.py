"""What a view is made of: sections of typed blocks, and tables that keep machine values.

A view never holds pre-formatted text lines: it says what each piece *is* (a table,
labelled fields, a paragraph, a titled list, code), and each output format renders
that structure its own way: the terminal wraps it to its width, Markdown uses real
lists, tables and fences, CSV writes the one table marked for it with the JSON field
names and machine values.

A :class:`Table` row holds machine values (``"sbc-outbound"``, ``0.1782``,
``("sbc", "network")``); a :class:`Column` says how people read one (``show``) and
what CSV writes (:func:`machine`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from acs_triage.times import iso

__all__ = [
    "LIST_SEPARATOR",
    "Block",
    "Code",
    "Column",
    "Fields",
    "Items",
    "Section",
    "Table",
    "Text",
    "human",
    "machine",
]

#: How CSV joins a list value (one separator for every command).
LIST_SEPARATOR = "|"


def _text(value: Any, yes_no: tuple[str, str], separator: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no[0] if value else yes_no[1]
    if isinstance(value, datetime):
        return iso(value) or ""
    if isinstance(value, (list, tuple)):
        return separator.join(_text(v, yes_no, separator) for v in value)
    return str(value)


def human(value: Any) -> str:
    """A value as people read it in a table cell (yes/no, lists joined by commas)."""
    return _text(value, ("yes", "no"), ", ")


def machine(value: Any) -> str:
    """A value as CSV writes it: the JSON value, lists joined by :data:`LIST_SEPARATOR`
    (a list of objects, such as a query's parameters, by their ``name``)."""
    if isinstance(value, (list, tuple)):
        value = [v["name"] if isinstance(v, dict) and "name" in v else v for v in value]
    return _text(value, ("true", "false"), LIST_SEPARATOR)


@dataclass(frozen=True)
class Column:
    """One column: its JSON/CSV name, the header people read, and how to show a value."""

    key: str  #: the JSON field name, and the CSV header (snake_case)
    label: str  #: the header in a terminal table or Markdown
    show: Callable[[Any], str] = human  #: the cell as people read it
    wrap: bool = False  #: long text, wrapped to fit; otherwise kept whole (ids, codes, numbers)
    least: int = 12  #: a wrapped column is not made narrower (nor than its longest word)
    drop: int = 0  #: too narrow: the column with the highest ``drop`` goes first (0: never)
    right: bool = False  #: right-aligned (counts, rates)
    csv: bool = True  #: written by ``--format csv``
    #: the tool's own text of several lines (a query): CSV keeps its line feeds; in any
    #: other column (log data) a line break is shown escaped, never starting a line
    lines: bool = False


@dataclass(frozen=True)
class Table:
    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]  #: machine values, one per column
    empty: str = "none"  #: said instead of an empty table


@dataclass(frozen=True)
class Fields:
    """Labelled values, one per line (``Source: ...``)."""

    items: Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Items:
    """A titled list (``What to do:`` and its points)."""

    title: str
    items: Sequence[str]


@dataclass(frozen=True)
class Text:
    """A paragraph: wrapped to the terminal's width, one Markdown paragraph, never
    written by CSV."""

    text: str


@dataclass(frozen=True)
class Code:
    """Code shown as is: never wrapped (a query must stay runnable when pasted), fenced
    in Markdown with its ``language``."""

    text: str
    language: str = "kusto"


Block = Table | Fields | Text | Items | Code


@dataclass(frozen=True)
class Section:
    """A titled part of a view (an empty title continues the previous part)."""

    title: str
    blocks: Sequence[Block] = field(default_factory=tuple)

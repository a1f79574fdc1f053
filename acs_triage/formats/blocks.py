"""What a view is made of: sections of typed blocks, and tables that keep machine values.

A view never holds pre-formatted text lines: it says what each piece *is* (a table,
labelled fields, a paragraph, a titled list, code), and each output format renders
that structure its own way: the terminal wraps it to its width, Markdown uses real
lists, tables and fences, CSV writes the one table marked for it with the JSON field
names and machine values.

A :class:`Table` row holds machine values (``"sbc-outbound"``, ``0.1782``,
``("sbc", "network")``); a :class:`Column` says how people read one (``show``) and
what CSV writes (:func:`machine`).

Charts hold numbers, never drawings: a :class:`TimeChart` (counts per time bin, stacked
by series, and a rate line) is a sparkline line in a terminal, a mermaid ``xychart-beta``
block in Markdown and an SVG in HTML; a :class:`BarChart` and :class:`Figures` (headline
numbers) are drawn by HTML only, since a table or the fields beside them already give the
other formats the same numbers. CSV and JSON ignore every chart.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from acs_triage.times import iso

__all__ = [
    "DRAWN_ONLY",
    "LIST_SEPARATOR",
    "Bar",
    "BarChart",
    "Block",
    "Code",
    "Column",
    "Fields",
    "Figures",
    "Items",
    "Section",
    "Series",
    "Table",
    "Text",
    "TimeChart",
    "human",
    "machine",
    "sparkline",
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


@dataclass(frozen=True)
class Figures:
    """Headline numbers: ``(label, value, note)``, such as ``("Failure rate", "20.20%",
    "303 of 1500 PSTN legs")``. Drawn large by HTML; the fields of the same view say the
    same in words, so the other formats leave it out."""

    items: Sequence[tuple[str, str, str]]


@dataclass(frozen=True)
class Series:
    """Numbers of one kind: a stack of a :class:`TimeChart`, one value per bin."""

    key: str  #: machine name (a catalog category): one key, one colour, in every chart of a view
    label: str  #: its name for people (a legend)
    values: Sequence[int]


_BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float]) -> str:
    """One block character per value, scaled to the largest (all zero: the lowest)."""
    top = max(values, default=0) or 1.0
    last = len(_BARS) - 1
    return "".join(_BARS[min(int(v / top * last + 0.5), last)] for v in values)


def _pct(value: float) -> str:
    return f"{100 * value:.2f}%"


@dataclass(frozen=True)
class TimeChart:
    """Counts per time bin stacked by series (failed legs by category), with a rate per
    bin drawn as a line (the failure rate). Bins hold at least one leg; a bin without
    any is absent, as in the report's timeline."""

    title: str
    starts: Sequence[datetime]  #: the start of each bin (UTC), oldest first
    stacks: Sequence[Series]  #: largest first; each has one value per bin
    unit: str  #: what the stacks count ("failed legs")
    rates: Sequence[float]  #: the line: a fraction (0..1) per bin
    rate_label: str  #: "failure rate"

    def totals(self) -> list[int]:
        """The height of each bin's stack."""
        return [sum(s.values[i] for s in self.stacks) for i in range(len(self.starts))]

    def caption(self, last: int = 48) -> str:
        """The rate as a sparkline of the last ``last`` bins, with its scale (the
        terminal's rendering, and the text under Markdown's chart)."""
        rates = list(self.rates)[-last:]
        if not rates:
            return f"no {self.unit}: no bins"
        start = iso(self.starts[-len(rates)])
        return (
            f"{sparkline(rates)} {self.rate_label} in {len(rates)} bins from {start} "
            f"(peak {_pct(max(rates))}, last {_pct(rates[-1])})"
        )

    def labels(self) -> list[str]:
        """Each bin's start as a short label: ``HH:MM`` within one UTC day, ``MM-DD`` for
        bins of whole days, else ``MM-DD HH:MM``."""
        starts = list(self.starts)
        if starts and all(s.date() == starts[0].date() for s in starts):
            return [s.strftime("%H:%M") for s in starts]
        if all((s.hour, s.minute) == (0, 0) for s in starts) and len(starts) > 1:
            return [s.strftime("%m-%d") for s in starts]
        return [s.strftime("%m-%d %H:%M") for s in starts]

    def breakdown(self) -> str:
        """The stacks' totals over the window, largest first."""
        parts = ", ".join(f"{s.key} {sum(s.values)}" for s in self.stacks if sum(s.values))
        return f"{self.unit.capitalize()} by category: {parts or 'none'}"


@dataclass(frozen=True)
class Bar:
    label: str  #: what the bar is ("487/560487")
    value: int
    key: str = ""  #: colour key, shared with a :class:`TimeChart`'s series (a category)
    note: str = ""  #: said beside the bar (the pair's title)


@dataclass(frozen=True)
class BarChart:
    """One horizontal bar per item (the top pairs), drawn by HTML only: the table that
    goes with it gives the other formats the same numbers."""

    title: str
    bars: Sequence[Bar]
    unit: str  #: what the values count ("failed legs")


Block = Table | Fields | Text | Items | Code | Figures | TimeChart | BarChart
#: Blocks only HTML draws: the fields or the table beside them give the other formats their numbers.
DRAWN_ONLY = (Figures, BarChart)


@dataclass(frozen=True)
class Section:
    """A titled part of a view (an empty title continues the previous part)."""

    title: str
    blocks: Sequence[Block] = field(default_factory=tuple)

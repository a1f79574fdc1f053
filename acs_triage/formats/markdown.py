"""``--format markdown``: CommonMark with GFM tables, for tickets, wikis and CI summaries.

Structure is kept: labelled fields become a list, ``What to do:`` a paragraph
followed by a real list, code a ``kusto`` fence, tables GFM tables. Text from logs
and the catalog is escaped, so a masked number such as ``4:+142******11`` stays
literal instead of turning bold, and a ``|`` cannot split a table cell.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from acs_triage.display import neutralise
from acs_triage.formats import blocks
from acs_triage.formats.blocks import Block, Code, Fields, Items, Section, Table, Text

__all__ = ["escape", "markdown_text"]

#: Characters CommonMark (or GFM's tables and strikethrough) would interpret anywhere.
_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
#: What would start a block at the beginning of a line: heading, list, quote, rule, fence.
_LINE_START = re.compile(r"^(\s*)(?:([#>+=-])|(\d+)([.)]))")


def escape(text: str) -> str:
    """``text`` as literal Markdown inline text, on one line."""
    text = _INLINE.sub(r"\\\1", re.sub(" +", " ", neutralise(str(text))).strip())
    return _LINE_START.sub(_escape_start, text, count=1)


def _escape_start(match: re.Match[str]) -> str:
    """``# x`` -> ``\\# x``; ``1. x`` -> ``1\\. x`` (CommonMark escapes punctuation only)."""
    indent, mark, number, period = match.groups()
    return indent + ("\\" + mark if mark else number + "\\" + period)


def _fence(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _table(table: Table) -> list[str]:
    if not table.rows:
        return [f"_{escape(table.empty.capitalize())}._"]
    columns = list(table.columns)
    head = "| " + " | ".join(escape(c.label) for c in columns) + " |"
    rule = "|" + "|".join("---:" if c.right else "---" for c in columns) + "|"
    body = [
        "| " + " | ".join(escape(c.show(v)) for c, v in zip(columns, row, strict=True)) + " |"
        for row in table.rows
    ]
    return [head, rule, *body]


def _mermaid_string(text: str) -> str:
    """A quoted mermaid string: one line, no double quote (mermaid has no escape for it)
    and no ``%%``, which starts a comment or a directive even inside quotes."""
    text = re.sub(" +", " ", neutralise(text)).replace('"', "'").strip()
    return '"' + re.sub("%(?=%)", "% ", text) + '"'


def _mermaid(chart: blocks.TimeChart) -> list[str]:
    """The chart as a mermaid ``xychart-beta`` block (GitHub renders it): one x category
    per bin, the stacks' totals as bars. The caption under it says the same in text."""
    totals = chart.totals()
    labels = ", ".join(_mermaid_string(label) for label in chart.labels())
    return [
        "```mermaid",
        "xychart-beta",
        f"    title {_mermaid_string(chart.title)}",
        f"    x-axis {_mermaid_string('bin start (UTC)')} [{labels}]",
        f"    y-axis {_mermaid_string(chart.unit)} 0 --> {max(totals, default=0) or 1}",
        f"    bar [{', '.join(str(n) for n in totals)}]",
        "```",
        "",
        escape(f"{chart.title}: {chart.caption()}"),
        "",
        escape(chart.breakdown()),
    ]


def _block(block: Block) -> list[str]:
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Fields):
        return [f"- **{escape(label)}:** {escape(value)}" for label, value in block.items]
    if isinstance(block, Text):
        return [escape(block.text)]
    if isinstance(block, Items):
        title = [f"**{escape(block.title.rstrip(':'))}:**", ""] if block.title else []
        return [*title, *(f"- {escape(item)}" for item in block.items)]
    if isinstance(block, Code):
        fence = _fence(block.text)
        code = [neutralise(line) for line in block.text.rstrip("\n").split("\n")]
        return [f"{fence}{block.language}", *code, fence]
    if isinstance(block, blocks.TimeChart):
        return _mermaid(block)
    if isinstance(block, blocks.DRAWN_ONLY):
        return []  # the fields or the table beside it say the same
    raise AssertionError(f"unhandled block {block!r}")  # pragma: no cover


def markdown_text(sections: Sequence[Section]) -> str:
    """The sections as a Markdown document: the first title ``#``, the others ``##``."""
    out: list[str] = []
    for index, section in enumerate(sections):
        if section.title:
            out += [("# " if index == 0 else "## ") + escape(section.title), ""]
        for block in section.blocks:
            lines = _block(block)
            out += [*lines, ""] if lines else []
    return "\n".join(out).rstrip("\n") + "\n"

"""``--format table``: a view for a terminal, fitted to its width.

Prose is wrapped with hanging indents; identifiers (GUIDs, codes, masked numbers) are
never split, and a URL longer than the line is broken after a ``/``. A table too wide
for the terminal first wraps its text columns, then drops its least useful columns
(the highest :attr:`Column.drop`), and says which. ``width=None`` (``--wide``) never
wraps or drops anything.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from acs_triage.display import neutralise
from acs_triage.formats import blocks
from acs_triage.formats.blocks import Block, Code, Column, Fields, Items, Section, Table, Text

__all__ = ["GAP", "fit_columns", "terminal_text", "wrap"]

GAP = 2  #: spaces between table columns
_SPACES = re.compile(" +")
_URL = re.compile(r"^\W*[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def _pieces(word: str, width: int) -> list[str]:
    """A word too long for the line: a URL split after its slashes; anything else kept
    whole, even if the line must overflow (an identifier must stay copyable)."""
    if len(word) <= width or not _URL.match(word):
        return [word]
    out: list[str] = []
    for part in re.findall(r"[^/]*/+|[^/]+$", word):
        if out and len(out[-1]) + len(part) <= width:
            out[-1] += part
        else:
            out.append(part)
    return [piece for chunk in out for piece in _hard(chunk, width)]


def _hard(word: str, width: int) -> list[str]:
    return [word[i : i + width] for i in range(0, len(word), width)] or [""]


def wrap(text: str, width: int | None, indent: str = "", first: str = "") -> list[str]:
    """``text`` in lines of at most ``width`` characters: the first starts with
    ``first``, the others with ``indent``. Spaces are the only break points (and the
    slashes of a URL too long for a line)."""
    text = _SPACES.sub(" ", neutralise(text)).strip()
    if width is None:
        return [first + text]
    lines: list[str] = []
    line, empty = first, True
    for word in text.split(" ") if text else []:
        for index, piece in enumerate(_pieces(word, max(width - len(indent), 1))):
            if empty:
                line, empty = line + piece, False
            elif index == 0 and len(line) + 1 + len(piece) <= width:
                line += " " + piece
            else:
                lines.append(line)
                line = indent + piece
    lines.append(line.rstrip())
    return lines


def fit_columns(
    columns: Sequence[Column], cells: Sequence[Sequence[str]], width: int | None
) -> tuple[list[int], list[int]]:
    """Which columns to keep (their indexes) and how wide each one is.

    Every column gets its widest cell when that fits. Otherwise the wrapped columns
    shrink (never below their ``least`` nor their longest word), and if that is not enough the droppable
    columns go, highest ``drop`` first (the rightmost of equals first)."""
    natural = [max([len(column.label), *(len(row[i]) for row in cells)]) for i, column in enumerate(columns)]
    keep = list(range(len(columns)))
    if width is None:
        return keep, natural

    longest_word = [
        max((len(word) for row in cells for word in row[i].split()), default=0) for i in range(len(columns))
    ]

    def least(i: int) -> int:
        if not columns[i].wrap:
            return natural[i]
        return min(natural[i], max(columns[i].least, longest_word[i]))

    def needed(indexes: list[int]) -> int:
        return sum(least(i) for i in indexes) + GAP * (len(indexes) - 1)

    while needed(keep) > width:
        droppable = [i for i in keep if columns[i].drop > 0]
        if not droppable:
            break
        keep.remove(max(droppable, key=lambda i: (columns[i].drop, i)))
    widths = {i: least(i) for i in keep}
    spare = width - needed(keep)
    # Spare room goes to the wrapped columns that are never dropped first (the title),
    # then to the others, each up to its widest cell.
    for i in sorted((i for i in keep if columns[i].wrap), key=lambda i: (columns[i].drop, i)):
        grow = min(max(spare, 0), natural[i] - widths[i])
        widths[i] += grow
        spare -= grow
    return keep, [widths[i] for i in keep]


def _table(table: Table, width: int | None) -> list[str]:
    columns = list(table.columns)
    if not table.rows:
        return [f"({table.empty})"]
    cells = [
        [_SPACES.sub(" ", neutralise(c.show(v))).strip() for c, v in zip(columns, row, strict=True)]
        for row in table.rows
    ]
    keep, widths = fit_columns(columns, cells, width)
    if width is not None and sum(widths) + GAP * (len(widths) - 1) > width:
        return _records(columns, cells, width)
    shown = [columns[i] for i in keep]

    def cell_lines(text: str, column: Column, size: int) -> list[str]:
        if not column.wrap or len(text) <= size:
            return [text]
        return wrap(text, size)

    def line(parts: Sequence[str], aligned: Sequence[Column]) -> str:
        padded = [
            p.rjust(w) if c.right else p.ljust(w) for p, c, w in zip(parts, aligned, widths, strict=True)
        ]
        return (" " * GAP).join(padded).rstrip()

    out = [line([c.label for c in shown], shown), line(["-" * w for w in widths], shown)]
    rendered = [
        [cell_lines(row[i], columns[i], w) for i, w in zip(keep, widths, strict=True)] for row in cells
    ]
    multiline = any(len(lines) > 1 for row in rendered for lines in row)
    for index, row in enumerate(rendered):
        if multiline and index:
            out.append("")
        for depth in range(max(len(lines) for lines in row)):
            out.append(line([lines[depth] if depth < len(lines) else "" for lines in row], shown))
    dropped = [c.label for i, c in enumerate(columns) if i not in keep]
    if dropped:
        out += wrap(f"(not shown at this width: {', '.join(dropped)}; --wide shows every column)", width)
    return out


def _records(columns: Sequence[Column], cells: Sequence[Sequence[str]], width: int) -> list[str]:
    """A table too wide for the terminal even with its optional columns dropped: one
    block of ``label: value`` lines per row, every value whole or wrapped."""
    out: list[str] = []
    for index, row in enumerate(cells):
        if index:
            out.append("")
        out += _fields(Fields([(c.label, v) for c, v in zip(columns, row, strict=True) if v]), width)
    return out


def _fields(block: Fields, width: int | None) -> list[str]:
    size = max((len(label) for label, _ in block.items), default=0) + 2
    hanging = width is not None and size > width // 3
    out: list[str] = []
    for label, value in block.items:
        head = f"{label}:".ljust(size)
        if hanging:
            out += wrap(value, width, indent="    ", first=f"{label}: ")
        else:
            out += wrap(value, width, indent=" " * size, first=head)
    return out


def _block(block: Block, width: int | None) -> list[str]:
    if isinstance(block, Table):
        return _table(block, width)
    if isinstance(block, Fields):
        return _fields(block, width)
    if isinstance(block, Text):
        return wrap(block.text, width)
    if isinstance(block, Items):
        lines = wrap(block.title, width) if block.title else []
        for item in block.items:
            lines += wrap(item, width, indent="    ", first="  - ")
        return lines
    if isinstance(block, Code):
        return [neutralise(line) for line in block.text.rstrip("\n").split("\n")]
    if isinstance(block, blocks.TimeChart):
        return wrap(f"{block.title}: {block.caption()}", width, indent="    ") + wrap(
            block.breakdown(), width, indent="      ", first="    "
        )
    if isinstance(block, blocks.DRAWN_ONLY):
        return []  # the fields or the table beside it say the same
    raise AssertionError(f"unhandled block {block!r}")  # pragma: no cover


def terminal_text(sections: Sequence[Section], width: int | None) -> str:
    """The sections for a terminal at most ``width`` columns wide (None: no limit)."""
    out: list[str] = []
    for section in sections:
        if section.title:
            title = wrap(section.title, width)
            out += title
            out.append("-" * max(len(t) for t in title))
        for block in section.blocks:
            out += _block(block, width)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"

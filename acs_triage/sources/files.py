"""The offline source: exported ACSCallSummary files (and the bundled sample).

Files stream through :func:`acs_triage.sources.exports.read_export` whatever their
format, so memory stays flat however large they are; every question costs one
pass over them. Standard input, which can be read only once, is copied to a
temporary file during its first pass and read from there afterwards.

A file with rejected rows and not one readable record is a file-level error (exit
5): whatever it is, it is not the export it was taken for.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, BinaryIO, cast

from acs_triage.records import Item, Rejection, TriageInput
from acs_triage.sources.aggregate import LineCount
from acs_triage.sources.base import LegStreamSource
from acs_triage.sources.exports import ExportError, InputFormat, read_export
from acs_triage.sources.exports.common import LineTally
from acs_triage.windows import Window

__all__ = ["FileSource", "iter_files", "read_files"]


def _unreadable(path: str, rejected: int, first: Rejection) -> ExportError:
    name = "<stdin>" if path == "-" else path
    return ExportError(
        f"{name}: no readable record: {rejected:,} row(s) rejected, the first at line {first.line:,}: "
        f"{first.reason}",
        hint="is it an ACSCallSummary export in the format you meant (--input-format)?",
    )


def iter_files(
    paths: Sequence[str],
    fmt: InputFormat = InputFormat.AUTO,
    *,
    date_order: str | None = None,
    tally: LineTally | None = None,
    stdin: BinaryIO | None = None,
) -> Iterator[Item]:
    """Every row of every file, as a leg or a rejection; file-level problems raise
    :class:`~acs_triage.sources.exports.ExportError` (exit 5), naming the file,
    among them a file whose every row was rejected."""
    for path in paths:
        legs = rejected = 0
        first: Rejection | None = None
        for item in read_export(path, fmt, stdin=stdin, date_order=date_order, tally=tally):
            if isinstance(item, Rejection):
                rejected += 1
                first = first or item
            else:
                legs += 1
            yield item
        if not legs and first is not None:
            raise _unreadable(path, rejected, first)


class _Tee:
    """Standard input, copied to ``copy`` as it is read."""

    def __init__(self, stream: BinaryIO, copy: IO[bytes]) -> None:
        self._stream = stream
        self._copy = copy

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._copy.write(data)
        return data


class FileSource(LegStreamSource):
    """Exported files (``-`` is standard input) as a :class:`~acs_triage.sources.base.Source`."""

    def __init__(
        self,
        paths: Sequence[str],
        fmt: InputFormat = InputFormat.AUTO,
        *,
        kind: str = "file",
        description: str | None = None,
        date_order: str | None = None,
    ) -> None:
        self.paths = tuple(paths)
        self.fmt = fmt
        self.kind = kind
        self.description = description or ", ".join(self.paths)
        self.date_order = date_order
        self._stdin_copy: IO[bytes] | None = None
        self._stdin_complete = False
        self._tally: LineTally | None = None

    def items(self) -> Iterable[Item]:
        tally = LineTally()
        self._tally = None
        stdin = self._stdin() if "-" in self.paths else None
        items = iter_files(self.paths, self.fmt, date_order=self.date_order, tally=tally, stdin=stdin)
        return self._pass(items, tally)

    def _stdin(self) -> BinaryIO:
        """Standard input on the first pass (copied as it is read), the copy afterwards."""
        if self._stdin_copy is None:
            self._stdin_copy = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
            return cast(BinaryIO, _Tee(sys.stdin.buffer, self._stdin_copy))
        if not self._stdin_complete:
            raise ExportError("<stdin>: it was not read to its end, and can be read only once")
        self._stdin_copy.seek(0)
        return cast(BinaryIO, self._stdin_copy)

    def _pass(self, items: Iterator[Item], tally: LineTally) -> Iterator[Item]:
        yield from items
        self._tally = tally
        self._stdin_complete = True

    def lines(self) -> LineCount | None:
        tally = self._tally
        return None if tally is None else (tally.read, tally.blank)

    def close(self) -> None:
        if self._stdin_copy is not None:
            self._stdin_copy.close()
            self._stdin_copy = None


def read_files(
    paths: Sequence[str],
    fmt: InputFormat = InputFormat.AUTO,
    window: Window | None = None,
    *,
    source_kind: str = "file",
    description: str | None = None,
    date_order: str | None = None,
) -> TriageInput:
    """Aggregate exported files into a :class:`TriageInput` (whole files unless ``window``)."""
    with FileSource(paths, fmt, kind=source_kind, description=description, date_order=date_order) as source:
        return source.triage([window or Window(None, None)])[0]

"""The offline source: exported ACSCallSummary files (and the bundled sample).

Two engines answer the same questions with the same figures:

- the **reference** engine streams every file through
  :func:`acs_triage.sources.exports.read_export` (any format) and
  :class:`~acs_triage.sources.aggregate.LegAggregator`: one pass per question.
  Standard input, which can be read only once, is copied to a temporary file during
  its first pass and read from there afterwards. It alone reports rejected rows;
- the **columnar** engine (:mod:`acs_triage.sources.columnar`, DuckDB) answers for CSV
  exports of at least :data:`COLUMNAR_MIN_BYTES` in total, when it can vouch for every
  row and line; otherwise (a rejected row, a value it does not read exactly as the
  reference reader does, a blank line, a row over several lines) the reference engine
  answers.

A file with rejected rows and not one readable record is a file-level error (exit
5): whatever it is, it is not the export it was taken for.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import IO, TYPE_CHECKING, BinaryIO, TypeVar, cast

from acs_triage.records import PSTN_SCOPE, Item, LegBatch, LegFilter, Rejection, TriageInput
from acs_triage.sources.aggregate import DEFAULT_BIN, LineCount
from acs_triage.sources.base import LegStreamSource
from acs_triage.sources.exports import ExportError, InputFormat, read_export
from acs_triage.sources.exports.common import LineTally
from acs_triage.windows import Window

if TYPE_CHECKING:
    from acs_triage.sources.columnar.engine import ColumnarFiles

__all__ = ["COLUMNAR_MIN_BYTES", "ENGINES", "PROGRESS_MIN_BYTES", "FileSource", "iter_files", "read_files"]

_LOG = logging.getLogger(__name__)
_T = TypeVar("_T")

#: CSV inputs of at least this many bytes (in total) go to the columnar engine: below,
#: importing DuckDB (~0.1 s) costs more than it saves.
COLUMNAR_MIN_BYTES = 16 * 2**20
#: Inputs of at least this many bytes show their progress (on a terminal).
PROGRESS_MIN_BYTES = 50 * 2**20
#: ``auto`` (columnar for large CSV exports), ``columnar`` (whatever the size) or ``reference``.
ENGINES = ("auto", "columnar", "reference")


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
        engine: str = "auto",
    ) -> None:
        if engine not in ENGINES:
            raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
        self.paths = tuple(paths)
        self.fmt = fmt
        self.kind = kind
        self.description = description or ", ".join(self.paths)
        self.date_order = date_order
        self.engine = engine
        self._stdin_copy: IO[bytes] | None = None
        self._stdin_complete = False
        self._tally: LineTally | None = None
        self._columnar: ColumnarFiles | None = None
        self._columnar_decided = False
        self._rows_read = 0
        self._bytes: int | None = None
        #: Which engine answered the last question: ``columnar`` or ``reference`` (None before any).
        self.answered_by: str | None = None

    # ------------------------------------------------------------------ engines

    def _engine(self) -> ColumnarFiles | None:
        """The columnar engine for these files, or None when the reference engine answers."""
        if not self._columnar_decided:
            self._columnar_decided = True
            if self.engine != "reference" and "-" not in self.paths:
                from acs_triage.sources.columnar.plan import plan_csv

                plans = [plan_csv(path, self.fmt) for path in self.paths]
                large = sum(plan.size for plan in plans if plan is not None) >= COLUMNAR_MIN_BYTES
                if all(plan is not None for plan in plans) and (large or self.engine == "columnar"):
                    from acs_triage.sources.columnar.engine import ColumnarFiles

                    self._columnar = ColumnarFiles([plan for plan in plans if plan is not None])
                    _LOG.info("columnar engine (DuckDB) for %s", self.description)
        return self._columnar

    def _declined(self) -> None:
        """The columnar engine could not vouch for the files: the reference engine answers
        from now on."""
        if self._columnar is not None:
            self._columnar.close()
            self._columnar = None

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
        self._rows_read = 0
        for item in items:
            self._rows_read += 1
            yield item
        self._tally = tally
        self._stdin_complete = True

    def lines(self) -> LineCount | None:
        tally = self._tally
        return None if tally is None else (tally.read, tally.blank)

    # ------------------------------------------------------------------ questions

    def _answer(self, columnar: Callable[[ColumnarFiles], _T | None], reference: Callable[[], _T]) -> _T:
        """The columnar engine's answer when it gives one, else the reference engine's."""
        engine = self._engine()
        if engine is not None:
            found = columnar(engine)
            if found is not None:
                self.answered_by = "columnar"
                return found
            self._declined()
        self.answered_by = "reference"
        return reference()

    def newest(self) -> datetime | None:
        def columnar(engine: ColumnarFiles) -> tuple[datetime | None] | None:
            answered, newest = engine.newest()
            return (newest,) if answered else None

        return self._answer(columnar, lambda: (super(FileSource, self).newest(),))[0]

    def triage(
        self, windows: Sequence[Window], *, bin_size: timedelta | None = None, scope: str = PSTN_SCOPE
    ) -> list[TriageInput]:
        return self._answer(
            lambda engine: engine.triage(
                windows,
                bin_size=bin_size or DEFAULT_BIN,
                scope=scope,
                source_kind=self.kind,
                source_description=self.description,
            ),
            lambda: super(FileSource, self).triage(windows, bin_size=bin_size, scope=scope),
        )

    def count_legs(self, window: Window, *, scope: str = PSTN_SCOPE) -> int:
        return self._answer(
            lambda engine: engine.count_legs(window, scope),
            lambda: super(FileSource, self).count_legs(window, scope=scope),
        )

    def call_legs(self, correlation_id: str, window: Window) -> LegBatch:
        return self._answer(
            lambda engine: engine.call_legs(correlation_id, window),
            lambda: super(FileSource, self).call_legs(correlation_id, window),
        )

    def failed_legs(self, window: Window, wanted: LegFilter) -> LegBatch:
        return self._answer(
            lambda engine: engine.failed_legs(window, wanted),
            lambda: super(FileSource, self).failed_legs(window, wanted),
        )

    # ------------------------------------------------------------------ progress

    def _size(self) -> int:
        if self._bytes is None:
            total = 0
            for path in self.paths:
                with contextlib.suppress(OSError):
                    total += os.path.getsize(path) if path != "-" else 0
            self._bytes = total
        return self._bytes

    def progress(self) -> str:
        """For inputs of at least :data:`PROGRESS_MIN_BYTES`: how far the current
        question has got (a bar while the columnar engine scans, else the rows read)."""
        size = self._size()
        if size < PROGRESS_MIN_BYTES:
            return ""
        megabytes = f"{size / 1e6:,.0f} MB"
        done = self._columnar.progress() if self._columnar is not None else None
        if done is not None:
            filled = round(done / 10)
            return f"[{'#' * filled}{'-' * (10 - filled)}] {done:.0f}% of {megabytes}"
        if self._rows_read:
            return f"{self._rows_read:,} rows of {megabytes} read"
        return f"reading {megabytes}"

    def close(self) -> None:
        self._declined()
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

"""The offline source: exported ACSCallSummary files (and the bundled sample).

Two engines answer the same questions with the same figures:

- the **reference** engine streams every file through
  :func:`acs_triage.sources.exports.read_export` (any format) and
  :class:`~acs_triage.sources.aggregate.LegAggregator`: one pass per question
  (standard input, which can be read only once, is kept in memory after its first
  pass); it alone reports rejected rows;
- the **columnar** engine (:mod:`acs_triage.sources.columnar`, DuckDB) answers for CSV
  exports of at least :data:`COLUMNAR_MIN_BYTES` in total, when it can vouch for every
  row; otherwise (a rejected row, a value it does not read exactly as the reference
  reader does) the reference engine answers.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from acs_triage.records import PSTN_SCOPE, Item, LegBatch, LegFilter, TriageInput
from acs_triage.sources.aggregate import DEFAULT_BIN
from acs_triage.sources.base import LegStreamSource
from acs_triage.sources.exports import InputFormat, read_export
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


def iter_files(paths: Sequence[str], fmt: InputFormat = InputFormat.AUTO) -> Iterator[Item]:
    """Every row of every file, as a leg or a rejection; file-level problems raise
    :class:`~acs_triage.sources.exports.ExportError` (exit 5), naming the file."""
    for path in paths:
        yield from read_export(path, fmt)


class FileSource(LegStreamSource):
    """Exported files (``-`` is standard input) as a :class:`~acs_triage.sources.base.Source`."""

    def __init__(
        self,
        paths: Sequence[str],
        fmt: InputFormat = InputFormat.AUTO,
        *,
        kind: str = "file",
        description: str | None = None,
        engine: str = "auto",
    ) -> None:
        if engine not in ENGINES:
            raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
        self.paths = tuple(paths)
        self.fmt = fmt
        self.kind = kind
        self.description = description or ", ".join(self.paths)
        self.engine = engine
        self._buffered: list[Item] | None = None
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
        if "-" not in self.paths:
            return self._counted(iter_files(self.paths, self.fmt))
        if self._buffered is None:
            self._buffered = list(iter_files(self.paths, self.fmt))
        return self._buffered

    def _counted(self, items: Iterator[Item]) -> Iterator[Item]:
        self._rows_read = 0
        for item in items:
            self._rows_read += 1
            yield item

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


def read_files(
    paths: Sequence[str],
    fmt: InputFormat = InputFormat.AUTO,
    window: Window | None = None,
    *,
    source_kind: str = "file",
    description: str | None = None,
) -> TriageInput:
    """Aggregate exported files into a :class:`TriageInput` (whole files unless ``window``)."""
    with FileSource(paths, fmt, kind=source_kind, description=description) as source:
        return source.triage([window or Window(None, None)])[0]

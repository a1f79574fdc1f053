"""The offline source: exported ACSCallSummary files (and the bundled sample).

Files stream through :func:`acs_triage.sources.exports.read_export` into the same
:class:`~acs_triage.triage.aggregate.LegAggregator` whatever their format, so
memory stays flat however large the file is.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from datetime import datetime

from acs_triage.codes import is_failure_end
from acs_triage.records import Leg, Rejection, TriageInput, Window
from acs_triage.sources.exports import InputFormat, read_export
from acs_triage.triage.aggregate import LegAggregator


def iter_files(paths: Sequence[str], fmt: InputFormat = InputFormat.AUTO) -> Iterator[Leg | Rejection]:
    """Every row of every file, as a leg or a rejection; file-level problems raise."""
    for path in paths:
        # File-level problems raise ExportError, an InputError (exit 5) naming the file.
        yield from read_export(path, fmt)


def read_files(
    paths: Sequence[str],
    fmt: InputFormat = InputFormat.AUTO,
    window: Window | None = None,
    *,
    source_kind: str = "file",
    description: str | None = None,
) -> TriageInput:
    """Aggregate exported files into a :class:`TriageInput` (whole files unless ``window``)."""
    aggregator = LegAggregator(window)
    aggregator.add_all(iter_files(paths, fmt))
    return aggregator.result(source_kind=source_kind, source_description=description or ", ".join(paths))


def _inside(moment: datetime, window: Window) -> bool:
    return (window.start is None or moment >= window.start) and (window.end is None or moment < window.end)


def legs_of_call(
    paths: Sequence[str],
    correlation_id: str,
    fmt: InputFormat = InputFormat.AUTO,
    window: Window | None = None,
) -> tuple[list[Leg], list[Rejection]]:
    """Every leg of one call found in the files, in time order, and the rejected rows."""
    window = window or Window(None, None)
    legs: list[Leg] = []
    rejections: list[Rejection] = []
    for item in iter_files(paths, fmt):
        if isinstance(item, Rejection):
            rejections.append(item)
        elif item.correlation_id == correlation_id and _inside(item.time_generated, window):
            legs.append(item)
    return sorted(legs, key=lambda leg: leg.time_generated), rejections


def failed_legs(
    paths: Sequence[str],
    fmt: InputFormat = InputFormat.AUTO,
    window: Window | None = None,
    *,
    end_reason: str = "",
    sub_code: str = "",
    max_rows: int = 1000,
) -> tuple[list[Leg], list[Rejection]]:
    """The newest ``max_rows`` failed PSTN legs (as ``kql/pstn-failed-legs.kql``), in
    bounded memory (a heap of at most ``max_rows`` legs), and the rejected rows."""
    window = window or Window(None, None)
    newest: list[tuple[float, int, Leg]] = []
    rejections: list[Rejection] = []
    for index, item in enumerate(iter_files(paths, fmt)):
        if isinstance(item, Rejection):
            rejections.append(item)
            continue
        if not item.is_pstn or not is_failure_end(item.end_reason):
            continue
        if not _inside(item.time_generated, window):
            continue
        if (end_reason and item.end_reason != end_reason) or (sub_code and item.end_sub_code != sub_code):
            continue
        entry = (item.time_generated.timestamp(), -index, item)
        if len(newest) < max_rows:
            heapq.heappush(newest, entry)
        elif entry > newest[0]:
            heapq.heapreplace(newest, entry)
    return [leg for _, _, leg in sorted(newest, reverse=True)], rejections

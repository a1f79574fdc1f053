"""The offline source: exported ACSCallSummary files (and the bundled sample).

Files stream through :func:`acs_triage.sources.exports.read_export` into the same
:class:`~acs_triage.triage.aggregate.LegAggregator` whatever their format, so
memory stays flat however large the file is.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from acs_triage.records import Leg, Rejection, TriageInput, Window
from acs_triage.sources.exports import InputFormat, read_export
from acs_triage.triage.aggregate import LegAggregator


def iter_files(paths: Sequence[str], fmt: InputFormat = InputFormat.AUTO
               ) -> Iterator[Leg | Rejection]:
    """Every row of every file, as a leg or a rejection; file-level problems raise."""
    for path in paths:
        # File-level problems raise ExportError, an InputError (exit 5) naming the file.
        yield from read_export(path, fmt)


def read_files(paths: Sequence[str], fmt: InputFormat = InputFormat.AUTO,
               window: Window | None = None, *, source_kind: str = "file",
               description: str | None = None) -> TriageInput:
    """Aggregate exported files into a :class:`TriageInput` (whole files unless ``window``)."""
    aggregator = LegAggregator(window)
    aggregator.add_all(iter_files(paths, fmt))
    return aggregator.result(source_kind=source_kind,
                             source_description=description or ", ".join(paths))


def legs_of_call(paths: Sequence[str], correlation_id: str,
                 fmt: InputFormat = InputFormat.AUTO) -> list[Leg]:
    """Every leg of one call found in the files, in time order."""
    legs = [item for item in iter_files(paths, fmt)
            if isinstance(item, Leg) and item.correlation_id == correlation_id]
    return sorted(legs, key=lambda leg: leg.time_generated)

"""Per-resource figures of an archive: what was read from each resource's blobs and
how many of its PSTN legs fell in the window (the report's ``source.resources``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from acs_triage.codes import is_failure_end
from acs_triage.records import PSTN_SCOPE, Item, Leg, ResourceTotals, in_scope
from acs_triage.windows import WRITTEN, Window

__all__ = ["ResourceTally"]


@dataclass
class _Counts:
    blobs: int = 0
    bytes_read: int = 0
    rows_read: int = 0
    legs: int = 0
    failed_legs: int = 0


class ResourceTally:
    """Counts, per resource, the rows of its blobs and its legs of ``scope`` in ``window``
    (the aggregator's rules: ``EndpointType =~ "PSTN"`` for PSTN, the window's column)."""

    def __init__(self, window: Window, scope: str = PSTN_SCOPE) -> None:
        self._window = window
        self._scope = scope
        self._written = window.column == WRITTEN
        self._counts: dict[str, _Counts] = {}

    def count(self, resource: str, items: Iterable[Item]) -> Iterator[Item]:
        """``items`` (one blob's rows) unchanged, counted for ``resource``."""
        counts = self._counts.setdefault(resource, _Counts())
        counts.blobs += 1
        window = self._window
        for item in items:
            counts.rows_read += 1
            if isinstance(item, Leg) and in_scope(item.endpoint_type, self._scope):
                moment = item.time_generated if self._written else item.call_start_time
                if window.contains(moment):
                    counts.legs += 1
                    counts.failed_legs += is_failure_end(item.end_reason)
            yield item

    def read(self, resource: str, size: int) -> None:
        """``size`` more bytes were read from ``resource``'s blobs."""
        self._counts.setdefault(resource, _Counts()).bytes_read += size

    def totals(self) -> list[ResourceTotals]:
        """One entry per resource, by resource id."""
        return [
            ResourceTotals(resource, c.blobs, c.bytes_read, c.rows_read, c.legs, c.failed_legs)
            for resource, c in sorted(self._counts.items())
        ]

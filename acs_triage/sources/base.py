"""The seam between where data comes from and what is done with it.

A :class:`Source` answers the questions every command asks, whatever holds the data:

- :meth:`Source.triage`: aggregates (:class:`~acs_triage.records.TriageInput`) for
  one or more windows: ``triage`` asks for one, ``smoke`` for the current and the
  baseline window;
- :meth:`Source.call_legs`: every leg of one call (``call``), and
  :meth:`Source.call_automation_operations`: the call's Call Automation requests, which
  only a workspace can hold (the others answer "not available", with the reason);
- :meth:`Source.failed_legs`: the newest failed PSTN legs, capped (``legs``).

Implementations: :class:`~acs_triage.sources.workspace.WorkspaceSource` (KQL in a
Log Analytics workspace), :class:`~acs_triage.sources.files.FileSource` (exported
files and the bundled sample), :class:`~acs_triage.sources.memory.MemorySource`
(legs held in memory, for library users and tests) and the storage archives of
:mod:`acs_triage.sources.archive` (a folder tree, a storage account). All but the
first share :class:`LegStreamSource`: anything that can replay a stream of legs and
rejections gets the same answers, computed by :mod:`acs_triage.sources.aggregate`
with the same rules as the KQL.
"""

from __future__ import annotations

import heapq
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from types import TracebackType
from typing import Protocol, TypeVar, runtime_checkable

from acs_triage.codes import is_failure_end
from acs_triage.records import (
    PSTN_SCOPE,
    Item,
    Leg,
    LegBatch,
    LegFilter,
    OperationBatch,
    Rejection,
    TriageInput,
    in_scope,
)
from acs_triage.sources.aggregate import DEFAULT_BIN, LegAggregator, LineCount, RejectionTally
from acs_triage.windows import WRITTEN, Window

__all__ = ["ClosingSource", "LegStreamSource", "Source", "aggregate_windows"]


@runtime_checkable
class Source(Protocol):
    """Where the legs come from. Use it as a context manager; :meth:`close` frees
    connections and files."""

    #: ``workspace``, ``file``, ``sample`` or ``memory`` (the report's ``source.kind``).
    kind: str
    #: One line naming the data, e.g. ``workspace <guid>`` or the file names.
    description: str
    #: True when data keeps arriving (a workspace): windows are relative to now and
    #: must be bounded. False for fixed data (files): windows may be open-ended.
    live: bool

    def newest(self) -> datetime | None:
        """The newest ``TimeGenerated`` of fixed data (None for live sources and for
        data without a single leg)."""
        ...

    def triage(
        self, windows: Sequence[Window], *, bin_size: timedelta | None = None, scope: str = PSTN_SCOPE
    ) -> list[TriageInput]:
        """Aggregates of the legs in ``scope`` for each window, in order. Rejected input
        rows are accounted in the first window's input only."""
        ...

    def count_legs(self, window: Window, *, scope: str = PSTN_SCOPE) -> int:
        """How many legs in ``scope`` the window holds so far (one cheap question, for polling)."""
        ...

    def call_legs(self, correlation_id: str, window: Window) -> LegBatch:
        """Every leg (PSTN or not) of the call ``correlation_id`` (any letter case), oldest first."""
        ...

    def call_automation_operations(
        self, correlation_id: str, window: Window, *, max_rows: int = 1000
    ) -> OperationBatch:
        """The Call Automation requests (ACSCallAutomationIncomingOperations) of the call
        ``correlation_id``, oldest first, at most ``max_rows``; ``available=False`` with a
        reason when the source cannot hold them."""
        ...

    def failed_legs(self, window: Window, wanted: LegFilter) -> LegBatch:
        """The newest ``wanted.max_rows`` failed legs ``wanted`` selects, newest first;
        ``capped`` when more matched."""
        ...

    def progress(self) -> str:
        """One line on how far the current question has got (read by a progress display
        in another thread); empty when there is nothing to say."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Source: ...

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None: ...


_Closing = TypeVar("_Closing", bound="ClosingSource")


class ClosingSource:
    """``with source:`` closes it; subclasses implement :meth:`close`."""

    def close(self) -> None:
        """Free what the source holds (connections, buffers)."""

    def progress(self) -> str:
        """Nothing to say by default (a query is one request)."""
        return ""

    def __enter__(self: _Closing) -> _Closing:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


#: Why a source of call legs holds no Call Automation requests, by kind.
_NO_OPERATIONS = {
    "file": "not available from files (exported ACSCallSummary files hold no "
    "ACSCallAutomationIncomingOperations rows)",
    "sample": "not available from the bundled sample (ACSCallSummary legs only)",
}


def aggregate_windows(
    items: Iterable[Item],
    windows: Sequence[Window],
    *,
    kind: str,
    description: str,
    bin_size: timedelta | None = None,
    scope: str = PSTN_SCOPE,
    lines: Callable[[], LineCount | None] | None = None,
) -> list[TriageInput]:
    """Aggregates of the legs of ``items`` in ``scope`` for each window, in one pass;
    rejected and skipped rows are accounted in the first window's input only, and so
    are the lines read (``lines()``, asked once the pass is over)."""
    aggregators = [LegAggregator(window, bin_size or DEFAULT_BIN, scope=scope) for window in windows]
    first, rest = aggregators[0], aggregators[1:]
    for item in items:
        first.add(item)
        if rest and isinstance(item, Leg):
            for aggregator in rest:
                aggregator.add(item)
    return [
        first.result(source_kind=kind, source_description=description, lines=lines() if lines else None),
        *(a.result(source_kind=kind, source_description=description) for a in rest),
    ]


class LegStreamSource(ClosingSource, ABC):
    """A source whose data is a replayable stream of legs and rejections.

    Subclasses implement :meth:`items`; every question is answered in one pass
    over it, in memory bounded by the aggregates (never by the number of legs).
    A source that can leave rows out unread (an archive partitioned by hour)
    also overrides :meth:`items_within`.
    """

    kind: str = "memory"
    description: str = ""
    live: bool = False

    @abstractmethod
    def items(self) -> Iterable[Item]:
        """Every input row as a leg, a rejection or a skipped record, in input order;
        a new pass per call."""

    def items_within(self, windows: Sequence[Window]) -> Iterable[Item]:
        """The rows that may fall in one of ``windows`` (a superset: the questions
        filter on the window): by default every row."""
        return self.items()

    def lines(self) -> LineCount | None:
        """After a complete pass over :meth:`items`: the data lines it read and how many
        of them were blank; None for data without lines (legs in memory)."""
        return None

    def newest(self) -> datetime | None:
        newest: datetime | None = None
        for item in self.items():
            if isinstance(item, Leg) and (newest is None or item.time_generated > newest):
                newest = item.time_generated
        return newest

    def triage(
        self, windows: Sequence[Window], *, bin_size: timedelta | None = None, scope: str = PSTN_SCOPE
    ) -> list[TriageInput]:
        return self.aggregate(self.items_within(windows), windows, bin_size=bin_size, scope=scope)

    def aggregate(
        self,
        items: Iterable[Item],
        windows: Sequence[Window],
        *,
        bin_size: timedelta | None = None,
        scope: str = PSTN_SCOPE,
    ) -> list[TriageInput]:
        """:func:`aggregate_windows` of this source's ``items`` (its kind, description and lines)."""
        kind, description = self.kind, self.description
        return aggregate_windows(
            items,
            windows,
            kind=kind,
            description=description,
            bin_size=bin_size,
            scope=scope,
            lines=self.lines,
        )

    def count_legs(self, window: Window, *, scope: str = PSTN_SCOPE) -> int:
        written = window.column == WRITTEN
        return sum(
            1
            for item in self.items_within([window])
            if isinstance(item, Leg)
            and in_scope(item.endpoint_type, scope)
            and window.contains(item.time_generated if written else item.call_start_time)
        )

    def call_legs(self, correlation_id: str, window: Window) -> LegBatch:
        wanted = correlation_id.lower()  # GUIDs: any case names the same call
        legs: list[Leg] = []
        rejections = RejectionTally()
        for item in self.items_within([window]):
            if isinstance(item, Rejection):
                rejections.add(item)
            elif (
                isinstance(item, Leg)
                and item.correlation_id.lower() == wanted
                and window.contains(item.time_generated)
            ):
                legs.append(item)
        return _batch(sorted(legs, key=lambda leg: leg.time_generated), rejections)

    def call_automation_operations(
        self, correlation_id: str, window: Window, *, max_rows: int = 1000
    ) -> OperationBatch:
        """Call legs only: never any Call Automation request."""
        reason = _NO_OPERATIONS.get(self.kind, f"not available from {self.description} (call legs only)")
        return OperationBatch.unavailable(reason)

    def failed_legs(self, window: Window, wanted: LegFilter) -> LegBatch:
        # One more than asked for tells whether the cap cut anything off; a heap keeps
        # memory bounded by max_rows whatever the size of the input.
        keep = wanted.max_rows + 1
        newest: list[tuple[float, int, Leg]] = []
        rejections = RejectionTally()
        matched = 0
        for index, item in enumerate(self.items_within([window])):
            if isinstance(item, Rejection):
                rejections.add(item)
                continue
            if not isinstance(item, Leg) or not is_failure_end(item.end_reason) or not wanted.matches(item):
                continue
            if not window.contains(item.time_generated if window.column == WRITTEN else item.call_start_time):
                continue
            matched += 1
            entry = (item.time_generated.timestamp(), -index, item)
            if len(newest) < keep:
                heapq.heappush(newest, entry)
            elif entry > newest[0]:
                heapq.heapreplace(newest, entry)
        found = [leg for _, _, leg in sorted(newest, reverse=True)]
        return _batch(
            found[: wanted.max_rows], rejections, capped=len(found) > wanted.max_rows, matched=matched
        )


def _batch(
    legs: list[Leg], rejections: RejectionTally, *, capped: bool = False, matched: int | None = None
) -> LegBatch:
    """A batch with the first rejections in detail and all of them counted by reason."""
    return LegBatch(
        legs,
        rejections.listed,
        capped=capped,
        matched=matched,
        rejected=rejections.count,
        rejected_by_reason=dict(rejections.by_reason.most_common()),
    )

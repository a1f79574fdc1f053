"""Reduce raw legs to the aggregates the workspace queries return.

File sources and the bundled sample hold raw ``ACSCallSummary`` rows; this module
computes, in one streaming pass, the same rows that
``kql/pstn-failures-by-pair.kql``, ``pstn-summary.kql`` and ``pstn-timeline.kql``
compute in the workspace, so one engine serves every source.

Distinct calls are counted exactly: every counter holds the distinct correlation ids
it has seen, each id string stored once (:class:`CallIds`), so memory grows with the
number of distinct calls (not with the number of rows). The columnar engine
(:mod:`acs_triage.sources.columnar`) computes the same figures for large CSV exports.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from acs_triage.codes import is_failure_end
from acs_triage.masking import reason_kind
from acs_triage.records import (
    MAX_BIN_PAIRS,
    PSTN_SCOPE,
    Item,
    PairAggregate,
    Rejection,
    RowAccounting,
    SkippedRecord,
    TimelineBin,
    TriageInput,
    in_scope,
)
from acs_triage.windows import WRITTEN, Window

#: (data lines read, blank lines) of a line-based source's pass.
LineCount = tuple[int, int]

#: Timeline bin of file data (the workspace picks one from the window: ``auto_bin``).
DEFAULT_BIN = timedelta(hours=1)
#: Rejections kept in detail; every one is counted by reason.
MAX_LISTED_REJECTIONS = 1000
#: Distinct rejection reasons counted; further ones are counted under OTHER_REASONS.
MAX_REASONS = 100
OTHER_REASONS = "(other reasons)"
EXAMPLES = 3
#: Distinct logged ResultCategory values kept per pair (Microsoft uses four); further
#: values are counted together under OTHER_CATEGORY, as the KQL's make_list cap does.
MAX_CATEGORIES = 16
OTHER_CATEGORY = "(other)"
#: Distinct PstnParticipantCallType values kept per pair (as the KQL's make_set cap).
MAX_CALL_TYPES = 5
#: Distinct EndpointType values counted (Microsoft documents six).
MAX_ENDPOINT_TYPES = 16


class CallIds:
    """One string per distinct correlation id, shared by every counter of an aggregator
    (the legs of one call each bring their own copy of the id)."""

    __slots__ = ("_ids",)

    def __init__(self) -> None:
        self._ids: dict[str, str] = {}

    def one(self, value: str) -> str:
        """The stored string equal to ``value`` (stored now if new)."""
        return self._ids.setdefault(value, value)

    def __len__(self) -> int:
        return len(self._ids)


class RejectionTally:
    """Rejections in bounded memory: the first :data:`MAX_LISTED_REJECTIONS` in detail,
    every one counted by its reason without the data it quotes
    (:func:`acs_triage.masking.reason_kind`), and the lines they cover."""

    __slots__ = ("by_reason", "count", "lines", "listed")

    def __init__(self) -> None:
        self.listed: list[Rejection] = []
        self.count = 0
        self.lines = 0
        self.by_reason: Counter[str] = Counter()

    def add(self, rejection: Rejection) -> None:
        self.count += 1
        if rejection.line > 0:
            self.lines += rejection.end_line - rejection.line + 1
        if len(self.listed) < MAX_LISTED_REJECTIONS:
            self.listed.append(rejection)
        kind = reason_kind(rejection.reason)
        by_reason = self.by_reason
        if kind in by_reason or len(by_reason) < MAX_REASONS:
            by_reason[kind] += 1
        else:  # hostile input with endless distinct reasons: memory stays bounded
            by_reason[OTHER_REASONS] += 1


@dataclass
class _PairState:
    legs: int = 0
    calls: set[str] = field(default_factory=set)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    recent: int = 0  # exact, when the window is known in advance
    minute_counts: Counter[int] = field(default_factory=Counter)  # otherwise, per minute
    examples: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    categories: Counter[str] = field(default_factory=Counter)  # logged ResultCategory -> legs
    call_types: list[str] = field(default_factory=list)  # distinct PstnParticipantCallType values

    def add_category(self, value: str) -> None:
        categories = self.categories
        if value in categories or len(categories) < MAX_CATEGORIES:
            categories[value] += 1
        else:  # hostile input with endless distinct values: memory stays bounded
            categories[OTHER_CATEGORY] += 1

    def add_call_type(self, value: str) -> None:
        if value and len(self.call_types) < MAX_CALL_TYPES and value not in self.call_types:
            self.call_types.append(value)


@dataclass
class _BinState:
    legs: int = 0
    failed: int = 0
    calls: set[str] = field(default_factory=set)
    #: failed legs per pair: the first MAX_BIN_PAIRS pairs seen (as the KQL's make_list cap)
    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add_failed(self, pair: tuple[str, str]) -> None:
        self.failed += 1
        if pair in self.pairs or len(self.pairs) < MAX_BIN_PAIRS:
            self.pairs[pair] += 1

    def to_bin(self, start: datetime) -> TimelineBin:
        return TimelineBin(
            start=start,
            legs=self.legs,
            calls=len(self.calls),
            failed_legs=self.failed,
            failed_by_pair=tuple((reason, sub, n) for (reason, sub), n in sorted(self.pairs.items())),
        )


#: Timeline bins are aligned on the Unix epoch (as KQL's ``bin()``).
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _floor(moment: datetime, size: timedelta) -> datetime:
    step = int(size.total_seconds())
    delta = moment - EPOCH
    seconds = delta.days * 86_400 + delta.seconds  # integers: no float rounding near year 9999
    return EPOCH + timedelta(seconds=seconds - seconds % step)


def endpoint_key(endpoint_type: str) -> str:
    """How ``legs_by_endpoint_type`` names an endpoint type: trimmed, lower case,
    ``(blank)`` when empty."""
    return endpoint_type.strip().lower() or "(blank)"


class LegAggregator:
    """Accumulate legs (and rejections) into a :class:`TriageInput`."""

    def __init__(
        self,
        window: Window | None = None,
        bin_size: timedelta = DEFAULT_BIN,
        *,
        scope: str = PSTN_SCOPE,
    ):
        self.window = window or Window(None, None)
        self.scope = scope
        #: every leg of the window by endpoint type, and the failed legs outside the scope
        self._endpoint_types: Counter[str] = Counter()
        self._failed_out_of_scope = 0
        self._written = self.window.column == WRITTEN  # else the window is on CallStartTime
        self.bin_size = bin_size
        self.accounting = RowAccounting()
        self.rejections = RejectionTally()
        self._row_lines = 0  # lines the legs and skipped records read cover
        self._pairs: dict[tuple[str, str], _PairState] = {}
        self._bins: dict[datetime, _BinState] = {}
        self._calls = CallIds()
        self._legs = 0
        self._min: datetime | None = None
        self._max: datetime | None = None
        # With a known window the halves are exact (as in the KQL); a file triaged whole
        # only knows its window at the end, so it keeps per-minute counts instead.
        start, end = self.window.start, self.window.end
        self._middle = start + (end - start) / 2 if start and end else None
        self._recent = 0
        self._minutes: Counter[int] = Counter()
        self._failure: dict[str, bool] = {}  # is_failure_end per end reason seen
        self._bin_start: datetime | None = None  # the current bin, to skip _floor
        self._bin_end = datetime.min.replace(tzinfo=timezone.utc)

    def add(self, item: Item) -> None:
        accounting = self.accounting
        accounting.rows_read += 1
        if isinstance(item, Rejection):
            accounting.rejected += 1
            self.rejections.add(item)
            return
        if isinstance(item, SkippedRecord):
            accounting.skip_category(item.category)
            self._row_lines += 1 if item.line else 0
            return
        line = item.line
        if line:
            last = item.end_line
            self._row_lines += (last - line + 1) if last > line else 1
        moment = item.time_generated if self._written else item.call_start_time
        start, end = self.window.start, self.window.end
        if moment is None or (start is not None and moment < start) or (end is not None and moment >= end):
            # not in the window (a leg without CallStartTime cannot be placed in time)
            if in_scope(item.endpoint_type, self.scope):
                accounting.skipped_outside_window += 1
            else:
                accounting.skipped_not_pstn += 1
            if moment is not None:
                if accounting.outside_first is None or moment < accounting.outside_first:
                    accounting.outside_first = moment
                if accounting.outside_last is None or moment > accounting.outside_last:
                    accounting.outside_last = moment
            return
        self._count_endpoint_type(item.endpoint_type)
        if not in_scope(item.endpoint_type, self.scope):
            accounting.skipped_not_pstn += 1
            self._failed_out_of_scope += is_failure_end(item.end_reason)
            return
        accounting.triaged += 1
        self._legs += 1
        call = self._calls.one(item.correlation_id)
        self._min = moment if self._min is None or moment < self._min else self._min
        self._max = moment if self._max is None or moment > self._max else self._max
        failed = self._failure.get(item.end_reason)
        if failed is None:
            failed = self._failure[item.end_reason] = is_failure_end(item.end_reason)
        bin_start = self._bin_start
        if bin_start is None or not bin_start <= moment < self._bin_end:
            bin_start = self._bin_start = _floor(moment, self.bin_size)
            try:
                self._bin_end = bin_start + self.bin_size
            except OverflowError:  # the last bin before year 10000
                self._bin_end = datetime.max.replace(tzinfo=timezone.utc)
        bucket = self._bins.get(bin_start)
        if bucket is None:
            bucket = self._bins[bin_start] = _BinState()
        bucket.legs += 1
        key = (item.end_reason, item.end_sub_code)
        if failed:
            bucket.add_failed(key)
        bucket.calls.add(call)
        state = self._pairs.get(key)
        if state is None:
            state = self._pairs[key] = _PairState()
        state.legs += 1
        state.calls.add(call)
        if state.first_seen is None or moment < state.first_seen:
            state.first_seen = moment
        if state.last_seen is None or moment > state.last_seen:
            state.last_seen = moment
        if self._middle is not None:
            if moment >= self._middle:
                state.recent += 1
                self._recent += 1
        else:
            minute = int(moment.timestamp()) // 60
            state.minute_counts[minute] += 1
            self._minutes[minute] += 1
        if len(state.examples) < EXAMPLES and item.correlation_id not in state.examples:
            state.examples.append(item.correlation_id)
        if item.identifier and len(state.identifiers) < EXAMPLES and item.identifier not in state.identifiers:
            state.identifiers.append(item.identifier)
        state.add_category(item.result_category)
        state.add_call_type(item.pstn_call_type)

    def _count_endpoint_type(self, endpoint_type: str) -> None:
        key = endpoint_key(endpoint_type)
        counts = self._endpoint_types
        if key in counts or len(counts) < MAX_ENDPOINT_TYPES:
            counts[key] += 1
        else:  # hostile input with endless distinct values: memory stays bounded
            counts[OTHER_CATEGORY] += 1

    def _after_last(self) -> datetime | None:
        """Just after the newest leg (windows are half-open), or None without legs."""
        if self._max is None:
            return None
        try:
            return self._max + timedelta(microseconds=1)
        except OverflowError:
            return self._max

    def add_all(self, items: Iterable[Item]) -> LegAggregator:
        for item in items:
            self.add(item)
        return self

    def result(
        self, *, source_kind: str, source_description: str, lines: LineCount | None = None
    ) -> TriageInput:
        """The aggregates, as the workspace queries would have returned them; ``lines``
        (data lines read, blank lines) completes the accounting of line-based sources."""
        accounting = self.accounting
        accounting.lines_in_rows = self._row_lines + self.rejections.lines
        accounting.lines_rejected = self.rejections.lines
        accounting.rejected_by_reason = dict(self.rejections.by_reason.most_common())
        if lines is not None:
            accounting.lines_read, accounting.lines_blank = lines
        start = self.window.start or self._min
        end = self.window.end or self._after_last()

        def recent_of(exact: int, minutes: Counter[int]) -> int:
            if self._middle is not None:
                return exact
            if start is None or end is None:
                return 0
            # Minutes that start at or after the middle count as the second half.
            middle = (start + (end - start) / 2).timestamp() / 60
            return sum(n for minute, n in minutes.items() if minute >= middle)

        pairs = []
        for (reason, sub), state in self._pairs.items():
            recent = recent_of(state.recent, state.minute_counts)
            pairs.append(
                PairAggregate(
                    end_reason=reason,
                    end_sub_code=sub,
                    legs=state.legs,
                    calls=len(state.calls),
                    first_seen=state.first_seen,
                    last_seen=state.last_seen,
                    recent_legs=recent,
                    example_correlation_ids=tuple(state.examples),
                    example_identifiers=tuple(state.identifiers),
                    result_categories=tuple(sorted(state.categories.items())),
                    pstn_call_types=tuple(state.call_types),
                )
            )
        pairs.sort(key=lambda p: (-p.legs, p.end_reason, p.end_sub_code))
        timeline = [b.to_bin(moment) for moment, b in sorted(self._bins.items())]
        total_recent = recent_of(self._recent, self._minutes)
        return TriageInput(
            pairs=pairs,
            total_legs=self._legs,
            total_calls=len(self._calls),
            timeline=timeline,
            window=Window(start, end, self.window.column),
            source_kind=source_kind,
            source_description=source_description,
            accounting=accounting,
            rejections=self.rejections.listed,
            half_volumes=(self._legs - total_recent, total_recent),
            scope=self.scope,
            legs_by_endpoint_type=dict(sorted(self._endpoint_types.items())),
            failed_legs_out_of_scope=self._failed_out_of_scope,
        )

"""The live source: the library's KQL run in a Log Analytics workspace.

Aggregation happens in the workspace: :func:`fetch_triage_input` costs four
requests per window (totals, pairs, timeline, legs by endpoint type) whatever the number
of legs, and the detail questions one capped request each. A workspace without the Call
Automation table answers that question with "not available", not with an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from acs_triage.errors import MissingTableError
from acs_triage.queries.render import SUMMARY_TABLE, UPDATES_TABLE
from acs_triage.queries.store import QueryDef, get_query
from acs_triage.records import PSTN_SCOPE, Leg, LegBatch, LegFilter, OperationBatch, TriageInput
from acs_triage.sources.base import ClosingSource
from acs_triage.sources.workspace.rows import (
    auto_bin,
    leg_from_row,
    legs_of_summary,
    matching_legs,
    operation_from_row,
    triage_input_from_rows,
)
from acs_triage.sources.workspace.transport import LogsRunner, QueryResult
from acs_triage.windows import WRITTEN, Window

__all__ = ["WorkspaceSource", "fetch_triage_input"]

_TRIAGE_QUERIES = ("pstn-summary", "pstn-failures-by-pair", "pstn-timeline", "legs-by-endpoint-type")


def _bounds(window: Window) -> tuple[datetime, datetime]:
    if window.start is None or window.end is None:
        raise ValueError("a workspace window needs both ends")
    return window.start, window.end


def _span(window: Window) -> tuple[datetime, datetime] | None:
    """The service-side window (on TimeGenerated). A window on CallStartTime reads every
    row written from its start on, however late: the query itself filters."""
    return _bounds(window) if window.column == WRITTEN else None


#: The table of Call Automation requests, and what a workspace without it means.
AUTOMATION_TABLE = "ACSCallAutomationIncomingOperations"
_NO_AUTOMATION_TABLE = (
    "not available: {target} has no " + AUTOMATION_TABLE + " table (the resource's diagnostic "
    "setting does not send 'Operation Call Automation Logs' to it, or none arrived yet)"
)

_EXTRA_PARAMS: dict[str, dict[str, object]] = {
    "pstn-failures-by-pair": {"include_normal": True},  # every pair: Microsoft's verdicts on all legs
}


def fetch_triage_input(
    runner: LogsRunner,
    start: datetime,
    end: datetime,
    bin_size: timedelta | None = None,
    *,
    column: str = WRITTEN,
    table: str = SUMMARY_TABLE,
    scope: str = PSTN_SCOPE,
) -> TriageInput:
    """Four aggregated queries: totals, pairs, timeline and legs by endpoint type.
    Response size is bounded, whatever the number of legs."""
    window = Window(start, end, column)
    params: dict[str, object] = {"start": start, "end": end, "time_column": column, "scope": scope}
    extra: dict[str, dict[str, object]] = {
        **_EXTRA_PARAMS,
        "pstn-timeline": {"bin_size": bin_size or auto_bin(end - start)},
    }
    summary, pairs, timeline, endpoint_types = (
        runner.run(
            get_query(name),
            _params_for(get_query(name), {**params, **extra.get(name, {})}),
            _span(window),
            table=table,
        )
        for name in _TRIAGE_QUERIES
    )
    warnings = [
        f"partial results from {name}: {result.partial_message}"
        for name, result in zip(_TRIAGE_QUERIES, (summary, pairs, timeline, endpoint_types), strict=True)
        if result.partial
    ]
    return triage_input_from_rows(
        summary.rows,
        pairs.rows,
        timeline.rows,
        endpoint_types.rows,
        window,
        description=describe(runner, table),
        warnings=warnings,
        query_requests=runner.requests,
        scope=scope,
    )


def _params_for(query: QueryDef, values: dict[str, object]) -> dict[str, object]:
    """The values the query declares (one set of values serves every query of a triage)."""
    names = {p.name for p in query.parameters}
    return {k: v for k, v in values.items() if k in names}


def _batch(result: QueryResult, legs: list[Leg], *, capped: bool = False) -> LegBatch:
    warnings = [f"partial results: {result.partial_message}"] if result.partial else []
    return LegBatch(legs, partial=result.partial, warnings=warnings, capped=capped)


def describe(runner: LogsRunner, table: str) -> str:
    """The target, and the table when it is not the default."""
    suffix = " (ACSCallSummaryUpdates)" if table == UPDATES_TABLE else ""
    return runner.target.describe() + suffix


class WorkspaceSource(ClosingSource):
    """A workspace (or ACS resource) reached through a :class:`LogsRunner`, reading call
    legs from ACSCallSummary (``table="summary"``) or ACSCallSummaryUpdates (``"updates"``,
    the highest version of each leg: lower latency, possibly incomplete)."""

    kind = "workspace"
    live = True

    def __init__(self, runner: LogsRunner, *, table: str = SUMMARY_TABLE) -> None:
        self.runner = runner
        self.table = table
        self.description = describe(runner, table)

    @property
    def requests(self) -> int:
        """Query requests sent so far."""
        return self.runner.requests

    def newest(self) -> datetime | None:
        return None

    def triage(
        self, windows: Sequence[Window], *, bin_size: timedelta | None = None, scope: str = PSTN_SCOPE
    ) -> list[TriageInput]:
        inputs = [
            fetch_triage_input(
                self.runner, *_bounds(w), bin_size, column=w.column, table=self.table, scope=scope
            )
            for w in windows
        ]
        inputs[0].query_requests = self.runner.requests  # every request of the run
        return inputs

    def count_legs(self, window: Window, *, scope: str = PSTN_SCOPE) -> int:
        start, end = _bounds(window)
        params = {"start": start, "end": end, "time_column": window.column, "scope": scope}
        result = self.runner.run(get_query("pstn-summary"), params, _span(window), table=self.table)
        return legs_of_summary(result.rows)

    def call_legs(self, correlation_id: str, window: Window) -> LegBatch:
        start, end = _bounds(window)
        result = self.runner.run(
            get_query("call-legs"),
            {"correlation_id": correlation_id, "start": start, "end": end},
            (start, end),
        )
        return _batch(result, [leg for leg in map(leg_from_row, result.rows) if leg is not None])

    def call_automation_operations(
        self, correlation_id: str, window: Window, *, max_rows: int = 1000
    ) -> OperationBatch:
        start, end = _bounds(window)
        params = {"correlation_id": correlation_id, "start": start, "end": end, "max_rows": max_rows + 1}
        try:
            result = self.runner.run(get_query("call-automation-operations"), params, (start, end))
        except MissingTableError as exc:
            if exc.table.lower() != AUTOMATION_TABLE.lower():
                raise
            return OperationBatch.unavailable(
                _NO_AUTOMATION_TABLE.format(target=self.runner.target.describe())
            )
        found = [op for op in map(operation_from_row, result.rows) if op is not None]
        capped = len(found) > max_rows
        warnings = [f"partial results: {result.partial_message}"] if result.partial else []
        if capped:
            warnings.append(f"only the first {max_rows} Call Automation requests of the call are shown")
        return OperationBatch(found[:max_rows], partial=result.partial, warnings=warnings, capped=capped)

    def failed_legs(self, window: Window, wanted: LegFilter) -> LegBatch:
        start, end = _bounds(window)
        # One row more than shown tells whether the cap cut anything off.
        params = {
            "end_reason": wanted.end_reason,
            "sub_code": wanted.sub_code,
            "max_rows": wanted.max_rows + 1,
            "start": start,
            "end": end,
            "time_column": window.column,
            "scope": wanted.scope,
        }
        result = self.runner.run(get_query("pstn-failed-legs"), params, _span(window), table=self.table)
        legs = [leg for leg in map(leg_from_row, result.rows) if leg is not None]
        batch = _batch(result, legs[: wanted.max_rows], capped=len(legs) > wanted.max_rows)
        batch.matched = matching_legs(result.rows)
        return batch

    def close(self) -> None:
        self.runner.close()

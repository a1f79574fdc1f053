"""Get the current (and baseline) window's data for the gate, from any source.

A workspace or resource costs three aggregated queries per window
(:func:`acs_triage.sources.workspace.fetch_triage_input`). Files are streamed
twice (once to find the newest row, once to aggregate both windows together)
unless ``end`` is given; standard input is read into memory, as it can be read
only once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from acs_triage.records import Leg, Rejection, TriageInput
from acs_triage.smoke.windows import WindowPlan, plan_windows
from acs_triage.sources.exports import InputFormat
from acs_triage.triage.aggregate import LegAggregator

if TYPE_CHECKING:
    from acs_triage.sources.workspace import LogsRunner

__all__ = ["Collected", "collect_files", "collect_workspace"]


@dataclass(frozen=True)
class Collected:
    plan: WindowPlan
    current: TriageInput
    baseline: TriageInput | None


def collect_workspace(runner: LogsRunner, plan: WindowPlan) -> Collected:
    """Query the current window, then the baseline window (if any), through ``runner``."""
    from acs_triage.sources.workspace import fetch_triage_input

    start, stop = plan.current.start, plan.current.end
    if start is None or stop is None:
        raise ValueError("a workspace plan needs both window ends")
    current = fetch_triage_input(runner, start, stop)
    base = None
    if plan.baseline is not None:
        assert plan.baseline.start is not None and plan.baseline.end is not None
        base = fetch_triage_input(runner, plan.baseline.start, plan.baseline.end)
    current.query_requests = runner.requests
    return Collected(plan, current, base)


def collect_files(
    paths: Sequence[str],
    fmt: InputFormat = InputFormat.AUTO,
    *,
    since: timedelta,
    settle: timedelta,
    baseline: timedelta | None,
    end: datetime | None = None,
    source_kind: str = "file",
    description: str | None = None,
) -> Collected:
    """Aggregate exported files over windows relative to their newest row (or ``end``)."""
    from acs_triage.sources.files import iter_files

    items: Callable[[], Iterable[Leg | Rejection]]
    if "-" in paths:
        buffered = list(iter_files(paths, fmt))
        items = lambda: buffered  # noqa: E731 - read once, iterate twice
    else:
        items = lambda: iter_files(paths, fmt)  # noqa: E731

    if end is not None:
        plan = plan_windows(end, since, timedelta(0), baseline, anchor="--end")
    else:
        newest: datetime | None = None
        for item in items():
            if isinstance(item, Leg) and (newest is None or item.time_generated > newest):
                newest = item.time_generated
        # +1 µs: windows end exclusively, and the newest row belongs in the window.
        anchor_time = None if newest is None else newest + timedelta(microseconds=1)
        plan = plan_windows(anchor_time, since, settle, baseline, anchor="newest row")

    current = LegAggregator(plan.current)
    base = LegAggregator(plan.baseline) if plan.baseline is not None else None
    for item in items():
        current.add(item)
        if base is not None and not isinstance(item, Rejection):
            base.add(item)
    name = description or ", ".join(paths)
    return Collected(
        plan,
        current.result(source_kind=source_kind, source_description=name),
        None if base is None else base.result(source_kind=source_kind, source_description=name),
    )

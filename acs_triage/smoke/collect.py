"""Get the current (and baseline) window's data for the gate, from any source.

The windows come from :func:`acs_triage.windows.plan_windows`: they end ``settle``
before now for a live source (a workspace or resource: three aggregated queries
per window), before the newest row for fixed data (files and the sample: one
pass to find it, one pass for both windows), or exactly at ``--end``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from acs_triage.records import PSTN_SCOPE, TriageInput
from acs_triage.sources.base import Source
from acs_triage.windows import WindowPlan, deployed_plan, live_plan, plan_windows

__all__ = ["Collected", "GateWindows", "collect_windows", "plan_for"]


@dataclass(frozen=True)
class Collected:
    plan: WindowPlan
    current: TriageInput
    baseline: TriageInput | None


@dataclass(frozen=True)
class GateWindows:
    """The windows a smoke run asks for: ``since`` long, ``settle`` before now (live
    sources), ``baseline`` long before it; or ending exactly at ``end``; or the calls
    placed since ``deployed_at``."""

    since: timedelta
    settle: timedelta
    baseline: timedelta | None = None
    end: datetime | None = None
    deployed_at: datetime | None = None


def plan_for(source: Source, asked: GateWindows) -> WindowPlan:
    """The windows of one run: the calls placed since ``deployed_at`` (on CallStartTime),
    else relative to ``end``, to now (live sources) or to the newest row."""
    if asked.deployed_at is not None:
        stop = asked.end or (datetime.now(timezone.utc).replace(microsecond=0) if source.live else None)
        return deployed_plan(asked.deployed_at, asked.baseline, end=stop)
    if asked.end is not None:
        return plan_windows(asked.end, asked.since, timedelta(0), asked.baseline, anchor="--end")
    if source.live:
        return live_plan(asked.since, asked.settle, asked.baseline)
    newest = source.newest()
    # +1 µs: windows end exclusively, and the newest row belongs in the window.
    anchor_time = None if newest is None else newest + timedelta(microseconds=1)
    return plan_windows(anchor_time, asked.since, asked.settle, asked.baseline, anchor="newest row")


def collect_windows(source: Source, plan: WindowPlan, *, scope: str = PSTN_SCOPE) -> Collected:
    """The aggregates of the plan's windows (legs in ``scope``), through the source."""
    windows = [plan.current] if plan.baseline is None else [plan.current, plan.baseline]
    inputs = source.triage(windows, scope=scope)
    return Collected(plan, inputs[0], inputs[1] if plan.baseline is not None else None)

"""Which time windows a smoke run looks at.

The current window is ``[anchor - settle - since, anchor - settle)``. The anchor is
*now* for a workspace or resource, and the newest row of the data for files and
the sample (so a dry run on an old export looks at its last ``since``). ``settle``
leaves Log Analytics' ingestion delay out of the window: rows of the last minutes
are not all there yet and would make the volume look low. With ``--end`` the
window ends exactly there and ``settle`` is not applied. The baseline window, when
asked for, is the ``baseline`` duration immediately before the current window.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from acs_triage.errors import UsageError
from acs_triage.queries.literals import ParameterValueError, parse_duration
from acs_triage.records import Window

__all__ = ["WORKSPACE_SETTLE", "WindowPlan", "parse_span", "plan_windows", "workspace_plan"]

#: Default settle margin for workspaces and resources (files and the sample: 0).
WORKSPACE_SETTLE = timedelta(minutes=5)
_ZERO = re.compile(r"^\s*0+(?:\.0*)?\s*[a-zA-Z]*\s*$")


def parse_span(text: str, option: str, *, allow_zero: bool = False) -> timedelta:
    """Parse a duration option (``30m``, ``7d``; ``0`` only when ``allow_zero``)."""
    if allow_zero and _ZERO.match(text):
        return timedelta(0)
    try:
        return parse_duration(text.strip())
    except ParameterValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


@dataclass(frozen=True)
class WindowPlan:
    current: Window
    baseline: Window | None
    settle: timedelta
    anchor: str  #: "now", "--end", "newest row" or "no data"


def plan_windows(
    anchor_time: datetime | None,
    since: timedelta,
    settle: timedelta,
    baseline: timedelta | None,
    *,
    anchor: str,
) -> WindowPlan:
    """The current and baseline windows ending ``settle`` before ``anchor_time``."""
    if since <= timedelta(0):
        raise UsageError("--since must be a positive duration")
    if anchor_time is None:  # files without a single row: nothing to anchor on
        empty = Window(None, None)
        return WindowPlan(empty, None if baseline is None else empty, settle, "no data")
    end = anchor_time - settle
    start = end - since
    base = None if baseline is None else Window(start - baseline, start)
    return WindowPlan(Window(start, end), base, settle, anchor)


def workspace_plan(
    since: timedelta,
    settle: timedelta,
    baseline: timedelta | None,
    *,
    end: datetime | None = None,
    now: datetime | None = None,
) -> WindowPlan:
    """Windows for a live source: ending ``settle`` before now, or exactly at ``end``."""
    if end is not None:
        return plan_windows(end, since, timedelta(0), baseline, anchor="--end")
    moment = (now or datetime.now(timezone.utc)).replace(microsecond=0)  # whole seconds
    return plan_windows(moment, since, settle, baseline, anchor="now")

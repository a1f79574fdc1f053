"""Time windows: the one place where ``--since``, ``--start``, ``--end``, ``--settle``
and ``--baseline`` become absolute, half-open windows ``[start, end)``.

Every command resolves its window here:

- :func:`resolve_window` for ``triage``, ``call``, ``legs`` and ``kql show``: ``--since``
  (ending at ``--end`` or now), or ``--start``/``--end``, or a default length (``None``:
  the whole data, for files);
- :func:`plan_windows` for ``smoke``: a current window ending ``settle`` before an
  anchor (now, ``--end`` or the newest row of a file) and an optional baseline window
  right before it.

Windows that would reach outside the years 1-9999 are usage errors, never crashes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from acs_triage.errors import UsageError
from acs_triage.times import TimeValueError, iso, parse_datetime, parse_duration

__all__ = [
    "LIVE_SETTLE",
    "PLACED",
    "TIME_COLUMNS",
    "WRITTEN",
    "Window",
    "WindowPlan",
    "WindowRequest",
    "deployed_plan",
    "live_plan",
    "parse_span",
    "plan_windows",
    "resolve_window",
]

#: The two time columns a window can apply to. ``TimeGenerated`` is when the row was
#: written (ACS writes a call's summary only once the whole call record is complete);
#: ``CallStartTime`` is when the call was placed.
WRITTEN = "TimeGenerated"
PLACED = "CallStartTime"
TIME_COLUMNS = (WRITTEN, PLACED)

#: Default ``smoke --settle`` for workspaces and resources (files and the sample: 0).
LIVE_SETTLE = timedelta(minutes=5)
_ZERO = re.compile(r"^\s*0+(?:\.0*)?\s*[a-zA-Z]*\s*$")
_OUT_OF_RANGE = "the window reaches outside the supported dates (years 1-9999)"


@dataclass(frozen=True, slots=True)
class Window:
    """The time window a report covers, ``[start, end)`` of ``column``. ``None`` ends
    mean "whatever the data holds"."""

    start: datetime | None
    end: datetime | None
    column: str = WRITTEN  #: TimeGenerated (when written) or CallStartTime (when placed)

    def contains(self, moment: datetime | None) -> bool:
        if moment is None:
            return False
        return (self.start is None or moment >= self.start) and (self.end is None or moment < self.end)

    def to_dict(self) -> dict[str, str | None]:
        return {"start": iso(self.start), "end": iso(self.end), "column": self.column}


@dataclass(frozen=True)
class WindowRequest:
    """What the user asked for: ``--since`` or ``--start``/``--end``, parsed."""

    since: timedelta | None = None
    start: datetime | None = None
    end: datetime | None = None
    column: str = WRITTEN

    def __post_init__(self) -> None:
        if self.column not in TIME_COLUMNS:
            raise UsageError(f"a window applies to {' or '.join(TIME_COLUMNS)}, not {self.column!r}")
        if self.since is not None and self.start is not None:
            raise UsageError("use either --since or --start/--end, not both")
        if self.start is not None and self.end is not None and self.start >= self.end:
            raise UsageError("--start must be before --end")

    @classmethod
    def parse(
        cls, since: str | None = None, start: str | None = None, end: str | None = None, column: str = WRITTEN
    ) -> WindowRequest:
        """Parse the three options' text; a bad value is a :class:`UsageError` naming the option."""
        request = cls(
            since=None if since is None else parse_span(since, "--since"),
            start=None if start is None else _instant(start, "--start"),
            end=None if end is None else _instant(end, "--end"),
            column=column,
        )
        check_order(request.start, request.end)
        return request


def check_order(
    start: datetime | None, end: datetime | None, names: tuple[str, str] = ("--start", "--end")
) -> None:
    """A window must start before it ends."""
    if start is not None and end is not None and start >= end:
        raise UsageError(f"{names[0]} ({iso(start)}) must be before {names[1]} ({iso(end)})")


def _instant(text: str, option: str) -> datetime:
    try:
        return parse_datetime(text)
    except TimeValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def parse_span(text: str, option: str, *, allow_zero: bool = False) -> timedelta:
    """Parse a duration option (``30m``, ``7d``; ``0`` only when ``allow_zero``)."""
    if allow_zero and _ZERO.match(text):
        return timedelta(0)
    try:
        return parse_duration(text.strip())
    except TimeValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)  # whole seconds


def _ending(end: datetime, length: timedelta, column: str = WRITTEN) -> Window:
    """``[end - length, end)``, or a usage error when that leaves the calendar."""
    try:
        return Window(end - length, end, column)
    except OverflowError:
        raise UsageError(_OUT_OF_RANGE) from None


def resolve_window(
    request: WindowRequest, *, default: timedelta | None, now: datetime | None = None
) -> Window:
    """An absolute window from ``request``.

    ``--since`` ends at ``--end`` (or now); ``--start`` alone ends now; with neither,
    ``default`` ending at ``--end`` (or now), or, when ``default`` is ``None``, only
    the ``--end`` bound (files are read whole).
    """
    column = request.column
    if request.since is not None:
        return _ending(request.end or now or _now(), request.since, column)
    if request.start is not None:
        end = request.end or now or _now()
        if request.start >= end:
            raise UsageError("--start must be before --end")
        return Window(request.start, end, column)
    if default is None:
        return Window(None, request.end, column)
    return _ending(request.end or now or _now(), default, column)


@dataclass(frozen=True)
class WindowPlan:
    """The windows one ``smoke`` run judges."""

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
    """The current window ending ``settle`` before ``anchor_time``, and the baseline
    window of length ``baseline`` right before it."""
    if since <= timedelta(0):
        raise UsageError("--since must be a positive duration")
    if anchor_time is None:  # files without a single row: nothing to anchor on
        empty = Window(None, None)
        return WindowPlan(empty, None if baseline is None else empty, settle, "no data")
    try:
        end = anchor_time - settle
    except OverflowError:
        raise UsageError(_OUT_OF_RANGE) from None
    current = _ending(end, since)
    assert current.start is not None
    base = None if baseline is None else _ending(current.start, baseline)
    return WindowPlan(current, base, settle, anchor)


def deployed_plan(
    deployed_at: datetime, baseline: timedelta | None, *, end: datetime | None = None
) -> WindowPlan:
    """Windows on CallStartTime around a deployment: the calls placed at or after
    ``deployed_at`` (up to ``end``, or whatever has arrived), whenever their rows were
    written; the baseline is the calls placed in the ``baseline`` before it."""
    if end is not None and end <= deployed_at:
        raise UsageError("--end must be after --deployed-at")
    current = Window(deployed_at, end, PLACED)
    base = None if baseline is None else _ending(deployed_at, baseline, PLACED)
    return WindowPlan(current, base, timedelta(0), "--deployed-at")


def live_plan(
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
    moment = (now or _now()).replace(microsecond=0)  # whole seconds
    return plan_windows(moment, since, settle, baseline, anchor="now")

"""How Azure Monitor lays resource logs out in a storage account, and which hours a
window needs.

A diagnostic setting that sends the ``CallSummary`` category to a storage account
writes to the container ``insights-logs-callsummary`` (``insights-logs-`` + the
category, lower-cased), one blob per resource and hour::

    resourceId=/SUBSCRIPTIONS/<sub>/RESOURCEGROUPS/<rg>/PROVIDERS/MICROSOFT.COMMUNICATION/
        COMMUNICATIONSERVICES/<name>/y=2026/m=11/d=28/h=09/m=00/PT1H.json

(Microsoft Learn, *Resource logs in Azure Monitor*, "Azure Storage"). A blob holds the
records *received* during its hour, whatever their ``time``; at the turn of an hour
some records still go to the previous hour's blob. Resource logs arrive 30 seconds
to 20 minutes after they are generated (*Log data ingestion time in Azure Monitor*).
So the records whose ``time`` (TimeGenerated) is in ``[start, end)`` are in the
blobs of the hours from one hour before ``start``'s hour to the hour of ``end``
plus :data:`ARRIVAL_MARGIN`; records of the extra hours outside the window are
read and counted as outside the window.

A window on ``CallStartTime`` (``smoke --deployed-at``, ``--window-on placed``)
selects calls placed in it whenever their rows were written: from one hour before
its start to now (a storage account) or to the end of the data (a folder).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from acs_triage.windows import WRITTEN, Window

__all__ = [
    "ARRIVAL_MARGIN",
    "CONTAINER",
    "HOUR",
    "BlobRef",
    "HourRange",
    "hours_for",
    "parse_blob_name",
    "partition_span",
    "split_partition",
]

#: The container a diagnostic setting writes the CallSummary category to.
CONTAINER = "insights-logs-callsummary"
#: Every container of a diagnostic setting starts with this.
CONTAINER_PREFIX = "insights-logs-"
#: How long after a record's ``time`` it may still arrive (documented: up to 20 minutes).
ARRIVAL_MARGIN = timedelta(hours=1)
HOUR = timedelta(hours=1)
#: The segment before the resource id, and the partition segments, in order.
RESOURCE_SEGMENT = "resourceId="
#: The partition folders, in order (the last is the minute, always ``m=00``).
_LEVELS = ("y", "m", "d", "h", "m")


def floor_hour(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class HourRange:
    """The blob hours to read, inclusive; ``None`` ends are unbounded."""

    first: datetime | None = None
    last: datetime | None = None

    @property
    def empty(self) -> bool:
        return self.first is not None and self.last is not None and self.first > self.last

    def contains(self, hour: datetime) -> bool:
        return (self.first is None or hour >= self.first) and (self.last is None or hour <= self.last)

    def overlaps(self, start: datetime, end: datetime) -> bool:
        """Whether any hour of ``[start, end)`` is in the range."""
        return (self.first is None or end > self.first) and (self.last is None or start <= self.last)

    def describe(self) -> str:
        def show(hour: datetime | None, open_end: str) -> str:
            return open_end if hour is None else hour.strftime("%Y-%m-%dT%H:00Z")

        return f"{show(self.first, 'the first hour')} .. {show(self.last, 'the last hour')}"


def _bounds(window: Window, now: datetime | None) -> tuple[datetime | None, datetime | None]:
    first = None if window.start is None else floor_hour(window.start) - HOUR
    if window.column != WRITTEN or window.end is None:
        last = None  # rows of calls placed in the window may be written at any later time
    else:
        last = floor_hour(window.end - timedelta(microseconds=1) + ARRIVAL_MARGIN)
    if now is not None:
        current = floor_hour(now)
        last = current if last is None else min(last, current)
    return first, last


def hours_for(windows: Sequence[Window], *, now: datetime | None = None) -> HourRange:
    """The hours whose blobs may hold rows of any of ``windows`` (see the module
    docstring); ``now`` bounds them for a storage account that is still being written."""
    if not windows:
        return HourRange()
    bounds = [_bounds(window, now) for window in windows]
    firsts = [first for first, _ in bounds]
    lasts = [last for _, last in bounds]
    first = None if any(f is None for f in firsts) else min(f for f in firsts if f is not None)
    last = None if any(t is None for t in lasts) else max(t for t in lasts if t is not None)
    return HourRange(first, last)


def partition_span(values: Sequence[int]) -> tuple[datetime, datetime] | None:
    """``[start, end)`` of a partition ``(y[, m[, d[, h]]])``; None when not a date."""
    try:
        if len(values) == 1:
            year = values[0]
            return datetime(year, 1, 1, tzinfo=timezone.utc), datetime(year + 1, 1, 1, tzinfo=timezone.utc)
        if len(values) == 2:
            start = datetime(values[0], values[1], 1, tzinfo=timezone.utc)
            return start, (start + timedelta(days=32)).replace(day=1)
        year, month, day, *hour = values
        start = datetime(year, month, day, hour[0] if hour else 0, tzinfo=timezone.utc)
    except (ValueError, OverflowError):
        return None
    return start, start + (timedelta(days=1) if len(values) == 3 else HOUR)


def split_partition(segments: Sequence[str]) -> tuple[list[str], tuple[int, ...]] | None:
    """Split path ``segments`` ending in a partition into the folders above it and
    the partition ``(y[, m[, d[, h]]])``: ``[..., "x", "y=2026", "m=11"]`` ->
    ``([..., "x"], (2026, 11))``. The minute folder ``m=00`` after the hour is
    allowed and ignored. None when the segments do not end in a partition."""
    year_at = next((i for i in range(len(segments) - 1, -1, -1) if segments[i].startswith("y=")), -1)
    tail = segments[year_at:] if year_at >= 0 else []
    if not tail or len(tail) > len(_LEVELS):
        return None
    values: list[int] = []
    for level, segment in zip(_LEVELS, tail, strict=False):
        name, _, digits = segment.partition("=")
        if name != level or not digits.isdigit() or len(digits) != (4 if level == "y" else 2):
            return None
        values.append(int(digits))
    return list(segments[:year_at]), tuple(values[:4])


@dataclass(frozen=True)
class BlobRef:
    """One hourly blob (or file) of an archive."""

    name: str  #: blob name, or file path: names its rows' rejections
    resource_id: str
    hour: datetime
    size: int
    append: bool = False  #: an append blob (the current hour's is still being written)
    etag: str = ""


def parse_blob_name(name: str) -> tuple[str, datetime] | None:
    """``(resource id, hour)`` of a blob name or file path in the archive layout, or None.

    The resource id is what follows the ``resourceId=`` folder (a tree without one:
    the folders above ``y=``); the hour comes from ``y=/m=/d=/h=``."""
    segments = name.replace("\\", "/").split("/")
    split = split_partition(segments[:-1])
    if split is None or len(split[1]) != 4:
        return None
    above, values = split
    span = partition_span(values)
    if span is None:
        return None
    if RESOURCE_SEGMENT in above:
        at = len(above) - 1 - above[::-1].index(RESOURCE_SEGMENT)
        resource = "/" + "/".join(s for s in above[at + 1 :] if s)
    else:
        resource = "/".join(above) or "."
    return resource, span[0]

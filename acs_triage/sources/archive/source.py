"""The shared part of the two archive sources (a folder tree, a storage account).

An archive is a set of hourly blobs of diagnostic records (:mod:`.layout`). Every
question is answered in one pass over the blobs of the hours it needs
(:func:`~acs_triage.sources.archive.layout.hours_for`): the others are never opened.
``triage`` also counts, per resource, what was read and the resource's PSTN legs
(:class:`~acs_triage.sources.archive.tally.ResourceTally`).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from typing import IO

from acs_triage.records import PSTN_SCOPE, Item, TriageInput
from acs_triage.sources.aggregate import LineCount
from acs_triage.sources.archive.layout import BlobRef, HourRange, hours_for
from acs_triage.sources.archive.tally import ResourceTally
from acs_triage.sources.base import LegStreamSource
from acs_triage.sources.exports import InputFormat
from acs_triage.sources.exports.common import LineTally
from acs_triage.sources.exports.reader import read_stream
from acs_triage.windows import Window

__all__ = ["ArchiveSource", "ReadStats"]


class ReadStats:
    """What one pass listed and read (for progress, logs and benchmarks)."""

    def __init__(self) -> None:
        self.blobs_listed = 0  #: blobs of the hours asked for
        self.blobs_opened = 0
        self.bytes_read = 0
        self.list_requests = 0  #: listing calls (storage) or folders scanned (folder)

    def line(self) -> str:
        return (
            f"{self.blobs_listed} blob(s) listed in {self.list_requests} listing(s), "
            f"{self.blobs_opened} opened, {self.bytes_read} bytes read"
        )


class ArchiveSource(LegStreamSource):
    """Hourly blobs of diagnostic records; subclasses list and open them."""

    def __init__(self, *, date_order: str | None = None) -> None:
        self.stats = ReadStats()
        self.date_order = date_order
        self._lines: LineCount | None = None  # of the last pass read to its end

    def lines(self) -> LineCount | None:
        return self._lines

    def count_lines(self, more: LineCount | None) -> None:
        """Add the lines of another part of the pass (plain files beside the blobs)."""
        if self._lines is not None and more is not None:
            self._lines = (self._lines[0] + more[0], self._lines[1] + more[1])

    @abstractmethod
    def opened_blobs(self, hours: HourRange) -> Iterator[tuple[BlobRef, IO[bytes]]]:
        """The blobs of ``hours`` in reading order, each open until the next is asked
        for; counts them in :attr:`stats` (``bytes_read`` as they are read)."""

    def empty_note(self, hours: HourRange) -> str:
        """The warning when no blob of ``hours`` exists."""
        return f"no archive blobs for the hours {hours.describe()} in {self.description}"

    def progress(self) -> str:
        """A progress bar over the blobs of the current question, e.g.
        ``[#####-----] 12/24 blobs, 3.4 MB``."""
        stats = self.stats
        if not stats.blobs_listed:
            return f"listing blobs ({stats.list_requests} listing(s))" if stats.list_requests else ""
        filled = round(10 * stats.blobs_opened / stats.blobs_listed)
        bar = "#" * filled + "-" * (10 - filled)
        return f"[{bar}] {stats.blobs_opened}/{stats.blobs_listed} blobs, {stats.bytes_read / 1e6:.1f} MB"

    def _now(self) -> datetime | None:
        return datetime.now(timezone.utc) if self.live else None

    def hours(self, windows: Sequence[Window]) -> HourRange:
        """The hours whose blobs ``windows`` need."""
        return hours_for(windows, now=self._now())

    def read(self, hours: HourRange, tally: ResourceTally | None = None) -> Iterator[Item]:
        """Every record of the blobs of ``hours``, blob after blob."""
        self.stats = ReadStats()
        self._lines = None
        lines = LineTally()
        counted = 0  # bytes already given to the tally
        for blob, stream in self.opened_blobs(hours):
            items = read_stream(
                stream, blob.name, InputFormat.DIAGNOSTIC, date_order=self.date_order, tally=lines
            )
            if tally is None:
                yield from items
            else:
                yield from tally.count(blob.resource_id, items)
                tally.read(blob.resource_id, self.stats.bytes_read - counted)
                counted = self.stats.bytes_read
        self._lines = (lines.read, lines.blank)

    def items(self) -> Iterable[Item]:
        return self.read(HourRange())

    def items_within(self, windows: Sequence[Window]) -> Iterable[Item]:
        return self.read(self.hours(windows))

    def triage(
        self, windows: Sequence[Window], *, bin_size: timedelta | None = None, scope: str = PSTN_SCOPE
    ) -> list[TriageInput]:
        hours = self.hours(windows)
        tally = ResourceTally(windows[0], scope)
        inputs = self.aggregate(self.read(hours, tally), windows, bin_size=bin_size, scope=scope)
        inputs[0].resources = tally.totals()
        if not self.stats.blobs_listed:
            inputs[0].warnings.append(self.empty_note(hours))
        return inputs

"""Rows held back until a file's date order is known.

A reader meets ``05/11/2026`` before any date of the file has said whether it is
day-first or month-first: it reads such dates month first, provisionally, and from
that row on holds every record here (to keep them in input order) until a later
date settles the order (:class:`~acs_triage.sources.exports.datetimes.DateReader`).
Then :meth:`Pending.drain` gives them back, with day and month swapped in the
provisional dates when the file turned out to be day-first.

Memory stays bounded: past :data:`MEMORY_ITEMS` records the rest are spooled to a
temporary file.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from typing import IO

from acs_triage.records import Item, Leg, Rejection, SkippedRecord
from acs_triage.sources.exports.datetimes import DMY, swap_day_and_month

__all__ = ["CALL_START_PROVISIONAL", "MEMORY_ITEMS", "TIME_PROVISIONAL", "Pending"]

#: Flags of a held leg: which of its datetimes were read provisionally.
TIME_PROVISIONAL = 1
CALL_START_PROVISIONAL = 2
#: Records held in memory; more are spooled to disk.
MEMORY_ITEMS = 10_000

_Entry = tuple[Item, int]
_KINDS: dict[str, type[Leg] | type[Rejection] | type[SkippedRecord]] = {
    "leg": Leg,
    "rejection": Rejection,
    "skipped": SkippedRecord,
}


def _pack(item: Item, flags: int) -> tuple[str, tuple[object, ...], int]:
    if isinstance(item, Leg):
        return "leg", tuple(item), flags
    if isinstance(item, Rejection):
        return "rejection", (item.source, item.line, item.reason, item.end_line), flags
    return "skipped", (item.source, item.line, item.category), flags


def _unpack(packed: tuple[str, tuple[object, ...], int]) -> _Entry:
    kind, fields, flags = packed
    return _KINDS[kind](*fields), flags  # type: ignore[arg-type]


def _settled(item: Item, flags: int, order: str) -> Item:
    if not flags or order != DMY or not isinstance(item, Leg):
        return item
    time_generated = item.time_generated
    call_start = item.call_start_time
    if flags & TIME_PROVISIONAL:
        time_generated = swap_day_and_month(time_generated)
    if flags & CALL_START_PROVISIONAL and call_start is not None:
        call_start = swap_day_and_month(call_start)
    return item._replace(time_generated=time_generated, call_start_time=call_start)


class Pending:
    """Records in input order, each with the flags of its provisional datetimes."""

    def __init__(self) -> None:
        self._items: list[_Entry] = []
        self._spool: IO[bytes] | None = None
        self._spooled = 0

    def __len__(self) -> int:
        return self._spooled + len(self._items)

    def add(self, item: Item, flags: int) -> None:
        self._items.append((item, flags))
        if len(self._items) >= MEMORY_ITEMS:
            if self._spool is None:
                self._spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by drain/close
            for entry in self._items:
                pickle.dump(_pack(*entry), self._spool, protocol=pickle.HIGHEST_PROTOCOL)
            self._spooled += len(self._items)
            self._items.clear()

    def drain(self, order: str) -> Iterator[Item]:
        """Every held record in order, its provisional dates read in ``order``; then empty."""
        spool, spooled, items = self._spool, self._spooled, self._items
        self._spool, self._spooled, self._items = None, 0, []
        try:
            if spool is not None:
                spool.seek(0)
                for _ in range(spooled):
                    yield _settled(*_unpack(pickle.load(spool)), order)
            for entry in items:
                yield _settled(*entry, order)
        finally:
            if spool is not None:
                spool.close()

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()
            self._spool = None

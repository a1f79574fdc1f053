"""Legs held in memory as a source: for library users who already have rows
(a DataFrame, another tool's output) and for tests of the engine, the gate and the CLI.
"""

from __future__ import annotations

from collections.abc import Iterable

from acs_triage.records import Leg, Rejection
from acs_triage.sources.base import LegStreamSource

__all__ = ["MemorySource"]


class MemorySource(LegStreamSource):
    """A fixed list of legs (and rejections) as a :class:`~acs_triage.sources.base.Source`."""

    def __init__(
        self,
        items: Iterable[Leg | Rejection],
        *,
        kind: str = "memory",
        description: str = "legs in memory",
        live: bool = False,
    ) -> None:
        """``live=True`` makes it behave like a workspace: windows are relative to now
        and must be bounded (for tests of live behaviour without a network)."""
        self._items = list(items)
        self.kind = kind
        self.description = description
        self.live = live

    def items(self) -> Iterable[Leg | Rejection]:
        return self._items

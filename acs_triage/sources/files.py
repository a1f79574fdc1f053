"""The offline source: exported ACSCallSummary files (and the bundled sample).

Files stream through :func:`acs_triage.sources.exports.read_export` whatever their
format, so memory stays flat however large they are; every question costs one
pass over them (standard input, which can be read only once, is kept in memory
after its first pass).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from acs_triage.records import Item, TriageInput
from acs_triage.sources.base import LegStreamSource
from acs_triage.sources.exports import InputFormat, read_export
from acs_triage.windows import Window

__all__ = ["FileSource", "iter_files", "read_files"]


def iter_files(paths: Sequence[str], fmt: InputFormat = InputFormat.AUTO) -> Iterator[Item]:
    """Every row of every file, as a leg or a rejection; file-level problems raise
    :class:`~acs_triage.sources.exports.ExportError` (exit 5), naming the file."""
    for path in paths:
        yield from read_export(path, fmt)


class FileSource(LegStreamSource):
    """Exported files (``-`` is standard input) as a :class:`~acs_triage.sources.base.Source`."""

    def __init__(
        self,
        paths: Sequence[str],
        fmt: InputFormat = InputFormat.AUTO,
        *,
        kind: str = "file",
        description: str | None = None,
    ) -> None:
        self.paths = tuple(paths)
        self.fmt = fmt
        self.kind = kind
        self.description = description or ", ".join(self.paths)
        self._buffered: list[Item] | None = None

    def items(self) -> Iterable[Item]:
        if "-" not in self.paths:
            return iter_files(self.paths, self.fmt)
        if self._buffered is None:
            self._buffered = list(iter_files(self.paths, self.fmt))
        return self._buffered


def read_files(
    paths: Sequence[str],
    fmt: InputFormat = InputFormat.AUTO,
    window: Window | None = None,
    *,
    source_kind: str = "file",
    description: str | None = None,
) -> TriageInput:
    """Aggregate exported files into a :class:`TriageInput` (whole files unless ``window``)."""
    source = FileSource(paths, fmt, kind=source_kind, description=description)
    return source.triage([window or Window(None, None)])[0]

"""An archive copied to disk: a folder tree in the storage layout, given to ``--from-file``.

The folder may be the container (``insights-logs-callsummary``), a folder holding
several containers (only ``insights-logs-callsummary`` is read), the ``resourceId=``
folder, one resource's folder or any folder below it. The ``y=``, ``m=``, ``d=`` and
``h=`` folders outside the hours a question needs are skipped without being opened;
the ``.json`` files of the remaining hour folders are read as diagnostic records.
Plain files given beside folders are read as exports, after the folders.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

from acs_triage.records import Item
from acs_triage.sources.archive.layout import (
    CONTAINER,
    CONTAINER_PREFIX,
    BlobRef,
    HourRange,
    parse_blob_name,
    partition_span,
    split_partition,
)
from acs_triage.sources.archive.source import ArchiveSource
from acs_triage.sources.archive.tally import ResourceTally
from acs_triage.sources.exports import ExportError, InputFormat
from acs_triage.sources.files import FileSource

__all__ = ["FolderSource", "archive_files"]

_LOG = logging.getLogger(__name__)


def _keep_folder(parent: list[str], name: str, hours: HourRange) -> bool:
    """Whether the folder ``name`` under ``parent`` may hold blobs of ``hours``."""
    split = split_partition([*parent, name])
    if split is None:
        return True  # above the partitions
    values = split[1]
    span = partition_span(values)
    if span is None:
        return False  # not a date: not part of the layout
    if len(values) == 4 and name.startswith("m="):
        return True  # the minute folder inside an hour already kept
    return hours.overlaps(*span)


def archive_files(root: str, hours: HourRange) -> tuple[list[BlobRef], int]:
    """The hourly ``.json`` files under ``root`` whose hour is in ``hours``, in reading
    order (hour, resource, name), and how many folders were scanned."""
    found: list[BlobRef] = []
    scanned = 0
    for folder, subfolders, files in os.walk(root, onerror=_unreadable):
        scanned += 1
        parts = Path(folder).resolve().as_posix().split("/")
        if any(s.startswith(CONTAINER_PREFIX) for s in subfolders):
            subfolders[:] = [s for s in subfolders if s == CONTAINER or not s.startswith(CONTAINER_PREFIX)]
        subfolders[:] = sorted(s for s in subfolders if _keep_folder(parts, s, hours))
        for name in sorted(files):
            path = os.path.join(folder, name)
            parsed = parse_blob_name("/".join([*parts, name])) if name.lower().endswith(".json") else None
            if parsed is not None and hours.contains(parsed[1]):
                found.append(BlobRef(path, parsed[0], parsed[1], os.path.getsize(path)))
    found.sort(key=lambda blob: (blob.hour, blob.resource_id, blob.name))
    return found, scanned


def _unreadable(error: OSError) -> None:
    raise ExportError(f"{error.filename}: cannot read the folder: {error.strerror or error}")


class FolderSource(ArchiveSource):
    """Archive folders (and plain export files) as a :class:`~acs_triage.sources.base.Source`."""

    def __init__(
        self, paths: Sequence[str], fmt: InputFormat = InputFormat.AUTO, *, date_order: str | None = None
    ) -> None:
        super().__init__(date_order=date_order)
        self.paths = tuple(paths)
        self.kind = "file"
        self.description = ", ".join(self.paths)
        self.live = False
        self._folders = [p for p in self.paths if p != "-" and os.path.isdir(p)]
        plain = [p for p in self.paths if p not in self._folders]
        self._plain = FileSource(plain, fmt, date_order=date_order) if plain else None

    def opened_blobs(self, hours: HourRange) -> Iterator[tuple[BlobRef, IO[bytes]]]:
        blobs: list[BlobRef] = []
        for folder in self._folders:
            found, scanned = archive_files(folder, hours)
            blobs += found
            self.stats.list_requests += scanned
        self.stats.blobs_listed = len(blobs)
        _LOG.info("archive folders: %d file(s) for the hours %s", len(blobs), hours.describe())
        for blob in blobs:
            try:
                stream = open(blob.name, "rb")  # noqa: SIM115 - closed by the with below
            except OSError as error:
                raise ExportError(f"{blob.name}: cannot open: {error.strerror or error}") from None
            with stream:
                self.stats.blobs_opened += 1
                self.stats.bytes_read += blob.size
                yield blob, stream

    def read(self, hours: HourRange, tally: ResourceTally | None = None) -> Iterator[Item]:
        yield from super().read(hours, tally)
        if self._plain is not None:
            yield from self._plain.items()
            self.count_lines(self._plain.lines())

    def items(self) -> Iterable[Item]:
        return self.read(HourRange())

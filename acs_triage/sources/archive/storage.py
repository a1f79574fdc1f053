"""Straight from the storage account a diagnostic setting writes to (``--storage-account``).

Listing: the resources are found by walking the ``resourceId=/`` folders with a
``/`` delimiter; under each resource the ``y=``, ``m=`` and ``d=`` folders outside
the hours a question needs are pruned by name, and only the blobs of the needed
hours are listed (a whole day's prefix when the day is wholly needed, else each
hour's prefix). Each level's listings run ``concurrency`` at a time.

Reading: blobs are read in order (hour, resource), ``concurrency`` downloads at a
time (:mod:`.download`), each in ranged requests of at most
:data:`~acs_triage.sources.archive.client.CHUNK_BYTES`: never a whole blob in memory.
A blob is read as it was when listed: an append blob (the current hour's, still being
written by Azure Monitor) is read up to its listed length, and records appended
after the listing are left for the next run (logged with ``-v``); a block blob must
keep its listed ETag, else the read fails (exit 4).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from io import BufferedReader
from typing import IO, TYPE_CHECKING, Any, TypeVar

from acs_triage.errors import AcsTriageError, ServiceError
from acs_triage.sources.archive.client import CHUNK_BYTES, StorageTarget
from acs_triage.sources.archive.download import prefetched
from acs_triage.sources.archive.faults import storage_error
from acs_triage.sources.archive.layout import (
    HOUR,
    RESOURCE_SEGMENT,
    BlobRef,
    HourRange,
    parse_blob_name,
    partition_span,
    split_partition,
)
from acs_triage.sources.archive.source import ArchiveSource

if TYPE_CHECKING:
    from azure.storage.blob import ContainerClient

__all__ = ["StorageSource"]

_LOG = logging.getLogger(__name__)
#: Folders between ``resourceId=/`` and a resource's ``y=`` folders (8 for an ARM id).
_MAX_DEPTH = 16
_In = TypeVar("_In")
_Out = TypeVar("_Out")


def _span(prefix: str) -> tuple[int, ...] | None:
    split = split_partition(prefix.rstrip("/").split("/"))
    return None if split is None else split[1]


class StorageSource(ArchiveSource):
    """A storage account's CallSummary container as a :class:`~acs_triage.sources.base.Source`."""

    def __init__(self, target: StorageTarget, client: ContainerClient) -> None:
        super().__init__()
        self.target = target
        self.kind = "storage"
        self.live = True
        self.description = target.describe()
        self._client = client

    def close(self) -> None:
        self._client.close()

    # -- listing -----------------------------------------------------------------------
    def _map(self, function: Callable[[_In], _Out], values: list[_In]) -> list[_Out]:
        if len(values) <= 1:
            return [function(v) for v in values]
        with ThreadPoolExecutor(max_workers=self.target.concurrency) as pool:
            return list(pool.map(function, values))

    def _folders(self, prefix: str) -> list[str]:
        """The folder prefixes just below ``prefix`` (one delimited listing)."""
        from azure.storage.blob import BlobPrefix

        self.stats.list_requests += 1
        listing = self._client.walk_blobs(name_starts_with=prefix, delimiter="/")
        return [item.name for item in listing if isinstance(item, BlobPrefix)]

    def _blobs(self, prefix: str) -> list[BlobRef]:
        """The archive blobs under ``prefix`` (one flat listing)."""
        self.stats.list_requests += 1
        found = []
        for item in self._client.list_blobs(name_starts_with=prefix):
            parsed = parse_blob_name(item.name)
            if parsed is not None:
                append = "append" in str(getattr(item.blob_type, "value", item.blob_type)).lower()
                found.append(
                    BlobRef(item.name, parsed[0], parsed[1], item.size or 0, append, item.etag or "")
                )
        return found

    def resources(self) -> list[str]:
        """The prefix of every resource in the container (``resourceId=/.../<name>/``)."""
        frontier = [RESOURCE_SEGMENT + "/"]
        found: list[str] = []
        for _ in range(_MAX_DEPTH):
            if not frontier:
                break
            children = self._map(self._folders, frontier)
            below_all: list[str] = []
            for prefix, below in zip(frontier, children, strict=True):
                if any(child[len(prefix) :].startswith("y=") for child in below):
                    found.append(prefix)
                else:
                    below_all += below
            frontier = below_all
        return sorted(found)

    def hour_prefixes(self, resource: str, hours: HourRange) -> list[str]:
        """The prefixes to list under ``resource`` for ``hours``: whole days, or hours."""
        level = [resource]
        for _ in ("y", "m", "d"):
            children = self._map(self._folders, level)
            level = []
            for child in (c for below in children for c in below):
                values = _span(child)
                span = None if values is None else partition_span(values)
                if span is not None and hours.overlaps(*span):
                    level.append(child)
        prefixes: list[str] = []
        for day in level:
            values = _span(day)
            span = None if values is None else partition_span(values)
            if span is None:
                continue
            start, end = span
            if hours.contains(start) and hours.contains(end - HOUR):
                prefixes.append(day)
            else:
                prefixes += [f"{day}h={h:02d}/" for h in range(24) if hours.contains(start + h * HOUR)]
        return prefixes

    def list_hours(self, hours: HourRange) -> list[BlobRef]:
        """Every blob of ``hours``, in reading order (hour, resource, name)."""
        try:
            prefixes = [p for resource in self.resources() for p in self.hour_prefixes(resource, hours)]
            listed = self._map(self._blobs, prefixes)
        except Exception as error:
            raise storage_error(error, self.description) from None
        blobs = [blob for found in listed for blob in found if hours.contains(blob.hour)]
        blobs.sort(key=lambda blob: (blob.hour, blob.resource_id, blob.name))
        return blobs

    # -- reading -------------------------------------------------------------------------
    def chunks(self, blob: BlobRef) -> Iterator[bytes]:
        """The bytes of ``blob`` as listed, in ranged reads (runs in a download thread)."""
        from azure.core import MatchConditions

        client = self._client.get_blob_client(blob.name)
        # An append blob only grows, so its listed bytes never change; a block blob must not change.
        unchanged: dict[str, Any] = {}
        if not blob.append:
            unchanged = {"etag": blob.etag, "match_condition": MatchConditions.IfNotModified}
        offset, size, grown = 0, blob.size, 0
        while offset < size:
            length = min(CHUNK_BYTES, size - offset)
            download = client.download_blob(offset=offset, length=length, **unchanged)
            data = download.readall()
            total = _total_size(download.properties.content_range, size)
            if total < size or not data:
                raise ServiceError(f"blob {blob.name} shrank while it was read", hint="run again")
            grown = total - size
            offset += len(data)
            if offset >= size and grown and not data.endswith(b"\n"):
                data = data[: data.rfind(b"\n") + 1]  # a record still being appended: next run
            yield data
        if grown:
            _LOG.info(
                "blob %s grew by %d bytes while it was read; they are left for the next run", blob.name, grown
            )

    def opened_blobs(self, hours: HourRange) -> Iterator[tuple[BlobRef, IO[bytes]]]:
        blobs = self.list_hours(hours)
        self.stats.blobs_listed = len(blobs)
        _LOG.info("%s: %d blob(s) for the hours %s", self.description, len(blobs), hours.describe())

        def translate(error: BaseException, blob: str | None = None) -> AcsTriageError:
            return storage_error(error, self.description, blob=blob)

        def count(size: int) -> None:
            self.stats.bytes_read += size

        for blob, stream in prefetched(
            blobs,
            self._guarded(translate),
            concurrency=self.target.concurrency,
            translate=translate,
            on_read=count,
        ):
            self.stats.blobs_opened += 1
            yield blob, BufferedReader(stream)
        _LOG.info("%s: %s", self.description, self.stats.line())

    def _guarded(
        self, translate: Callable[[BaseException, str | None], AcsTriageError]
    ) -> Callable[[BlobRef], Iterable[bytes]]:
        def chunks(blob: BlobRef) -> Iterator[bytes]:
            try:
                yield from self.chunks(blob)
            except Exception as error:
                raise translate(error, blob.name) from None

        return chunks


def _total_size(content_range: str | None, listed: int) -> int:
    """The blob's whole size from ``bytes 0-99/1234`` (the listed size when absent)."""
    if not content_range or "/" not in content_range:
        return listed
    total = content_range.rsplit("/", 1)[1]
    return int(total) if total.isdigit() else listed

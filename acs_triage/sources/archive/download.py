"""Streaming blobs a bounded number at a time, in order.

:func:`prefetched` downloads up to ``concurrency`` blobs at once, each by a thread
that fetches chunks into a small bounded queue, while the caller reads the first
blob as a binary stream (:class:`ChunkStream`). Memory is bounded by
``concurrency * (QUEUE_CHUNKS + 1)`` chunks whatever the blob sizes; blobs are
handed over in the order given, so the rows come out in a fixed order.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from io import RawIOBase
from typing import TypeVar

from acs_triage.errors import AcsTriageError

__all__ = ["QUEUE_CHUNKS", "ChunkStream", "prefetched"]

#: Chunks a download may hold ahead of the reader.
QUEUE_CHUNKS = 2
_END = object()
_Blob = TypeVar("_Blob")


class _Download(threading.Thread):
    """Fetches one blob's chunks into a bounded queue (the end, or the error, last)."""

    def __init__(self, chunks: Iterable[bytes], translate: Callable[[BaseException], AcsTriageError]) -> None:
        super().__init__(daemon=True, name="acs-triage-blob")
        self.queue: queue.Queue[object] = queue.Queue(maxsize=QUEUE_CHUNKS)
        self._chunks = chunks
        self._translate = translate
        self._stop_event = threading.Event()

    def run(self) -> None:
        try:
            for chunk in self._chunks:
                if not self._put(chunk):
                    return
            self._put(_END)
        except Exception as error:  # handed to the reader, who raises it
            self._put(self._translate(error))

    def _put(self, item: object) -> bool:
        while not self._stop_event.is_set():
            try:
                self.queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def cancel(self) -> None:
        """Stop fetching (the reader is done with this blob, or gave up)."""
        self._stop_event.set()
        self.join(timeout=5)


class ChunkStream(RawIOBase):
    """A blob being downloaded, as a readable binary stream; ``on_read(n)`` is called
    for every chunk taken (in the reader's thread)."""

    def __init__(self, download: _Download, on_read: Callable[[int], None]) -> None:
        super().__init__()
        self._queue = download.queue
        self._chunk = memoryview(b"")
        self._done = False
        self._on_read = on_read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._chunk.nbytes:
            if self._done:
                return 0
            item = self._queue.get()
            if item is _END:
                self._done = True
                return 0
            if isinstance(item, AcsTriageError):
                self._done = True
                raise item
            assert isinstance(item, bytes)
            self._on_read(len(item))
            self._chunk = memoryview(item)
        target = memoryview(buffer).cast("B")
        count = min(target.nbytes, self._chunk.nbytes)
        target[:count] = self._chunk[:count]
        self._chunk = self._chunk[count:]
        return count


def prefetched(
    blobs: Iterable[_Blob],
    chunks_of: Callable[[_Blob], Iterable[bytes]],
    *,
    concurrency: int,
    translate: Callable[[BaseException], AcsTriageError],
    on_read: Callable[[int], None],
) -> Iterator[tuple[_Blob, ChunkStream]]:
    """Each blob with a stream of its bytes, in order; up to ``concurrency`` downloads
    run at once (the one being read and the next ones). A download stops when the caller
    moves on to the next blob or closes the iterator."""
    pending: deque[tuple[_Blob, _Download]] = deque()
    upcoming = iter(blobs)

    def start_next() -> None:
        for blob in upcoming:
            download = _Download(chunks_of(blob), translate)
            download.start()
            pending.append((blob, download))
            return

    try:
        for _ in range(max(concurrency, 1)):
            start_next()
        while pending:
            blob, download = pending.popleft()
            try:
                yield blob, ChunkStream(download, on_read)
            finally:
                download.cancel()
            start_next()
    finally:
        for _, download in pending:
            download.cancel()

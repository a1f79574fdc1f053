"""Reading the input: the detection head, its replay, the encoding, physical lines.

:func:`read_head` reads the first :data:`~acs_triage.sources.exports.common.HEAD_BYTES`
for format detection; :class:`PrefixedStream` then replays them before the rest of
the stream, so that the whole input is decoded once, from the start.
:func:`encoding_of` picks the text encoding from the head's byte-order mark,
:func:`decode_from_start` puts the two together, and :class:`PhysicalLines` yields
the lines of the decoded text, each bounded.
"""

from __future__ import annotations

import codecs
from io import BufferedReader, RawIOBase, TextIOWrapper
from typing import IO

from acs_triage.sources.exports import common
from acs_triage.sources.exports.common import EndlessInput


class PrefixedStream(RawIOBase):
    """Replays the bytes already read for detection, then the rest of the stream."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        super().__init__()
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        target = memoryview(buffer).cast("B")
        if self._head.nbytes:
            count = min(len(target), self._head.nbytes)
            target[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        data = self._rest.read(len(target))
        if not data:
            return 0
        target[: len(data)] = data
        return len(data)


def read_head(stream: IO[bytes]) -> bytes:
    """The first ``HEAD_BYTES`` of ``stream`` (fewer only at its end), however it delivers them."""
    parts: list[bytes] = []
    size = 0
    while size < common.HEAD_BYTES:
        data = stream.read(common.HEAD_BYTES - size)
        if not data:
            break
        parts.append(data)
        size += len(data)
    return b"".join(parts)


def encoding_of(head: bytes) -> str:
    """UTF-16 when the head starts with its byte-order mark, else UTF-8 (BOM or not)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8-sig"


def decode_from_start(head: bytes, rest: IO[bytes]) -> TextIOWrapper:
    """The whole input as text: ``head`` replayed, then the rest of the stream.

    Line ends are kept as they are (``newline=""``); undecodable bytes become U+FFFD.
    Closing the result closes the replaying wrapper only, never ``rest``.
    """
    return TextIOWrapper(
        BufferedReader(PrefixedStream(head, rest), buffer_size=common.CHUNK_CHARS),
        encoding=encoding_of(head),
        errors="replace",
        newline="",
    )


class PhysicalLines:
    """Physical lines of a text stream (CR, LF, CRLF), each at most ``max_chars``.

    ``max_chars`` is :data:`~acs_triage.sources.exports.common.MAX_LINE_CHARS` when
    the lines are opened. An over-long line is consumed, counted in ``overlong`` and
    returned as ``"\\n"`` so that line numbering stays right; callers turn it into a
    rejection. A line still running after
    :data:`~acs_triage.sources.exports.common.MAX_SKIPPED_LINE_CHARS` raises
    :class:`~acs_triage.sources.exports.common.EndlessInput`: reading an endless
    stream without line ends stops in bounded time and memory.

    ``exhausted`` becomes True when a caller asked for a line past the end.
    """

    def __init__(self, text: TextIOWrapper) -> None:
        self._readline = text.readline
        self.max_chars = common.MAX_LINE_CHARS
        self.overlong = 0
        self.exhausted = False

    def __iter__(self) -> PhysicalLines:
        return self

    def __next__(self) -> str:
        max_chars = self.max_chars
        line = self._readline(max_chars)
        if not line:
            self.exhausted = True
            raise StopIteration
        if len(line) >= max_chars:
            if line[-1] == "\r":
                return self._cut_crlf(line)
            if line[-1] != "\n":
                self._skip_rest(len(line))
                self.overlong += 1
                return "\n"
        return line

    def _cut_crlf(self, line: str) -> str:
        """A read that stopped at its size limit right after a CR: the LF of a CRLF may
        come as a "line" of its own, which is not one."""
        following = self._readline(self.max_chars)
        if following == "\n":
            return line + following
        if following:
            self._push_back(following)
        return line

    def _push_back(self, line: str) -> None:
        """Make ``line`` the next one read (the hot path keeps calling one readline)."""
        readline = self._readline

        def once(_size: int = -1) -> str:
            self._readline = readline
            return line

        self._readline = once

    def _skip_rest(self, read: int) -> None:
        limit = common.MAX_SKIPPED_LINE_CHARS
        while True:
            rest = self._readline(self.max_chars)
            read += len(rest)
            if rest.endswith("\r") and len(rest) >= self.max_chars:
                self._cut_crlf(rest)
                return
            if not rest or rest[-1] in "\r\n":
                return
            if read > limit:
                raise EndlessInput(
                    f"a line runs on past {limit:,} characters without a line end "
                    "(binary data, or an endless stream?)"
                )

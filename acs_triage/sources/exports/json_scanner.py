"""Walking a JSON document from a sliding text buffer, one element at a time.

A document is never loaded whole: :class:`JsonScanner` walks its structure (``{``,
``[``, ``,``, ``:``) by hand and decodes one element (a record, a row, a skipped
value) at a time, so memory is bounded by the largest element, not by the document.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from io import TextIOWrapper

from acs_triage.sources.exports import common
from acs_triage.sources.exports.common import JsonSyntaxError
from acs_triage.sources.exports.values import one_line

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER_TAIL = frozenset("0123456789.eE+-")
_NUMBER_CHARS = re.compile(r"[0-9.eE+-]*")
_MAX_DEPTH = 200


class JsonScanner:
    """Reads one JSON document value by value from a sliding text buffer.

    Structure (``{``, ``[``, ``,``, ``:``) is walked by hand; each element is decoded
    with :meth:`json.JSONDecoder.raw_decode`. The buffer holds at most one chunk
    plus the element being decoded (bounded by MAX_JSON_VALUE_CHARS). A document
    that cannot be parsed further raises :class:`JsonSyntaxError`.
    """

    def __init__(self, text: TextIOWrapper) -> None:
        self._read = text.read
        self._buf = ""
        self._pos = 0
        self._lines_before = 0  # newlines in the text already dropped from _buf
        self._eof = False
        self._decode = json.JSONDecoder().raw_decode

    def line_at(self, pos: int) -> int:
        return self._lines_before + self._buf.count("\n", 0, pos) + 1

    def error(self, message: str) -> JsonSyntaxError:
        """The error for the input at the current position."""
        return self._error(message)

    def _error(self, message: str, pos: int | None = None) -> JsonSyntaxError:
        return JsonSyntaxError(message, self.line_at(self._pos if pos is None else pos))

    def _more(self, at_least: int) -> bool:
        if self._eof:
            return False
        if self._pos:
            self._lines_before += self._buf.count("\n", 0, self._pos)
            self._buf = self._buf[self._pos :]
            self._pos = 0
        data = self._read(max(at_least, common.CHUNK_CHARS))
        if not data:
            self._eof = True
            return False
        self._buf += data
        return True

    def peek(self) -> str:
        """Skip whitespace; the next character, not consumed ("" at the end).

        More than :data:`~acs_triage.sources.exports.common.MAX_LEADING_BLANK`
        characters of whitespace in a row is not a document (an endless stream)."""
        skipped = 0
        while True:
            match = _WHITESPACE.match(self._buf, self._pos)
            if match is not None:
                skipped += match.end() - self._pos
                self._pos = match.end()
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if skipped > common.MAX_LEADING_BLANK:
                raise self._error(f"more than {common.MAX_LEADING_BLANK:,} characters of whitespace in a row")
            if not self._more(common.CHUNK_CHARS):
                return ""

    def take(self, expected: str) -> None:
        found = self.peek()
        if found != expected:
            raise self._error(f"expected {expected!r}, found {describe_next(found)}")
        self._pos += 1

    def separator(self, closer: str, what: str) -> bool:
        """After an element: True after a ``,``, False after ``closer``."""
        found = self.peek()
        if found == ",":
            self._pos += 1
            return True
        if found == closer:
            self._pos += 1
            return False
        raise self._error(f"expected ',' or {closer!r} after {what}, found {describe_next(found)}")

    def value(self) -> object:
        """Decode the next complete JSON value."""
        if self.peek() == "":
            raise self._error("unexpected end of input (is the file truncated?)")
        while True:
            try:
                value, end = self._decode(self._buf, self._pos)
            except json.JSONDecodeError as error:
                near_end = error.pos >= len(self._buf) - 32 or error.msg.startswith("Unterminated string")
                if not near_end:
                    raise self._error(error.msg, error.pos) from None
                if self._eof:
                    cut = error.msg.startswith("Unterminated string") or not self._buf[error.pos :].strip()
                    hint = " (is the file truncated?)" if cut else ""
                    raise self._error(error.msg + hint, error.pos) from None
                self._grow()
                continue
            except RecursionError:
                raise self._error("nested too deeply") from None
            except ValueError as error:  # e.g. an integer too long to convert
                raise self._error(one_line(str(error))[:120]) from None
            if (
                not self._eof
                and self._buf[end - 1] in _NUMBER_TAIL
                and _NUMBER_CHARS.fullmatch(self._buf, end) is not None
            ):
                self._grow()  # a number that may go on past the end of the buffer ("1" of "12")
                continue
            self._pos = end
            return value

    def _grow(self) -> None:
        pending = len(self._buf) - self._pos
        if pending > common.MAX_JSON_VALUE_CHARS:
            raise self._error(f"a JSON value is longer than {common.MAX_JSON_VALUE_CHARS} characters")
        self._more(pending)

    def skip(self, depth: int = 0) -> None:
        """Read past the next value, however large: arrays and objects element by element."""
        if depth > _MAX_DEPTH:
            raise self._error("nested too deeply")
        char = self.peek()
        if char == "[":
            for _ in self.elements():
                self.skip(depth + 1)
        elif char == "{":
            for _ in self.members():
                self.skip(depth + 1)
        else:
            self.value()

    def members(self) -> Iterator[str]:
        """The keys of the object whose ``{`` comes next; read each value before
        asking for the next key."""
        self.take("{")
        if self.peek() == "}":
            self._pos += 1
            return
        while True:
            if self.peek() != '"':
                raise self._error(f"expected a quoted object key, found {describe_next(self.peek())}")
            key = self.value()
            if not isinstance(key, str):  # pragma: no cover - a '"' always starts a string
                raise self._error("expected a quoted object key")
            self.take(":")
            yield key
            if not self.separator("}", "an object member"):
                return

    def elements(self) -> Iterator[int]:
        """1-based indexes of the elements of the array whose ``[`` comes next;
        read each element before asking for the next."""
        self.take("[")
        if self.peek() == "]":
            self._pos += 1
            return
        index = 0
        while True:
            index += 1
            yield index
            if not self.separator("]", f"array element {index}"):
                return


def after_document(scanner: JsonScanner, opener: str, what: str) -> bool:
    """After one document: True when another one follows (``cat a.json b.json``),
    False at the end of the input; anything else is an error."""
    found = scanner.peek()
    if found == "":
        return False
    if found == opener:
        return True
    raise scanner.error(f"unexpected {describe_next(found)} after the end of {what}")


def describe_next(char: str) -> str:
    """How a message names the character :meth:`JsonScanner.peek` found."""
    return "the end of the input (is the file truncated?)" if char == "" else repr(char)

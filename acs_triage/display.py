"""Text from logs, made safe to show: control characters escaped, never obeyed.

Every text acs-triage writes for a person or a tool that renders it (a terminal,
Markdown, CSV, JUnit, a GitHub annotation, stderr) goes through :func:`neutralise`:
a value such as ``"\\x1b]0;pwned\\x07"`` or ``"c1\\nFAKE LINE"`` is shown as those
characters, escaped, so it can neither retitle a terminal, clear the screen nor
start a line of its own that would pass for one of the report's.

Escaped: C0 controls (tab, line feed and carriage return included), DEL, C1 controls,
the Unicode line and paragraph separators (U+2028, U+2029) and lone surrogates (which
no UTF-8 output can hold): ``\\xNN`` below U+0100, ``\\uNNNN`` above. JSON output
escapes the same characters as JSON ``\\u`` escapes (:func:`json_safe`), so it stays
valid JSON and decodes to the original text.
"""

from __future__ import annotations

import re

__all__ = ["json_safe", "neutralise", "one_line"]

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
#: What ``json.dumps(..., ensure_ascii=False)`` leaves raw but a terminal or a UTF-8
#: encoder would trip on (it already escapes C0 controls inside strings).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def neutralise(text: str) -> str:
    """``text`` with every control character (and lone surrogate) shown escaped."""
    return _UNSAFE.sub(_escape, text)


def one_line(text: str) -> str:
    """``text`` as one neutralised line: runs of whitespace become one space first."""
    return neutralise(" ".join(str(text).split()))


def json_safe(document_text: str) -> str:
    """JSON text from ``json.dumps(..., ensure_ascii=False)`` with DEL, C1 controls,
    U+2028/U+2029 and lone surrogates written as ``\\uNNNN`` escapes.

    Those characters can only occur inside JSON strings (everything outside them is
    ASCII), where the escape means the same character.
    """
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", document_text)

"""Masking of private data: phone numbers in log values and messages, credentials in URLs.

**The rule.** A phone number is at least :data:`MIN_DIGITS` (7) digits, written

- in one run, of any length and wherever it is: ``14255550123``, ``+14255550123``,
  ``4:+14255550123``, ``sip:+14255550123@host``, ``4:+14255550129x``, a 16-digit run;
- or in groups separated by one space, dot or dash, or by parentheses:
  ``+1 (425) 555-0125``, ``tel:+1-425-555-0127``, ``+44 20 7946 0958``,
  ``+1.425.555.0130``, ``0425 555 0135``.

A slash separates (``030/12345678`` masks the run after it, ``403/560403`` is a pair of
end codes).

Its first three digits and its last two are kept and every other digit becomes ``*``;
everything else (``+``, separators, prefixes) stays: ``4:+142******23``,
``+1 (42*) ***-**25``. For one E.164 number with an optional ``4:`` prefix this is
exactly what ``kql/pstn-failures-by-number.kql`` does in the workspace.

Never masked: GUIDs (correlation and participant ids, which users paste into
``acs-triage call``), dates and date-times (``2026-11-28``, ``28.11.2026 14:10``,
``2026-11-28T02:10:38.1234567Z``) and decimal numbers (``0.333333``).

**Values and messages.** :func:`mask_identifier` masks a whole value (a cell of the
log). A message mixes acs-triage's own words and numbers (line numbers, counts,
limits: never masked) with data it quotes: data enters a message only through
:func:`quote` or :func:`mark`, which delimit it, and :func:`mask_text` masks only
what is delimited (or, with ``--show-pii``, just removes the delimiters). Error
messages are always masked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from acs_triage.records import Rejection

__all__ = [
    "MIN_DIGITS",
    "contains_phone_number",
    "mark",
    "mask_identifier",
    "mask_rejections",
    "mask_text",
    "quote",
    "reason_kind",
    "redact_urls",
]

#: The fewest digits a phone number has (shorter runs are codes, counts, extensions).
MIN_DIGITS = 7

_GUID = r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
_CLOCK = r"[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]{1,9})?)?"
_DATES = (
    rf"[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}(?:[Tt ]{_CLOCK})?",
    rf"(?:[0-9]{{1,2}}[./-][0-9]{{1,2}}[./-][0-9]{{4}}|[0-9]{{4}}[./-][0-9]{{1,2}}[./-][0-9]{{1,2}})"
    rf"(?:,?[ \u00a0\u202f]{_CLOCK})?",
)
#: A decimal number that no further digit group follows (``0.333333``, not ``1.425.555``).
_DECIMAL = r"[0-9]+\.[0-9]+(?![0-9]|[.\-/ ][0-9])"
_KEEP = "|".join((_GUID, *_DATES))
_SPACE = r"[ \u00a0\u202f\u2009]"
_SEPARATOR = rf"(?:{_SPACE}?\(|\){_SPACE}?|{_SPACE}|[.\-\u2010\u2011\u2013])"
_PHONE = rf"\+?\(?(?!{_KEEP})\d+(?:{_SEPARATOR}(?!{_KEEP})\d+)*"
_TOKENS = re.compile(rf"(?P<keep>{_KEEP}|{_DECIMAL})|(?P<phone>{_PHONE})")

#: Delimiters of data quoted in a message. ``repr`` escapes both, so quoted data
#: never holds one; :func:`mask_text` removes them.
_OPEN, _CLOSE = "\x0e", "\x0f"
_MARKED = re.compile(f"{_OPEN}([^{_OPEN}{_CLOSE}]*){_CLOSE}")
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/?#\s@]*@")
#: Query parameters that carry a secret: a SAS signature, tokens, keys, passwords.
_URL_SECRETS = re.compile(
    r"(?i)([?&](?:sig|signature|token|access_token|code|key|password|pwd|secret|client_secret)=)[^&#\s'\"]+"
)


def _mask(match: re.Match[str]) -> str:
    text = match.group(0)
    if match.lastgroup == "keep":
        return text
    total = sum(c.isdigit() for c in text)
    if total < MIN_DIGITS:
        return text
    out: list[str] = []
    seen = 0
    for char in text:
        if char.isdigit():
            out.append(char if seen < 3 or seen >= total - 2 else "*")
            seen += 1
        else:
            out.append(char)
    return "".join(out)


def mask_identifier(value: str) -> str:
    """``value`` with every phone number in it masked (see the module docstring)."""
    return _TOKENS.sub(_mask, value)


def contains_phone_number(value: str) -> bool:
    """True when ``value`` holds an unmasked phone number."""
    return any(
        match.lastgroup == "phone" and sum(c.isdigit() for c in match.group(0)) >= MIN_DIGITS
        for match in _TOKENS.finditer(value)
    )


def mark(text: str) -> str:
    """``text`` (data, e.g. a service's message) delimited for :func:`mask_text`, as is."""
    return _OPEN + text.replace(_OPEN, "").replace(_CLOSE, "") + _CLOSE


def quote(value: object, limit: int = 40) -> str:
    """A short, one-line, quoted rendering of a data value for a message, delimited
    for :func:`mask_text`: ``'+14255550123'``, cut after ``limit`` characters (``...``)."""
    try:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        text = f"<{type(value).__name__}>"
    shown = repr(text[:limit]) + ("..." if len(text) > limit else "")
    return _OPEN + shown + _CLOSE


def mask_text(text: str, *, show_pii: bool = False) -> str:
    """A message as users see it: the data :func:`quote` or :func:`mark` delimited is
    masked (unless ``show_pii``), the delimiters removed, the rest left as it is."""
    if _OPEN not in text and _CLOSE not in text:
        return text
    shown = _MARKED.sub(lambda m: m.group(1) if show_pii else mask_identifier(m.group(1)), text)
    return shown.replace(_OPEN, "").replace(_CLOSE, "")


def reason_kind(reason: str) -> str:
    """A rejection reason without the data it quotes: what rejections are counted by
    (``unparseable TimeGenerated '2026-13-01'`` -> ``unparseable TimeGenerated``)."""
    if _OPEN not in reason and _CLOSE not in reason:
        return reason
    return " ".join(_MARKED.sub("", reason).replace(_OPEN, "").replace(_CLOSE, "").split())


def redact_urls(text: str) -> str:
    """``text`` with the credentials of any URL replaced: ``https://***@host``, and the
    value of a secret query parameter (a SAS ``sig=``, ``token=``, ``key=``...): ``sig=***``."""
    return _URL_SECRETS.sub(r"\1***", _URL_CREDENTIALS.sub(r"\1***@", text))


def mask_rejections(rejections: Iterable[Rejection], *, show_pii: bool) -> tuple[Rejection, ...]:
    """Rejections as users see them: the data their reasons quote masked (unless
    ``show_pii``), the rest of the reason (line lengths, counts) as it is."""
    return tuple(
        Rejection(r.source, r.line, mask_text(r.reason, show_pii=show_pii), r.end_line) for r in rejections
    )

"""Normalising ACS end-code values as logs, exports and APIs hold them.

``ParticipantEndReason`` and ``ParticipantEndSubCode`` are ``string`` columns, but
what reaches us varies with the path the data took: ``"403"`` from the workspace,
``403`` from a JSON number, ``"403.0"`` after a spreadsheet round trip, ``" 560403 "``
with stray spaces, and ``"null"``, ``"None"`` or ``""`` for a missing value.
:func:`normalize_code` maps all of these to one canonical string, minimally: it does
not pad, unpad or otherwise reinterpret codes beyond that.
"""

from __future__ import annotations

import math
import numbers
import re

__all__ = ["http_status", "is_failed_operation", "is_failure_end", "normalize_code"]

#: Values that mean "no code" (compared after stripping, case-insensitively).
_BLANK_TOKENS = frozenset({"", "null", "none", "nan"})

#: An integer written with a zero fraction, as spreadsheets and float columns do.
_INTEGRAL_FLOAT = re.compile(r"([+-]?[0-9]+)\.0*")


def normalize_code(value: object) -> str:
    """Return the canonical text of an end-code value. Never raises.

    - ``None``, booleans, NaN/infinity, ``"null"``/``"None"``/blank text -> ``""``
    - integers (``403``, ``"403"``, ``" 403 "``) -> ``"403"``
    - integral floats (``403.0``, ``"403.0"``) -> ``"403"``
    - any other text -> the text, stripped (``"abc"`` stays ``"abc"``)
    """
    try:
        return _normalize(value)
    except Exception:  # a hostile __str__, an integer too long to print, ...
        return ""


def _normalize(value: object) -> str:
    if type(value) is str:  # the common case: "403", " 560403 "
        text = value.strip()
        if text.isdigit() and text.isascii():
            return text
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, str):
        text = value.strip()
    elif isinstance(value, numbers.Integral):
        return str(int(value))
    elif isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            return ""
        if number.is_integer():
            return str(int(number))
        return repr(number)
    elif isinstance(value, (bytes, bytearray)):
        text = bytes(value).decode("utf-8", errors="replace").strip()
    else:
        text = str(value).strip()
    if text.lower() in _BLANK_TOKENS:
        return ""
    match = _INTEGRAL_FLOAT.fullmatch(text)
    if match is not None:
        return match.group(1)
    return text


def is_failure_end(end_reason: object) -> bool:
    """True unless the end reason is normal call clearing: ``"0"`` or a 2xx code.

    The same rule as the KQL predicate in ``kql/*.kql``
    (``not(ParticipantEndReason == "0" or ParticipantEndReason startswith "2")``)
    and as the catalog's outcomes; a test keeps the three in step.
    """
    reason = normalize_code(end_reason)
    return not (reason == "0" or reason.startswith("2"))


def http_status(value: object) -> int | None:
    """An HTTP status as logs hold it (``403``, ``"403"``, ``403.0``) as an int; None when
    blank or not a whole number. Never raises."""
    text = normalize_code(value)
    return int(text) if text.isdigit() and text.isascii() and len(text) <= 9 else None


def is_failed_operation(result_type: object, result_signature: object) -> bool:
    """A Call Automation request failed: its HTTP status (``ResultSignature``) is 400 or
    more, or its ``ResultType`` is ``Failed`` (case-insensitive; the value Microsoft's sample
    query for Call Automation errors filters on). ``Succeeded``, the documented success
    value, and any other value with a lower status or none count as successful.

    The same rule as ``Failed`` in ``kql/call-automation-operations.kql``; a test keeps
    the two in step.
    """
    status = http_status(result_signature)
    failed_type = isinstance(result_type, str) and result_type.strip().lower() == "failed"
    return (status is not None and status >= 400) or failed_type

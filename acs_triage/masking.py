"""Masking of identifiers that can be phone numbers.

A PSTN leg's ``Identifier`` looks like ``4:+14255550123`` and billing records carry
raw numbers. By default every standalone run of 7 to 15 digits (optionally after ``+``) keeps
its first three and last two digits and hides the rest: ``4:+142******23``.
Use ``--show-pii`` to see them unmasked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from acs_triage.records import Rejection

# 7 to 15 digits (E.164 allows 15), optionally after "+", not part of a longer
# alphanumeric token such as a GUID segment.
_PHONE = re.compile(r"(?<![0-9A-Za-z-])\+?\d{7,15}(?![0-9A-Za-z-])")


def _mask(match: re.Match[str]) -> str:
    text = match.group(0)
    plus = "+" if text.startswith("+") else ""
    digits = text[len(plus) :]
    return plus + digits[:3] + "*" * (len(digits) - 5) + digits[-2:]


def mask_identifier(value: str) -> str:
    """Mask digit runs that can be phone numbers; leave everything else as is."""
    return _PHONE.sub(_mask, value)


def contains_phone_number(value: str) -> bool:
    """True when ``value`` holds an unmasked run of 7+ digits."""
    return _PHONE.search(value) is not None


def mask_rejections(rejections: Iterable[Rejection], *, show_pii: bool) -> tuple[Rejection, ...]:
    """Rejection reasons quote the bad value, which can be a phone number: mask it."""
    if show_pii:
        return tuple(rejections)
    return tuple(Rejection(r.source, r.line, mask_identifier(r.reason)) for r in rejections)

"""Finding the ACSCallSummary columns by name in a CSV header or in JSON object keys.

Columns are matched case-insensitively, after stripping whitespace and a trailing
``[...]`` suffix; a datetime column whose suffix names a zone other than UTC is
refused. :func:`resolve_columns` reads a header row (or the first JSON object's keys,
or an ``api-json`` table's column names); :class:`KeyMap` converts JSON objects,
whose keys may change from one object to the next.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Sequence

from acs_triage.masking import quote
from acs_triage.records import Item, Rejection
from acs_triage.sources.exports.common import ExportError
from acs_triage.sources.exports.values import LegBuilder

REQUIRED = (
    "TimeGenerated",
    "CorrelationId",
    "EndpointType",
    "ParticipantEndReason",
    "ParticipantEndSubCode",
)
OPTIONAL = (
    "ParticipantId",
    "Identifier",
    "CallStartTime",
    "PstnParticipantCallType",
    "ResultCategory",
)
#: The canonical columns, in the order :meth:`LegBuilder.build` takes their values.
COLUMNS = REQUIRED + OPTIONAL
_COLUMN_INDEX = {column.lower(): i for i, column in enumerate(COLUMNS)}
_DATETIME_COLUMNS = frozenset({_COLUMN_INDEX["timegenerated"], _COLUMN_INDEX["callstarttime"]})
_UTC_SUFFIXES = frozenset({"utc", "utc+00:00", "utc+0", "gmt", "z"})
_SUFFIX = re.compile(r"(.*?)\s*\[([^\[\]]*)\]")
_UNKNOWN = -1
_NOT_UTC = -2


def _split_header(header: str) -> tuple[str, str | None]:
    """``" TimeGenerated [UTC] "`` -> ``("timegenerated", "utc")``."""
    text = header.strip().lstrip("\ufeff").strip()
    match = _SUFFIX.fullmatch(text)
    if match is None:
        return text.lower(), None
    return match.group(1).strip().lower(), " ".join(match.group(2).split()).lower()


def _column_of(header: str) -> int:
    """The canonical column index of a header, ``_UNKNOWN`` or ``_NOT_UTC``."""
    key, suffix = _split_header(header)
    index = _COLUMN_INDEX.get(key, _UNKNOWN)
    if index in _DATETIME_COLUMNS and suffix is not None and suffix not in _UTC_SUFFIXES:
        return _NOT_UTC
    return index


def _not_utc_error(name: str, header: str) -> ExportError:
    return ExportError(
        f"{name}: column {quote(header.strip())} holds times in a zone other than UTC",
        hint="re-export with the portal's display time zone set to UTC",
    )


def resolve_columns(headers: Sequence[str], name: str) -> list[int]:
    """Map each canonical column to its position in ``headers`` (-1 when absent)."""
    positions = [-1] * len(COLUMNS)
    for position, header in enumerate(headers):
        index = _column_of(header)
        if index == _NOT_UTC:
            key = _split_header(header)[0]
            if positions[_COLUMN_INDEX[key]] == -1:
                raise _not_utc_error(name, header)
            continue
        if index >= 0 and positions[index] == -1:
            positions[index] = position
    missing = [COLUMNS[i] for i in range(len(REQUIRED)) if positions[i] == -1]
    if missing:
        raise _missing_columns_error(name, missing, headers)
    return positions


def _missing_columns_error(name: str, missing: Sequence[str], found: Sequence[str]) -> ExportError:
    shown = ", ".join(quote(h.strip()) for h in found[:8])
    more = f" and {len(found) - 8} more" if len(found) > 8 else ""
    return ExportError(
        f"{name}: missing required column(s) {', '.join(missing)}; "
        f"found {len(found)} column(s): {shown or 'none'}{more}",
        hint="export all columns of ACSCallSummary, or project at least the required ones",
    )


class KeyMap:
    """Maps object keys to canonical columns, remembering the answers (bounded).

    One per reader; it builds records with the reader's :class:`LegBuilder`.
    """

    _MAX_CACHED = 4096

    def __init__(self, name: str, legs: LegBuilder) -> None:
        self._name = name
        self._cache: dict[str, int] = {}
        self._checked = False
        self._legs = legs
        # The keys of the previous object and what to do with an object that has
        # exactly those keys, in that order: usually every object of a file.
        self._shape: tuple[str, ...] | None = None
        self._plan: Callable[[list[object]], Sequence[object]] | str = ""

    def _index(self, key: str) -> int:
        index = self._cache.get(key)
        if index is None:
            index = _column_of(key)
            if len(self._cache) < self._MAX_CACHED:
                self._cache[key] = index
        return index

    def convert(self, record: dict[str, object], line: int, source: str) -> Iterable[Item]:
        """What to yield for one object (see :meth:`LegBuilder.emit`)."""
        if not self._checked:
            # The first object plays the part of a header row.
            resolve_columns(list(record), self._name)
            self._checked = True
        shape = tuple(record)
        if shape != self._shape:
            self._shape = shape
            self._plan = self._plan_for(shape)
        plan = self._plan
        if isinstance(plan, str):
            return self._legs.emit(Rejection(source, line, plan))
        values = list(record.values())
        values.append(None)  # read for an absent column
        return self._legs.rows(plan(values), line, source)

    def _plan_for(self, keys: tuple[str, ...]) -> Callable[[list[object]], Sequence[object]] | str:
        """For objects with these keys: a getter of the canonical column values from
        the object's values (plus a trailing None), or the reason to reject them."""
        absent = len(keys)
        positions = [absent] * len(COLUMNS)
        for position, key in enumerate(keys):
            index = self._index(key)
            if index >= 0:
                if positions[index] == absent:  # the first occurrence wins
                    positions[index] = position
            elif index == _NOT_UTC:
                return f"column {quote(key.strip())} is not in UTC"
        return operator.itemgetter(*positions)

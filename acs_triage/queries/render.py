"""Render a library query with parameter values, ready to run or paste.

Values replace the default of a parameter's ``let _<name> = <default>;`` line and
are always rendered by :func:`acs_triage.queries.literals.kql_literal`; nothing
else from the user reaches the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from acs_triage.errors import UsageError
from acs_triage.queries.literals import (
    KqlType,
    ParameterValueError,
    kql_literal,
    parse_value,
)
from acs_triage.queries.store import SOURCE_LINE, QueryDef

_PYTHON_TYPES: dict[KqlType, tuple[type, ...]] = {
    KqlType.STRING: (str,),
    KqlType.LONG: (int,),
    KqlType.REAL: (float, int),
    KqlType.BOOL: (bool,),
    KqlType.DATETIME: (datetime,),
    KqlType.TIMESPAN: (timedelta,),
    KqlType.STRING_LIST: (list, tuple),
}


def coerce_parameters(query: QueryDef, raw: Mapping[str, object]) -> dict[str, object]:
    """Check names and types; text values (from the command line) are parsed.

    Raises :class:`UsageError` naming the valid parameters or the expected type.
    """
    values: dict[str, object] = {}
    for name, value in raw.items():
        param = query.parameter(name)
        if isinstance(value, str) and param.type is not KqlType.STRING:
            try:
                value = parse_value(param.type, value)
            except ParameterValueError as exc:
                raise UsageError(f"parameter {name!r} ({param.type.value}): {exc}") from None
        expected = _PYTHON_TYPES[param.type]
        bad_bool = isinstance(value, bool) and param.type is not KqlType.BOOL
        if value is not None and (bad_bool or not isinstance(value, expected)):
            raise UsageError(f"parameter {name!r} expects a {param.type.value}, got {type(value).__name__}")
        if value is None and param.type in (KqlType.STRING, KqlType.STRING_LIST):
            raise UsageError(f"parameter {name!r} ({param.type.value}) cannot be null")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if param.minimum is not None and value < param.minimum:
                raise UsageError(f"parameter {name!r} must be at least {param.minimum:g}")
            if param.maximum is not None and value > param.maximum:
                raise UsageError(f"parameter {name!r} must be at most {param.maximum:g}")
        if param.values and value not in param.values:
            raise UsageError(f"parameter {name!r} must be one of {', '.join(param.values)}, not {value!r}")
        values[name] = value
    return values


def _constant(text: str) -> Callable[[re.Match[str]], str]:
    """A replacement function: unlike a replacement string, backslashes stay literal."""
    return lambda _match: text


#: The call-leg tables a query can read (``--table``).
SUMMARY_TABLE = "summary"
UPDATES_TABLE = "updates"
TABLES = (SUMMARY_TABLE, UPDATES_TABLE)

#: ACSCallSummaryUpdates, one row per leg: the highest CallUpdatesVersion of each
#: participant (each endpoint, for peer-to-peer calls, which have no ParticipantId).
UPDATES_SOURCE = """let CallLegs = ACSCallSummaryUpdates
    | where TimeGenerated >= WindowStart
    | extend AcsTriageLeg = iff(isempty(ParticipantId) or ParticipantId == "null", EndpointId, ParticipantId)
    | summarize arg_max(CallUpdatesVersion, *) by CorrelationId, AcsTriageLeg
    | project-away AcsTriageLeg;"""


def render(
    query: QueryDef,
    values: Mapping[str, object] | None = None,
    *,
    with_header: bool = True,
    table: str = SUMMARY_TABLE,
) -> str:
    """The query body with ``values`` substituted as typed literals, reading call legs
    from ``table`` (``summary``: ACSCallSummary, ``updates``: ACSCallSummaryUpdates)."""
    coerced = coerce_parameters(query, values or {})
    body = query.body
    if table not in TABLES:
        raise UsageError(f"--table must be one of {', '.join(TABLES)}, not {table!r}")
    if table == UPDATES_TABLE:
        if not query.reads_call_legs:
            raise UsageError(f"query {query.name!r} does not read call legs, so it has no --table {table}")
        body = body.replace(SOURCE_LINE, UPDATES_SOURCE, 1)
    for name, value in coerced.items():
        param = query.parameter(name)
        try:
            literal = kql_literal(value, param.type)
        except ParameterValueError as exc:
            raise UsageError(f"parameter {name!r}: {exc}") from None
        pattern = re.compile(rf"^let {re.escape(param.variable)} = .+;[ \t]*$", re.MULTILINE)
        line = f"let {param.variable} = {literal};"
        body = pattern.sub(_constant(line), body, count=1)
    if not with_header:
        return body
    header = f"// {query.title}\n// acs-triage query {query.name} v{query.version} (id {query.id})\n"
    return header + body

"""An Azure Monitor workbook (gallery template) built from the library's queries.

Parameters: the Log Analytics workspace, a time range and a correlation id. Items: the
failed pairs annotated from the catalog (``pstn-failures-by-pair`` with
:func:`~acs_triage.queries.annotate.annotate_query`), the timeline (``pstn-timeline``)
and every leg of one call (``call-legs``): selecting a pair's row exports its first
example correlation id, or the ``CorrelationId`` text parameter gives one.

How workbook parameters reach the KQL: each query is rendered by the library, then the
``let _<name> = ...;`` line of a bound parameter gets an expression holding a workbook
token (:data:`TOKENS`). A token the workbook fills with text goes inside a KQL string
literal built by :func:`~acs_triage.queries.literals.kql_literal` (the text is
``escapejson``-formatted, whose escapes are KQL's, so a quote cannot end the literal);
the time range's start and end are converted with ``todatetime``; only the grain
(``30m``, ``1h``) stands where a timespan literal goes. :func:`with_examples` replaces
every token by its typed example value, which is how the test suite checks each query
with Kusto.Language.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from acs_triage.catalog.loader import Catalog, load_catalog
from acs_triage.errors import UsageError
from acs_triage.queries.annotate import annotate_query
from acs_triage.queries.literals import kql_literal
from acs_triage.queries.render import render
from acs_triage.queries.store import QueryDef, get_query
from acs_triage.version import __version__

__all__ = [
    "TOKENS",
    "WORKBOOK_VERSION",
    "WorkbookToken",
    "bind",
    "tokens_in",
    "with_examples",
    "workbook",
    "workbook_text",
]

WORKBOOK_VERSION = "Notebook/1.0"
WORKBOOK_SCHEMA = (
    "https://github.com/Microsoft/Application-Insights-Workbooks/blob/master/schema/workbook.json"
)
WORKSPACES = "microsoft.operationalinsights/workspaces"
DEFAULT_RANGE_MS = 86_400_000  # last 24 hours
_HOUR_MS = 3_600_000
RANGES_MS = tuple(h * _HOUR_MS for h in (1, 4, 12, 24, 48, 72, 168, 336, 720))


@dataclass(frozen=True)
class WorkbookToken:
    """A workbook parameter token, and the typed value that stands for it in tests."""

    token: str
    example: str
    meaning: str


TOKENS = (
    WorkbookToken("{TimeRange:startISO}", "2026-11-27T02:00:00.000Z", "start of the time range, ISO 8601"),
    WorkbookToken("{TimeRange:endISO}", "2026-11-28T02:00:00.000Z", "end of the time range, ISO 8601"),
    WorkbookToken("{TimeRange:grain}", "1h", "the time range's grain, a timespan literal"),
    WorkbookToken(
        "{CorrelationId:escapejson}", 'c0ffee00-0000-4000-8000-000000000001\\"', "the text parameter"
    ),
    WorkbookToken("{SelectedCorrelationId:escapejson}", "", "the id exported by the selected pair row"),
)
_TOKEN = re.compile(r"\{[A-Za-z][A-Za-z0-9_]*(?::[A-Za-z]+)?\}")


def with_examples(text: str) -> str:
    """``text`` with every token of :data:`TOKENS` replaced by its example value."""
    for token in TOKENS:
        text = text.replace(token.token, token.example)
    return text


def tokens_in(text: str) -> set[str]:
    """The workbook parameter tokens in ``text``."""
    return set(_TOKEN.findall(text))


def _text(token: str) -> str:
    return kql_literal(token)


def _datetime(token: str) -> str:
    return f"todatetime({kql_literal(token)})"


WINDOW = {"start": _datetime("{TimeRange:startISO}"), "end": _datetime("{TimeRange:endISO}")}
CORRELATION_ID = (
    f"coalesce({_text('{SelectedCorrelationId:escapejson}')}, {_text('{CorrelationId:escapejson}')})"
)


def bind(query: QueryDef, text: str, expressions: Mapping[str, str]) -> str:
    """``text`` (a rendering of ``query``) with each parameter's value replaced by an
    expression (which holds workbook tokens)."""
    for name, expression in expressions.items():
        variable = query.parameter(name).variable
        pattern = re.compile(rf"^let {re.escape(variable)} = .+;[ \t]*$", re.MULTILINE)
        line = f"let {variable} = {expression};"
        text, count = pattern.subn(lambda _m, line=line: line, text, count=1)  # type: ignore[misc]
        if count != 1:
            raise UsageError(f"query {query.name!r} has no line for parameter {name!r}")
    return text


def _query_item(name: str, title: str, query: str, **content: Any) -> dict[str, Any]:
    return {
        "type": 3,
        "content": {
            "version": "KqlItem/1.0",
            "query": query,
            "size": 0,
            "title": title,
            "timeContextFromParameter": "TimeRange",
            "timeContext": {"durationMs": DEFAULT_RANGE_MS},
            "queryType": 0,
            "resourceType": WORKSPACES,
            "crossComponentResources": ["{Workspace}"],
            **content,
        },
        "name": name,
    }


def _text_item(name: str, markdown: str) -> dict[str, Any]:
    return {"type": 1, "content": {"json": markdown}, "name": name}


def _parameters_item() -> dict[str, Any]:
    common = {"version": "KqlParameterItem/1.0"}
    return {
        "type": 9,
        "content": {
            "version": "KqlParameterItem/1.0",
            "crossComponentResources": ["value::all"],
            "parameters": [
                {
                    **common,
                    "id": "a1c3f6e2-5b0d-4c1e-9f47-0d2b8c6a7e01",
                    "name": "Workspace",
                    "label": "Log Analytics workspace",
                    "type": 5,
                    "isRequired": True,
                    "query": f"where type =~ '{WORKSPACES}' | project id",
                    "crossComponentResources": ["value::all"],
                    "typeSettings": {
                        "resourceTypeFilter": {WORKSPACES: True},
                        "additionalResourceOptions": ["value::1"],
                        "showDefault": False,
                    },
                    "value": "value::1",
                    "queryType": 1,
                    "resourceType": "microsoft.resourcegraph/resources",
                },
                {
                    **common,
                    "id": "b2d4a7f3-6c1e-4d2f-8a58-1e3c9d7b8f02",
                    "name": "TimeRange",
                    "label": "Time range",
                    "type": 4,
                    "isRequired": True,
                    "value": {"durationMs": DEFAULT_RANGE_MS},
                    "typeSettings": {
                        "selectableValues": [{"durationMs": ms} for ms in RANGES_MS],
                        "allowCustom": True,
                    },
                },
                {
                    **common,
                    "id": "c3e5b8a4-7d2f-4e3a-9b69-2f4d0e8c9a03",
                    "name": "CorrelationId",
                    "label": "Correlation id",
                    "type": 1,
                    "description": "Paste a call's CorrelationId, or select a pair's row below.",
                    "value": "",
                },
            ],
            "style": "pills",
            "queryType": 0,
            "resourceType": WORKSPACES,
        },
        "name": "parameters",
    }


def _hidden(*columns: str) -> list[dict[str, Any]]:
    return [{"columnMatch": c, "formatter": 5} for c in columns]


def pair_table_query(catalog: Catalog, show_pii: bool = False) -> str:
    """The annotated pair table, bound to the workbook's time range."""
    query = get_query("pstn-failures-by-pair")
    text = bind(query, render(query), WINDOW)
    # TODO(issue 15): pass scope="pstn" once annotate_query takes it, to embed only the
    # PSTN pairs instead of the whole catalog (about 129 KB of datatables and lookups).
    text = annotate_query(query, text, catalog)
    text += "| extend ExampleCorrelationId = tostring(ExampleCorrelationIds[0])\n"
    if not show_pii:
        text += "| project-away ExampleIdentifiers\n"
    return text


def timeline_query() -> str:
    query = get_query("pstn-timeline")
    return bind(query, render(query), {**WINDOW, "bin_size": "{TimeRange:grain}"})


def call_legs_query(show_pii: bool = False) -> str:
    query = get_query("call-legs")
    text = bind(query, render(query), {**WINDOW, "correlation_id": CORRELATION_ID})
    return text if show_pii else text + "| project-away Identifier\n"


def workbook(catalog: Catalog | None = None, *, show_pii: bool = False) -> dict[str, Any]:
    """The workbook as a gallery template (``Notebook/1.0``)."""
    catalog = catalog or load_catalog()
    intro = (
        "## Azure Communication Services: PSTN call failures\n"
        "Failed PSTN legs of `ACSCallSummary` by end reason and sub-code, explained from the "
        f"acs-triage end-code catalog v{catalog.version}. Select a row to see every leg of its "
        "first example call below, or paste a correlation id in the parameter above.\n\n"
        f"Generated by acs-triage {__version__}; `acs-triage explain REASON SUBCODE` gives the full advice."
    )
    return {
        "version": WORKBOOK_VERSION,
        "items": [
            _text_item("intro", intro),
            _parameters_item(),
            _query_item(
                "pairs",
                "Failed PSTN legs by end reason and sub-code",
                pair_table_query(catalog, show_pii),
                visualization="table",
                exportFieldName="ExampleCorrelationId",
                exportParameterName="SelectedCorrelationId",
                exportDefaultValue="",
                gridSettings={
                    "formatters": [
                        {"columnMatch": "Legs", "formatter": 4, "formatOptions": {"palette": "red"}},
                        {"columnMatch": "DocSource", "formatter": 7, "formatOptions": {"linkTarget": "Url"}},
                        *_hidden("ExampleCorrelationIds", "PstnCallTypes", "LoggedResultCategories"),
                    ],
                    "filter": True,
                },
            ),
            _query_item(
                "timeline",
                "PSTN legs and failed legs",
                timeline_query() + "| project TimeGenerated, Legs, FailedLegs\n",
                visualization="timechart",
                customWidth="50",
            ),
            _query_item(
                "failure-rate",
                "Failure rate (% of PSTN legs)",
                timeline_query() + "| project TimeGenerated, FailureRatePct\n",
                visualization="timechart",
                customWidth="50",
            ),
            _query_item(
                "call-legs",
                "Every leg of the selected call",
                call_legs_query(show_pii),
                visualization="table",
                noDataMessage="Select a pair's row above, or paste a correlation id in the parameters.",
            ),
        ],
        "fallbackResourceIds": ["Azure Monitor"],
        "$schema": WORKBOOK_SCHEMA,
    }


def workbook_text(catalog: Catalog | None = None, *, show_pii: bool = False) -> str:
    """The gallery template as JSON text (paste it in the Advanced editor)."""
    return json.dumps(workbook(catalog, show_pii=show_pii), indent=2, ensure_ascii=False) + "\n"

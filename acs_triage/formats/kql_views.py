"""Views of the query library: ``kql list`` and ``kql show``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from acs_triage.formats.base import Section, View
from acs_triage.queries.store import QueryDef
from acs_triage.times import iso

__all__ = ["QUERIES_SCHEMA", "QUERY_SCHEMA", "queries_view", "query_text_view"]

QUERIES_SCHEMA = "acs-triage/queries/v1"
QUERY_SCHEMA = "acs-triage/query/v1"


# -- kql -----------------------------------------------------------------------------
def queries_view(queries: Sequence[QueryDef]) -> View:
    rows = [
        [q.name, q.version, q.title, ", ".join(q.tables), ", ".join(p.name for p in q.parameters)]
        for q in queries
    ]
    return View(
        document={"schema": QUERIES_SCHEMA, "queries": [q.to_dict() for q in queries]},
        sections=[
            Section(
                title="KQL queries",
                headers=["name", "version", "title", "tables", "parameters"],
                rows=rows,
                primary=True,
            )
        ],
    )


def query_text_view(query: QueryDef, text: str, values: dict[str, object], annotated: bool) -> View:
    document = {
        "schema": QUERY_SCHEMA,
        "name": query.name,
        "version": query.version,
        "annotated": annotated,
        "parameters": {k: (iso(v) if isinstance(v, datetime) else str(v)) for k, v in values.items()},
        "kql": text,
    }
    return View(
        document=document,
        sections=[
            Section(title="", lines=[text.rstrip("\n")]),
            Section(title="", headers=["kql"], rows=[[text]], primary=True, human=False),
        ],
    )

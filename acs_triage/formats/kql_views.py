"""Views of the query library: ``kql list`` and ``kql show``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from acs_triage.formats.base import View
from acs_triage.formats.blocks import Code, Column, Section, Table
from acs_triage.queries.store import QueryDef
from acs_triage.times import iso

__all__ = ["QUERIES_SCHEMA", "QUERY_SCHEMA", "queries_view", "query_text_view"]

QUERIES_SCHEMA = "acs-triage/queries/v1"
QUERY_SCHEMA = "acs-triage/query/v1"


# -- kql -----------------------------------------------------------------------------
#: ``kql list``: one row per query (CSV: the JSON field names, lists joined by ``|``).
QUERY_COLUMNS = (
    Column("name", "name"),
    Column("version", "version", drop=3),
    Column("title", "title", wrap=True, least=20),
    Column("tables", "tables", wrap=True, drop=2),
    Column("parameters", "parameters", wrap=True, drop=1),
)


def queries_view(queries: Sequence[QueryDef]) -> View:
    rows = [[q.name, q.version, q.title, list(q.tables), [p.name for p in q.parameters]] for q in queries]
    table = Table(QUERY_COLUMNS, rows)
    return View(
        document={"schema": QUERIES_SCHEMA, "queries": [q.to_dict() for q in queries]},
        sections=[Section(title="KQL queries", blocks=[table])],
        csv=table,
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
        sections=[Section(title="", blocks=[Code(text)])],
        csv=Table(
            (Column("name", "name"), Column("version", "version"), Column("kql", "kql", lines=True)),
            [[query.name, query.version, text]],
        ),
    )

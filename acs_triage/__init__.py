"""acs-triage: explain Azure Communication Services PSTN call failures.

Library first: every CLI command is a thin wrapper around these functions.

>>> from acs_triage import load_catalog
>>> load_catalog().explain("403", "560403").generated_by
'sbc-outbound'

Typical use::

    from acs_triage import build_report, read_files
    report = build_report(read_files(["export.csv"]))
    for finding in report.findings:
        print(finding.legs, finding.end_reason, finding.end_sub_code, finding.title)

Live: ``fetch_triage_input(LogsRunner(Target(workspace_id=...), Connection.for_cloud(),
credential), start, end)`` with any azure-identity credential.
"""

from __future__ import annotations

__version__ = "0.1.0"

from acs_triage.catalog.loader import Catalog, load_catalog
from acs_triage.queries.literals import kql_literal
from acs_triage.queries.render import render
from acs_triage.queries.store import get_query, load_queries
from acs_triage.sources.connection import Connection
from acs_triage.sources.files import read_files
from acs_triage.sources.workspace import LogsRunner, Target, fetch_triage_input
from acs_triage.triage.engine import build_report
from acs_triage.triage.report import TriageReport

__all__ = [
    "Catalog",
    "Connection",
    "LogsRunner",
    "Target",
    "TriageReport",
    "__version__",
    "build_report",
    "fetch_triage_input",
    "get_query",
    "kql_literal",
    "load_catalog",
    "load_queries",
    "read_files",
    "render",
]

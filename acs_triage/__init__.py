"""acs-triage: explain Azure Communication Services PSTN call failures.

Library first: every CLI command is a thin wrapper around these functions.

>>> from acs_triage import load_catalog
>>> load_catalog().explain("403", "560403").generated_by
'sbc-outbound'

Typical use::

    from acs_triage import build_report, open_source, SourceSpec
    with open_source(SourceSpec(files=("export.csv",))) as source:
        (data,) = source.triage([Window(None, None)])
    report = build_report(data)
    for finding in report.findings:
        print(finding.legs, finding.end_reason, finding.end_sub_code, finding.title)

Live: ``open_source(SourceSpec(workspace_id=..., connection=ConnectionOptions(credential=...)))``
with any azure-identity credential. Names are imported on first use, so
``import acs_triage`` is cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from acs_triage._lazy import lazy_exports
from acs_triage.version import __version__

_EXPORTS = {
    "Catalog": "acs_triage.catalog.loader",
    "load_catalog": "acs_triage.catalog.loader",
    "kql_literal": "acs_triage.queries.literals",
    "render": "acs_triage.queries.render",
    "get_query": "acs_triage.queries.store",
    "load_queries": "acs_triage.queries.store",
    "Connection": "acs_triage.sources.connection",
    "Source": "acs_triage.sources.base",
    "SourceSpec": "acs_triage.sources.spec",
    "ConnectionOptions": "acs_triage.sources.spec",
    "open_source": "acs_triage.sources.spec",
    "FileSource": "acs_triage.sources.files",
    "MemorySource": "acs_triage.sources.memory",
    "read_files": "acs_triage.sources.files",
    "LogsRunner": "acs_triage.sources.workspace.transport",
    "Target": "acs_triage.sources.workspace.transport",
    "WorkspaceSource": "acs_triage.sources.workspace.source",
    "fetch_triage_input": "acs_triage.sources.workspace.source",
    "build_report": "acs_triage.triage.engine",
    "TriageReport": "acs_triage.triage.report",
    "Window": "acs_triage.windows",
    "GateConfig": "acs_triage.smoke.config",
    "SmokeResult": "acs_triage.smoke.result",
    "collect_windows": "acs_triage.smoke.collect",
    "plan_for": "acs_triage.smoke.collect",
    "run_gate": "acs_triage.smoke.gate",
}
__getattr__ = lazy_exports(__name__, _EXPORTS)
__all__ = [
    "Catalog",
    "Connection",
    "ConnectionOptions",
    "FileSource",
    "GateConfig",
    "LogsRunner",
    "MemorySource",
    "SmokeResult",
    "Source",
    "SourceSpec",
    "Target",
    "TriageReport",
    "Window",
    "WorkspaceSource",
    "__version__",
    "build_report",
    "collect_windows",
    "fetch_triage_input",
    "get_query",
    "kql_literal",
    "load_catalog",
    "load_queries",
    "open_source",
    "plan_for",
    "read_files",
    "render",
    "run_gate",
]

if TYPE_CHECKING:  # for type checkers and IDEs; at run time names load on first use
    from acs_triage.catalog.loader import Catalog, load_catalog
    from acs_triage.queries.literals import kql_literal
    from acs_triage.queries.render import render
    from acs_triage.queries.store import get_query, load_queries
    from acs_triage.smoke.collect import collect_windows, plan_for
    from acs_triage.smoke.config import GateConfig
    from acs_triage.smoke.gate import run_gate
    from acs_triage.smoke.result import SmokeResult
    from acs_triage.sources.base import Source
    from acs_triage.sources.connection import Connection
    from acs_triage.sources.files import FileSource, read_files
    from acs_triage.sources.memory import MemorySource
    from acs_triage.sources.spec import ConnectionOptions, SourceSpec, open_source
    from acs_triage.sources.workspace.source import WorkspaceSource, fetch_triage_input
    from acs_triage.sources.workspace.transport import LogsRunner, Target
    from acs_triage.triage.engine import build_report
    from acs_triage.triage.report import TriageReport
    from acs_triage.windows import Window

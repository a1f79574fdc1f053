"""The Log Analytics workspace source: transport (:mod:`.transport`), rows to
records (:mod:`.rows`) and the :class:`WorkspaceSource` (:mod:`.source`)."""

from acs_triage.sources.workspace.rows import auto_bin, pair_rows_to_aggregates
from acs_triage.sources.workspace.source import WorkspaceSource, fetch_triage_input
from acs_triage.sources.workspace.transport import (
    API_MAX_ROWS,
    LogsRunner,
    QueryResult,
    RunnerOptions,
    Target,
    translate_error,
)

__all__ = [
    "API_MAX_ROWS",
    "LogsRunner",
    "QueryResult",
    "RunnerOptions",
    "Target",
    "WorkspaceSource",
    "auto_bin",
    "fetch_triage_input",
    "pair_rows_to_aggregates",
    "translate_error",
]

"""The Log Analytics workspace source: transport (:mod:`.transport`), rows to
records (:mod:`.rows`) and the :class:`WorkspaceSource` (:mod:`.source`)."""

from typing import TYPE_CHECKING

from acs_triage._lazy import exports_of, lazy_exports

# Imported on first use, so the CLI's commands load none of it until they query.
_MODULES = {
    ".limits": ("API_MAX_ROWS",),
    ".transport": ("LogsRunner", "QueryResult", "RunnerOptions", "Target", "translate_error"),
    ".source": ("WorkspaceSource", "fetch_triage_input"),
    ".rows": ("auto_bin", "pair_rows_to_aggregates"),
}
__getattr__ = lazy_exports(__name__, exports_of(_MODULES))
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

if TYPE_CHECKING:
    from acs_triage.sources.workspace.limits import API_MAX_ROWS
    from acs_triage.sources.workspace.rows import auto_bin, pair_rows_to_aggregates
    from acs_triage.sources.workspace.source import WorkspaceSource, fetch_triage_input
    from acs_triage.sources.workspace.transport import (
        LogsRunner,
        QueryResult,
        RunnerOptions,
        Target,
        translate_error,
    )

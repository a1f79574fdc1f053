"""The CI smoke gate behind ``acs-triage smoke``: is PSTN calling healthy after a change?

Library first: collect a window's data (:mod:`.collect`), evaluate the checks
(:mod:`.checks`) with thresholds from a :class:`GateConfig`, then render the
:class:`SmokeResult` (``acs_triage.formats.smoke_view``), write JUnit
(:mod:`.junit`) and GitHub Actions output (:mod:`.github`). See ``docs/smoke.md``.
"""

from acs_triage.smoke.checks import CHECK_NAMES, error_result, evaluate, run_gate
from acs_triage.smoke.collect import Collected, collect_files, collect_workspace
from acs_triage.smoke.config import (
    DEFAULT_BLOCK_PAIRS,
    DEFAULT_IGNORE_CATEGORIES,
    BlockPair,
    GateConfig,
    parse_block_pair,
)
from acs_triage.smoke.result import (
    SMOKE_SCHEMA,
    CheckResult,
    CheckStatus,
    GateStatus,
    SmokeResult,
)
from acs_triage.smoke.windows import WindowPlan, plan_windows, workspace_plan

__all__ = [
    "CHECK_NAMES",
    "DEFAULT_BLOCK_PAIRS",
    "DEFAULT_IGNORE_CATEGORIES",
    "SMOKE_SCHEMA",
    "BlockPair",
    "CheckResult",
    "CheckStatus",
    "Collected",
    "GateConfig",
    "GateStatus",
    "SmokeResult",
    "WindowPlan",
    "collect_files",
    "collect_workspace",
    "error_result",
    "evaluate",
    "parse_block_pair",
    "plan_windows",
    "run_gate",
    "workspace_plan",
]

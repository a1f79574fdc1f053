"""The CI smoke gate behind ``acs-triage smoke``: is PSTN calling healthy after a change?

Library first: collect a window's data through any source (:mod:`.collect`),
evaluate the checks (:mod:`.checks`) with thresholds from a :class:`GateConfig`,
then render the :class:`SmokeResult` (``acs_triage.formats.smoke_view``), write JUnit
(:mod:`.junit`) and GitHub Actions output (:mod:`.github`). See ``docs/smoke.md``.
Names are imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from acs_triage._lazy import lazy_exports

_EXPORTS = {
    "CHECK_NAMES": "acs_triage.smoke.checks",
    "error_result": "acs_triage.smoke.checks",
    "evaluate": "acs_triage.smoke.checks",
    "run_gate": "acs_triage.smoke.checks",
    "Collected": "acs_triage.smoke.collect",
    "collect_windows": "acs_triage.smoke.collect",
    "plan_for": "acs_triage.smoke.collect",
    "DEFAULT_BLOCK_PAIRS": "acs_triage.smoke.config",
    "DEFAULT_IGNORE_CATEGORIES": "acs_triage.smoke.config",
    "BlockPair": "acs_triage.smoke.config",
    "GateConfig": "acs_triage.smoke.config",
    "parse_block_pair": "acs_triage.smoke.config",
    "SMOKE_SCHEMA": "acs_triage.smoke.result",
    "CheckResult": "acs_triage.smoke.result",
    "CheckStatus": "acs_triage.smoke.result",
    "GateStatus": "acs_triage.smoke.result",
    "SmokeResult": "acs_triage.smoke.result",
    "WindowPlan": "acs_triage.windows",
    "plan_windows": "acs_triage.windows",
}
__getattr__ = lazy_exports(__name__, _EXPORTS)
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
    "collect_windows",
    "error_result",
    "evaluate",
    "parse_block_pair",
    "plan_for",
    "plan_windows",
    "run_gate",
]

if TYPE_CHECKING:
    from acs_triage.smoke.checks import CHECK_NAMES, error_result, evaluate, run_gate
    from acs_triage.smoke.collect import Collected, collect_windows, plan_for
    from acs_triage.smoke.config import (
        DEFAULT_BLOCK_PAIRS,
        DEFAULT_IGNORE_CATEGORIES,
        BlockPair,
        GateConfig,
        parse_block_pair,
    )
    from acs_triage.smoke.result import SMOKE_SCHEMA, CheckResult, CheckStatus, GateStatus, SmokeResult
    from acs_triage.windows import WindowPlan, plan_windows

"""Data, figures and small helpers shared by the ``smoke`` tests.

Expected figures come from plain pandas over the generated data (:func:`truth`),
never from the code under test.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from acs_triage.cli.app import Services
from acs_triage.records import PairAggregate, TriageInput
from acs_triage.smoke.checks import CHECK_NAMES
from acs_triage.smoke.config import GateConfig
from acs_triage.smoke.gate import evaluate
from acs_triage.smoke.result import SMOKE_SCHEMA, SmokeResult
from acs_triage.triage.engine import build_report
from acs_triage.windows import Window, plan_windows
from tests.emulator import LogAnalyticsEmulator, generate_call_summary
from tests.helpers import CliRunner

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=timezone.utc)
END = "2026-01-15T12:00:00Z"
CURRENT = timedelta(minutes=30)  # --since 30m (the default)
BASELINE = timedelta(hours=2)  # --baseline 2h

WS_HEALTHY = "aaaaaaaa-0000-4000-8000-000000000001"
WS_RATE = "aaaaaaaa-0000-4000-8000-000000000002"
WS_BLOCK = "aaaaaaaa-0000-4000-8000-000000000003"
WS_REGRESS = "aaaaaaaa-0000-4000-8000-000000000004"
WS_LOW = "aaaaaaaa-0000-4000-8000-000000000005"
WS_LIVE = "aaaaaaaa-0000-4000-8000-000000000006"
RES_HEALTHY = (
    "/subscriptions/0000/resourceGroups/rg/providers/"
    "Microsoft.Communication/CommunicationServices/acs-healthy"
)
RES_OTHER = (
    "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Communication/CommunicationServices/acs-other"
)

#: Callee outcomes (busy, no answer, declined, canceled by either side): the smoke
#: gate leaves them out of its failure rate by default. Written here from the issue's
#: definition, independently of the catalog.
CALLEE_OUTCOME_PAIRS = frozenset(
    {
        ("486", "560486"),
        ("486", "540486"),
        ("487", "560487"),
        ("487", "540487"),
        ("480", "560480"),
        ("408", "560408"),
        ("603", "560603"),
    }
)

#: Every failure is a callee outcome (canceled, busy, no answer): counted rate 0 %.
HEALTHY_MIX = {
    ("0", "560000"): 0.62,
    ("0", "540000"): 0.30,
    ("487", "560487"): 0.05,
    ("486", "560486"): 0.02,
    ("408", "560408"): 0.01,
}
#: Counted failure rate about 10/80 = 12.5 % (busy and canceled left out); no blocking pair.
BAD_MIX = {("0", "560000"): 0.70, ("486", "560486"): 0.15, ("503", "560503"): 0.10, ("487", "560487"): 0.05}
LOW_FAIL_MIX = {("0", "560000"): 0.98, ("503", "560503"): 0.02}
RAISED_MIX = {("0", "560000"): 0.93, ("503", "560503"): 0.07}  # 7 %: under the 10 % max
#: The newest legs of the old export (a dry run on 2024 data must still find a window).
OLD_NOW = datetime(2024, 5, 2, 8, 0, 0, 123000, tzinfo=timezone.utc)


def smoke_args(emu: LogAnalyticsEmulator, workspace: str, *extra: str) -> list[str]:
    """``smoke`` on ``workspace`` of the emulator, ending at :data:`END`, no retries."""
    assert emu.url is not None
    return [
        "smoke",
        "--workspace-id",
        workspace,
        "--endpoint",
        emu.url,
        "--auth",
        "cli",
        "--retries",
        "0",
        "--end",
        END,
        *extra,
    ]


def smoke_json(cli: CliRunner, *argv: str, services: Services | None = None) -> tuple[int, Any, str]:
    """Run ``argv --format json``; the document names its schema and the exit code."""
    code, document, err = cli.json(*argv, "--format", "json", services=services)
    assert document["schema"] == SMOKE_SCHEMA
    assert document["exit_code"] == code
    return code, document, err


def dataset(
    current_mix: dict[tuple[str, str], float],
    baseline_mix: dict[tuple[str, str], float],
    *,
    seed: int,
    current_legs: int = 1500,
    baseline_legs: int = 4000,
    now: datetime = NOW,
    resource_id: str = RES_OTHER,
) -> pd.DataFrame:
    """Baseline legs in [now-30m-2h, now-30m), current legs in [now-30m, now)."""
    base = generate_call_summary(
        baseline_legs,
        seed=seed,
        now=now - CURRENT,
        window=BASELINE,
        failure_mix=baseline_mix,
        resource_id=resource_id,
    )
    cur = generate_call_summary(
        current_legs, seed=seed + 1, now=now, window=CURRENT, failure_mix=current_mix, resource_id=resource_id
    )
    return pd.concat([base, cur], ignore_index=True)


def truth(
    df: pd.DataFrame,
    start: datetime,
    end: datetime,
    ignore_pairs: frozenset[tuple[str, str]] = CALLEE_OUTCOME_PAIRS,
) -> dict[str, float]:
    """The gate's figures computed independently with pandas (``ignore_pairs`` leave the rate)."""
    tg = df["TimeGenerated"]
    sel = df[
        (df["EndpointType"].str.lower() == "pstn") & (tg >= pd.Timestamp(start)) & (tg < pd.Timestamp(end))
    ]
    reason = sel["ParticipantEndReason"].astype(str)
    failed = ~((reason == "0") | reason.str.startswith("2"))
    pair = list(zip(reason, sel["ParticipantEndSubCode"].astype(str), strict=True))
    ignored = failed & pd.Series([p in ignore_pairs for p in pair], index=sel.index, dtype=bool)
    considered = len(sel) - int(ignored.sum())
    counted = int(failed.sum()) - int(ignored.sum())
    return {
        "legs": len(sel),
        "failed": int(failed.sum()),
        "ignored": int(ignored.sum()),
        "considered": considered,
        "counted": counted,
        "rate_pct": 100.0 * counted / considered if considered else float("nan"),
    }


def statuses(document: dict[str, object]) -> dict[str, str]:
    checks = document["checks"]
    assert isinstance(checks, list)
    assert [c["name"] for c in checks] == list(CHECK_NAMES)
    return {c["name"]: c["status"] for c in checks}


def read_junit(path: Path) -> tuple[ET.Element, dict[str, ET.Element]]:
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1
    cases = {c.get("name", ""): c for c in suites[0].findall("testcase")}
    return suites[0], cases


CURRENT_WINDOW = Window(NOW - CURRENT, NOW)


def make_input(
    legs: int, pairs: dict[tuple[str, str], int], *, partial: bool = False, window: Window = CURRENT_WINDOW
) -> TriageInput:
    aggregates = [
        PairAggregate(
            end_reason=r,
            end_sub_code=s,
            legs=n,
            calls=n,
            first_seen=NOW,
            last_seen=NOW,
            recent_legs=n,
            example_correlation_ids=(f"call-{r}-{s}",),
        )
        for (r, s), n in pairs.items()
    ]
    return TriageInput(
        pairs=aggregates,
        total_legs=legs,
        total_calls=legs,
        timeline=[],
        window=window,
        source_kind="file",
        source_description="unit",
        partial=partial,
        warnings=["partial results from unit: injected"] if partial else [],
    )


def gate(current: TriageInput, base: TriageInput | None = None, **config: object) -> SmokeResult:
    cfg = GateConfig(**config)  # type: ignore[arg-type]
    plan = plan_windows(NOW, CURRENT, timedelta(0), cfg.baseline, anchor="--end")
    return evaluate(build_report(current), None if base is None else build_report(base), cfg, plan)

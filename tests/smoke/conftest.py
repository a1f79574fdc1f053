"""The smoke tests' data: one emulator with a workspace per scenario, and an old export.

Package scope: the datasets are built and served once for every module here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

from tests.emulator import LogAnalyticsEmulator, generate_call_summary
from tests.helpers import serve
from tests.smoke.helpers import (
    BAD_MIX,
    CURRENT,
    HEALTHY_MIX,
    LOW_FAIL_MIX,
    NOW,
    OLD_NOW,
    RAISED_MIX,
    RES_HEALTHY,
    WS_BLOCK,
    WS_HEALTHY,
    WS_LIVE,
    WS_LOW,
    WS_RATE,
    WS_REGRESS,
    dataset,
)


@pytest.fixture(scope="package")
def data() -> dict[str, pd.DataFrame]:
    healthy = dataset(HEALTHY_MIX, HEALTHY_MIX, seed=11, resource_id=RES_HEALTHY)
    block = dataset(HEALTHY_MIX, HEALTHY_MIX, seed=31)
    # exactly one leg of the current window ends 403/511532 (no SIP trunk configured)
    cur = block.index[
        (block["EndpointType"].str.lower() == "pstn")
        & (block["TimeGenerated"] >= pd.Timestamp(NOW - CURRENT))
    ]
    block.loc[cur[len(cur) // 2], ["ParticipantEndReason", "ParticipantEndSubCode"]] = ["403", "511532"]
    live_now = datetime.now(timezone.utc)
    return {
        WS_HEALTHY: healthy,
        WS_RATE: dataset(BAD_MIX, HEALTHY_MIX, seed=21),
        WS_BLOCK: block,
        WS_REGRESS: dataset(RAISED_MIX, LOW_FAIL_MIX, seed=41),
        WS_LOW: generate_call_summary(20, seed=51, now=NOW, window=CURRENT, failure_mix=BAD_MIX),
        WS_LIVE: dataset(HEALTHY_MIX, HEALTHY_MIX, seed=61, now=live_now + timedelta(minutes=1)),
    }


@pytest.fixture(scope="package")
def old_export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    """An export from 2024 (a dry run on old data must still find a window)."""
    df = dataset(BAD_MIX, HEALTHY_MIX, seed=71, current_legs=800, baseline_legs=2000, now=OLD_NOW)
    path = tmp_path_factory.mktemp("export") / "acscallsummary.jsonl"
    columns = [
        "TimeGenerated",
        "CorrelationId",
        "EndpointType",
        "ParticipantEndReason",
        "ParticipantEndSubCode",
        "ParticipantId",
        "Identifier",
    ]
    out = df[columns].copy()
    out["TimeGenerated"] = out["TimeGenerated"].map(lambda t: t.isoformat())
    out.to_json(path, orient="records", lines=True)
    return path, df


@pytest.fixture(scope="package")
def emulator(data: dict[str, pd.DataFrame]) -> Iterator[LogAnalyticsEmulator]:
    """A workspace per scenario; the ``azure`` fixture resets it for every test."""
    with serve({ws: {"ACSCallSummary": df} for ws, df in data.items()}, workspaces=data, now=NOW) as emu:
        yield emu

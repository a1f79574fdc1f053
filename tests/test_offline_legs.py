"""``legs`` and ``call`` on exported files: the filters, the window and the cap, each
checked against the legs the test wrote (pandas over the same rows)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

from acs_triage.errors import ExitCode
from tests.emulator import generate_call_summary
from tests.helpers import CliRunner, assert_numbers_hidden, raw_numbers
from tests.test_offline_triage import write

NOW = datetime(2026, 11, 2, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    df = generate_call_summary(1500, seed=17, now=NOW)
    return write("csv", df, tmp_path_factory.mktemp("legs") / "export.csv"), df


def _failed_pstn(df: pd.DataFrame) -> pd.DataFrame:
    reason = df["ParticipantEndReason"].astype(str)
    failed = ~((reason == "0") | reason.str.startswith("2"))
    return df[failed & (df["EndpointType"].str.lower() == "pstn")]


def _key(t: pd.Timestamp) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S")


def _times(doc: dict[str, object]) -> list[str]:
    legs = doc["legs"]
    assert isinstance(legs, list)
    return [leg["time_generated"][:19] for leg in legs]


def test_legs_filters_and_cap(export: tuple[Path, pd.DataFrame], cli: CliRunner) -> None:
    path, df = export
    failed = _failed_pstn(df)
    reason, sub = "403", "560403"
    chosen = failed[(failed["ParticipantEndReason"] == reason) & (failed["ParticipantEndSubCode"] == sub)]
    assert len(chosen) > 5
    argv = ["legs", "--from-file", str(path), "--end-reason", reason, "--sub-code", sub, "-f", "json"]
    code, doc, err = cli.json(*argv)
    assert code == ExitCode.OK, err
    assert (doc["capped"], doc["matched_legs"], len(doc["legs"])) == (False, len(chosen), len(chosen))
    assert {(leg["end_reason"], leg["end_sub_code"]) for leg in doc["legs"]} == {(reason, sub)}
    newest = sorted(chosen["TimeGenerated"], reverse=True)
    assert _times(doc) == [_key(t) for t in newest]
    assert_numbers_hidden(str(doc), raw_numbers(*chosen["Identifier"]))

    code, capped, _ = cli.json(*argv, "--max-rows", "3")
    assert code == ExitCode.OK
    assert (capped["capped"], capped["matched_legs"], capped["max_rows"]) == (True, len(chosen), 3)
    assert _times(capped) == [_key(t) for t in newest[:3]]

    code, only_reason, _ = cli.json("legs", "--from-file", str(path), "--end-reason", reason, "-f", "json")
    assert only_reason["matched_legs"] == int((failed["ParticipantEndReason"] == reason).sum())
    code, only_sub, _ = cli.json("legs", "--from-file", str(path), "--sub-code", sub, "-f", "json")
    assert only_sub["matched_legs"] == int((failed["ParticipantEndSubCode"] == sub).sum())


def test_legs_window(export: tuple[Path, pd.DataFrame], cli: CliRunner) -> None:
    path, df = export
    start, end = NOW - timedelta(hours=7), NOW - timedelta(hours=2)
    failed = _failed_pstn(df)
    tg = failed["TimeGenerated"]
    inside = failed[(tg >= pd.Timestamp(start)) & (tg < pd.Timestamp(end))]
    assert 0 < len(inside) < len(failed)
    code, doc, err = cli.json(
        "legs", "--from-file", str(path), "--start", start.isoformat(), "--end", end.isoformat(),
        "--max-rows", "100000", "-f", "json",
    )  # fmt: skip
    assert code == ExitCode.OK, err
    assert (doc["matched_legs"], doc["capped"]) == (len(inside), False)
    assert _times(doc) == [_key(t) for t in sorted(inside["TimeGenerated"], reverse=True)]


def test_call_from_a_file(export: tuple[Path, pd.DataFrame], cli: CliRunner) -> None:
    path, df = export
    counts = df["CorrelationId"].value_counts()
    call = str(counts.index[0])
    rows = df[df["CorrelationId"] == call]
    assert len(rows) >= 2
    code, doc, err = cli.json("call", call, "--from-file", str(path), "-f", "json")
    assert code == ExitCode.OK, err
    assert doc["correlation_id"] == call
    assert sorted(_times(doc)) == sorted(_key(t) for t in rows["TimeGenerated"])
    assert {leg["endpoint_type"] for leg in doc["legs"]} == set(rows["EndpointType"])
    code, none, _ = cli.json(
        "call", "00000000-0000-4000-8000-00000000dead", "--from-file", str(path), "-f", "json"
    )
    assert code == ExitCode.OK and none["legs"] == []

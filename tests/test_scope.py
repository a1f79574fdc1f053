"""``--scope pstn|voip|all``: which legs a triage, a leg listing and a gate look at.

The expected figures come from the emulator's data frame (pandas, an independent
count), not from the code under test. Every documented end code is explained whatever
the scope; the default scope keeps the PSTN numbers as they were.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import jsonschema
import pandas as pd
import pytest

from acs_triage.catalog.loader import load_catalog
from acs_triage.errors import ExitCode
from tests.emulator import DEFAULT_NON_PSTN_MIX, LogAnalyticsEmulator, generate_call_summary
from tests.helpers import CliRunner, serve

ROOT = Path(__file__).resolve().parents[1]
WS = "5c0e7a11-2b3c-4d5e-8f60-718293a4b5c6"
REPORT_SCHEMA = json.loads((ROOT / "docs" / "schemas" / "triage-report.v1.json").read_text())


def _failed(reason: pd.Series) -> pd.Series:
    return ~((reason == "0") | reason.str.startswith("2"))


def _truth(df: pd.DataFrame, start: datetime, end: datetime, scope: str) -> dict[str, object]:
    """Pairs, legs and endpoint counts of the window, counted with pandas."""
    tg = df["TimeGenerated"]
    window = df[(tg >= pd.Timestamp(start)) & (tg < pd.Timestamp(end))]
    is_pstn = window["EndpointType"].str.lower() == "pstn"
    in_scope = {"pstn": is_pstn, "voip": ~is_pstn, "all": is_pstn | ~is_pstn}[scope]
    legs = window[in_scope]
    failed = legs[_failed(legs["ParticipantEndReason"])]
    outside = window[~in_scope]
    pairs = failed.groupby(["ParticipantEndReason", "ParticipantEndSubCode"]).size()
    return {
        "legs": len(legs),
        "failed": len(failed),
        "pairs": {(str(r), str(s)): int(n) for (r, s), n in pairs.items()},
        "endpoints": window["EndpointType"].str.lower().value_counts().to_dict(),
        "failed_outside": int(_failed(outside["ParticipantEndReason"]).sum()),
    }


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, datetime]:
    now = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(minutes=1)
    return generate_call_summary(4000, seed=14, now=now), now


@pytest.fixture(scope="module")
def emulator(data: tuple[pd.DataFrame, datetime]) -> Iterator[LogAnalyticsEmulator]:
    """The module's workspace; tests reach it through the ``azure`` fixture (conftest)."""
    df, now = data
    with serve({"ACSCallSummary": df}, workspaces={WS}, now=now) as emu:
        yield emu


def _live(emu: LogAnalyticsEmulator, *extra: str) -> list[str]:
    assert emu.url is not None
    return ["--workspace-id", WS, "--endpoint", emu.url, "--auth", "cli", "--timeout", "30", *extra]


def _window(doc: dict[str, object]) -> tuple[datetime, datetime]:
    window = doc["window"]
    assert isinstance(window, dict)
    return tuple(datetime.fromisoformat(window[k].replace("Z", "+00:00")) for k in ("start", "end"))  # type: ignore[return-value]


@pytest.mark.parametrize("scope", ["pstn", "voip", "all"])
def test_workspace_triage_counts_the_legs_of_its_scope(
    azure: LogAnalyticsEmulator,
    data: tuple[pd.DataFrame, datetime],
    fake_az: Path,
    cli: CliRunner,
    scope: str,
) -> None:
    code, doc, err = cli.json("triage", *_live(azure, "--since", "24h", "--scope", scope, "-f", "json"))
    assert code == ExitCode.OK, err
    jsonschema.validate(doc, REPORT_SCHEMA)
    truth = _truth(data[0], *_window(doc), scope)
    totals = doc["totals"]
    assert totals["scope"] == scope
    assert totals["legs"] == truth["legs"] > 0
    assert totals["failed_legs"] == truth["failed"]
    assert totals["legs_by_endpoint_type"] == truth["endpoints"]
    assert totals["failed_legs_out_of_scope"] == truth["failed_outside"]
    assert {(f["end_reason"], f["end_sub_code"]): f["legs"] for f in doc["findings"]} == truth["pairs"]


def test_voip_pairs_get_their_documented_explanation(azure: LogAnalyticsEmulator, cli: CliRunner) -> None:
    """The VoIP pairs of the data are documented in the catalog's calling scope; under
    --scope all they are explained from their documented pair, not from a SIP class."""
    code, doc, _ = cli.json("triage", *_live(azure, "--since", "24h", "--scope", "all", "-f", "json"))
    assert code == ExitCode.OK
    catalog = load_catalog()
    voip_failures = {p for p in DEFAULT_NON_PSTN_MIX if not (p[0] == "0" or p[0].startswith("2"))}
    found = {(f["end_reason"], f["end_sub_code"]): f for f in doc["findings"]}
    assert voip_failures <= set(found)
    for pair in voip_failures:
        finding, entry = found[pair], catalog.pair(*pair)
        assert entry is not None, pair  # the catalog documents every pair the data uses
        assert finding["documented"] and finding["match_level"] == "pair", pair
        assert finding["scope"] == entry.scope != "pstn", pair
        assert finding["title"] == entry.meaning.title
        assert finding["source"] == entry.meaning.source.url


def test_default_scope_is_pstn_and_says_what_it_leaves_out(
    azure: LogAnalyticsEmulator, data: tuple[pd.DataFrame, datetime], cli: CliRunner
) -> None:
    now = data[1]
    window = ("--start", (now - timedelta(days=2)).isoformat(), "--end", now.isoformat())
    code, default, _ = cli.json("triage", *_live(azure, *window, "-f", "json"))
    assert code == ExitCode.OK
    code, pstn, _ = cli.json("triage", *_live(azure, *window, "--scope", "pstn", "-f", "json"))
    assert code == ExitCode.OK
    for doc in (default, pstn):
        doc.pop("generated_at")
        for finding in doc["findings"]:  # the service picks examples in no set order
            finding.pop("example_correlation_ids"), finding.pop("example_identifiers")
    assert default == pstn
    assert default["totals"]["legs"] == _truth(data[0], now - timedelta(days=2), now, "pstn")["legs"]
    code, text, _ = cli("triage", *_live(azure, *window))
    outside = default["totals"]["failed_legs_out_of_scope"]
    words = " ".join(text.split())
    assert outside > 0 and f"Not shown: {outside} failed leg(s) outside --scope pstn (--scope all" in words


def test_legs_of_the_voip_scope_are_not_pstn(
    azure: LogAnalyticsEmulator, data: tuple[pd.DataFrame, datetime], cli: CliRunner
) -> None:
    code, doc, _ = cli.json("legs", *_live(azure, "--since", "24h", "--scope", "voip", "-f", "json"))
    assert code == ExitCode.OK
    legs = doc["legs"]
    assert legs and all(leg["endpoint_type"].lower() != "pstn" for leg in legs)
    assert all(not (leg["end_reason"] == "0" or leg["end_reason"].startswith("2")) for leg in legs)


def test_sample_scope_all_explains_voip_codes_from_the_catalog(cli: CliRunner) -> None:
    code, doc, _ = cli.json("triage", "--sample", "--scope", "all", "-f", "json")
    assert code == ExitCode.OK
    found = {(f["end_reason"], f["end_sub_code"]): f for f in doc["findings"]}
    for pair, scope in {
        ("410", "3101"): "calling",
        ("495", "4507"): "calling",
        ("403", "5828"): "rooms",
    }.items():
        assert found[pair]["documented"] and found[pair]["scope"] == scope, pair
    undocumented = found[("488", "99999")]
    assert not undocumented["documented"] and undocumented["match_level"] == "code"  # RFC 3261's 488
    assert undocumented["scope"] is None
    accounting = doc["accounting"]
    assert accounting["triaged"] == accounting["rows_read"] and accounting["skipped_not_pstn"] == 0


def test_sample_scopes_partition_the_legs(cli: CliRunner) -> None:
    """PSTN + VoIP = all: legs, failed legs and every pair's count."""
    docs = {}
    for scope in ("pstn", "voip", "all"):
        code, docs[scope], _ = cli.json("triage", "--sample", "--scope", scope, "-f", "json")
        assert code == ExitCode.OK
    for key in ("legs", "failed_legs", "unexpected_legs"):
        assert docs["pstn"]["totals"][key] + docs["voip"]["totals"][key] == docs["all"]["totals"][key], key
    assert docs["pstn"]["totals"]["failed_legs_out_of_scope"] == docs["voip"]["totals"]["failed_legs"]

    def pairs(doc: dict[str, object]) -> dict[tuple[str, str], int]:
        return {(f["end_reason"], f["end_sub_code"]): f["legs"] for f in doc["findings"]}  # type: ignore[attr-defined]

    merged = pairs(docs["pstn"])
    for pair, legs in pairs(docs["voip"]).items():
        merged[pair] = merged.get(pair, 0) + legs
    assert merged == pairs(docs["all"])


def test_smoke_judges_the_legs_of_its_scope(cli: CliRunner) -> None:
    code, doc, _ = cli.json(
        "smoke", "--sample", "--since", "2d", "--scope", "voip", "--max-failure-rate", "100", "-f", "json"
    )
    assert code == ExitCode.OK
    assert doc["config"]["scope"] == "voip"
    code, all_doc, _ = cli.json("triage", "--sample", "--scope", "voip", "-f", "json")
    assert doc["current"]["legs"] == all_doc["totals"]["legs"]
    code, text, _ = cli("smoke", "--sample", "--since", "2d", "--scope", "voip", "--max-failure-rate", "100")
    assert "VoIP legs:" in text


def test_kql_show_sets_the_scope_parameter(cli: CliRunner) -> None:
    code, text, _ = cli("kql", "show", "pstn-summary", "--scope", "voip")
    assert code == ExitCode.OK and 'let _scope = "voip";' in text
    code, _, err = cli("kql", "show", "call-legs", "--scope", "voip")
    assert code == ExitCode.USAGE and "has no scope parameter" in err and "pstn-summary" in err

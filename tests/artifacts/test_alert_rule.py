"""The alert rule: its query (Kusto.Language, the catalog's callee rule), its settings,
and the Bicep against the same data as the ARM JSON."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import timedelta
from typing import Any

import pytest

from acs_triage.artifacts.alert_rule import (
    ALERT_QUERY,
    DESCRIPTION_LIMIT,
    PROPERTIES_LIMIT,
    AlertRuleConfig,
    alert_query,
    alert_rule_template,
    iso_duration,
)
from acs_triage.artifacts.bicep import bicep_string, bicep_text
from acs_triage.artifacts.callee import CalleeRule, callee_rule
from acs_triage.artifacts.template import Expr, Ref, to_arm
from acs_triage.catalog.loader import load_catalog
from acs_triage.codes import is_failure_end
from acs_triage.errors import UsageError
from acs_triage.queries.store import get_query
from acs_triage.smoke.config import BlockPair
from tests.artifacts.bicep_reader import read_bicep
from tests.artifacts.test_arm_schema import CONFIGS
from tests.kusto import KustoChecker

CATALOG = load_catalog()


def _condition(template: dict[str, Any]) -> dict[str, Any]:
    return template["resources"][0]["properties"]["criteria"]["allOf"][0]  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def bound(kusto: KustoChecker) -> dict[str, Any]:
    texts = {name: _condition(to_arm(alert_rule_template(c)))["query"] for name, c in CONFIGS.items()}
    return dict(kusto.check_many(texts))


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_the_rule_query_binds_and_returns_the_declared_columns(bound: dict[str, Any], name: str) -> None:
    result = bound[name]
    assert result.ok, result.errors
    assert result.result_schema == [(c.name, c.type) for c in get_query(ALERT_QUERY).output]


def test_the_condition_measures_the_query_s_columns() -> None:
    condition = _condition(to_arm(alert_rule_template(AlertRuleConfig())))
    columns = get_query(ALERT_QUERY).column_names
    assert condition["metricMeasureColumn"] == "AlertRatePct" in columns
    assert [d["name"] for d in condition["dimensions"]] == ["ParticipantEndReason", "ParticipantEndSubCode"]
    assert all(d["operator"] == "Include" and d["values"] == ["*"] for d in condition["dimensions"])
    assert condition["timeAggregation"] == "Maximum" and condition["operator"] == "GreaterThan"
    assert condition["threshold"] == 10.0
    assert condition["failingPeriods"] == {"numberOfEvaluationPeriods": 1, "minFailingPeriodsToAlert": 1}


def test_settings_reach_the_rule_and_its_query() -> None:
    config = CONFIGS["stateless"]
    properties = to_arm(alert_rule_template(config))["resources"][0]["properties"]
    assert properties["evaluationFrequency"] == "PT5M" and properties["windowSize"] == "PT30M"
    assert properties["autoMitigate"] is False and properties["muteActionsDuration"] == "PT2H"
    assert properties["criteria"]["allOf"][0]["failingPeriods"] == {
        "numberOfEvaluationPeriods": 4,
        "minFailingPeriodsToAlert": 3,
    }
    query = properties["criteria"]["allOf"][0]["query"]
    # The query reads the rule's whole time range, one bin per evaluation period.
    assert "let _lookback = time(2h);" in query and "let _bin_size = time(30m);" in query
    assert (
        "muteActionsDuration"
        not in to_arm(alert_rule_template(AlertRuleConfig()))["resources"][0]["properties"]
    )


def test_blocking_pairs_metric_and_volume_are_typed_literals() -> None:
    query = alert_query(
        AlertRuleConfig(block_pairs=(BlockPair("403", "*"),), min_legs=50, metric="unexpected-rate")
    )
    assert 'let _block_pairs = dynamic(["403/*"]);' in query
    assert "let _min_legs = long(50);" in query and 'let _metric = "unexpected-rate";' in query
    assert "let _block_pairs = dynamic([]);" in alert_query(AlertRuleConfig(block_pairs=()))


def test_the_query_is_small_and_the_rule_within_azure_limits() -> None:
    for config in CONFIGS.values():
        template = to_arm(alert_rule_template(config))
        properties = template["resources"][0]["properties"]
        assert len(_condition(template)["query"].encode()) < 4096  # no catalog datatables in it
        assert len(json.dumps(properties).encode()) < PROPERTIES_LIMIT / 8
        assert len(properties["description"]) <= DESCRIPTION_LIMIT


def test_too_many_blocking_pairs_is_a_usage_error() -> None:
    pairs = tuple(BlockPair(str(400 + n % 200), str(500000 + n)) for n in range(8000))
    with pytest.raises(UsageError, match="over Azure's limit of 65536"):
        alert_rule_template(AlertRuleConfig(block_pairs=pairs))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"mute": timedelta(hours=1)}, "--mute needs --no-auto-resolve"),
        ({"window": timedelta(minutes=5), "frequency": timedelta(minutes=15)}, "at least --frequency"),
        ({"window": timedelta(minutes=20)}, "--window must be one of"),
        ({"frequency": timedelta(days=2)}, "--frequency must be one of"),
        ({"evaluation_periods": 2, "failing_periods": 3}, "failing-periods"),
        ({"evaluation_periods": 7, "failing_periods": 1}, "<= 6"),
        ({"window": timedelta(days=1), "evaluation_periods": 3}, "at most 2 days"),
        ({"threshold": 100.0}, "--threshold"),
        ({"severity": 5}, "--severity"),
        ({"metric": "rate"}, "--metric"),
        ({"min_legs": 0}, "--min-legs"),
        ({"name": "a/b"}, "--name"),
        ({"auto_resolve": False, "mute": timedelta(minutes=7)}, "--mute must be one of"),
    ],
)
def test_settings_azure_would_refuse_are_usage_errors(change: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        AlertRuleConfig(**change)


def test_iso_durations() -> None:
    assert [iso_duration(timedelta(minutes=m)) for m in (5, 45, 60, 360, 1440, 2880)] == [
        "PT5M",
        "PT45M",
        "PT1H",
        "PT6H",
        "P1D",
        "P2D",
    ]


# -- the callee-outcome decision lists ---------------------------------------------------
def test_the_query_file_defaults_are_the_catalog_s_rule() -> None:
    """The .kql file, pasted as is, decides callee outcomes as the catalog does today."""
    body = get_query(ALERT_QUERY).body
    for name, values in callee_rule(CATALOG).query_parameters().items():
        literal = "dynamic([" + ", ".join(f'"{v}"' for v in values) + "])"  # type: ignore[attr-defined]
        assert f"let _{name} = {literal};" in body, name


def _cases() -> set[tuple[str, str]]:
    """Documented pairs of every scope, errata, and every PSTN sub-code or no sub-code
    under every end reason the catalog knows, every SIP class, and unknown values."""
    reasons = {c.end_reason for c in CATALOG.codes} | {p.end_reason for p in CATALOG.pairs}
    reasons |= {f"{k}{n:02d}" for k in "123456" for n in (0, 17, 99)} | {"", "abc", "7"}
    subs = {p.end_sub_code for p in CATALOG.pairs if p.scope == "pstn"} | {"", "0", "123456", "560999"}
    cases = {(p.end_reason, p.end_sub_code) for p in CATALOG.pairs}
    cases |= {e.as_published for e in CATALOG.errata}
    cases |= {(r, s) for r in reasons for s in subs}
    # The query asks only about failed legs (IsFailure and case(...)).
    return {(r, s) for r, s in cases if is_failure_end(r)}


def _disagreements(rule: CalleeRule, cases: set[tuple[str, str]]) -> list[tuple[str, str]]:
    callee = CATALOG.callee_outcome_categories()
    return [
        (r, s)
        for r, s in sorted(cases)
        if rule.is_callee_outcome(r, s) != (CATALOG.explain(r, s).meaning.category in callee)
    ]


def test_the_callee_rule_decides_as_the_catalog_lookup() -> None:
    rule, cases = callee_rule(CATALOG), _cases()
    assert len(cases) > 1500 and _disagreements(rule, cases) == []
    # ... and the comparison can fail: each (non-empty) list matters.
    for name, values in vars(rule).items():
        if values:
            assert _disagreements(dataclasses.replace(rule, **{name: ()}), cases) != [], name
    assert rule.is_callee_outcome("486", "560486") and rule.is_callee_outcome("603", "")
    assert not rule.is_callee_outcome("604", "") and not rule.is_callee_outcome("403", "560403")


def test_the_callee_lists_are_short() -> None:
    assert sum(len(v) for v in callee_rule(CATALOG).query_parameters().values()) < 60  # type: ignore[arg-type]


# -- Bicep: the same data as the ARM JSON ------------------------------------------------
def _from_arm(value: Any) -> Any:
    """ARM expressions as the Bicep reader's markers."""
    if isinstance(value, str) and value.startswith("[") and not value.startswith("[["):
        match = re.fullmatch(r"\[parameters\('(\w+)'\)\]", value)
        return Ref(match.group(1)) if match else Expr(value[1:-1])
    if isinstance(value, dict):
        return {k: _from_arm(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_arm(v) for v in value]
    return value


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_bicep_holds_the_same_rule_as_arm(name: str) -> None:
    template = alert_rule_template(CONFIGS[name])
    arm, bicep = to_arm(template), read_bicep(bicep_text(template, header="a header\nline two"))
    resource = arm["resources"][0]
    assert list(bicep.resources) == ["rule"]
    assert bicep.resources["rule"]["type"] == f"{resource['type']}@{resource['apiVersion']}"
    body = {k: v for k, v in resource.items() if k not in ("type", "apiVersion")}
    assert bicep.resources["rule"]["body"] == _from_arm(body)
    assert (
        _condition(arm)["query"]
        == bicep.resources["rule"]["body"]["properties"]["criteria"]["allOf"][0]["query"]
    )
    params = {
        n: {"type": p["type"], "description": p["metadata"]["description"]}
        | ({"default": _from_arm(p["defaultValue"])} if "defaultValue" in p else {})
        for n, p in arm["parameters"].items()
    }
    assert bicep.params == params
    assert bicep.metadata == {"description": arm["metadata"]["description"]}
    assert set(bicep.outputs) == set(arm["outputs"]) == {"ruleId"}


@pytest.mark.parametrize(
    "text",
    ["plain", "it's", "back\\slash", "${not interpolated}", "tab\tand\rreturn", "two\nlines", "a'''b\nc"],
)
def test_bicep_strings_read_back(text: str) -> None:
    parsed = read_bicep(f"param x string = {bicep_string(text)}\n")
    assert parsed.params["x"]["default"] == text

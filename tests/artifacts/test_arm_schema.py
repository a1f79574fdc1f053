"""The ARM alert rule validates against Azure's published deployment template schema,
and the validation can fail (tests/fixtures/arm/README.md says where the schemas come from)."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest

from acs_triage.artifacts.alert_rule import API_VERSION, AlertRuleConfig, alert_rule_template
from acs_triage.artifacts.template import to_arm
from acs_triage.smoke.config import BlockPair
from tests.artifacts.arm_schema import resource_errors, resource_undeclared, template_errors

CONFIGS = {
    "defaults": AlertRuleConfig(),
    "unexpected": AlertRuleConfig(metric="unexpected-rate", threshold=2.5, severity=1),
    "stateless": AlertRuleConfig(
        auto_resolve=False,
        mute=timedelta(hours=2),
        frequency=timedelta(minutes=5),
        window=timedelta(minutes=30),
        evaluation_periods=4,
        failing_periods=3,
    ),
    "no-blocks": AlertRuleConfig(block_pairs=(), count_callee_outcomes=True, min_legs=1),
    "many-blocks": AlertRuleConfig(block_pairs=(BlockPair("403", "*"), BlockPair("500", "560500"))),
}


def _template(config: AlertRuleConfig) -> dict[str, Any]:
    return to_arm(alert_rule_template(config))


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_generated_template_is_valid(name: str) -> None:
    template = _template(CONFIGS[name])
    assert template_errors(template) == []
    resource = template["resources"][0]
    assert resource_errors(resource) == []
    assert resource_undeclared(resource) == []


def test_the_api_version_is_the_schema_file_s() -> None:
    assert _template(AlertRuleConfig())["resources"][0]["apiVersion"] == API_VERSION == "2023-12-01"


DELETE = object()
_RULE = ("resources", 0)
_CONDITION = (*_RULE, "properties", "criteria", "allOf", 0)
#: One edit each: where in the template, and the new value (DELETE removes the key).
EDITS: dict[str, tuple[tuple[str | int, ...], object]] = {
    "api-version": ((*_RULE, "apiVersion"), "2023-12-02"),
    "type": ((*_RULE, "type"), "Microsoft.Insights/scheduledQueryRule"),
    "kind": ((*_RULE, "kind"), "LogAlarm"),
    "operator": ((*_CONDITION, "operator"), "Greater"),
    "aggregation": ((*_CONDITION, "timeAggregation"), "Max"),
    "threshold": ((*_CONDITION, "threshold"), "ten"),
    "dimension": ((*_CONDITION, "dimensions", 0, "values"), DELETE),
    "periods": ((*_CONDITION, "failingPeriods", "numberOfEvaluationPeriods"), "1"),
    "no-properties": ((*_RULE, "properties"), DELETE),
    "top-level-key": (("resource",), []),
    "parameter-type": (("parameters", "enabled", "type"), "boolean"),
    # A name that is also a valid literal name matches both branches of the schema's
    # oneOf: the reason the generator writes the name as a literal.
    "name-expression": ((*_RULE, "name"), "[parameters('ruleName')]"),
}


def _broken(edit: str) -> dict[str, Any]:
    template = copy.deepcopy(_template(AlertRuleConfig()))
    path, value = EDITS[edit]
    node: Any = template
    for step in path[:-1]:
        node = node[step]
    if value is DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return template


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_broken_template_is_rejected(edit: str) -> None:
    assert template_errors(_broken(edit)) != []


def test_errors_point_at_the_broken_property() -> None:
    resource = _broken("api-version")["resources"][0]
    assert any(e.startswith("apiVersion:") and "2023-12-01" in e for e in resource_errors(resource))
    resource = _broken("operator")["resources"][0]
    assert any(e.startswith("properties:") for e in resource_errors(resource))


def test_a_misspelled_property_is_caught_by_the_strict_walk() -> None:
    """The published schema has no additionalProperties: false, so it accepts a typo;
    the walk over the declared properties does not."""
    template = _template(AlertRuleConfig())
    resource = template["resources"][0]
    resource["properties"]["evaluationFrequncy"] = resource["properties"].pop("evaluationFrequency")
    resource["properties"]["criteria"]["allOf"][0]["dimensions"][0]["operater"] = "Include"
    assert template_errors(template) == []  # the gap in the published schema
    assert resource_undeclared(resource) == [
        "/properties/criteria/allOf/0/dimensions/0/operater",
        "/properties/evaluationFrequncy",
    ]


def test_another_resource_type_is_not_accepted() -> None:
    template = _template(AlertRuleConfig())
    template["resources"].append(
        {"type": "Microsoft.Logic/workflows", "apiVersion": "2019-05-01", "name": "x"}
    )
    assert template_errors(template) != []

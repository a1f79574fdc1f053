"""An Azure Monitor log search alert rule that keeps watching PSTN failures.

One ``Microsoft.Insights/scheduledQueryRules`` resource (kind ``LogAlert``) whose
query is the library's ``pstn-alert-by-pair``, rendered with typed literals: one row
per evaluation period and (end reason, sub-code) pair with ``AlertRatePct``. The
condition splits by the two columns as dimensions (one alert per pair), takes the
``Maximum`` of ``AlertRatePct`` per period and fires when it is above the threshold in
``failing_periods`` of the last ``evaluation_periods`` periods. Low traffic gives no
row (``min_legs``), a failed leg of a blocking pair gives 100 (fires on one leg).
Why each default is what it is: ``docs/azure-artifacts.md``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import timedelta

from acs_triage.artifacts.callee import callee_rule
from acs_triage.artifacts.metrics import METRICS
from acs_triage.artifacts.template import Expr, Output, Ref, Resource, Template, TemplateParameter
from acs_triage.catalog.loader import Catalog, load_catalog
from acs_triage.errors import UsageError
from acs_triage.queries.render import render
from acs_triage.queries.store import get_query
from acs_triage.smoke.config import DEFAULT_BLOCK_PAIRS, BlockPair
from acs_triage.version import __version__

__all__ = [
    "ALERT_QUERY",
    "API_VERSION",
    "DESCRIPTION_LIMIT",
    "METRICS",
    "PROPERTIES_LIMIT",
    "RESOURCE_TYPE",
    "AlertRuleConfig",
    "alert_query",
    "alert_rule_template",
    "iso_duration",
]

ALERT_QUERY = "pstn-alert-by-pair"
RESOURCE_TYPE = "Microsoft.Insights/scheduledQueryRules"
#: The newest stable API version with every property used here (2026-03-01 adds only
#: dynamic thresholds and SimpleLogAlert); see docs/azure-artifacts.md.
API_VERSION = "2023-12-01"
METRIC_COLUMN = "AlertRatePct"
DIMENSIONS = ("ParticipantEndReason", "ParticipantEndSubCode")
#: Azure's limits for log search alert rules (Azure Monitor service limits).
PROPERTIES_LIMIT = 64 * 1024
DESCRIPTION_LIMIT = 4096
MAX_PERIODS = 6
MAX_LOOKBACK = timedelta(days=2)
_M, _H, _D = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)
FREQUENCIES = (_M, 5 * _M, 10 * _M, 15 * _M, 30 * _M, 45 * _M, _H, 2 * _H, 3 * _H, 4 * _H, 5 * _H, 6 * _H, _D)
WINDOWS = (*FREQUENCIES, 2 * _D)
MUTE_DURATIONS = (*WINDOWS[1:],)
#: Characters Azure refuses in a rule name (the resource schema's name pattern).
_NAME = re.compile(r"^[^#<>%&:\?/{}*]{1,260}$")


def iso_duration(value: timedelta) -> str:
    """``PT15M``, ``PT1H``, ``P1D``: the ISO 8601 form Azure Monitor takes."""
    seconds = int(value.total_seconds())
    if seconds % 86_400 == 0:
        return f"P{seconds // 86_400}D"
    if seconds % 3600 == 0:
        return f"PT{seconds // 3600}H"
    return f"PT{seconds // 60}M"


def _choices(values: tuple[timedelta, ...]) -> str:
    return ", ".join(iso_duration(v) for v in values)


@dataclass(frozen=True)
class AlertRuleConfig:
    """What the rule watches and how it fires (``acs-triage export alert-rule`` options)."""

    metric: str = "failure-rate"
    threshold: float = 10.0  #: percent; fires when AlertRatePct is above it
    min_legs: int = 20
    block_pairs: tuple[BlockPair, ...] = DEFAULT_BLOCK_PAIRS
    count_callee_outcomes: bool = False
    frequency: timedelta = 15 * _M
    window: timedelta = _H
    evaluation_periods: int = 1
    failing_periods: int = 1
    severity: int = 2
    auto_resolve: bool = True
    mute: timedelta | None = None
    name: str = "acs-pstn-failures-by-pair"

    def __post_init__(self) -> None:
        problems = []
        if self.metric not in METRICS:
            problems.append(f"--metric must be one of {', '.join(METRICS)}, not {self.metric!r}")
        if not 0.0 <= self.threshold < 100.0:
            problems.append(f"--threshold must be within 0..100 (percent, below 100), got {self.threshold:g}")
        if self.min_legs < 1:
            problems.append(f"--min-legs must be at least 1, got {self.min_legs}")
        if self.frequency not in FREQUENCIES:
            problems.append(f"--frequency must be one of {_choices(FREQUENCIES)}")
        if self.window not in WINDOWS:
            problems.append(f"--window must be one of {_choices(WINDOWS)}")
        elif self.window < self.frequency:
            problems.append("--window must be at least --frequency, or legs between windows go unseen")
        if not 1 <= self.failing_periods <= self.evaluation_periods <= MAX_PERIODS:
            problems.append(
                f"need 1 <= --failing-periods <= --evaluation-periods <= {MAX_PERIODS}, "
                f"got {self.failing_periods} of {self.evaluation_periods}"
            )
        elif self.window * self.evaluation_periods > MAX_LOOKBACK:
            problems.append("--window times --evaluation-periods must be at most 2 days")
        if not 0 <= self.severity <= 4:
            problems.append(f"--severity must be 0 (critical) to 4 (verbose), got {self.severity}")
        if self.mute is not None and self.auto_resolve:
            problems.append("--mute needs --no-auto-resolve (Azure refuses both on one rule)")
        if self.mute is not None and self.mute not in MUTE_DURATIONS:
            problems.append(f"--mute must be one of {_choices(MUTE_DURATIONS)}")
        if not _NAME.match(self.name):
            problems.append("--name must be 1 to 260 characters, none of # < > % & : ? / { } *")
        if problems:
            raise UsageError("; ".join(problems))

    @property
    def lookback(self) -> timedelta:
        """The time the rule's query reads: its window times its evaluation periods."""
        return self.window * self.evaluation_periods


def alert_query(config: AlertRuleConfig, catalog: Catalog | None = None) -> str:
    """The rule's KQL: ``pstn-alert-by-pair`` with ``config`` as typed literals."""
    values: dict[str, object] = {
        "lookback": config.lookback,
        "bin_size": config.window,
        "metric": config.metric,
        "min_legs": config.min_legs,
        "block_pairs": [str(p) for p in config.block_pairs],
        "count_callee_outcomes": config.count_callee_outcomes,
        **callee_rule(catalog or load_catalog()).query_parameters(),
    }
    return render(get_query(ALERT_QUERY), values)


def _short(value: timedelta) -> str:
    """``15m``, ``1h``, ``2d``: how the options are written."""
    return iso_duration(value).removeprefix("PT").removeprefix("P").lower()


def _description(config: AlertRuleConfig, catalog: Catalog) -> str:
    query = get_query(ALERT_QUERY)
    if config.metric == "unexpected-rate":
        legs, of = "legs logged as Unexpected by Microsoft (ResultCategory)", "the PSTN legs"
    elif config.count_callee_outcomes:
        legs, of = "failed legs", "the PSTN legs"
    else:
        legs, of = "failed legs", "the PSTN legs that did not end busy, unanswered, declined or canceled"
    shown = [str(p) for p in config.block_pairs[:10]]
    more = len(config.block_pairs) - len(shown)
    blocks = ", ".join(shown) + (f" and {more} more" if more > 0 else "") if shown else "none"
    return (
        f"Fires for an end-code pair (ParticipantEndReason, ParticipantEndSubCode) whose {legs} are "
        f"more than {config.threshold:g}% of {of} in a {_short(config.window)} period of at least "
        f"{config.min_legs} such legs, in {config.failing_periods} of the last "
        f"{config.evaluation_periods} period(s), evaluated every {_short(config.frequency)}. One "
        f"failed leg of a blocking pair fires it whatever the volume (blocking pairs: {blocks}). "
        f"Query {query.name} {query.version}, catalog {catalog.version}, acs-triage {__version__}. "
        "What a pair means and who acts: acs-triage explain REASON SUBCODE."
    )


def _condition(config: AlertRuleConfig, catalog: Catalog) -> dict[str, object]:
    return {
        "query": alert_query(config, catalog),
        "timeAggregation": "Maximum",
        "metricMeasureColumn": METRIC_COLUMN,
        "dimensions": [{"name": d, "operator": "Include", "values": ["*"]} for d in DIMENSIONS],
        "operator": "GreaterThan",
        "threshold": config.threshold,
        "failingPeriods": {
            "numberOfEvaluationPeriods": config.evaluation_periods,
            "minFailingPeriodsToAlert": config.failing_periods,
        },
    }


PARAMETERS = (
    TemplateParameter(
        "scopeResourceId",
        "string",
        "Resource ID of the Log Analytics workspace that receives the ACSCallSummary logs "
        "(or of the Communication Services resource, for a resource-context rule).",
    ),
    TemplateParameter(
        "actionGroupResourceIds",
        "array",
        "Resource IDs of the action groups to notify (none: the alert only shows in Azure Monitor).",
        default=[],
    ),
    TemplateParameter("location", "string", "Region of the rule.", default=Expr("resourceGroup().location")),
    TemplateParameter("enabled", "bool", "Whether the rule runs.", default=True),
)


def alert_rule_template(config: AlertRuleConfig, catalog: Catalog | None = None) -> Template:
    """The rule as one template; raises :class:`UsageError` past Azure's size limits."""
    catalog = catalog or load_catalog()
    description = _description(config, catalog)
    query = get_query(ALERT_QUERY)
    properties: dict[str, object] = {
        "displayName": config.name,
        "description": description,
        "severity": config.severity,
        "enabled": Ref("enabled"),
        "scopes": [Ref("scopeResourceId")],
        "evaluationFrequency": iso_duration(config.frequency),
        "windowSize": iso_duration(config.window),
        "criteria": {"allOf": [_condition(config, catalog)]},
        "autoMitigate": config.auto_resolve,
        "actions": {
            "actionGroups": Ref("actionGroupResourceIds"),
            "customProperties": {
                "acs-triage-query": f"{query.name} {query.version}",
                "acs-triage-catalog": catalog.version,
                "explain": "acs-triage explain <ParticipantEndReason> <ParticipantEndSubCode>",
            },
        },
    }
    if config.mute is not None:
        properties["muteActionsDuration"] = iso_duration(config.mute)
    if len(description) > DESCRIPTION_LIMIT:
        raise UsageError(f"the rule's description is over Azure's {DESCRIPTION_LIMIT} characters")
    size = len(json.dumps(properties, default=str).encode("utf-8"))
    if size > PROPERTIES_LIMIT:
        raise UsageError(f"the rule's properties take {size} bytes, over Azure's limit of {PROPERTIES_LIMIT}")
    quoted_name = config.name.replace("'", "''")  # a quote inside an ARM expression string
    body = {"name": config.name, "location": Ref("location"), "kind": "LogAlert", "properties": properties}
    return Template(
        description=f"Azure Monitor alert rule for ACS PSTN failures, generated by acs-triage {__version__}.",
        parameters=PARAMETERS,
        resources=[Resource("rule", RESOURCE_TYPE, API_VERSION, body)],
        outputs=[Output("ruleId", "string", f"resourceId('{RESOURCE_TYPE}', '{quoted_name}')", "rule.id")],
        metadata={"acsTriage": {"version": __version__, "query": query.name, "queryVersion": query.version}},
    )

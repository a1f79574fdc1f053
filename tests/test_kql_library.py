"""Every query file, every rendering and hostile values, checked by Kusto.Language."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acs_triage.catalog.loader import load_catalog
from acs_triage.errors import CatalogError, UsageError
from acs_triage.queries.annotate import annotate_query
from acs_triage.queries.literals import KqlType, kql_literal
from acs_triage.queries.render import render
from acs_triage.queries.store import load_queries, parse_query
from tests.kusto import KustoChecker
from tests.scripts import load_script

QUERIES = load_queries()
HOSTILE = [
    '"; ACSBillingUsage | take 1 //',
    '\\" | where 1 == 1 //',
    "line1\nline2\r\n| take 1",
    "'; drop table x; --",
    "unicode: é 漢字 😀 \u2028 \u0000 \u0001 \u007f",
    "// comment | ; let x = 1;",
    "\\",
    "",
]
EXAMPLE_VALUES: dict[KqlType, object] = {
    KqlType.STRING: "c0ffee00-0000-4000-8000-000000000001",
    KqlType.LONG: 250,
    KqlType.REAL: 2.5,
    KqlType.BOOL: True,
    KqlType.DATETIME: datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc),
    KqlType.TIMESPAN: timedelta(hours=6),
    KqlType.STRING_LIST: ["a", "b"],
}


def _variants() -> dict[str, str]:
    catalog = load_catalog()
    items: dict[str, str] = {}
    for name, query in QUERIES.items():
        items[f"file:{name}"] = query.text
        items[f"defaults:{name}"] = render(query)
        # A parameter with a fixed set of values takes its last one (the non-default).
        explicit = {p.name: p.values[-1] if p.values else EXAMPLE_VALUES[p.type] for p in query.parameters}
        items[f"explicit:{name}"] = render(query, explicit)
        if query.reads_call_legs:  # the same query over ACSCallSummaryUpdates
            items[f"updates:{name}"] = render(query, table="updates")
            items[f"updates-explicit:{name}"] = render(query, explicit, table="updates")
        for index, hostile in enumerate(HOSTILE):
            values = {p.name: hostile for p in query.parameters if p.type is KqlType.STRING and not p.values}
            if values:
                items[f"hostile{index}:{name}"] = render(query, values)
        if query.annotatable:
            items[f"annotated:{name}"] = annotate_query(query, render(query), catalog)
            items[f"annotated-explicit:{name}"] = annotate_query(query, render(query, explicit), catalog)
    return items


VARIANTS = _variants()


@pytest.fixture(scope="module")
def results(kusto: KustoChecker) -> dict[str, object]:
    return dict(kusto.check_many(VARIANTS))


@pytest.mark.parametrize("key", sorted(VARIANTS))
def test_binds_without_errors(results: dict[str, object], key: str) -> None:
    result = results[key]
    assert result.ok, f"{key}:\n" + "\n".join(result.errors)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_result_columns_match_metadata(results: dict[str, object], name: str) -> None:
    """What the Python reader expects is exactly what Kusto says the query returns."""
    declared = [(c.name, c.type) for c in QUERIES[name].output]
    kinds = ("file", "defaults", "explicit") + (
        ("updates", "updates-explicit") if QUERIES[name].reads_call_legs else ()
    )
    for kind in kinds:
        got = results[f"{kind}:{name}"].result_schema  # type: ignore[attr-defined]
        assert got == declared, f"{kind}:{name}"


def test_every_call_leg_query_can_read_the_updates_table() -> None:
    """Every query over ACSCallSummary reads it through the one swappable line."""
    for name, query in QUERIES.items():
        assert query.reads_call_legs == ("ACSCallSummary" in query.tables), name
        if query.reads_call_legs:
            text = render(query, table="updates")
            assert "ACSCallSummaryUpdates" in text and "arg_max(CallUpdatesVersion, *)" in text
            assert "let CallLegs = ACSCallSummary;" not in text


def test_a_fixed_set_parameter_refuses_other_values() -> None:
    with pytest.raises(UsageError, match="must be one of TimeGenerated, CallStartTime"):
        render(QUERIES["pstn-summary"], {"time_column": "ParticipantStartTime"})


@pytest.mark.parametrize("name", sorted(n for n, q in QUERIES.items() if q.annotatable))
def test_annotated_form_adds_the_annotation_columns(results: dict[str, object], name: str) -> None:
    generated = QUERIES[load_script("generate").ANNOTATED_NAME]
    annotation = [(c.name, c.type) for c in generated.output][-9:]
    got = results[f"annotated:{name}"].result_schema  # type: ignore[attr-defined]
    assert got == [(c.name, c.type) for c in QUERIES[name].output] + annotation


def test_hostile_values_stay_inside_their_literal(results: dict[str, object]) -> None:
    for index, hostile in enumerate(HOSTILE):
        result = results[f"hostile{index}:call-legs"]
        assert hostile in result.literals, (hostile, result.literals)  # type: ignore[attr-defined]


def test_a_broken_query_is_caught(kusto: KustoChecker) -> None:
    """The gate can fail: a wrong column name in a rendered query is an Error."""
    text = render(QUERIES["pstn-summary"]).replace("EndpointType", "EndpointTyp")
    result = kusto.check(text)
    assert not result.ok and any("KS142" in e for e in result.errors)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(st.text(min_size=0, max_size=40), min_size=40, max_size=80))
def test_any_string_renders_to_a_literal_kusto_reads_back(kusto: KustoChecker, values: list[str]) -> None:
    query = QUERIES["pstn-failed-legs"]
    texts = {}
    for index, value in enumerate(values):
        texts[f"q{index}"] = render(query, {"end_reason": value, "sub_code": value})
        texts[f"p{index}"] = f"print v = {kql_literal(value)}"
    results = kusto.check_many(texts)
    for index, value in enumerate(values):
        assert results[f"q{index}"].ok, (value, results[f"q{index}"].errors)
        assert results[f"p{index}"].ok, (value, results[f"p{index}"].errors)
        assert results[f"p{index}"].literals == [value]
        assert results[f"q{index}"].literals.count(value) >= 2


def test_unknown_parameter_lists_the_valid_ones() -> None:
    with pytest.raises(UsageError, match="valid parameters: correlation_id, lookback"):
        render(QUERIES["call-legs"], {"corelation_id": "x"})


def test_wrong_type_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"max_rows.*whole number"):
        render(QUERIES["pstn-failed-legs"], {"max_rows": "ten"})
    with pytest.raises(UsageError, match="expects a long"):
        render(QUERIES["pstn-failed-legs"], {"max_rows": 2.5})


def test_parameter_line_is_required() -> None:
    text = QUERIES["pstn-summary"].text.replace("let _lookback = 1d;\n", "")
    with pytest.raises(CatalogError, match="lookback"):
        parse_query(text, "pstn-summary.kql")


PSTN_RULE = 'EndpointType =~ "PSTN"'
SCOPE_RULE = 'where _scope == "all" or IsPstn == (_scope == "pstn")'
FAILURE_RULE = 'not(ParticipantEndReason == "0" or ParticipantEndReason startswith "2")'
#: A failed Call Automation request (executed against Python's rule in tests/test_call_automation.py).
OPERATION_FAILURE_RULE = (
    'Failed = (isnotnull(ResultSignature) and ResultSignature >= 400) or ResultType =~ "Failed"'
)


def test_every_query_defines_pstn_and_failure_the_same_way() -> None:
    """One PSTN rule and one failure rule everywhere (their meaning is checked against
    Python by executing them: tests/test_live.py::test_kql_and_python_agree_on_every_rule)."""
    pstn_queries = set(QUERIES) - {"call-legs", "legs-by-endpoint-type", "call-automation-operations"}
    assert {name for name, q in QUERIES.items() if PSTN_RULE in q.body} == pstn_queries
    scoped = {name for name, q in QUERIES.items() if any(p.name == "scope" for p in q.parameters)}
    assert {name for name, q in QUERIES.items() if SCOPE_RULE in q.body} == scoped
    assert {"pstn-summary", "pstn-failures-by-pair", "pstn-timeline", "pstn-failed-legs"} <= scoped
    failure_queries = pstn_queries | {"legs-by-endpoint-type"}
    assert {name for name, q in QUERIES.items() if FAILURE_RULE in q.body} == failure_queries
    for name in failure_queries:
        body = QUERIES[name].body
        # No other hand-written comparison of the end reason with a literal code.
        assert body.count('ParticipantEndReason == "') == body.count(FAILURE_RULE), name
    operation_queries = {
        name for name, q in QUERIES.items() if "ACSCallAutomationIncomingOperations" in q.tables
    }
    assert operation_queries == {"call-automation-operations"}
    assert all(OPERATION_FAILURE_RULE in QUERIES[name].body for name in operation_queries)

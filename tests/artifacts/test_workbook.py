"""The workbook: valid against the published gallery template schema, its items,
parameters and links, and every query bound by Kusto.Language once the workbook
parameter tokens are replaced by typed example values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from acs_triage.artifacts.workbook import TOKENS, WORKBOOK_VERSION, tokens_in, with_examples, workbook
from acs_triage.catalog.loader import load_catalog
from acs_triage.queries.store import get_query
from tests.kusto import KustoChecker

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "fixtures" / "workbook" / "workbook.schema.json").read_text(
        "utf-8"
    )
)
CATALOG = load_catalog()
WORKBOOKS = {"masked": workbook(CATALOG), "show-pii": workbook(CATALOG, show_pii=True)}
BOUND = {"Workspace", "TimeRange", "CorrelationId"}  # the parameters item's names


def _queries(book: dict[str, Any]) -> dict[str, str]:
    return {item["name"]: item["content"]["query"] for item in book["items"] if item["type"] == 3}


@pytest.fixture(scope="module")
def bound(kusto: KustoChecker) -> dict[str, Any]:
    texts = {}
    for kind, book in WORKBOOKS.items():
        for name, query in _queries(book).items():
            texts[f"{kind}:{name}"] = with_examples(query)
            texts[f"{kind}:{name}:raw"] = query
    return dict(kusto.check_many(texts))


@pytest.mark.parametrize("kind", sorted(WORKBOOKS))
def test_valid_against_the_gallery_template_schema(kind: str) -> None:
    assert list(Draft7Validator(SCHEMA).iter_errors(WORKBOOKS[kind])) == []


def test_the_schema_check_can_fail() -> None:
    broken = json.loads(json.dumps(WORKBOOKS["masked"]))
    broken["items"][2]["type"] = 33
    del broken["version"]
    assert len(list(Draft7Validator(SCHEMA).iter_errors(broken))) == 2


def test_items_in_order() -> None:
    book = WORKBOOKS["masked"]
    assert book["version"] == WORKBOOK_VERSION == "Notebook/1.0"
    assert [(i["type"], i["name"]) for i in book["items"]] == [
        (1, "intro"),
        (9, "parameters"),
        (3, "pairs"),
        (3, "timeline"),
        (3, "failure-rate"),
        (3, "call-legs"),
    ]
    assert len({i["name"] for i in book["items"]}) == len(book["items"])


def test_parameters() -> None:
    (params,) = [i["content"]["parameters"] for i in WORKBOOKS["masked"]["items"] if i["type"] == 9]
    by_name = {p["name"]: p for p in params}
    assert set(by_name) == BOUND and len({p["id"] for p in params}) == 3
    assert by_name["Workspace"]["type"] == 5 and by_name["Workspace"]["isRequired"]
    assert by_name["Workspace"]["typeSettings"]["resourceTypeFilter"] == {
        "microsoft.operationalinsights/workspaces": True
    }
    assert by_name["TimeRange"]["type"] == 4 and by_name["TimeRange"]["value"] == {"durationMs": 86_400_000}
    assert by_name["CorrelationId"]["type"] == 1 and by_name["CorrelationId"]["value"] == ""


def test_every_query_runs_on_the_workspace_over_the_time_range() -> None:
    for item in (i for i in WORKBOOKS["masked"]["items"] if i["type"] == 3):
        content = item["content"]
        assert content["crossComponentResources"] == ["{Workspace}"]
        assert content["resourceType"] == "microsoft.operationalinsights/workspaces"
        assert content["timeContextFromParameter"] == "TimeRange" and content["queryType"] == 0


def test_only_known_parameters_reach_the_queries() -> None:
    """Every token is one of TOKENS, names a parameter defined above the item (or
    exported by the pair table), and nothing else in the KQL looks like a token."""
    items = WORKBOOKS["masked"]["items"]
    defined = set(BOUND)
    known = {t.token for t in TOKENS}
    for item in items:
        if item["type"] != 3:
            continue
        used = tokens_in(item["content"]["query"])
        assert used <= known, used - known
        assert {t[1:].split(":")[0].rstrip("}") for t in used} <= defined, item["name"]
        assert tokens_in(with_examples(item["content"]["query"])) == set()
        if "exportParameterName" in item["content"]:
            defined.add(item["content"]["exportParameterName"])
    assert "SelectedCorrelationId" in defined


def test_the_drill_down_link(bound: dict[str, Any]) -> None:
    pairs = next(i for i in WORKBOOKS["masked"]["items"] if i["name"] == "pairs")["content"]
    assert pairs["exportParameterName"] == "SelectedCorrelationId"
    columns = [c for c, _ in bound["masked:pairs"].result_schema]
    assert pairs["exportFieldName"] in columns
    legs = next(i for i in WORKBOOKS["masked"]["items"] if i["name"] == "call-legs")["content"]["query"]
    assert "{SelectedCorrelationId:escapejson}" in legs and "{CorrelationId:escapejson}" in legs
    formatted = {f["columnMatch"] for f in pairs["gridSettings"]["formatters"]}
    assert formatted <= set(columns)


@pytest.mark.parametrize("kind", sorted(WORKBOOKS))
def test_every_query_binds_with_the_tokens_replaced(bound: dict[str, Any], kind: str) -> None:
    for name in _queries(WORKBOOKS[kind]):
        assert bound[f"{kind}:{name}"].ok, (name, bound[f"{kind}:{name}"].errors)


def test_tokens_inside_string_literals_bind_even_unreplaced(bound: dict[str, Any]) -> None:
    """Only the grain stands where a literal goes; the other tokens are string literals."""
    assert bound["masked:pairs:raw"].ok and bound["masked:call-legs:raw"].ok
    assert not bound["masked:timeline:raw"].ok


def test_the_correlation_id_text_stays_inside_its_literal(bound: dict[str, Any]) -> None:
    """escapejson output with an escaped quote reads back as a quote, not as KQL."""
    literals = bound["masked:call-legs"].literals
    assert 'c0ffee00-0000-4000-8000-000000000001"' in literals


def test_result_columns(bound: dict[str, Any]) -> None:
    pairs = [c for c, _ in bound["masked:pairs"].result_schema]
    by_pair = [c.name for c in get_query("pstn-failures-by-pair").output if c.name != "ExampleIdentifiers"]
    assert pairs[: len(by_pair)] == by_pair
    assert {"Title", "WhoActs", "Actions", "ExampleCorrelationId"} <= set(pairs)
    assert [c for c, _ in bound["masked:timeline"].result_schema] == ["TimeGenerated", "Legs", "FailedLegs"]
    assert [c for c, _ in bound["masked:failure-rate"].result_schema] == ["TimeGenerated", "FailureRatePct"]


def test_identifiers_are_left_out_unless_asked(bound: dict[str, Any]) -> None:
    for name, column in (("pairs", "ExampleIdentifiers"), ("call-legs", "Identifier")):
        assert column not in [c for c, _ in bound[f"masked:{name}"].result_schema]
        assert column in [c for c, _ in bound[f"show-pii:{name}"].result_schema]

"""The catalog from the command line beyond PSTN: ``codes --scope`` and ``explain`` of the
call-end, Rooms, Call Automation and Calling SDK pairs."""

from __future__ import annotations

import csv
import io
import json

import pytest

from acs_triage.catalog.loader import load_catalog
from tests.helpers import CliRunner

# Pairs per scope: the counts tests/test_catalog_schema.py derives from the source tables.
SCOPE_COUNTS = {"pstn": 20, "rooms": 3, "calling": 46, "calling-sdk": 465, "call-automation": 21}


def test_codes_default_is_still_the_pstn_table(cli: CliRunner) -> None:
    code, out, _ = cli("codes")
    assert code == 0
    assert out.splitlines()[0] == "Documented ACS PSTN end-code pairs (20)"
    _, out, _ = cli("codes", "-f", "csv")
    assert next(csv.reader(io.StringIO(out)))[0] == "end_reason"  # no scope column by default


@pytest.mark.parametrize(("scope", "count"), SCOPE_COUNTS.items())
def test_codes_scope_lists_that_scope(cli: CliRunner, scope: str, count: int) -> None:
    code, out, _ = cli("codes", "--scope", scope, "-f", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["scope"] == scope and doc["count"] == count
    assert {p["scope"] for p in doc["pairs"]} == {scope}


def test_codes_scope_all_lists_every_pair_with_its_scope(cli: CliRunner) -> None:
    _, out, _ = cli("codes", "--scope", "all", "-f", "json")
    doc = json.loads(out)
    assert doc["count"] == sum(SCOPE_COUNTS.values()) == len(load_catalog().pairs)
    _, out, _ = cli("codes", "--scope", "all", "-f", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][0] == "scope" and len(rows) == 1 + doc["count"]
    assert {r[0] for r in rows[1:]} == set(SCOPE_COUNTS)
    _, out, _ = cli("codes", "--scope", "all")
    assert out.splitlines()[0].startswith("Documented ACS end-code pairs, all scopes (")


@pytest.mark.parametrize(
    ("scope", "title"),
    [
        ("calling", "Documented ACS call end code pairs"),
        ("rooms", "Documented ACS Rooms end-code pairs"),
        ("call-automation", "Documented ACS Call Automation result code pairs"),
        ("calling-sdk", "Documented ACS Calling SDK (client API) error code pairs"),
    ],
)
def test_codes_title_names_the_scope(cli: CliRunner, scope: str, title: str) -> None:
    _, out, _ = cli("codes", "--scope", scope)
    assert out.splitlines()[0].startswith(title + " (")


def test_codes_filters_combine_with_the_scope(cli: CliRunner) -> None:
    _, out, _ = cli("codes", "--scope", "all", "--code", "403", "-f", "json")
    pairs = {(p["scope"], p["end_sub_code"]) for p in json.loads(out)["pairs"]}
    assert {("pstn", "560403"), ("rooms", "5828"), ("call-automation", "7507")} <= pairs
    _, out, _ = cli("codes", "--scope", "calling-sdk", "--category", "device-or-permission", "-f", "json")
    doc = json.loads(out)
    assert doc["count"] > 0 and {p["category"] for p in doc["pairs"]} == {"device-or-permission"}


def test_codes_rejects_an_unknown_scope(cli: CliRunner) -> None:
    code, _, err = cli("codes", "--scope", "teams")
    assert code != 0
    assert "--scope" in err and "calling-sdk" in err and "all" in err


@pytest.mark.parametrize(
    ("reason", "sub", "result_category"),
    [
        ("410", "3101", "UnexpectedClientError"),
        ("0", "5317", "ExpectedError"),
        ("487", "10004", "ExpectedError"),
        ("480", "10037", "ExpectedError"),
        ("495", "4507", "UnexpectedClientError"),
        ("403", "5828", "UnexpectedClientError"),
    ],
)
def test_explain_answers_from_the_documented_pair(
    cli: CliRunner, reason: str, sub: str, result_category: str
) -> None:
    code, out, _ = cli("explain", reason, sub, "-f", "json")
    assert code == 0
    (result,) = json.loads(out)["results"]
    assert result["documented"] is True and result["match_level"] == "pair"
    assert result["meaning"]["result_category"] == result_category

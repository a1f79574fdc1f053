"""Schema and content checks for mappings/catalog.yaml.

* catalog.yaml and every tests/fixtures/catalog/valid/*.yaml validate against
  mappings/catalog.schema.json (Draft 2020-12, no format checking);
* every tests/fixtures/catalog/invalid/*.yaml is rejected, and for the right
  reason (the file name says which rule it breaks), except the two semantic
  fixtures that JSON Schema cannot catch (duplicate_pair, unknown_source_ref):
  those are schema-valid and are caught by the semantic checks below instead;
* catalog.yaml holds exactly the 20 documented PSTN pairs, with unique keys and
  defined source references;
* catalog.yaml holds every pair of the two Microsoft sources it covers, and nothing else:
  the tables of the troubleshooting-codes page (2025-07-14) and the Call Diagnostics
  sub-code mapping (2025-02-18), transcribed in tests/fixtures/catalog/sources/ (numbers and
  published result categories only), each in the scope of the table it comes from and with
  the result category of the source it cites.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "mappings" / "catalog.yaml"
SCHEMA = ROOT / "mappings" / "catalog.schema.json"
FIXTURES = ROOT / "tests" / "fixtures" / "catalog"

# Fixtures that are valid JSON Schema-wise; only a semantic check can reject them.
SEMANTIC_ONLY = {"duplicate_pair.yaml", "unknown_source_ref.yaml"}

# invalid fixture -> (word every error must mention in its path or message,
#                     JSON Schema keyword at least one error must come from)
EXPECTED_ERRORS: dict[str, tuple[str, str]] = {
    "missing_title.yaml": ("title", "required"),
    "bad_category.yaml": ("category", "enum"),
    "sub_code_not_string.yaml": ("end_sub_code", "type"),
    "empty_actions.yaml": ("actions", "minItems"),
    "unknown_field.yaml": ("severity", "additionalProperties"),
    "bad_source_url.yaml": ("url", "pattern"),
    "who_acts_unknown.yaml": ("who_acts", "enum"),
    "retry_bad_value.yaml": ("retry", "enum"),
    "retry_unquoted_no.yaml": ("retry", "enum"),
    "outcome_bad.yaml": ("outcome", "enum"),
    "bad_date.yaml": ("date", "pattern"),
    "date_not_string.yaml": ("date", "type"),
    "end_reason_bad_pattern.yaml": ("end_reason", "pattern"),
    "bad_scope.yaml": ("scope", "enum"),
    "result_category_failure.yaml": ("result_category", "enum"),
    "category_normal_for_failure.yaml": ("category", "not"),
    "who_acts_none_combined.yaml": ("who_acts", "maxItems"),
    "empty_sources.yaml": ("sources", "minItems"),
    "bad_schema_id.yaml": ("schema", "const"),
    "bad_origin_default.yaml": ("origin_default", "enum"),
    "normal_outcome_for_failure_code.yaml": ("outcome", "not"),
    "failure_outcome_for_code_0.yaml": ("outcome", "const"),
    "code_bad_origin.yaml": ("origin", "enum"),
    "sip_class_bad.yaml": ("class", "enum"),
    "errata_missing_corrected.yaml": ("corrected", "required"),
    "missing_source.yaml": ("source", "required"),
    "missing_scope.yaml": ("scope", "required"),
    "http_status_bad_pattern.yaml": ("status", "pattern"),
    "http_status_normal_for_4xx.yaml": ("outcome", "not"),
    "http_class_bad.yaml": ("class", "enum"),
}

EXPECTED_PSTN_PAIRS = {
    ("0", "0"),
    ("0", "560000"),
    ("0", "540000"),
    ("403", "510403"),
    ("403", "560403"),
    ("403", "511532"),
    ("404", "560404"),
    ("404", "511404"),
    ("408", "560408"),
    ("408", "500001"),
    ("410", "531004"),
    ("480", "560480"),
    ("484", "560484"),
    ("486", "560486"),
    ("486", "540486"),
    ("487", "540487"),
    ("487", "560487"),
    ("500", "560500"),
    ("503", "560503"),
    ("603", "560603"),
}

NORMAL_CODE = re.compile(r"^(0|2[0-9]{2})$")


def load(path: Path):
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)  # no format_checker: format checking off


@pytest.fixture(scope="module")
def catalog() -> dict:
    return load(CATALOG)


def schema_errors(validator: Draft202012Validator, doc) -> list:
    return sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))


def describe(errors) -> str:
    return "\n".join(f"  {'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors)


def semantic_problems(doc: dict) -> list[str]:
    """The checks JSON Schema cannot express (the lead's loader does the same)."""
    problems: list[str] = []

    def dups(kind: str, keys) -> None:
        for key, n in Counter(keys).items():
            if n > 1:
                problems.append(f"duplicate {kind} {key} ({n} times)")

    source_ids = [s["id"] for s in doc.get("sources", [])]
    dups("source id", source_ids)
    dups("pair", [(p["end_reason"], p["end_sub_code"]) for p in doc.get("pairs", [])])
    dups("code", [(c["end_reason"], c["origin"]) for c in doc.get("codes", [])])
    dups("sip class", [c["class"] for c in doc.get("sip_classes", [])])
    dups("call automation status", [c["status"] for c in doc.get("call_automation_statuses", [])])
    dups("http class", [c["class"] for c in doc.get("http_classes", [])])

    defined = set(source_ids)
    for section in ("pairs", "codes", "sip_classes", "errata", "call_automation_statuses", "http_classes"):
        for i, entry in enumerate(doc.get(section, [])):
            if entry["source"] not in defined:
                problems.append(f"{section}[{i}] cites undefined source {entry['source']!r}")
    return problems


# ------------------------------------------------------------------ valid documents


def test_catalog_matches_schema(validator, catalog):
    errors = schema_errors(validator, catalog)
    assert not errors, "catalog.yaml does not match the schema:\n" + describe(errors)


@pytest.mark.parametrize("path", sorted((FIXTURES / "valid").glob("*.yaml")), ids=lambda p: p.name)
def test_valid_fixture(validator, path):
    doc = load(path)
    errors = schema_errors(validator, doc)
    assert not errors, f"{path.name} should be valid:\n" + describe(errors)
    assert semantic_problems(doc) == []


def test_valid_fixtures_exist():
    assert (FIXTURES / "valid" / "minimal.yaml").is_file()


# ------------------------------------------------------------------ invalid documents

INVALID = sorted((FIXTURES / "invalid").glob("*.yaml"))


def test_invalid_fixture_set_is_complete():
    names = {p.name for p in INVALID}
    assert len(names - SEMANTIC_ONLY) >= 10
    assert names >= SEMANTIC_ONLY, "semantic fixtures missing"
    # every schema fixture has an expectation, and every expectation has a fixture
    assert names - SEMANTIC_ONLY == set(EXPECTED_ERRORS)


@pytest.mark.parametrize("path", [p for p in INVALID if p.name not in SEMANTIC_ONLY], ids=lambda p: p.name)
def test_invalid_fixture_rejected_for_the_named_reason(validator, path):
    word, keyword = EXPECTED_ERRORS[path.name]
    errors = schema_errors(validator, load(path))
    assert errors, f"{path.name} should be rejected by the schema"
    for e in errors:
        mentioned = word in map(str, e.absolute_path) or word in e.message
        assert mentioned, f"{path.name}: error not about {word!r}:\n" + describe([e])
    assert any(e.validator == keyword for e in errors), (
        f"{path.name}: expected a {keyword!r} error, got:\n" + describe(errors)
    )


@pytest.mark.parametrize("name", sorted(SEMANTIC_ONLY))
def test_semantic_fixture_passes_schema_but_fails_semantics(validator, name):
    doc = load(FIXTURES / "invalid" / name)
    assert not schema_errors(validator, doc), f"{name} is meant to be schema-valid"
    problems = semantic_problems(doc)
    assert problems, f"{name} should fail the semantic checks"
    expected = "duplicate pair" if name == "duplicate_pair.yaml" else "undefined source"
    assert any(expected in p for p in problems), problems


# ------------------------------------------------------------------ catalog content


def test_catalog_semantics(catalog):
    assert semantic_problems(catalog) == []


def test_exactly_the_20_pstn_pairs(catalog):
    pstn = [p for p in catalog["pairs"] if p["scope"] == "pstn"]
    assert len(pstn) == 20
    keys = [(p["end_reason"], p["end_sub_code"]) for p in pstn]
    assert len(set(keys)) == len(keys)
    assert set(keys) == EXPECTED_PSTN_PAIRS


def test_all_pairs_unique(catalog):
    keys = [(p["end_reason"], p["end_sub_code"]) for p in catalog["pairs"]]
    assert len(set(keys)) == len(keys)


def test_every_source_reference_defined(catalog):
    defined = {s["id"] for s in catalog["sources"]}
    for section in ("pairs", "codes", "sip_classes", "errata", "call_automation_statuses", "http_classes"):
        for entry in catalog[section]:
            assert entry["source"] in defined, (section, entry)


def test_normal_iff_code_0_or_2xx(catalog):
    """The KQL counts a leg as failed unless its end reason is 0 or 2xx."""
    for section in ("pairs", "codes"):
        for entry in catalog[section]:
            normal = bool(NORMAL_CODE.match(entry["end_reason"]))
            assert (entry["outcome"] == "normal") == normal, (section, entry["end_reason"], entry["title"])
    for cls in catalog["sip_classes"]:
        assert (cls["outcome"] == "normal") == (cls["class"] == "2"), cls["class"]


def test_codes_cover_acs_and_rfc3261(catalog):
    by_origin: dict[str, set[str]] = {"acs": set(), "rfc3261": set()}
    for c in catalog["codes"]:
        by_origin[c["origin"]].add(c["end_reason"])
    acs = {
        "0",
        "403",
        "404",
        "408",
        "410",
        "430",
        "480",
        "481",
        "487",
        "490",
        "491",
        "496",
        "497",
        "498",
        "500",
        "503",
        "504",
        "600",
        "603",
        "604",
        "606",
    }
    assert by_origin["acs"] == acs
    assert {"200", "400", "403", "486", "487", "503", "603", "606"} <= by_origin["rfc3261"]
    assert not by_origin["rfc3261"] & {"0", "430", "490", "496", "497", "498"}


def test_sip_classes_are_1_to_6(catalog):
    assert sorted(c["class"] for c in catalog["sip_classes"]) == ["1", "2", "3", "4", "5", "6"]


def test_call_automation_statuses_are_those_of_the_older_page(catalog):
    """The statuses of the Call Automation table without sub-codes (end-codes.md S4), each
    citing it; a failure outcome for all of them."""
    statuses = {s["status"]: s for s in catalog["call_automation_statuses"]}
    assert set(statuses) == {"400", "401", "403", "404", "429", "500", "502"}
    assert {s["source"] for s in statuses.values()} == {"call-automation-sdk-codes-2024-07"}
    assert all(s["outcome"] == "failure" for s in statuses.values())
    assert statuses["429"]["category"] == "service-limit" and statuses["429"]["retry"] == "later"
    assert statuses["500"]["who_acts"] == statuses["502"]["who_acts"] == ["microsoft"]


def test_http_classes_are_rfc9110_success_client_and_server(catalog):
    classes = {c["class"]: c for c in catalog["http_classes"]}
    assert sorted(classes) == ["2", "4", "5"]
    assert {c["source"] for c in classes.values()} == {"rfc9110"}
    assert [classes[k]["outcome"] for k in ("2", "4", "5")] == ["normal", "failure", "failure"]


def test_errata_correct_to_catalogued_pairs(catalog):
    pairs = {(p["end_reason"], p["end_sub_code"]) for p in catalog["pairs"]}
    errata = {
        (e["source"], e["as_published"]["end_reason"], e["as_published"]["end_sub_code"]): (
            e["corrected"]["end_reason"],
            e["corrected"]["end_sub_code"],
        )
        for e in catalog["errata"]
    }
    assert errata == {
        ("pstn-response-codes-2023-11", "486", "560484"): ("486", "560486"),
        ("pstn-codes-2025-07", "497", "560487"): ("487", "560487"),
    }
    assert set(errata.values()) <= pairs


def test_origin_rules(catalog):
    rules = {r["prefix"]: r["generated_by"] for r in catalog["origin_rules"]}
    assert rules == {"560": "sbc-outbound", "540": "sbc-inbound"}
    assert catalog["origin_default"] == "microsoft"


# ------------------------------------------------------------------ coverage of the sources

SOURCES = FIXTURES / "sources"
PAGE = "pstn-codes-2025-07"  # the troubleshooting-codes page, 2025-07-14
MAPPING = "call-diagnostics-2025-02"  # the Call Diagnostics sub-code mapping, 2025-02-18

# Rows with a sub-code read in each table of the page, and rows of the mapping.
PAGE_ROWS = {"calling-sdk": 46, "call-end": 38, "call-automation": 48, "pstn": 20}
MAPPING_ROWS = {"client": 466, "service": 51}

# Pairs per scope, counted from those rows. A pair listed in several tables is counted once,
# in the first scope of: pstn, rooms, calling, calling-sdk, call-automation.
EXPECTED_SCOPE_COUNTS = {
    "pstn": 20,  # the PSTN table
    "rooms": 3,  # the call-end table's Rooms rows (403/5828, 5829, 5830)
    # call-end rows, less the 6 also in the PSTN table and the 3 Rooms rows, plus the 17
    # service rows of the mapping in neither of those tables
    "calling": 38 - 6 - 3 + 17,
    # client rows of the mapping (43001 twice); the page's Calling SDK table adds only
    # 401/71005, which its call-end table also lists (calling)
    "calling-sdk": 466 - 1,
    # Call Automation rows less the 27 whose pair another table or the mapping lists
    "call-automation": 48 - 27,
}
SCOPE_ORDER = ("pstn", "rooms", "calling", "calling-sdk", "call-automation")
ROOMS_SUB_CODES = {"5828", "5829", "5830"}


def read_source(name: str) -> list[dict[str, str]]:
    lines = [
        line for line in (SOURCES / name).read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    ]
    return list(csv.DictReader(lines, delimiter="\t"))


@pytest.fixture(scope="module")
def page_rows() -> list[dict[str, str]]:
    return read_source("troubleshooting-codes-2025-07.tsv")


@pytest.fixture(scope="module")
def mapping_rows() -> list[dict[str, str]]:
    return read_source("call-diagnostics-subcodes-2025-02.tsv")


def _published(catalog: dict, row: dict[str, str]) -> tuple[str, str]:
    """The pair a printed row means (a row printed with a typo maps through the errata)."""
    key = (row["end_reason"], row["end_sub_code"])
    for erratum in catalog["errata"]:
        printed = (erratum["as_published"]["end_reason"], erratum["as_published"]["end_sub_code"])
        if printed == key:
            return erratum["corrected"]["end_reason"], erratum["corrected"]["end_sub_code"]
    return key


def _category(value: str) -> str:
    return value.replace("UnxpectedClientError", "UnexpectedClientError")  # the page's typo


def expected_scopes(catalog: dict, page_rows, mapping_rows) -> dict[tuple[str, str], str]:
    scopes: dict[tuple[str, str], set[str]] = {}
    for row in page_rows:
        scope = {"call-end": "calling", "calling-sdk": "calling-sdk"}.get(row["table"], row["table"])
        if row["table"] == "call-end" and row["end_sub_code"] in ROOMS_SUB_CODES:
            scope = "rooms"
        scopes.setdefault(_published(catalog, row), set()).add(scope)
    for row in mapping_rows:
        scope = "calling" if row["client_or_service"] == "service" else "calling-sdk"
        scopes.setdefault((row["end_reason"], row["end_sub_code"]), set()).add(scope)
    return {key: min(found, key=SCOPE_ORDER.index) for key, found in scopes.items()}


def test_source_transcriptions_have_the_rows_read(page_rows, mapping_rows):
    assert Counter(r["table"] for r in page_rows) == PAGE_ROWS
    assert Counter(r["client_or_service"] for r in mapping_rows) == MAPPING_ROWS
    mapping_pairs = Counter((r["end_reason"], r["end_sub_code"]) for r in mapping_rows)
    assert [k for k, n in mapping_pairs.items() if n > 1] == [("403", "43001")]
    # the mapping is keyed by sub-code alone: only sub-code 0 has several end reasons
    reasons: dict[str, set[str]] = {}
    for r in mapping_rows:
        reasons.setdefault(r["end_sub_code"], set()).add(r["end_reason"])
    assert {sub: codes for sub, codes in reasons.items() if len(codes) > 1} == {"0": {"0", "487", "603"}}


def test_scope_counts_match_the_source_tables(catalog, page_rows, mapping_rows):
    from_sources = Counter(expected_scopes(catalog, page_rows, mapping_rows).values())
    assert from_sources == EXPECTED_SCOPE_COUNTS
    assert Counter(p["scope"] for p in catalog["pairs"]) == EXPECTED_SCOPE_COUNTS


def test_catalog_holds_exactly_the_documented_pairs_in_their_scopes(catalog, page_rows, mapping_rows):
    expected = expected_scopes(catalog, page_rows, mapping_rows)
    got = {(p["end_reason"], p["end_sub_code"]): p["scope"] for p in catalog["pairs"]}
    assert set(got) - set(expected) == set(), "pairs no source documents"
    assert set(expected) - set(got) == set(), "documented pairs missing"
    assert got == expected


def test_every_mapping_sub_code_is_catalogued(catalog, mapping_rows):
    pairs = {(p["end_reason"], p["end_sub_code"]) for p in catalog["pairs"]}
    missing = [r for r in mapping_rows if (r["end_reason"], r["end_sub_code"]) not in pairs]
    assert missing == []
    assert {r["end_sub_code"] for r in mapping_rows} <= {p["end_sub_code"] for p in catalog["pairs"]}


def test_result_categories_come_from_the_cited_source(catalog, page_rows, mapping_rows):
    """The page's category where it prints one, else the mapping's, else none; where both
    print one and they differ, the note gives both."""
    printed: dict[tuple[str, str], set[str]] = {}
    for row in page_rows:
        if row["result_category"]:
            printed.setdefault(_published(catalog, row), set()).add(_category(row["result_category"]))
    assert all(len(values) == 1 for values in printed.values()), "the page's tables agree"
    page = {key: values.pop() for key, values in printed.items()}
    mapping = {
        (r["end_reason"], r["end_sub_code"]): r["result_category"]
        for r in mapping_rows
        if r["result_category"]
    }
    for p in catalog["pairs"]:
        key = (p["end_reason"], p["end_sub_code"])
        if key in page:
            expected = (page[key], PAGE)
        elif key in mapping:
            expected = (mapping[key], MAPPING)
        else:
            expected = (None, None)
        assert (p.get("result_category"), p.get("result_category_source")) == expected, key
        if key in page and key in mapping and mapping[key] != page[key]:
            assert page[key] in p["note"] and mapping[key] in p["note"], key


def test_pair_sources_are_the_pages_read(catalog):
    assert {p["source"] for p in catalog["pairs"]} == {PAGE, MAPPING}


def test_categories_of_every_pair_are_defined(catalog):
    kinds = {c["id"]: c["kind"] for c in catalog["categories"]}
    assert {p["category"] for p in catalog["pairs"]} <= set(kinds)
    assert {k for k, kind in kinds.items() if kind == "callee-outcome"} == {
        "callee-busy",
        "callee-no-answer",
        "callee-declined",
        "canceled",
    }

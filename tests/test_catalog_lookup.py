"""The catalog as users meet it: explain every documented pair, typos, fallbacks."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acs_triage.catalog.loader import Catalog, build_catalog, load_catalog, load_document
from acs_triage.catalog.model import MatchLevel
from acs_triage.codes import is_failure_end
from acs_triage.errors import CatalogError
from acs_triage.resources import data_root

SEED_PAIRS = [
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
    ("487", "540487"),
    ("487", "560487"),
    ("500", "560500"),
    ("503", "560503"),
    ("603", "560603"),
]
NEWEST_EXTRA = [("0", "0"), ("486", "540486")]
S1_URL = "https://learn.microsoft.com/azure/communication-services/resources/troubleshooting/voice-video-calling/troubleshooting-codes"

# Pairs users asked about that used to fall back to a SIP class, with the result category
# the troubleshooting-codes page (2025-07-14) prints for each.
ASKED_PAIRS = [
    ("410", "3101", "UnexpectedClientError"),  # printed "UnxpectedClientError" (typo)
    ("0", "5317", "ExpectedError"),
    ("487", "10004", "ExpectedError"),
    ("480", "10037", "ExpectedError"),
    ("495", "4507", "UnexpectedClientError"),
    ("403", "5828", "UnexpectedClientError"),
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.mark.parametrize(("reason", "sub"), SEED_PAIRS + NEWEST_EXTRA)
def test_every_documented_pair_is_found(catalog: Catalog, reason: str, sub: str) -> None:
    explanation = catalog.explain(reason, sub)
    assert explanation.level is MatchLevel.PAIR
    assert explanation.documented
    meaning = explanation.meaning
    assert meaning is not None and meaning.title and meaning.causes and meaning.actions
    assert meaning.source.url.startswith("https://learn.microsoft.com/")
    assert (meaning.outcome == "normal") == (reason == "0")


@pytest.mark.parametrize(("reason", "sub", "result_category"), ASKED_PAIRS)
def test_asked_pairs_resolve_as_documented_pairs(
    catalog: Catalog, reason: str, sub: str, result_category: str
) -> None:
    explanation = catalog.explain(reason, sub)
    assert explanation.level is MatchLevel.PAIR and explanation.documented
    meaning = explanation.meaning
    assert meaning.result_category == result_category
    assert meaning.result_category_source is not None
    assert meaning.result_category_source.url == S1_URL
    assert meaning.source.url == S1_URL


def test_every_pair_explains_itself(catalog: Catalog) -> None:
    for pair in catalog.pairs:
        explanation = catalog.explain(pair.end_reason, pair.end_sub_code)
        assert explanation.level is MatchLevel.PAIR, (pair.end_reason, pair.end_sub_code)
        assert explanation.meaning == pair.meaning


def test_every_pair_category_is_defined_with_a_kind(catalog: Catalog) -> None:
    kinds = {c.id: c.kind for c in catalog.categories}
    for pair in catalog.pairs:
        assert pair.meaning.category in kinds, (pair.end_reason, pair.end_sub_code)
        assert (kinds[pair.meaning.category] == "normal") == (pair.meaning.outcome == "normal")


def test_exactly_the_twenty_pstn_pairs(catalog: Catalog) -> None:
    got = {(p.end_reason, p.end_sub_code) for p in catalog.pairs if p.scope == "pstn"}
    assert got == set(SEED_PAIRS + NEWEST_EXTRA)


@pytest.mark.parametrize(
    ("sub", "generated_by"),
    [
        ("560403", "sbc-outbound"),
        ("540487", "sbc-inbound"),
        ("510403", "microsoft"),
        ("0", "unknown"),  # sub-code 0 names nobody
        ("000", "unknown"),
        ("", "unknown"),
        ("560", "microsoft"),
        ("5604031", "microsoft"),
    ],
)
def test_origin_rule(catalog: Catalog, sub: str, generated_by: str) -> None:
    assert catalog.origin(sub)[0] == generated_by


def test_origin_note_names_the_sip_code_the_sbc_sent(catalog: Catalog) -> None:
    assert "SIP 403" in catalog.origin("560403")[1]


def test_seed_typo_busy_560484_is_an_erratum(catalog: Catalog) -> None:
    explanation = catalog.explain("486", "560484")
    assert explanation.level is MatchLevel.ERRATUM
    assert explanation.erratum is not None
    assert explanation.erratum.corrected == ("486", "560486")
    assert explanation.meaning == catalog.explain("486", "560486").meaning


def test_newest_page_typo_497_is_an_erratum(catalog: Catalog) -> None:
    explanation = catalog.explain("497", "560487")
    assert explanation.level is MatchLevel.ERRATUM
    assert explanation.meaning == catalog.explain("487", "560487").meaning


def test_real_484_pair_is_not_mistaken_for_the_typo(catalog: Catalog) -> None:
    assert catalog.explain("484", "560484").meaning.title.lower().startswith("incomplete")  # type: ignore[union-attr]


def test_sub_code_zero_belongs_to_its_code_not_to_every_code(catalog: Catalog) -> None:
    """Sub-code 0 is documented under four end reasons: each pair is found as itself,
    and the sub-code step never lends one of them to another end reason."""
    assert {(p.end_reason, p.end_sub_code) for p in catalog.pairs_with_sub_code("0")} == {
        ("0", "0"),
        ("487", "0"),
        ("603", "0"),
        ("200", "0"),
    }
    assert catalog.explain("0", "0").level is MatchLevel.PAIR
    declined = catalog.explain("603", "0")
    assert declined.level is MatchLevel.PAIR and declined.meaning.category == "callee-declined"
    for reason in ("486", "480", "500"):
        explanation = catalog.explain(reason, "0")
        assert explanation.level is MatchLevel.CODE, reason
        assert explanation.meaning.outcome == "failure"


def test_documented_sub_code_explains_another_end_reason(catalog: Catalog) -> None:
    """Users report 500/511404: the documented sub-code says more than a bare 500."""
    explanation = catalog.explain("500", "511404")
    documented = catalog.pair("404", "511404")
    assert documented is not None
    assert explanation.level is MatchLevel.SUB_CODE and not explanation.documented
    assert explanation.meaning == documented.meaning and explanation.sub_code_pair == documented
    assert explanation.to_dict()["match_level"] == "sub-code"
    assert "511404" in explanation.basis and "404/511404" in explanation.basis


def test_sub_code_lookup_keeps_failures_and_normal_endings_apart(catalog: Catalog) -> None:
    # 0 is normal clearing: the failure meaning of 403/560403 does not apply to it.
    assert catalog.explain("0", "560403").level is MatchLevel.CODE
    # 560000 is documented only as normal clearing: a failed 503 is not explained by it.
    assert catalog.explain("503", "560000").level is MatchLevel.CODE


def test_sub_code_step_uses_only_a_sub_code_one_pair_documents(catalog: Catalog) -> None:
    """With hundreds of pairs, the sub-code step still lends a meaning only when exactly one
    documented pair uses the sub-code and its outcome fits the end reason."""
    by_sub: dict[str, list[tuple[str, str]]] = {}
    for p in catalog.pairs:
        by_sub.setdefault(p.end_sub_code, []).append((p.end_reason, p.end_sub_code))
    shared = {sub for sub, pairs in by_sub.items() if len(pairs) > 1}
    assert {"0", "4521", "5000", "5010", "5013", "7000", "7015", "8522"} <= shared
    for sub in shared:
        assert catalog.explain("599", sub).level is not MatchLevel.SUB_CODE, sub
    # a client API sub-code seen under another end reason: its one documented pair
    muted = catalog.explain("400", "41015")
    assert muted.level is MatchLevel.SUB_CODE
    assert muted.sub_code_pair is not None
    assert (muted.sub_code_pair.end_reason, muted.sub_code_pair.end_sub_code) == ("500", "41015")
    # a normal ending's sub-code does not explain a failure, and the reverse
    assert catalog.explain("410", "4097").level is MatchLevel.CODE
    assert catalog.explain("0", "3101").level is MatchLevel.CODE


def test_sbc_advice_fits_the_connectivity(catalog: Catalog) -> None:
    meaning = catalog.explain("403", "560403").meaning
    direct = meaning.actions_for("direct-routing")
    numbers = meaning.actions_for("microsoft-numbers")
    both = meaning.actions_for("unknown")
    assert any("your SBC's logs" in a for a in direct)
    assert not any("SBC's logs" in a for a in numbers), "no SBC to read with Microsoft numbers"
    assert set(meaning.actions) <= set(direct) & set(numbers) & set(both)
    labelled = [a for a in both if a not in meaning.actions]
    assert labelled and all(
        a.startswith(("With Direct Routing", "With Microsoft-provided numbers")) for a in labelled
    )
    assert "sbc" in meaning.who_acts_for("direct-routing")
    assert meaning.who_acts_for("microsoft-numbers") == ("microsoft", "application")


def test_connectivity_from_pstn_call_types(catalog: Catalog) -> None:
    assert catalog.connectivity(["DirectRouting outbound"]) == "direct-routing"
    assert catalog.connectivity(["direct routing", "Direct_Routing"]) == "direct-routing"
    assert catalog.connectivity(["Outbound", ""]) == "unknown"
    assert catalog.connectivity([]) == "unknown"


def test_every_category_has_a_kind(catalog: Catalog) -> None:
    used = {p.meaning.category for p in catalog.pairs} | {c.meaning.category for c in catalog.codes}
    assert used <= {c.id for c in catalog.categories}
    assert catalog.callee_outcome_categories() == {
        "callee-busy",
        "callee-no-answer",
        "callee-declined",
        "canceled",
    }
    assert catalog.category_kind("normal-clearing") == "normal"
    assert catalog.category_kind("no-such-category") == "failure"
    busy = catalog.explain("486", "560486").meaning
    assert catalog.category_kind(busy.category) == "callee-outcome"


def test_result_categories_cite_where_microsoft_publishes_them(catalog: Catalog) -> None:
    """The Call Diagnostics sub-code mapping is a different source from the codes page."""
    by_key = {(p.end_reason, p.end_sub_code): p.meaning for p in catalog.pairs if p.scope == "pstn"}
    diagnostics = {
        k for k, m in by_key.items() if m.result_category_source and "queries" in m.result_category_source.url
    }
    assert diagnostics == {
        ("403", "560403"),
        ("404", "560404"),
        ("408", "500001"),
        ("480", "560480"),
        ("503", "560503"),
    }
    for pair in catalog.pairs:
        meaning = pair.meaning
        assert (meaning.result_category is None) == (meaning.result_category_source is None)


def test_acs_meaning_wins_over_rfc3261(catalog: Catalog) -> None:
    explanation = catalog.explain("480", "99999")
    assert explanation.level is MatchLevel.CODE and explanation.code_origin == "acs"
    rfc = [c for c in catalog.codes if c.end_reason == "480" and c.origin == "rfc3261"]
    assert rfc, "the RFC meaning exists too; the ACS one must win"


def test_rfc_code_then_sip_class_then_unknown(catalog: Catalog) -> None:
    assert catalog.explain("502", "560502").level is MatchLevel.CODE
    assert catalog.explain("502", "560502").code_origin == "rfc3261"
    assert catalog.explain("599", "1").level is MatchLevel.SIP_CLASS
    assert catalog.explain("", "").level is MatchLevel.UNKNOWN
    assert catalog.explain("abc", "x").level is MatchLevel.UNKNOWN


@pytest.mark.parametrize("reason", [403, "403", " 403 ", "403.0", 403.0])
@pytest.mark.parametrize("sub", [560403, "560403", "560403 ", " 560403"])
def test_values_as_logs_hold_them(catalog: Catalog, reason: object, sub: object) -> None:
    assert catalog.explain(reason, sub).level is MatchLevel.PAIR


@pytest.mark.parametrize("blank", [None, "", "null", "NULL", " ", "None"])
def test_blanks_and_null_strings(catalog: Catalog, blank: object) -> None:
    assert catalog.explain(blank, blank).level is MatchLevel.UNKNOWN


@given(
    st.one_of(st.none(), st.text(), st.integers(), st.floats(), st.booleans(), st.binary()),
    st.one_of(st.none(), st.text(), st.integers(), st.floats(), st.booleans()),
)
def test_lookup_never_raises(reason: object, sub: object) -> None:
    load_catalog().explain(reason, sub)


def test_catalog_outcomes_follow_is_failure_end(catalog: Catalog) -> None:
    for pair in catalog.pairs:
        assert (pair.meaning.outcome == "failure") == is_failure_end(pair.end_reason)
    for code in catalog.codes:
        assert (code.meaning.outcome == "failure") == is_failure_end(code.end_reason)


def test_pairs_with_sub_code_lists_every_pair(catalog: Catalog) -> None:
    assert {(p.end_reason, p.end_sub_code) for p in catalog.pairs_with_sub_code("560484")} == {
        ("484", "560484"),
        ("486", "560486"),
    }


def _packaged_document() -> dict[str, object]:
    text = data_root("mappings").joinpath("catalog.yaml").read_text(encoding="utf-8")
    return load_document(text)


def test_loader_rejects_duplicate_pairs() -> None:
    document = _packaged_document()
    document["pairs"] = [*document["pairs"], document["pairs"][3]]  # type: ignore[list-item, index]
    with pytest.raises(CatalogError, match="duplicate"):
        build_catalog(document)


def test_loader_rejects_undefined_source() -> None:
    document = json.loads(json.dumps(_packaged_document()))
    document["pairs"][0]["source"] = "nowhere"
    with pytest.raises(CatalogError, match="nowhere"):
        build_catalog(document)


def test_loader_rejects_schema_violations() -> None:
    document = json.loads(json.dumps(_packaged_document()))
    del document["pairs"][0]["title"]
    with pytest.raises(CatalogError, match="title"):
        build_catalog(document)


def test_explain_all_for_an_end_reason_alone(catalog: Catalog) -> None:
    items = catalog.explain_all("403")
    pairs = [(i.end_reason, i.end_sub_code) for i in items]
    assert pairs[:3] == [("403", "510403"), ("403", "560403"), ("403", "511532")]  # PSTN first
    assert {("403", "5828"), ("403", "7507"), ("403", "43001")} <= set(pairs)  # rooms, CA, SDK
    assert all(reason == "403" for reason, _ in pairs)
    assert pairs[-1] == ("403", "")
    assert items[-1].level is MatchLevel.CODE
    assert all(i.level is MatchLevel.PAIR for i in items[:-1])


def test_explain_all_for_zero_covers_both_meanings(catalog: Catalog) -> None:
    pairs = {(i.end_reason, i.end_sub_code) for i in catalog.explain_all("0")}
    assert {("0", "0"), ("0", "560000"), ("0", "540000"), ("0", ""), ("0", "4097")} <= pairs
    assert {("487", "0"), ("603", "0"), ("200", "0")} <= pairs  # sub-code 0 under other codes


def test_explain_all_for_sub_codes(catalog: Catalog) -> None:
    assert [(i.end_reason, i.level) for i in catalog.explain_all("560502")] == [("502", MatchLevel.CODE)]
    assert catalog.explain_all("999999") == []
    assert len(catalog.explain_all("403", "560403")) == 1


# -- Call Automation request statuses (ACSCallAutomationIncomingOperations.ResultSignature) --
S4_CA_URL = "call-automation-sdk.md"


@pytest.mark.parametrize(
    ("status", "level", "title"),
    [
        (403, "status", "Call Automation request forbidden"),
        (429, "status", "Call Automation: too many requests"),
        (502, "status", "Call Automation bad gateway"),
        (409, "http-class", "Client error (4xx)"),  # listed by Microsoft without a meaning
        (503, "http-class", "Server error (5xx)"),
        (202, "http-class", "Success (2xx)"),
        (None, "unknown", "Unknown HTTP status"),
        (0, "unknown", "Unknown HTTP status"),
        (99, "unknown", "Unknown HTTP status"),
        (700, "unknown", "Unknown HTTP status"),
    ],
)
def test_call_automation_status_documented_then_http_class(
    catalog: Catalog, status: int | None, level: str, title: str
) -> None:
    explanation = catalog.explain_status(status)
    assert (explanation.level.value, explanation.meaning.title) == (level, title)
    assert explanation.documented == (level == "status")
    if level == "status":
        assert explanation.meaning.source.url.endswith(S4_CA_URL)
        assert explanation.meaning.source.date == "2024-07-22"
    elif level == "http-class":
        assert explanation.meaning.source.id == "rfc9110" and "RFC 9110" in explanation.basis
    else:
        assert not explanation.meaning.known


def test_automation_pairs_are_the_call_automation_sub_codes_of_a_status(catalog: Catalog) -> None:
    assert [(p.end_reason, p.end_sub_code) for p in catalog.automation_pairs(403)] == [
        ("403", "7507"),
        ("403", "7504"),
    ]
    assert {p.end_sub_code for p in catalog.automation_pairs(405)} == {"8520", "8522"}
    assert all(p.scope == "call-automation" for p in catalog.automation_pairs(400))
    assert catalog.automation_pairs(502) == [] and catalog.automation_pairs(None) == []


def test_loader_rejects_duplicate_call_automation_statuses() -> None:
    document = json.loads(json.dumps(_packaged_document()))
    document["call_automation_statuses"].append(document["call_automation_statuses"][0])
    with pytest.raises(CatalogError, match="call_automation_statuses/7: duplicate entry"):
        build_catalog(document)


def test_loader_rejects_an_http_class_citing_an_undefined_source() -> None:
    document = json.loads(json.dumps(_packaged_document()))
    document["http_classes"][0]["source"] = "nowhere"
    with pytest.raises(CatalogError, match="http_classes/0: source 'nowhere' is not defined"):
        build_catalog(document)

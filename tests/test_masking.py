"""The masking rule (issue 11, item 12): phone numbers in every notation, in values and
in the data messages quote; never GUIDs, dates, decimals or acs-triage's own numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from acs_triage.masking import (
    contains_phone_number,
    mark,
    mask_identifier,
    mask_rejections,
    mask_text,
    quote,
    reason_kind,
    redact_urls,
)
from acs_triage.records import Rejection
from tests.helpers import CliRunner

NOTATIONS = [
    "+1 (425) 555-0125",
    "tel:+1-425-555-0127",
    "sip:+14255550123@host",
    "4:+44 20 7946 0958",
    "+1.425.555.0130",
    "0425 555 0135",
    "4255550199123456",  # a 16-digit run
    "4:+14255550129x",
    "+14255550123",
    "4:+14255550123",
    "+33\u00a01\u00a042\u00a068\u00a053\u00a000",  # no-break spaces
    "(425) 555-0125",
    "+49 (0)30 1234567",
    "call +1 425 555 0100 now",
]


def digits(text: str) -> str:
    """The number's digits (an ACS identifier's ``4:`` kind prefix is not part of it)."""
    return re.sub(r"\D", "", text.removeprefix("4:"))


@pytest.mark.parametrize("value", NOTATIONS)
def test_every_notation_is_masked(value: str) -> None:
    masked = mask_identifier(value)
    planted = digits(value)
    shown = digits(masked)
    assert masked.startswith("4:") == value.startswith("4:")
    # The first three and last two digits stay, every other digit is a '*' in place.
    assert shown == planted[:3] + planted[-2:]
    assert masked.count("*") == len(planted) - 5
    assert len(masked) == len(value) and re.sub(r"[\d*]", "", masked) == re.sub(r"\d", "", value)
    assert not re.search(r"\d{4}", masked)  # no run of four digits survives
    assert contains_phone_number(value) and not contains_phone_number(masked)


@pytest.mark.parametrize(
    ("value", "masked"),
    [("+14255550123", "+142******23"), ("4:+14255550123", "4:+142******23"), ("14255550123", "142******23")],
)
def test_one_e164_number_masks_exactly_as_the_kql_does(value: str, masked: str) -> None:
    assert mask_identifier(value) == masked


@pytest.mark.parametrize(
    "value",
    [
        "6b1f0c52-0000-4a5e-9d55-000000000001",
        "12345678-1234-1234-1234-123456789012",  # a GUID of digits only
        "8:acs:6b1f0c52-0000-4a5e-9d55-000000000001_00000017-2e5a-4a4b-8c8d-123456789012",
        "2026-11-28T02:10:38.1234567Z",
        "2026-11-28 02:10:38",
        "28/11/2026, 14:10:38.000",
        "28.11.2026 14:10:38",
        "(2025-07-14)",
        "0.333333",
        "403/560403",
        "560403",
        "Call ended 1234 times",  # a short run
    ],
)
def test_guids_dates_decimals_and_codes_are_kept(value: str) -> None:
    assert mask_identifier(value) == value and not contains_phone_number(value)


def test_only_the_data_a_message_quotes_is_masked() -> None:
    message = f"line 1234567: unparseable TimeGenerated {quote('+14255550123')} (limit 1048576)"
    assert mask_text(message) == "line 1234567: unparseable TimeGenerated '+142******23' (limit 1048576)"
    assert (
        mask_text(message, show_pii=True)
        == "line 1234567: unparseable TimeGenerated '+14255550123' (limit 1048576)"
    )
    assert mask_text("line longer than 1048576 characters") == "line longer than 1048576 characters"


def test_quoting_is_short_and_cannot_be_forged_by_the_data() -> None:
    shown = mask_text(quote("\x0e+14255550123\x0f" + "x" * 60), show_pii=True)
    assert shown.startswith("'\\x0e+14255550123\\x0f") and shown.endswith("...") and len(shown) < 60
    assert mask_text(quote({"n": 14255550199})) == "'{\"n\": 142******99}'"


def test_rejections_are_counted_by_reason_without_their_data() -> None:
    reason = f"unparseable TimeGenerated {quote('0425 555 0135')}"
    assert reason_kind(reason) == "unparseable TimeGenerated"
    assert (
        reason_kind("expected 5 fields as in the header, found 7")
        == "expected 5 fields as in the header, found 7"
    )
    (shown,) = mask_rejections([Rejection("f.csv", 3, reason, 5)], show_pii=False)
    assert shown == Rejection("f.csv", 3, "unparseable TimeGenerated '042* *** **35'", 5)


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("https://user:pw@host/x", "https://***@host/x"),
        ("GET HTTPS://token@h:443/a?b=c", "GET HTTPS://***@h:443/a?b=c"),
        ("https://host/path@x", "https://host/path@x"),  # not credentials: after the host
        (
            "'https://a.blob.core.windows.net/?sv=2022&sig=AbC%2Bd&se=1'",
            "'https://a.blob.core.windows.net/?sv=2022&sig=***&se=1'",
        ),
        ("https://h/x?token=t0k3n#f", "https://h/x?token=***#f"),
        ("no url here", "no url here"),
    ],
)
def test_credentials_in_urls_are_redacted(text: str, redacted: str) -> None:
    assert redact_urls(text) == redacted


def test_the_tools_own_numbers_in_a_rejection_are_not_masked(tmp_path: Path, cli: CliRunner) -> None:
    path = tmp_path / "long.csv"
    path.write_text(
        "TimeGenerated,CorrelationId,EndpointType,ParticipantEndReason,ParticipantEndSubCode\n"
        + "x" * 1_100_000
        + "\n2026-11-01T10:00:00Z,c-1,PSTN,403,560403\n"
    )
    code, doc, _ = cli.json("triage", "--from-file", str(path), "-f", "json")
    assert code == 0
    assert [r["reason"] for r in doc["rejections"]] == ["line longer than 1,048,576 characters"]


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("4255550", "425**50"),  # seven digits, no "+": the shortest number masked
        ("425555", "425555"),  # six: a code or a count, kept
        ("0425555013", "042*****13"),
        ("1 425 555", "1 42* *55"),  # groups: seven digits in all
        ("12 345", "12 345"),
    ],
)
def test_digit_runs_without_plus(value: str, masked: str) -> None:
    assert mask_identifier(value) == masked
    assert contains_phone_number(value) is (masked != value)
    planted = re.sub(r"\D", "", value)
    if masked != value:  # the independent oracle: only the first three and last two digits remain
        assert re.sub(r"\D", "", masked) == planted[:3] + planted[-2:]
        assert masked.count("*") == len(planted) - 5


def test_marked_and_quoted_data() -> None:
    # delimiters inside the data are dropped, so the data cannot end its own mark
    assert mark("a\x0eb\x0fc +14255550123") == "\x0eabc +14255550123\x0f"
    assert mask_text("said " + mark("call +14255550123 now")) == "said call +142******23 now"
    assert mask_text("said " + mark("+14255550123"), show_pii=True) == "said +14255550123"
    # a stray delimiter marks nothing: it is removed, the text around it left as it is
    for stray in ("\x0e", "\x0f"):
        assert mask_text(f"line 14255550123{stray} end") == "line 14255550123 end"
        assert reason_kind(f"bad {stray} value") == "bad value"
    assert mask_text("\x0e\x0e+14255550123\x0f") == "+142******23"
    assert reason_kind("a \x0e'+14255550123'\x0f  b") == "a b"
    # quote: 40 characters shown whole, longer ones cut; non-ASCII kept; unserialisable named
    assert mask_text(quote("x" * 40), show_pii=True) == "'" + "x" * 40 + "'"
    assert mask_text(quote("x" * 41), show_pii=True) == "'" + "x" * 40 + "'..."
    assert mask_text(quote({"n": "é"}), show_pii=True) == '\'{"n": "é"}\''
    assert mask_text(quote(object()), show_pii=True) == "'<object>'"
    assert mask_text(quote({1, 2}), show_pii=True) == "'<set>'"


def test_rejections_unmasked_on_request() -> None:
    reason = f"bad Identifier {quote('+14255550123')}"
    (shown,) = mask_rejections([Rejection("f.csv", 3, reason, 4)], show_pii=True)
    assert shown == Rejection("f.csv", 3, "bad Identifier '+14255550123'", 4)
    (masked,) = mask_rejections([Rejection("f.csv", 3, reason, 4)], show_pii=False)
    assert masked.reason == "bad Identifier '+142******23'"

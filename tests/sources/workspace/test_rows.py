"""Cells as a workspace can send them (JSON text, strings for numbers and times, nulls),
turned into records: each compared with the value written into the row."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from acs_triage.sources.workspace.rows import (
    auto_bin,
    leg_from_row,
    legs_of_summary,
    matching_legs,
    operation_from_row,
    pair_rows_to_aggregates,
)

UTC = timezone.utc


def _pair(**cells: object) -> dict[str, object]:
    row: dict[str, object] = {
        "ParticipantEndReason": "403",
        "ParticipantEndSubCode": 560403.0,
        "Legs": "12",
        "Calls": 7.0,
        "FirstSeen": "2026-11-01T10:00:00Z",
        "LastSeen": "2026-11-01T11:30:00.5+01:00",
        "RecentLegs": None,
        "ExampleCorrelationIds": '["c1", "", null, "c2", "c3", "c4"]',
        "ExampleIdentifiers": "4:+14255550123",
    }
    return row | cells


def test_pair_cells_in_every_form() -> None:
    (pair,) = pair_rows_to_aggregates([_pair()])
    assert (pair.end_reason, pair.end_sub_code, pair.legs, pair.calls, pair.recent_legs) == (
        "403",
        "560403",
        12,
        7,
        0,
    )
    assert pair.first_seen == datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
    assert pair.last_seen == datetime(2026, 11, 1, 10, 30, 0, 500_000, tzinfo=UTC)
    assert pair.example_correlation_ids == ("c1", "c2", "c3")  # blanks and nulls dropped, three kept
    assert pair.example_identifiers == ("4:+14255550123",)  # text that is not JSON: one value
    assert (pair.result_categories, pair.pstn_call_types) == ((), ())

    (odd,) = pair_rows_to_aggregates(
        [
            _pair(
                Legs="",
                Calls="many",
                FirstSeen="2026-11-01T10:00:00",  # no zone: UTC
                LastSeen="not a time",
                ExampleCorrelationIds=["a", "b"],
                ExampleIdentifiers="",
                LoggedResultCategories='[["Success", 3], "[\\"Unexpected\\", \\"2\\"]", [null, 1], "x", [1]]',
                PstnCallTypes='["cc", "direct", "op", "a", "b", "c"]',
            )
        ]
    )
    assert (odd.legs, odd.calls) == (0, 0)
    assert (odd.first_seen, odd.last_seen) == (datetime(2026, 11, 1, 10, 0, tzinfo=UTC), None)
    assert (odd.example_correlation_ids, odd.example_identifiers) == (("a", "b"), ())
    assert odd.result_categories == (("", 1), ("Success", 3), ("Unexpected", 2))
    assert odd.pstn_call_types == ("cc", "direct", "op", "a", "b")
    (bad,) = pair_rows_to_aggregates([_pair(LoggedResultCategories="[not json")])
    assert bad.result_categories == ()
    (empty,) = pair_rows_to_aggregates([_pair(LoggedResultCategories="")])
    assert empty.result_categories == ()


def test_leg_and_operation_rows() -> None:
    naive = datetime(2026, 11, 1, 10, 0)
    leg = leg_from_row(
        {"TimeGenerated": naive, "CorrelationId": None, "ParticipantEndReason": 0, "CallStartTime": "bad"}
    )
    assert leg is not None
    assert (leg.time_generated, leg.correlation_id, leg.end_reason, leg.call_start_time) == (
        naive.replace(tzinfo=UTC),
        "",
        "0",
        None,
    )
    assert leg_from_row({"TimeGenerated": ""}) is None and leg_from_row({"TimeGenerated": 5}) is None
    operation = operation_from_row(
        {
            "TimeGenerated": "2026-11-01T10:00:00Z",
            "ResultSignature": "403",
            "DurationMs": "12.0",
            "SdkType": 7,
        }
    )
    assert operation is not None
    assert (operation.result_signature, operation.duration_ms, operation.sdk_type) == (403, 12, "7")
    for duration in ("", None, "abc", "1e400"):
        cells = {"TimeGenerated": "2026-11-01T10:00:00Z", "DurationMs": duration}
        found = operation_from_row(cells)
        assert found is not None and found.duration_ms is None
    assert operation_from_row({"TimeGenerated": None}) is None


def test_summary_counts_and_bins() -> None:
    assert (legs_of_summary([]), legs_of_summary([{"Legs": "41"}])) == (0, 41)
    assert (matching_legs([]), matching_legs([{"MatchingLegs": 9.0}])) == (0, 9)
    assert auto_bin(timedelta(minutes=48)) == timedelta(minutes=1)
    assert auto_bin(timedelta(minutes=49)) == timedelta(minutes=5)
    assert auto_bin(timedelta(days=2)) == timedelta(hours=1)
    assert auto_bin(timedelta(days=48)) == timedelta(days=1)
    assert auto_bin(timedelta(days=49)) == timedelta(days=7)

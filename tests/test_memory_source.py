"""The in-memory source: the engine on it, and ``triage``, ``call`` and ``legs`` with it
injected at the CLI's seam (``Services(open_source=...)``).

Every expected figure is counted by hand from :data:`ITEMS` (see the table there).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from acs_triage.cli.app import Services
from acs_triage.errors import ExitCode
from acs_triage.records import Leg, Rejection
from acs_triage.sources.memory import MemorySource
from acs_triage.sources.spec import SourceSpec
from acs_triage.triage.engine import build_report
from acs_triage.windows import Window
from tests.helpers import CliRunner, assert_numbers_hidden, raw_numbers

T0 = datetime(2026, 3, 10, 10, 0, tzinfo=timezone.utc)


def leg(minute: int, call: str, endpoint: str, reason: str, sub: str, identifier: str = "") -> Leg:
    return Leg(
        time_generated=T0 + timedelta(minutes=minute),
        correlation_id=call,
        endpoint_type=endpoint,
        end_reason=reason,
        end_sub_code=sub,
        identifier=identifier,
    )


#: time   call endpoint  end     counted as
#: 10:00  c1   PSTN      0       PSTN, normal
#: 10:05  c1   VoIP      0       not PSTN
#: 10:10  c2   PSTN      403     PSTN, failed  (403/560403)
#: 10:20  c3   pstn      403     PSTN, failed  (403/560403)
#: 10:30  c3   PSTN      403     PSTN, failed  (403/560403)
#: 10:40  c4   PSTN      486     PSTN, failed  (486/560486)
#: 10:50  c5   PSTN      200     PSTN, normal (2xx)
#: 11:00  c6   PSTN      487     PSTN, failed  (487/560487)
#: 11:10  c7   Pstn      503     PSTN, failed  (503/560503)
#: plus one rejected row (line 11).
#: Whole data: 10 rows read = 8 PSTN legs + 1 not PSTN + 1 rejected; 7 calls;
#: 6 failed legs (75 %); 403/560403: 3 legs in 2 calls (c2, c3), share 0.5.
ITEMS: list[Leg | Rejection] = [
    leg(0, "c1", "PSTN", "0", "560000", "4:+14255550101"),
    leg(5, "c1", "VoIP", "0", "0"),
    leg(10, "c2", "PSTN", "403", "560403", "4:+14255550102"),
    leg(20, "c3", "pstn", "403", "560403", "4:+14255550103"),
    leg(30, "c3", "PSTN", "403", "560403", "4:+14255550103"),
    leg(40, "c4", "PSTN", "486", "560486"),
    leg(50, "c5", "PSTN", "200", "0"),
    leg(60, "c6", "PSTN", "487", "560487"),
    leg(70, "c7", "Pstn", "503", "560503"),
    Rejection("memory", 11, "bad row"),
]


# -- the engine on a MemorySource ------------------------------------------------------------
def test_engine_on_the_whole_data() -> None:
    with MemorySource(ITEMS) as source:
        (data,) = source.triage([Window(None, None)])
    report = build_report(data)
    assert (report.source_kind, report.source_description) == ("memory", "legs in memory")
    assert (report.totals.legs, report.totals.calls, report.totals.failed_legs) == (8, 7, 6)
    assert report.totals.failure_rate == 0.75
    assert report.accounting is not None
    accounting = report.accounting
    assert (
        accounting.rows_read,
        accounting.triaged,
        accounting.skipped_not_pstn,
        accounting.skipped_outside_window,
        accounting.rejected,
    ) == (10, 8, 1, 0, 1)
    assert [(r.source, r.line) for r in report.rejections] == [("memory", 11)]
    # data without bounds: the window is the data's own, end exclusive
    assert report.window == Window(T0, T0 + timedelta(minutes=70, microseconds=1))
    assert [(f.end_reason, f.end_sub_code, f.legs, f.calls) for f in report.findings] == [
        ("403", "560403", 3, 2),
        ("486", "560486", 1, 1),
        ("487", "560487", 1, 1),
        ("503", "560503", 1, 1),
    ]
    first = report.findings[0]
    assert first.share == 0.5
    assert first.example_correlation_ids == ("c2", "c3")
    assert first.documented and first.generated_by == "sbc-outbound"
    # halves split at 10:35: 403 only before (falling against 4 PSTN legs per half), 486 only after
    assert (first.earlier_legs, first.recent_legs, first.trend) == (3, 0, "falling")
    assert (report.findings[1].earlier_legs, report.findings[1].recent_legs) == (0, 1)
    assert report.findings[1].trend == "new"
    assert [(p.start, p.legs, p.calls, p.failed_legs) for p in report.timeline] == [
        (T0, 6, 5, 4),
        (T0 + timedelta(hours=1), 2, 2, 2),
    ]
    # 10:00-11:00: 3 x 403/560403 (number-or-routing), 486 (callee-busy); then 487, 503
    assert [p.failed_by_category for p in report.timeline] == [
        {"callee-busy": 1, "number-or-routing": 3},
        {"canceled": 1, "service-error": 1},
    ]
    identifiers = first.example_identifiers
    assert len(identifiers) == 2
    assert_numbers_hidden(" ".join(identifiers), raw_numbers("4:+14255550102 4:+14255550103"))
    assert build_report(data, show_pii=True).findings[0].example_identifiers == (
        "4:+14255550102",
        "4:+14255550103",
    )


def test_a_bin_lists_at_most_50_pairs_and_the_rest_of_its_failures_are_other() -> None:
    """60 distinct failed pairs in one bin (as many legs each as their number): the first
    50 seen are listed and mapped to categories, the legs of the last 10 are "other"."""
    legs = [
        leg(i % 60, f"c{i}-{n}", "PSTN", "599", f"{i:03d}")  # 599/000..059: explained by the 5xx class
        for i in range(60)
        for n in range(i + 1)
    ]
    with MemorySource(legs) as source:
        (data,) = source.triage([Window(None, None)])
    (only,) = data.timeline
    assert len(only.failed_by_pair) == 50 and only.failed_legs == sum(range(1, 61))
    assert {sub for _, sub, _ in only.failed_by_pair} == {f"{i:03d}" for i in range(50)}
    (point,) = build_report(data).timeline
    listed = sum(range(1, 51))
    category = build_report(data).findings[0].category
    assert point.failed_by_category == dict(sorted({category: listed, "other": sum(range(51, 61))}.items()))
    assert sum(point.failed_by_category.values()) == point.failed_legs


def test_engine_on_two_windows_in_one_pass() -> None:
    """[10:15, 11:00) holds c3 (2 x 403), c4 (486) and c5 (200); rejections count in the first window only."""
    inside = Window(T0 + timedelta(minutes=15), T0 + timedelta(minutes=60))
    with MemorySource(ITEMS) as source:
        bounded, whole = source.triage([inside, Window(None, None)])
    report = build_report(bounded)
    assert report.window == inside
    assert (report.totals.legs, report.totals.calls, report.totals.failed_legs) == (4, 3, 3)
    assert [(f.end_reason, f.legs, f.calls) for f in report.findings] == [("403", 2, 1), ("486", 1, 1)]
    assert bounded.accounting is not None and whole.accounting is not None
    assert (
        bounded.accounting.rows_read,
        bounded.accounting.triaged,
        bounded.accounting.skipped_not_pstn,
        bounded.accounting.skipped_outside_window,
        bounded.accounting.rejected,
    ) == (10, 4, 1, 4, 1)
    assert (whole.accounting.rows_read, whole.accounting.rejected, whole.total_legs) == (9, 0, 8)


# -- the CLI with a MemorySource injected ------------------------------------------------------
class Opener:
    """An ``open_source`` that records the spec it was given and returns the memory source."""

    def __init__(self, *items: Leg | Rejection) -> None:
        self.items = items or tuple(ITEMS)
        self.specs: list[SourceSpec] = []

    def __call__(self, spec: SourceSpec) -> MemorySource:
        self.specs.append(spec)
        return MemorySource(self.items)

    @property
    def services(self) -> Services:
        return Services(open_source=self)


def test_triage_reads_the_injected_source(cli: CliRunner) -> None:
    opener = Opener()
    code, doc, err = cli.json("triage", "--from-file", "x", "-f", "json", services=opener.services)
    assert code == ExitCode.OK
    assert [spec.files for spec in opener.specs] == [("x",)]  # the options still name the data
    assert doc["source"]["kind"] == "memory" and doc["source"]["description"] == "legs in memory"
    assert doc["totals"] == {
        "legs": 8,
        "calls": 7,
        "failed_legs": 6,
        "normal_legs": 2,
        "failure_rate": 0.75,
        "calls_approximate": False,
        # No ResultCategory is logged here, so Microsoft's documented category decides:
        # 403/560403 (UnexpectedClientError, 3 legs) and 503/560503 (UnexpectedServerError,
        # 1 leg) are unexpected; 200/0 and 487/560487 have none documented: unclassified.
        "unexpected_legs": 4,
        "unexpected_rate": 0.5,
        "unclassified_legs": 2,
        "callee_outcome_legs": 2,  # 486 busy, 487 canceled
        "scope": "pstn",
        "legs_by_endpoint_type": {"pstn": 8, "voip": 1},  # the VoIP leg of c1: ended normally
        "failed_legs_out_of_scope": 0,
        # the halves of the window (10:00-10:35, 10:35-11:10): the basis of the trends
        "earlier_legs": 4,
        "recent_legs": 4,
    }
    assert doc["window"]["start"] == "2026-03-10T10:00:00Z"
    assert doc["window"]["end"] == "2026-03-10T11:10:00.000001Z"
    assert [
        (f["end_reason"], f["end_sub_code"], f["legs"], f["calls"], f["share"]) for f in doc["findings"]
    ] == [
        ("403", "560403", 3, 2, 0.5),
        ("486", "560486", 1, 1, 0.166667),  # 1/6, rounded to 6 places in the JSON
        ("487", "560487", 1, 1, 0.166667),
        ("503", "560503", 1, 1, 0.166667),
    ]
    assert doc["accounting"] == {
        "rows_read": 10,
        "triaged": 8,
        "skipped_not_pstn": 1,
        "skipped_outside_window": 0,
        "rejected": 1,
        "skipped_other_category": 0,
        "other_categories": {},
        "balanced": True,
        "lines_read": None,  # legs in memory have no lines
        "lines_in_rows": 1,
        "lines_rejected": 1,
        "lines_blank": 0,
        "rejected_by_reason": {"bad row": 1},
        "rejections_listed": 1,
    }
    assert doc["rejections"] == [{"source": "memory", "line": 11, "end_line": 11, "reason": "bad row"}]
    assert "rejected" in err
    code, _, err = cli("triage", "--from-file", "x", "--strict", services=opener.services)
    assert code == ExitCode.INPUT and "1 row(s) rejected (--strict)" in err


def test_triage_window_options_reach_the_source(cli: CliRunner) -> None:
    code, doc, _ = cli.json(
        "triage",
        "--from-file",
        "x",
        "--start",
        "2026-03-10T10:15:00Z",
        "--end",
        "2026-03-10T11:00:00Z",
        "-f",
        "json",
        services=Opener().services,
    )
    assert code == ExitCode.OK
    assert doc["window"] == {
        "start": "2026-03-10T10:15:00Z",
        "end": "2026-03-10T11:00:00Z",
        "column": "TimeGenerated",
    }
    assert (doc["totals"]["legs"], doc["totals"]["calls"], doc["totals"]["failed_legs"]) == (4, 3, 3)
    assert doc["accounting"]["skipped_outside_window"] == 4


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ("c1", [("2026-03-10T10:00:00Z", "PSTN", "0", False), ("2026-03-10T10:05:00Z", "VoIP", "0", False)]),
        (
            "c3",
            [("2026-03-10T10:20:00Z", "pstn", "403", True), ("2026-03-10T10:30:00Z", "PSTN", "403", True)],
        ),
    ],
)
def test_call_lists_every_leg_of_one_call(
    cli: CliRunner, call: str, expected: list[tuple[str, str, str, bool]]
) -> None:
    code, doc, _ = cli.json("call", call, "--from-file", "x", "-f", "json", services=Opener().services)
    assert code == ExitCode.OK
    assert doc["schema"] == "acs-triage/call/v1" and doc["correlation_id"] == call
    legs = [
        (leg["time_generated"], leg["endpoint_type"], leg["end_reason"], leg["failed"]) for leg in doc["legs"]
    ]
    assert legs == expected
    assert {leg["correlation_id"] for leg in doc["legs"]} == {call}
    assert_numbers_hidden(str(doc), raw_numbers(*(i.identifier for i in ITEMS if isinstance(i, Leg))))
    # Legs in memory hold no Call Automation requests, and the report says so.
    assert doc["call_automation"]["available"] is False and doc["call_automation"]["operations"] == []
    assert doc["call_automation"]["reason"] == "not available from legs in memory (call legs only)"


def test_call_without_legs_warns(cli: CliRunner) -> None:
    code, doc, err = cli.json("call", "nope", "--from-file", "x", "-f", "json", services=Opener().services)
    assert code == ExitCode.OK and doc["legs"] == []
    assert "no legs found for correlation id 'nope'" in err


#: The failed PSTN legs of ITEMS, newest first.
FAILED_NEWEST_FIRST = [
    ("2026-03-10T11:10:00Z", "c7", "503", "560503"),
    ("2026-03-10T11:00:00Z", "c6", "487", "560487"),
    ("2026-03-10T10:40:00Z", "c4", "486", "560486"),
    ("2026-03-10T10:30:00Z", "c3", "403", "560403"),
    ("2026-03-10T10:20:00Z", "c3", "403", "560403"),
    ("2026-03-10T10:10:00Z", "c2", "403", "560403"),
]


@pytest.mark.parametrize(
    ("options", "expected", "matched"),
    [
        ([], FAILED_NEWEST_FIRST, 6),
        (["--max-rows", "6"], FAILED_NEWEST_FIRST, 6),
        (["--max-rows", "2"], FAILED_NEWEST_FIRST[:2], 6),
        (["--end-reason", "403"], FAILED_NEWEST_FIRST[3:], 3),
        (["--end-reason", "403", "--max-rows", "1"], FAILED_NEWEST_FIRST[3:4], 3),
        (["--sub-code", "560486"], FAILED_NEWEST_FIRST[2:3], 1),
        (["--end-reason", "486", "--sub-code", "560403"], [], 0),
    ],
)
def test_legs_are_the_failed_pstn_legs_newest_first(
    cli: CliRunner, options: list[str], expected: list[tuple[str, str, str, str]], matched: int
) -> None:
    capped = matched > len(expected)
    code, doc, err = cli.json("legs", "--from-file", "x", *options, "-f", "json", services=Opener().services)
    assert code == ExitCode.OK
    assert doc["schema"] == "acs-triage/legs/v1"
    got = [
        (leg["time_generated"], leg["correlation_id"], leg["end_reason"], leg["end_sub_code"])
        for leg in doc["legs"]
    ]
    assert got == expected
    assert doc["capped"] is capped
    assert doc["matched_legs"] == matched
    # said once, on stdout with the legs, not again as a warning
    assert "capped" not in err.lower()
    code, text, _ = cli("legs", "--from-file", "x", *options, services=Opener().services)
    assert (f"showing the newest {len(expected)} of {matched} failed" in " ".join(text.split())) is capped

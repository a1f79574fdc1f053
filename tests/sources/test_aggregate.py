"""The aggregator's figures on hand-made legs, each counted again from the input.

The timeline, first/last seen, the halves of the window, the examples and the capped
lists are checked number by number against what the test computes from the legs it
wrote; distinct calls exact at any count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

from acs_triage.records import (
    ALL_SCOPE,
    MAX_BIN_PAIRS,
    Item,
    Leg,
    PairAggregate,
    Rejection,
    SkippedRecord,
    TimelineBin,
    TriageInput,
)
from acs_triage.sources.aggregate import (
    MAX_LISTED_REJECTIONS,
    MAX_REASONS,
    OTHER_REASONS,
    CallIds,
    LegAggregator,
    RejectionTally,
)
from acs_triage.windows import PLACED, Window

UTC = timezone.utc
T0 = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def leg(
    minutes: float,
    reason: str = "0",
    sub: str = "560000",
    call: str = "c",
    *,
    endpoint: str = "PSTN",
    identifier: str = "",
    category: str = "",
    call_type: str = "",
    placed: datetime | None = None,
    line: int = 0,
    end_line: int = 0,
) -> Leg:
    return Leg(
        time_generated=at(minutes),
        correlation_id=call,
        endpoint_type=endpoint,
        end_reason=reason,
        end_sub_code=sub,
        identifier=identifier,
        call_start_time=placed,
        result_category=category,
        pstn_call_type=call_type,
        line=line,
        end_line=end_line,
    )


def aggregate(items: Sequence[Item], window: Window | None = None, **options: object) -> TriageInput:
    aggregator = LegAggregator(window, **options)  # type: ignore[arg-type]
    return aggregator.add_all(items).result(source_kind="file", source_description="unit")


def _key(pair: PairAggregate) -> tuple[str, str]:
    return pair.end_reason, pair.end_sub_code


def is_failed(reason: str) -> bool:
    return not (reason == "0" or reason.startswith("2"))


def test_timeline_bins_hourly() -> None:
    legs = [
        leg(5, "403", "560403", "a"),
        leg(6, "403", "560403", "a2"),
        leg(7, "404", "560404", "a3"),
        leg(59.99, "0", "560000", "a"),
        leg(60, "500", "560500", "b"),
        leg(150, "0", "560000", "c"),
        leg(151, "200", "0", "c"),
        leg(-0.01, "486", "560486", "d"),  # 09:59:59.4: the bin before
    ]
    data = aggregate(legs)
    expected: dict[datetime, list[int]] = {}
    calls: dict[datetime, set[str]] = {}
    failed_pairs: dict[datetime, Counter[tuple[str, str, int]]] = {}
    for item in legs:
        start = item.time_generated.replace(minute=0, second=0, microsecond=0)
        figures = expected.setdefault(start, [0, 0])
        figures[0] += 1
        figures[1] += is_failed(item.end_reason)
        calls.setdefault(start, set()).add(item.correlation_id)
        if is_failed(item.end_reason):
            failed_pairs.setdefault(start, Counter())[(item.end_reason, item.end_sub_code)] += 1
    by_pair = {s: tuple(sorted((r, c, n) for (r, c), n in f.items())) for s, f in failed_pairs.items()}
    assert by_pair[at(0)] == (("403", "560403", 2), ("404", "560404", 1))
    assert data.timeline == [
        TimelineBin(
            start, legs=n, calls=len(calls[start]), failed_legs=failed, failed_by_pair=by_pair.get(start, ())
        )
        for start, (n, failed) in sorted(expected.items())
    ]
    assert [b.start for b in data.timeline] == [at(-60), at(0), at(60), at(120)]


def test_timeline_bins_are_aligned_on_the_unix_epoch() -> None:
    """Bins of 7 minutes (not a divisor of a day) start at multiples of 420 s since 1970-01-01."""
    size = timedelta(minutes=7)
    minutes = [0, 1.5, 3, 6.9, 7, 20, 20.5, 61, 1441]
    data = aggregate([leg(m, call=f"c{m}") for m in minutes], bin_size=size)
    counts: Counter[datetime] = Counter()
    for m in minutes:
        seconds = int(at(m).timestamp())
        counts[datetime.fromtimestamp(seconds - seconds % 420, UTC)] += 1
    assert [(b.start, b.legs, b.calls) for b in data.timeline] == [
        (s, n, n) for s, n in sorted(counts.items())
    ]
    assert all(b.start.timestamp() % 420 == 0 for b in data.timeline)
    assert T0.timestamp() % 420 != 0  # so the bins do not start at T0


def test_first_and_last_seen_per_pair() -> None:
    legs = [
        leg(30, "403", "560403"),
        leg(10, "403", "560403"),
        leg(50, "403", "560403"),
        leg(20, "403", "560403"),
        leg(40, "503", "560503"),
        leg(5, "0", "560000"),
        leg(70, "0", "560000"),
    ]
    data = aggregate(legs)
    for pair in data.pairs:
        times = [i.time_generated for i in legs if (i.end_reason, i.end_sub_code) == _key(pair)]
        assert (pair.first_seen, pair.last_seen) == (min(times), max(times))
    assert {_key(p): (p.first_seen, p.last_seen) for p in data.pairs}[("403", "560403")] == (at(10), at(50))
    assert data.window == Window(at(5), at(70) + timedelta(microseconds=1))


def test_halves_of_a_file_triaged_whole() -> None:
    """No window: the data's own span, minutes from its middle on count as the second half."""
    minutes = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9]
    legs = [
        leg(m, "503" if m % 3 == 0 else "0", "560503" if m % 3 == 0 else "560000", f"c{m}") for m in minutes
    ]
    data = aggregate(legs)
    middle = at(0) + (at(9) + timedelta(microseconds=1) - at(0)) / 2  # 4.5 min
    recent = [i for i in legs if i.time_generated.replace(second=0, microsecond=0) >= middle]
    assert len(recent) == 7  # minutes 5..9 (minute 4 starts before the middle)
    assert data.half_volumes == (len(legs) - len(recent), len(recent))
    failed_recent = sum(1 for i in recent if i.end_reason == "503")
    failed_all = sum(1 for i in legs if i.end_reason == "503")
    (pair,) = [p for p in data.pairs if p.end_reason == "503"]
    assert (pair.legs, pair.recent_legs) == (failed_all, failed_recent) == (6, 4)


def test_halves_with_a_window_are_exact() -> None:
    window = Window(at(0), at(10))  # middle at 5 minutes: [0, 5) and [5, 10)
    minutes = [0, 4.99, 4.999, 5, 5.001, 9.99, 9.999]
    data = aggregate([leg(m, "503", "560503", f"c{m}") for m in minutes], window)
    assert data.half_volumes == (3, 4)
    assert data.pairs[0].recent_legs == 4
    assert data.window == window


def test_window_edges_and_accounting() -> None:
    window = Window(at(10), at(20))
    items: list[Leg | Rejection | SkippedRecord] = [
        leg(9.99, "403", "560403", "early"),  # before the window
        leg(10, "403", "560403", "first"),  # the start is in
        leg(19.99, "0", "560000", "last"),
        leg(20, "403", "560403", "end"),  # the end is out
        leg(25, "0", "0", "voip-late", endpoint="VoIP"),
        leg(15, "500", "0", "voip", endpoint="VoIP"),
        leg(15, "0", "0", "bot", endpoint="Bot"),
        leg(16, "0", "0", "blank", endpoint=" "),
        leg(12, "0", "0", "mixed", endpoint=" pStN "),
        Rejection("f.csv", 3, "bad row", 5),
        SkippedRecord("f.csv", 9, "CallDiagnostics"),
    ]
    data = aggregate(items, window)
    legs = [i for i in items if isinstance(i, Leg)]
    inside = [i for i in legs if window.start <= i.time_generated < window.end]  # type: ignore[operator]
    outside = [i for i in legs if i not in inside]
    pstn_inside = [i for i in inside if i.endpoint_type.strip().lower() == "pstn"]
    a = data.accounting
    assert a is not None
    assert a.rows_read == len(items)
    assert a.triaged == len(pstn_inside) == data.total_legs == 3
    assert (
        a.skipped_outside_window == sum(1 for i in outside if i.endpoint_type.strip().lower() == "pstn") == 2
    )
    assert a.skipped_not_pstn == len(inside) - len(pstn_inside) + 1 == 4  # the late VoIP leg too
    assert (a.rejected, a.skipped_other_category, a.other_categories) == (1, 1, {"CallDiagnostics": 1})
    assert (a.outside_first, a.outside_last) == (at(9.99), at(25))
    assert data.legs_by_endpoint_type == {"(blank)": 1, "bot": 1, "pstn": 3, "voip": 1}
    assert data.failed_legs_out_of_scope == 1  # the VoIP leg ending 500
    assert data.total_calls == 3
    assert [r.line for r in data.rejections] == [3]


def test_window_on_call_start_time() -> None:
    window = Window(at(0), at(10), PLACED)
    items: list[Leg | Rejection | SkippedRecord] = [
        leg(30, "403", "560403", "a", placed=at(5)),  # written late, placed in the window
        leg(5, "403", "560403", "b", placed=at(-5)),  # written in the window, placed before
        leg(5, "403", "560403", "c"),  # no CallStartTime: cannot be placed
    ]
    data = aggregate(items, window)
    assert data.total_legs == 1 and data.pairs[0].example_correlation_ids == ("a",)
    assert data.accounting is not None and data.accounting.skipped_outside_window == 2
    assert (data.accounting.outside_first, data.accounting.outside_last) == (at(-5), at(-5))
    assert data.window.column == PLACED


def test_examples_categories_and_call_types_are_capped() -> None:
    legs = [
        leg(
            i,
            "403",
            "560403",
            f"call-{i % 5}",
            identifier=f"4:+1425555{i % 4:04d}" if i % 6 else "",
            category=f"cat-{i}",
            call_type=("", "cc", "direct", "cc", "op", "x", "y", "z")[i % 8],
        )
        for i in range(40)
    ]
    data = aggregate(legs)
    (pair,) = data.pairs
    calls = list(dict.fromkeys(i.correlation_id for i in legs))
    identifiers = list(dict.fromkeys(i.identifier for i in legs if i.identifier))
    types = list(dict.fromkeys(i.pstn_call_type for i in legs if i.pstn_call_type))
    assert pair.example_correlation_ids == tuple(calls[:3])
    assert pair.example_identifiers == tuple(identifiers[:3])
    assert pair.pstn_call_types == tuple(types[:5]) == ("cc", "direct", "op", "x", "y")
    categories = dict(pair.result_categories)
    assert sorted(categories) == sorted([f"cat-{i}" for i in range(16)] + ["(other)"])
    assert categories["(other)"] == 40 - 16 and sum(categories.values()) == 40
    assert pair.calls == len(calls) == 5


def test_endpoint_types_are_capped() -> None:
    legs = [leg(1, call=f"c{i}", endpoint=f"Type{i % 20}") for i in range(40)] + [leg(1, call="p")]
    data = aggregate(legs, scope=ALL_SCOPE)
    counts = data.legs_by_endpoint_type
    assert len(counts) == 17 and counts["(other)"] == 4 * 2 - 1 + 2  # types 15..19 after the first 16 kinds
    assert sum(counts.values()) == len(legs) == data.total_legs


def test_pairs_are_sorted_by_legs_then_codes() -> None:
    legs = [leg(1, "503", "560503")] * 2 + [leg(1, "403", "560403")] * 2 + [leg(1, "403", "560400")] * 2
    legs += [leg(1, "0", "560000")] * 3
    assert [_key(p) for p in aggregate(legs).pairs] == [
        ("0", "560000"),
        ("403", "560400"),
        ("403", "560403"),
        ("503", "560503"),
    ]


def test_accounting_of_lines() -> None:
    items: list[Leg | Rejection | SkippedRecord] = [
        leg(1, line=2),
        leg(2, line=3, end_line=5),  # a quoted line break: three lines
        leg(3, line=6, end_line=6),
        Rejection("f.csv", 7, "bad", 8),
        Rejection("f.csv", 0, "no line"),
        SkippedRecord("f.csv", 9, "CallDiagnostics"),
        SkippedRecord("f.csv", 0, "CallDiagnostics"),
        leg(4),  # no line
    ]
    aggregator = LegAggregator().add_all(items)
    data = aggregator.result(source_kind="file", source_description="f", lines=(11, 2))
    a = data.accounting
    assert a is not None
    assert (a.lines_in_rows, a.lines_rejected, a.lines_read, a.lines_blank) == (1 + 3 + 1 + 2 + 1, 2, 11, 2)
    assert a.rejected_by_reason == {"bad": 1, "no line": 1} and a.rejected == 2


def test_far_future_bin_and_window_end() -> None:
    last = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    item = Leg(last, "x", "PSTN", "500", "560500")
    data = aggregate([item])
    assert data.timeline == [
        TimelineBin(datetime(9999, 12, 31, 23, 0, tzinfo=UTC), 1, 1, 1, (("500", "560500", 1),))
    ]
    assert data.window == Window(last, last)
    assert data.half_volumes == (0, 1)


def test_no_legs() -> None:
    data = aggregate([])
    assert (data.total_legs, data.total_calls, data.timeline, data.pairs) == (0, 0, [], [])
    assert data.window == Window(None, None) and data.half_volumes == (0, 0)
    assert data.calls_approximate is False


def test_calls_are_exact_past_200000_ids() -> None:
    """Two pairs of 100,001 calls each and a total of 200,002: every count exact (the
    distinct-call sets have no cap; the HyperLogLog estimate past 200,000 ids is gone)."""
    n = 100_001
    legs = [Leg(T0, f"a{i}", "PSTN", "403", "560403") for i in range(n)]
    legs += [Leg(T0, f"b{i}", "PSTN", "0", "560000") for i in range(n)]
    legs += [Leg(T0, f"b{i}", "PSTN", "0", "560000") for i in range(0, n, 10)]  # second legs
    data = aggregate(legs)
    assert [p.calls for p in data.pairs] == [n, n]
    assert [p.legs for p in data.pairs] == [n + len(range(0, n, 10)), n]
    assert (data.total_calls, data.calls_approximate) == (2 * n, False)
    (bin_,) = data.timeline
    assert bin_.calls == 2 * n


def test_call_ids_are_stored_once() -> None:
    ids = CallIds()
    first = ids.one("".join(["call", "-1"]))
    again = ids.one("".join(["call", "-", "1"]))
    assert again is first and len(ids) == 1
    assert ids.one("call-2") == "call-2" and len(ids) == 2


def test_halves_with_a_window_whose_middle_is_inside_a_minute() -> None:
    """Exact halves with a window: a leg at 4.6 min is after a middle at 4.5 min, though
    its minute (4) starts before it (a file triaged whole would count it in the first half)."""
    window = Window(at(0), at(9))
    data = aggregate([leg(m, "503", "560503", f"c{m}") for m in (1, 4.4, 4.6, 8)], window)
    assert data.half_volumes == (2, 2)
    whole = aggregate([leg(m, "503", "560503", f"c{m}") for m in (0, 4.6, 4.75, 8.999)])
    # no window: the data's span [0, 8.999 min], middle 4.4995 min; minute 4 starts before it
    assert whole.half_volumes == (3, 1)


def test_half_open_windows() -> None:
    legs = [leg(m, "503", "560503", f"c{m}") for m in (1, 2, 3, 4)]
    since = aggregate(legs, Window(at(0), None))  # middle of [0, 4 min + 1 us): about 2 min
    assert since.window == Window(at(0), at(4) + timedelta(microseconds=1))
    assert since.half_volumes == (1, 3)
    until = aggregate(legs, Window(None, at(10)))  # middle of [1, 10 min): 5.5 min
    assert until.window == Window(at(1), at(10)) and until.half_volumes == (4, 0)
    empty = aggregate([], Window(None, at(10)))
    assert (empty.window, empty.half_volumes) == (Window(None, at(10)), (0, 0))


def test_the_window_of_unordered_legs_ends_after_the_newest() -> None:
    data = aggregate([leg(50, call="a"), leg(10, call="b"), leg(30, call="c")])
    assert data.window == Window(at(10), at(50) + timedelta(microseconds=1))


def test_two_legs_in_the_last_bin_before_year_10000() -> None:
    first = Leg(datetime(9999, 12, 31, 23, 10, tzinfo=UTC), "x", "PSTN", "500", "560500")
    second = Leg(datetime(9999, 12, 31, 23, 50, tzinfo=UTC), "y", "PSTN", "0", "560000")
    data = aggregate([first, second])
    assert data.timeline == [
        TimelineBin(datetime(9999, 12, 31, 23, 0, tzinfo=UTC), 2, 2, 1, (("500", "560500", 1),))
    ]


def test_scope_and_out_of_window_counts() -> None:
    window = Window(at(10), at(20))
    items = [leg(5, endpoint="VoIP", call="v1"), leg(25, endpoint="Bot", call="v2"), leg(15, call="p")]
    data = aggregate(items, window)
    assert data.accounting is not None
    assert (data.accounting.skipped_not_pstn, data.accounting.triaged) == (2, 1)
    everything = aggregate(items, window, scope=ALL_SCOPE)
    assert everything.scope == ALL_SCOPE and aggregate(items, window, scope="voip").scope == "voip"


def test_rejections_are_counted() -> None:
    items: list[Item] = [Rejection("f", i, "bad row") for i in range(1, 4)] + [leg(1)]
    data = aggregate(items)
    assert data.accounting is not None
    assert (data.accounting.rejected, data.accounting.rows_read) == (3, 4)
    assert data.accounting.rejected_by_reason == {"bad row": 3}


def test_rejection_tally() -> None:
    tally = RejectionTally()
    tally.add(Rejection("f", 1, "first line", 3))  # lines 1-3
    tally.add(Rejection("f", 5, "one line"))  # line 5
    tally.add(Rejection("f", 0, "no line"))  # no line known
    tally.add(Rejection("f", 9, "one line", 9))
    assert (tally.count, tally.lines) == (4, 3 + 1 + 0 + 1)
    assert tally.by_reason == {"first line": 1, "one line": 2, "no line": 1}

    many = RejectionTally()
    for i in range(1_001):
        many.add(Rejection("f", i + 1, f"reason {i % 105}"))
    assert (many.count, len(many.listed)) == (1_001, MAX_LISTED_REJECTIONS)
    assert many.listed[-1].line == MAX_LISTED_REJECTIONS
    named = {k: v for k, v in many.by_reason.items() if k != OTHER_REASONS}
    assert len(named) == MAX_REASONS == 100
    # reasons 0..99 are named (10 times each for 0..35, 9 times after); 100..104 are "other"
    expected_other = sum(1 for i in range(1_001) if i % 105 >= 100)
    assert many.by_reason[OTHER_REASONS] == expected_other == 45
    assert sum(many.by_reason.values()) == 1_001


def test_failed_pairs_per_bin_are_capped() -> None:
    """The first MAX_BIN_PAIRS failed pairs of a bin are listed (as the KQL's make_list cap);
    legs of further pairs count in failed_legs only, and a listed pair keeps counting."""
    legs = [leg(i / 10, "500", str(560000 + i), f"c{i}") for i in range(MAX_BIN_PAIRS + 3)]
    legs += [leg(30, "500", "560000", "again"), leg(31, "0", "560000", "ok")]
    (bin_,) = aggregate(legs).timeline
    assert (bin_.legs, bin_.failed_legs) == (len(legs), len(legs) - 1)
    listed = {(r, s): n for r, s, n in bin_.failed_by_pair}
    assert len(listed) == MAX_BIN_PAIRS
    assert set(listed) == {("500", str(560000 + i)) for i in range(MAX_BIN_PAIRS)}
    assert listed[("500", "560000")] == 2 and sum(listed.values()) == MAX_BIN_PAIRS + 1

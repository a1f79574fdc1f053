"""From the columnar engine's result rows to a :class:`~acs_triage.records.TriageInput`,
with the reference reader's and :class:`~acs_triage.sources.aggregate.LegAggregator`'s
rules (no DuckDB here).

The aggregate query (:func:`~.sql.aggregate_sql`) groups by the raw values (end codes,
endpoint type, category, call type), and :func:`~.sql.order_sql` tells, from the first
rows of the input, what depends on their order: the first row of each group, and the
first correlation ids and identifiers. This module normalises each distinct raw value
with the reference functions (:func:`~acs_triage.codes.normalize_code`,
:func:`~acs_triage.sources.exports.values.clean_text`), merges what they make equal,
and rebuilds every figure exactly as the reference aggregator computes it: the caps
(categories, endpoint types, call types) by first occurrence, the first distinct
examples and identifiers, the trend halves. What the first rows do not tell yet is a
:class:`Need` (the caller reads more rows, or asks for a pair's first values exactly);
what the rows cannot give at all (two raw spellings of one pair, whose distinct calls
do not add up; rules SQL applies differently) raises :class:`Cannot`, and the file
goes to the reference reader.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from acs_triage.codes import is_failure_end, normalize_code
from acs_triage.records import (
    MAX_BIN_PAIRS,
    PairAggregate,
    RowAccounting,
    TimelineBin,
    TriageInput,
    is_pstn_endpoint,
)
from acs_triage.sources.aggregate import (
    EPOCH,
    EXAMPLES,
    MAX_CALL_TYPES,
    MAX_CATEGORIES,
    MAX_ENDPOINT_TYPES,
    OTHER_CATEGORY,
    endpoint_key,
)
from acs_triage.sources.columnar.sql import EXAMPLE_CANDIDATES
from acs_triage.sources.exports.values import clean_text
from acs_triage.windows import Window

__all__ = [
    "Answers",
    "Cannot",
    "Firsts",
    "Need",
    "build_input",
    "failure_rule_holds",
    "scope_rule_holds",
    "vouched",
]

UTC = timezone.utc
TRIAGED, OUT_OF_SCOPE, OUTSIDE, OUTSIDE_OUT_OF_SCOPE = 0, 1, 2, 3


class Cannot(Exception):
    """The rows cannot give the reference figures: the reference reader reads the file."""


def aware(moment: datetime | None) -> datetime | None:
    """DuckDB's naive UTC timestamp as an aware datetime."""
    return None if moment is None else moment.replace(tzinfo=UTC)


def vouched(row: Mapping[str, Any]) -> bool:
    """Whether the :data:`~.sql.VOUCH` columns prove that every row reads as the
    reference reader reads it, and none is rejected."""
    if row["unread"] or row["blank_ids"]:
        return False
    bounds = (row["id_first_min"], row["id_first_max"], row["id_last_min"], row["id_last_max"])
    if bounds[0] is None:
        return True  # no rows at all
    return bool(bounds[0][:1] >= "!" and bounds[1][:1] <= "~" and bounds[2] >= "!" and bounds[3] <= "~")


def scope_rule_holds(raw_endpoint_types: Iterable[str]) -> bool:
    """Whether SQL's PSTN test (``lower(trim(et)) = 'pstn'``, trimming spaces only)
    agrees with the reference test on every distinct raw value."""
    return all(
        (raw.strip(" ").lower() == "pstn") == is_pstn_endpoint(clean_text(raw)) for raw in raw_endpoint_types
    )


def first_distinct(values: Iterable[str], limit: int, clean: Callable[[str], str]) -> list[str]:
    """The first ``limit`` distinct non-empty cleaned values, in order."""
    found: list[str] = []
    for raw in values:
        value = clean(raw)
        if value and value not in found:
            found.append(value)
            if len(found) == limit:
                break
    return found


def failure_rule_holds(raw_reasons: Iterable[str]) -> bool:
    """Whether SQL's failure rule (:data:`~.sql.FAILED`) agrees with the reference rule
    on every distinct raw end reason."""
    return all(
        (not (raw == "0" or raw.startswith("2"))) == is_failure_end(normalize_code(raw))
        for raw in raw_reasons
    )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _same(value: str) -> str:
    return value  # correlation ids of vouched rows are clean already


RawPair = tuple[str, str]
#: The candidate columns of :func:`~.sql.order_sql`: cleaning, and the count of rows
#: that can hold a value.
CANDIDATES: dict[str, tuple[Callable[[str], str], str]] = {
    "examples": (_same, "n"),
    "identifiers": (clean_text, "with_identifier"),
}


@dataclass
class Firsts:
    """Per raw pair, its first distinct raw values (in input order) asked for again, and
    how many distinct raw values it has."""

    values: dict[RawPair, tuple[list[str], int]] = field(default_factory=dict)

    def ordered(self, key: RawPair, limit: int, clean: Callable[[str], str]) -> list[str]:
        """The first ``limit`` distinct non-empty cleaned values, or :class:`Cannot`."""
        raw, distinct = self.values.get(key, ([], 0))
        found = first_distinct(raw, limit, clean)
        if len(found) < limit and distinct > EXAMPLE_CANDIDATES:
            raise Cannot(f"more than {EXAMPLE_CANDIDATES} distinct values before {limit} distinct ones")
        return found


@dataclass
class Need:
    """What the order rows did not tell: ``deeper`` (a longer prefix of the input
    would), and per raw pair the candidate columns to ask for exactly
    (:func:`~.sql.first_values_sql`: more rows of the pair than candidates were kept)."""

    deeper: bool = False
    exact: dict[RawPair, set[str]] = field(default_factory=lambda: defaultdict(set))

    def __bool__(self) -> bool:
        return self.deeper or bool(self.exact)


@dataclass
class _Fine:
    """One fine group of a pair: its rows in the input and among the ordered rows."""

    n: int
    with_identifier: int
    seen: int = 0
    seen_with_identifier: int = 0


@dataclass
class _Pair:
    raw: RawPair
    legs: int = 0
    calls: int = 0
    first: datetime | None = None
    last: datetime | None = None
    recent: int = 0
    minutes: Counter[int] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)
    call_types: set[str] = field(default_factory=set)
    fine: dict[tuple[str, str, str], _Fine] = field(default_factory=dict)  # (et, cat, ctype)
    category_rows: dict[str, int] = field(default_factory=dict)  # first row of each category seen
    call_type_rows: dict[str, int] = field(default_factory=dict)  # first row of each call type seen
    candidates: dict[str, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    horizon: dict[str, float] = field(default_factory=dict)  # rows past it may lack candidates
    examples: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    call_type_order: list[str] = field(default_factory=list)


def _first_row(seen: dict[str, int], key: str, row: int) -> None:
    if key not in seen or row < seen[key]:
        seen[key] = row


def _order_of(every: Iterable[str], known: Mapping[str, int], limit: int) -> list[str] | None:
    """The first ``limit`` of ``every`` by first row, when the rows seen tell it: values
    never seen first appear after all seen ones. None when two or more unseen values
    could still come before the limit."""
    ordered = sorted((key for key in every if key in known), key=lambda key: known[key])
    unseen = [key for key in every if key not in known]
    if len(ordered) >= limit or len(unseen) <= 1:
        return (ordered + unseen)[:limit]
    return None


def _capped(counts: Mapping[str, int], order: list[str] | None, limit: int) -> dict[str, int]:
    """``counts`` with every key past the first ``limit`` (``order``: by first row)
    counted under :data:`OTHER_CATEGORY`, as the reference caps do."""
    if len(counts) <= limit:
        return dict(counts)
    if order is None:
        raise Cannot("a capped count needs the order of first occurrence")
    kept = order[:limit]
    capped = {key: counts[key] for key in kept}
    for key, count in counts.items():
        if key not in kept:
            capped[OTHER_CATEGORY] = capped.get(OTHER_CATEGORY, 0) + count
    return capped


@dataclass
class Answers:
    """The first values asked for exactly, per candidate column."""

    firsts: dict[str, Firsts] = field(default_factory=dict)


def build_input(
    rows: Sequence[Mapping[str, Any]],
    order: Sequence[Mapping[str, Any]],
    window: Window,
    *,
    complete: bool,
    scope: str,
    bin_size: timedelta,
    middle: datetime | None,
    source_kind: str,
    source_description: str,
    answers: Answers | None = None,
) -> TriageInput | Need:
    """The reference :class:`TriageInput` from the rows of :func:`~.sql.aggregate_sql`
    and :func:`~.sql.order_sql` (``complete``: over the whole input). :class:`Need`
    when the order rows do not tell everything; raises :class:`Cannot` when the rows
    cannot give the reference figures at all."""
    answers = answers or Answers()
    accounting = RowAccounting()
    pairs: dict[RawPair, _Pair] = {}
    spelling: dict[RawPair, RawPair] = {}  # normalised end codes -> their raw spelling
    endpoint_counts: Counter[str] = Counter()
    raw_endpoint_types: set[str] = set()
    raw_reasons: set[str] = set()
    failed_out_of_scope = 0
    by_kind: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        by_kind[row["k"]].append(row)
    for row in by_kind["fine"]:
        state, count = int(row["st"]), int(row["n"])
        raw = (_text(row["reason"]), _text(row["sub"]))
        reason, sub = normalize_code(raw[0]), normalize_code(raw[1])
        raw_endpoint_types.add(_text(row["et"]))
        accounting.rows_read += count
        if state in (TRIAGED, OUT_OF_SCOPE):
            endpoint_counts[endpoint_key(clean_text(_text(row["et"])))] += count
        if state == OUT_OF_SCOPE:
            accounting.skipped_not_pstn += count
            failed_out_of_scope += count if is_failure_end(reason) else 0
        elif state in (OUTSIDE, OUTSIDE_OUT_OF_SCOPE):
            if state == OUTSIDE:
                accounting.skipped_outside_window += count
            else:
                accounting.skipped_not_pstn += count
            _outside(accounting, aware(row["first"]), aware(row["last"]))
        else:
            accounting.triaged += count
            raw_reasons.add(raw[0])
            if spelling.setdefault((reason, sub), raw) != raw:  # their distinct calls do not add up
                raise Cannot(f"end codes {(reason, sub)} are spelt in more than one way")
            _add_fine(pairs.setdefault(raw, _Pair(raw)), row)
    if not scope_rule_holds(raw_endpoint_types):
        raise Cannot("an endpoint type that SQL and the reference reader classify differently")
    if not failure_rule_holds(raw_reasons):
        raise Cannot("an end reason that SQL and the reference rule classify differently")
    for row in by_kind["pair"]:
        pairs[(_text(row["reason"]), _text(row["sub"]))].calls = int(row["calls"])
    for row in by_kind["minutes"]:
        pair = pairs[(_text(row["reason"]), _text(row["sub"]))]
        pair.minutes = Counter(dict(zip(row["minute_keys"], row["minute_legs"], strict=True)))
    failed_by_pair = _failed_by_pair(_failed_per_bin(by_kind, int(bin_size.total_seconds())))
    endpoint_rows = _add_order(pairs, order)
    need = Need()
    for pair in pairs.values():
        _resolve(pair, need, answers)
    endpoint_order = None
    if len(endpoint_counts) > MAX_ENDPOINT_TYPES:
        endpoint_order = _order_of(endpoint_counts, endpoint_rows, MAX_ENDPOINT_TYPES)
        need.deeper = need.deeper or endpoint_order is None
    if need:
        if complete and need.deeper:
            raise Cannot("the whole input did not tell the order")  # pragma: no cover - defensive
        return need
    (total,) = by_kind["total"]
    step = int(bin_size.total_seconds())
    timeline = [
        TimelineBin(
            start=EPOCH + timedelta(seconds=int(row["b"]) * step),
            legs=int(row["n"]),
            calls=int(row["calls"]),
            failed_legs=int(row["failed"]),
            failed_by_pair=failed_by_pair.get(int(row["b"]), ()),
        )
        for row in sorted(by_kind["bin"], key=lambda row: int(row["b"]))
    ]
    return _assemble(
        {key: pairs[raw] for key, raw in spelling.items()},
        window,
        accounting=accounting,
        timeline=timeline,
        total_calls=int(total["calls"]),
        middle=middle,
        scope=scope,
        endpoint_counts=_capped(endpoint_counts, endpoint_order, MAX_ENDPOINT_TYPES),
        failed_out_of_scope=failed_out_of_scope,
        source_kind=source_kind,
        source_description=source_description,
    )


def _failed_per_bin(
    by_kind: Mapping[str, list[Mapping[str, Any]]], step: int
) -> Iterator[tuple[int, str, str, int]]:
    """``(bin, raw end reason, raw sub-code, failed legs)``: from the ``binpair`` rows,
    or, for bins of whole minutes, from the ``minutes`` rows of the failed pairs."""
    for row in by_kind["binpair"]:
        yield int(row["b"]), _text(row["reason"]), _text(row["sub"]), int(row["n"])
    if step % 60 == 0:
        for row in by_kind["minutes"]:
            reason, sub = _text(row["reason"]), _text(row["sub"])
            if is_failure_end(normalize_code(reason)):
                for minute, legs in zip(row["minute_keys"], row["minute_legs"], strict=True):
                    yield minute * 60 // step, reason, sub, int(legs)


def _failed_by_pair(rows: Iterable[tuple[int, str, str, int]]) -> dict[int, tuple[tuple[str, str, int], ...]]:
    """Per timeline bin, its failed legs by (normalised) pair, as the reference lists
    them; :class:`Cannot` when a bin has more than :data:`MAX_BIN_PAIRS` (the reference
    keeps the first ones seen)."""
    bins: dict[int, Counter[tuple[str, str]]] = defaultdict(Counter)
    for start, reason, sub, legs in rows:
        bins[start][(normalize_code(reason), normalize_code(sub))] += legs
    if any(len(pairs) > MAX_BIN_PAIRS for pairs in bins.values()):
        raise Cannot(f"a timeline bin with more than {MAX_BIN_PAIRS} failed pairs")
    return {
        start: tuple((reason, sub, n) for (reason, sub), n in sorted(pairs.items()))
        for start, pairs in bins.items()
    }


def _outside(accounting: RowAccounting, first: datetime | None, last: datetime | None) -> None:
    if first is not None and (accounting.outside_first is None or first < accounting.outside_first):
        accounting.outside_first = first
    if last is not None and (accounting.outside_last is None or last > accounting.outside_last):
        accounting.outside_last = last


def _add_fine(pair: _Pair, row: Mapping[str, Any]) -> None:
    """Add one fine group (one endpoint type, category and call type of the pair)."""
    count = int(row["n"])
    pair.legs += count
    first, last = aware(row["first"]), aware(row["last"])
    pair.first = first if pair.first is None or (first is not None and first < pair.first) else pair.first
    pair.last = last if pair.last is None or (last is not None and last > pair.last) else pair.last
    pair.recent += int(row["recent"] or 0)
    pair.categories[clean_text(_text(row["cat"]))] += count
    call_type = clean_text(_text(row["ctype"]))
    if call_type:
        pair.call_types.add(call_type)
    key = (_text(row["et"]), _text(row["cat"]), _text(row["ctype"]))
    pair.fine[key] = _Fine(n=count, with_identifier=int(row["with_identifier"]))


def _add_order(pairs: dict[RawPair, _Pair], order: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Add the order rows to the pairs; the first row of each endpoint key in the window."""
    endpoint_rows: dict[str, int] = {}
    for row in order:
        state, first_row = int(row["st"]), int(row["first_row"])
        if state in (TRIAGED, OUT_OF_SCOPE):
            _first_row(endpoint_rows, endpoint_key(clean_text(_text(row["et"]))), first_row)
        pair = pairs.get((_text(row["reason"]), _text(row["sub"])))
        if state != TRIAGED or pair is None:
            continue
        fine = pair.fine[(_text(row["et"]), _text(row["cat"]), _text(row["ctype"]))]
        fine.seen, fine.seen_with_identifier = int(row["n"]), int(row["with_identifier"])
        _first_row(pair.category_rows, clean_text(_text(row["cat"])), first_row)
        call_type = clean_text(_text(row["ctype"]))
        if call_type:
            _first_row(pair.call_type_rows, call_type, first_row)
        for column, (_clean, counted) in CANDIDATES.items():
            values = [(int(item["r"]), item["v"]) for item in row[column] or ()]
            pair.candidates[column].extend(values)
            if int(row[counted]) > len(values):  # rows past the last candidate lack theirs
                last = max(r for r, _ in values) if values else -1
                pair.horizon[column] = min(pair.horizon.get(column, float("inf")), last)
    return endpoint_rows


def _resolve(pair: _Pair, need: Need, answers: Answers) -> None:
    """The order-dependent figures of one pair, or what is still needed for them."""
    every_seen = all(fine.seen == fine.n for fine in pair.fine.values())
    for column, (clean, _counted) in CANDIDATES.items():
        firsts = answers.firsts.get(column)
        if firsts is not None and pair.raw in firsts.values:
            setattr(pair, column, firsts.ordered(pair.raw, EXAMPLES, clean))
            continue
        horizon = pair.horizon.get(column, float("inf"))
        found = first_distinct(
            (value for r, value in sorted(pair.candidates[column]) if r <= horizon), EXAMPLES, clean
        )
        setattr(pair, column, found)
        if len(found) == EXAMPLES:
            continue
        if horizon != float("inf"):
            need.exact[pair.raw].add(column)
        elif not every_seen:
            need.deeper = True
    call_types = _order_of(pair.call_types, pair.call_type_rows, MAX_CALL_TYPES)
    if call_types is None:
        need.deeper = True
    else:
        pair.call_type_order = call_types
    if len(pair.categories) > MAX_CATEGORIES:
        categories = _order_of(pair.categories, pair.category_rows, MAX_CATEGORIES)
        if categories is None:
            need.deeper = True
        else:
            pair.categories = Counter(_capped(pair.categories, categories, MAX_CATEGORIES))


def _assemble(
    pairs: dict[tuple[str, str], _Pair],
    window: Window,
    *,
    accounting: RowAccounting,
    timeline: list[TimelineBin],
    total_calls: int,
    middle: datetime | None,
    scope: str,
    endpoint_counts: Mapping[str, int],
    failed_out_of_scope: int,
    source_kind: str,
    source_description: str,
) -> TriageInput:
    """The :class:`TriageInput` as :meth:`LegAggregator.result` builds it."""
    firsts = [p.first for p in pairs.values() if p.first is not None]
    lasts = [p.last for p in pairs.values() if p.last is not None]
    lowest, highest = (min(firsts) if firsts else None), (max(lasts) if lasts else None)
    start = window.start or lowest
    end = window.end or (None if highest is None else highest + timedelta(microseconds=1))

    def recent_of(exact: int, minutes: Mapping[int, int]) -> int:
        if middle is not None:
            return exact
        if start is None or end is None:
            return 0
        half = (start + (end - start) / 2).timestamp() / 60
        return sum(n for minute, n in minutes.items() if minute >= half)

    total_minutes: Counter[int] = Counter()
    for pair in pairs.values():
        total_minutes.update(pair.minutes)
    aggregates = [
        PairAggregate(
            end_reason=reason,
            end_sub_code=sub,
            legs=p.legs,
            calls=p.calls,
            first_seen=p.first,
            last_seen=p.last,
            recent_legs=recent_of(p.recent, p.minutes),
            example_correlation_ids=tuple(p.examples),
            example_identifiers=tuple(p.identifiers),
            result_categories=tuple(sorted(p.categories.items())),
            pstn_call_types=tuple(p.call_type_order),
        )
        for (reason, sub), p in pairs.items()
    ]
    aggregates.sort(key=lambda p: (-p.legs, p.end_reason, p.end_sub_code))
    legs = sum(p.legs for p in pairs.values())
    total_recent = recent_of(sum(p.recent for p in pairs.values()), total_minutes)
    return TriageInput(
        pairs=aggregates,
        total_legs=legs,
        total_calls=total_calls,
        timeline=timeline,
        window=Window(start, end, window.column),
        source_kind=source_kind,
        source_description=source_description,
        accounting=accounting,
        rejections=[],
        half_volumes=(legs - total_recent, total_recent),
        scope=scope,
        legs_by_endpoint_type=dict(sorted(endpoint_counts.items())),
        failed_legs_out_of_scope=failed_out_of_scope,
    )

"""The triage engine: aggregates in, one explained report out.

Every source (workspace, exported files, bundled sample) produces a
:class:`~acs_triage.records.TriageInput`; :func:`build_report` applies the catalog
to each failed (end reason, sub-code) pair and builds the
:class:`~acs_triage.triage.report.TriageReport` that formatters and the smoke gate
consume. No I/O happens here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timezone

from acs_triage.catalog.loader import Catalog, load_catalog
from acs_triage.catalog.model import Explanation
from acs_triage.codes import is_failure_end
from acs_triage.masking import mask_identifier, mask_rejections, mask_text
from acs_triage.records import PairAggregate, RowAccounting, TimelineBin, TriageInput
from acs_triage.times import iso
from acs_triage.triage.report import OTHER_CATEGORY, Finding, TimelinePoint, Totals, TriageReport
from acs_triage.triage.verdicts import Verdicts, verdicts
from acs_triage.version import __version__

#: What to do about a pair nothing in the catalog explains.
UNKNOWN_ACTIONS = ("Look at the legs of an example call (acs-triage call <id>) and the SBC logs.",)
#: A pair whose later half holds this many times more (or fewer) legs changes trend.
TREND_FACTOR = 1.5
#: ... and only when the difference is at least this many legs (noise guard).
TREND_MIN_DELTA = 3


def trend(recent: int, earlier: int, recent_volume: int = 0, earlier_volume: int = 0) -> str:
    """``new``, ``rising``, ``falling`` or ``steady``: second half vs first half of the window.

    When the PSTN volume of each half is known, legs are compared as a share of it,
    so a busy afternoon does not make every failure look like it is rising.
    """
    if earlier == 0 and recent > 0:
        return "new"
    expected_recent = float(earlier)
    if recent_volume > 0 and earlier_volume > 0:
        expected_recent = earlier * recent_volume / earlier_volume
    if recent > expected_recent * TREND_FACTOR and recent - expected_recent >= TREND_MIN_DELTA:
        return "rising"
    if recent * TREND_FACTOR < expected_recent and expected_recent - recent >= TREND_MIN_DELTA:
        return "falling"
    return "steady"


def pair_verdicts(pair: PairAggregate, explanation: Explanation) -> Verdicts:
    """Microsoft's verdicts on the pair's legs (the documented category only counts for a
    documented pair: a code-level or class-level meaning documents no category)."""
    documented = explanation.meaning.result_category if explanation.documented else None
    return verdicts(pair.result_categories, documented, pair=f"{pair.end_reason}/{pair.end_sub_code}")


def masked_pair(pair: PairAggregate) -> PairAggregate:
    """The pair with every value that came from the log masked (codes, ids, identifiers,
    categories, call types), so nothing derived from it can show a phone number.
    A real end code or GUID is left as it is (see :mod:`acs_triage.masking`)."""
    return replace(
        pair,
        end_reason=mask_identifier(pair.end_reason),
        end_sub_code=mask_identifier(pair.end_sub_code),
        example_correlation_ids=tuple(mask_identifier(i) for i in pair.example_correlation_ids),
        example_identifiers=tuple(mask_identifier(i) for i in pair.example_identifiers),
        result_categories=tuple((mask_identifier(k), n) for k, n in pair.result_categories),
        pstn_call_types=tuple(mask_identifier(t) for t in pair.pstn_call_types),
    )


def _masked_counts(counts: dict[str, int], *, show_pii: bool) -> dict[str, int]:
    """Counts keyed by a value from the log (an EndpointType), the keys masked."""
    if show_pii:
        return dict(counts)
    masked: dict[str, int] = {}
    for key, count in counts.items():
        shown = mask_identifier(key)
        masked[shown] = masked.get(shown, 0) + count
    return masked


def _shown_accounting(accounting: RowAccounting | None, *, show_pii: bool) -> RowAccounting | None:
    """The accounting with the log categories it names (values from the log) masked."""
    if accounting is None or show_pii or not accounting.other_categories:
        return accounting
    return replace(accounting, other_categories=_masked_counts(accounting.other_categories, show_pii=False))


def explain_pair(
    pair: PairAggregate,
    failed_legs: int,
    catalog: Catalog,
    *,
    show_pii: bool,
    volumes: tuple[int, int] = (0, 0),
    connectivity: str | None = None,
) -> Finding:
    """One finding: the aggregate plus what the catalog says about its pair, and
    Microsoft's own verdict beside it. ``connectivity`` overrides what the legs' PSTN
    call types say (direct-routing or microsoft-numbers)."""
    if not show_pii:
        pair = masked_pair(pair)
    explanation = catalog.explain(pair.end_reason, pair.end_sub_code)
    meaning = explanation.meaning
    connected = connectivity or catalog.connectivity(pair.pstn_call_types)
    verdict = pair_verdicts(pair, explanation)
    note = meaning.note
    if explanation.erratum is not None:
        fixed = "/".join(explanation.erratum.corrected)
        note = f"Documented under {fixed}: {explanation.erratum.note}" + (f" {note}" if note else "")
    if not explanation.documented:
        note = f"This pair is not documented by Microsoft; explained from {explanation.basis}." + (
            f" {note}" if note else ""
        )
    earlier = max(pair.legs - pair.recent_legs, 0)
    return Finding(
        end_reason=pair.end_reason,
        end_sub_code=pair.end_sub_code,
        legs=pair.legs,
        calls=pair.calls,
        share=pair.legs / failed_legs if failed_legs else 0.0,
        outcome=meaning.outcome,
        category=meaning.category,
        title=explanation.title,
        generated_by=explanation.generated_by,
        generated_by_note=explanation.generated_by_note,
        documented=explanation.documented,
        match_level=explanation.level.value,
        who_acts=meaning.who_acts_for(connected),
        retry=meaning.retry,
        retry_advice=meaning.retry_advice,
        causes=meaning.causes,
        actions=meaning.actions_for(connected) if meaning.known else UNKNOWN_ACTIONS,
        source_url=meaning.source.url or None,
        source_title=meaning.source.title or None,
        source_date=meaning.source.date or None,
        result_category=meaning.result_category,
        note=note,
        first_seen=pair.first_seen,
        last_seen=pair.last_seen,
        recent_legs=pair.recent_legs,
        earlier_legs=earlier,
        trend=trend(pair.recent_legs, earlier, recent_volume=volumes[1], earlier_volume=volumes[0]),
        example_correlation_ids=pair.example_correlation_ids,
        example_identifiers=pair.example_identifiers,
        category_kind=catalog.category_kind(meaning.category),
        connectivity=connected,
        logged_result_categories=verdict.logged,
        result_category_source=None
        if meaning.result_category_source is None or not explanation.documented
        else meaning.result_category_source.url,
        result_category_agrees=verdict.agrees,
        result_category_disagreement=verdict.disagreement,
        unexpected_legs=verdict.unexpected_legs,
        unclassified_legs=verdict.unclassified_legs,
        scope=explanation.scope,
    )


def timeline_points(bins: Iterable[TimelineBin], catalog: Catalog) -> tuple[TimelinePoint, ...]:
    """The bins with their failed legs by the catalog category of each pair; the legs of
    pairs a bin does not list are in :data:`OTHER_CATEGORY`."""
    categories: dict[tuple[str, str], str] = {}
    points = []
    for b in bins:
        counts: Counter[str] = Counter()
        for reason, sub, legs in b.failed_by_pair:
            key = (reason, sub)
            if key not in categories:
                categories[key] = catalog.explain(reason, sub).meaning.category
            counts[categories[key]] += legs
        rest = b.failed_legs - sum(counts.values())
        if rest > 0:
            counts[OTHER_CATEGORY] += rest
        points.append(TimelinePoint(b.start, b.legs, b.calls, b.failed_legs, dict(sorted(counts.items()))))
    return tuple(points)


def window_hint(data: TriageInput) -> str | None:
    """The window missed the data: say what the data covers (files and the sample)."""
    accounting = data.accounting
    if accounting is None or data.total_legs or accounting.outside_first is None:
        return None
    first, last = iso(accounting.outside_first), iso(accounting.outside_last)
    return (
        f"no legs in the window, but {accounting.skipped_outside_window + accounting.skipped_not_pstn} "
        f"row(s) outside it: the data runs from {first} to {last}; leave out --since/--start/--end to read "
        "it all, or choose a window within it"
    )


def build_report(
    data: TriageInput,
    catalog: Catalog | None = None,
    *,
    show_pii: bool = False,
    generated_at: datetime | None = None,
    connectivity: str | None = None,
) -> TriageReport:
    """Explain every failed pair of ``data`` and assemble the report.

    ``connectivity`` (``direct-routing`` or ``microsoft-numbers``) tailors the advice for
    SBC-generated failures when the data does not say which applies."""
    catalog = catalog or load_catalog()
    pairs = data.pairs if show_pii else [masked_pair(p) for p in data.pairs]
    failed_pairs = [p for p in pairs if is_failure_end(p.end_reason)]
    failed_legs = sum(p.legs for p in failed_pairs)
    volumes = data.half_volumes or (0, 0)
    findings = sorted(
        (
            explain_pair(
                p, failed_legs, catalog, show_pii=show_pii, volumes=volumes, connectivity=connectivity
            )
            for p in failed_pairs
        ),
        key=lambda f: (-f.legs, -f.calls, f.end_reason, f.end_sub_code),
    )
    # Microsoft's verdicts count every leg in scope, normal endings included.
    all_verdicts = [pair_verdicts(p, catalog.explain(p.end_reason, p.end_sub_code)) for p in pairs]
    warnings = [mask_text(w, show_pii=show_pii) for w in data.warnings]
    if data.accounting is not None and data.accounting.rejected:
        warnings.append(f"{data.accounting.rejected} input row(s) rejected; see 'rejections'.")
    hint = window_hint(data)
    if hint:
        warnings.append(hint)
    return TriageReport(
        generated_at=generated_at or datetime.now(timezone.utc),
        tool_version=__version__,
        catalog_version=catalog.version,
        source_kind=data.source_kind,
        source_description=data.source_description,
        query_requests=data.query_requests,
        window=data.window,
        totals=Totals(
            legs=data.total_legs,
            calls=data.total_calls,
            failed_legs=failed_legs,
            calls_approximate=data.calls_approximate,
            unexpected_legs=sum(v.unexpected_legs for v in all_verdicts),
            unclassified_legs=sum(v.unclassified_legs for v in all_verdicts),
            callee_outcome_legs=sum(f.legs for f in findings if f.category_kind == "callee-outcome"),
            scope=data.scope,
            legs_by_endpoint_type=_masked_counts(data.legs_by_endpoint_type, show_pii=show_pii),
            failed_legs_out_of_scope=data.failed_legs_out_of_scope,
            earlier_legs=volumes[0],
            recent_legs=volumes[1],
        ),
        findings=tuple(findings),
        timeline=timeline_points(data.timeline, catalog),
        partial=data.partial,
        warnings=tuple(warnings),
        pii_masked=not show_pii,
        accounting=_shown_accounting(data.accounting, show_pii=show_pii),
        rejections=mask_rejections(data.rejections, show_pii=show_pii),
        resources=tuple(data.resources),
    )

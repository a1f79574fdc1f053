"""Annotation inside Log Analytics: the catalog embedded as ``datatable``s.

:func:`annotate_query` takes any rendered library query whose output has
``ParticipantEndReason`` and ``ParticipantEndSubCode`` and appends lookups against
the catalog (documented pairs and errata, then the end reason alone, then the SIP
class), so a query pasted into the portal, a workbook or an alert rule explains
its own rows. Everything is generated from ``mappings/catalog.yaml``; every
catalog text goes through :func:`~acs_triage.queries.literals.kql_literal`.
``kql/pstn-failures-annotated.kql`` is this applied to ``pstn-failures-by-pair``
(see :func:`annotated_library_file`).
"""

from __future__ import annotations

from acs_triage.catalog.loader import Catalog, load_catalog
from acs_triage.catalog.model import UNKNOWN_TITLE, Meaning, PairEntry
from acs_triage.errors import UsageError
from acs_triage.queries.literals import kql_literal
from acs_triage.queries.store import QueryDef

ANNOTATION_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("Documented", "bool", "True when Microsoft documents this exact pair"),
    ("MatchLevel", "string", "pair, erratum, sub-code, code, sip-class or unknown"),
    ("Title", "string", "Short meaning"),
    ("Category", "string", "Failure category"),
    ("WhoActs", "string", "Who must act, comma-separated"),
    ("Retry", "string", "no, yes, later or after-fix"),
    ("Actions", "string", "Suggested actions, separated by ' | '"),
    ("DocSource", "string", "URL of the documentation"),
    ("GeneratedBy", "string", "sbc-outbound, sbc-inbound, microsoft or unknown"),
)
_FIELDS = ("Title", "Category", "WhoActs", "Retry", "Actions", "DocSource")


def _values(meaning: Meaning) -> list[str]:
    return [
        meaning.title,
        meaning.category,
        ", ".join(meaning.who_acts),
        meaning.retry,
        " | ".join(meaning.actions),
        meaning.source.url,
    ]


def _datatable(name: str, keys: list[str], prefix: str, rows: list[list[str]]) -> str:
    columns = ", ".join(f"{k}:string" for k in keys)
    columns += ", " + ", ".join(f"{prefix}{f}:string" for f in _FIELDS)
    body = ",\n".join("    " + ", ".join(kql_literal(v) for v in row) for row in rows)
    return f"let {name} = datatable({columns}) [\n{body}\n];\n"


def catalog_lets(catalog: Catalog) -> str:
    """The ``let`` statements holding the catalog as four datatables."""
    pair_rows = [[p.end_reason, p.end_sub_code, "pair", *_values(p.meaning)] for p in catalog.pairs]
    for erratum in catalog.errata:
        corrected = catalog.pair(*erratum.corrected)
        if corrected is not None and catalog.pair(*erratum.as_published) is None:
            pair_rows.append([*erratum.as_published, "erratum", *_values(corrected.meaning)])
    # A documented sub-code under another end reason: the one pair using it, matched
    # only where the outcome (failure or normal) agrees, as in Catalog.explain.
    by_sub: dict[str, list[PairEntry]] = {}
    for pair in catalog.pairs:
        by_sub.setdefault(pair.end_sub_code, []).append(pair)
    sub_rows = [
        [sub, only.meaning.outcome, *_values(only.meaning)]
        for sub, (only, *others) in sorted(by_sub.items())
        if not others
    ]
    code_rows = []
    for reason in sorted({c.end_reason for c in catalog.codes}, key=lambda r: (len(r), r)):
        entry = catalog.code(reason)
        assert entry is not None
        code_rows.append([reason, *_values(entry.meaning)])
    class_rows = [[c.sip_class, *_values(c.meaning)] for c in catalog.classes]
    pairs = _datatable(
        "AcsTriagePairs", ["ParticipantEndReason", "ParticipantEndSubCode", "P_Level"], "P_", pair_rows
    )
    subs = _datatable("AcsTriageSubCodes", ["ParticipantEndSubCode", "AcsTriageOutcome"], "U_", sub_rows)
    codes = _datatable("AcsTriageCodes", ["ParticipantEndReason"], "C_", code_rows)
    classes = _datatable("AcsTriageClasses", ["SipClass"], "S_", class_rows)
    header = f"// End-code catalog v{catalog.version}, generated from mappings/catalog.yaml\n"
    return header + pairs + subs + codes + classes


def _pick(field: str) -> str:
    last = (
        f"isnotempty(S_{field}), S_{field}, {kql_literal(UNKNOWN_TITLE)}"
        if field == "Title"
        else f"S_{field}"
    )
    return (
        f"{field} = case(isnotempty(P_{field}), P_{field}, isnotempty(U_{field}), U_{field}, "
        f"isnotempty(C_{field}), C_{field}, {last})"
    )


def annotation_pipe(catalog: Catalog) -> str:
    """The operators appended to a query to annotate its rows."""
    rules = catalog.origin_rules
    origin = ", ".join(
        f"strlen(ParticipantEndSubCode) == 6 and ParticipantEndSubCode startswith "
        f"{kql_literal(r.prefix)}, {kql_literal(r.generated_by)}"
        for r in rules
    )
    drop = ["P_Level", "SipClass", "AcsTriageOutcome"] + [f"{p}_{f}" for p in "PUCS" for f in _FIELDS]
    return (
        "\n".join(
            [
                "| lookup kind=leftouter AcsTriagePairs on ParticipantEndReason, ParticipantEndSubCode",
                '| extend AcsTriageOutcome = iff(not(ParticipantEndReason == "0" or ParticipantEndReason '
                'startswith "2"), "failure", "normal")',
                "| lookup kind=leftouter AcsTriageSubCodes on ParticipantEndSubCode, AcsTriageOutcome",
                "| lookup kind=leftouter AcsTriageCodes on ParticipantEndReason",
                '| extend SipClass = iff(ParticipantEndReason matches regex "^[0-9]{3}$", '
                'substring(ParticipantEndReason, 0, 1), "")',
                "| lookup kind=leftouter AcsTriageClasses on SipClass",
                "| extend Documented = isnotempty(P_Title),",
                '         MatchLevel = case(isnotempty(P_Title), P_Level, isnotempty(U_Title), "sub-code",',
                '                           isnotempty(C_Title), "code",',
                '                           isnotempty(S_Title), "sip-class", "unknown"),',
                "         " + ",\n         ".join(_pick(f) for f in _FIELDS) + ",",
                '         GeneratedBy = case(not(ParticipantEndSubCode matches regex "^[0-9]+$"), "unknown",',
                f"                            {origin},",
                f"                            {kql_literal(catalog.origin_default)})",
                "| project-away " + ", ".join(drop),
            ]
        )
        + "\n"
    )


def annotate_query(query: QueryDef, rendered: str, catalog: Catalog | None = None) -> str:
    """``rendered`` (a rendering of ``query``) with the catalog joined to its rows."""
    if not query.annotatable:
        raise UsageError(
            f"query {query.name!r} has no ParticipantEndReason and ParticipantEndSubCode columns to annotate"
        )
    catalog = catalog or load_catalog()
    lines = rendered.rstrip("\n").split("\n")
    comments = [line for line in lines if line.startswith("//")]
    first_code = len(comments) if lines[: len(comments)] == comments else 0
    head, body = lines[:first_code], lines[first_code:]
    return "\n".join([*head, catalog_lets(catalog).rstrip("\n"), *body]) + "\n" + annotation_pipe(catalog)

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

from dataclasses import dataclass, field

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
_FIELDS = ("Title", "Category", "WhoActs", "Retry")
#: Names of the datatables, and of their key columns.
MEANINGS, ACTIONS, SOURCES = "AcsTriageMeanings", "AcsTriageActions", "AcsTriageSources"


@dataclass
class _Tables:
    """The catalog normalised for embedding: every distinct meaning, action list and
    source once, referenced by number (the catalog's 555 pairs share 102 action lists)."""

    meanings: dict[tuple[str, ...], int] = field(default_factory=dict)
    actions: dict[str, int] = field(default_factory=dict)
    sources: dict[str, int] = field(default_factory=dict)

    def key(self, meaning: Meaning) -> int:
        actions = " | ".join(meaning.actions)
        action_key = self.actions.setdefault(actions, len(self.actions))
        source_key = self.sources.setdefault(meaning.source.url, len(self.sources))
        row = (
            meaning.title,
            meaning.category,
            ", ".join(meaning.who_acts),
            meaning.retry,
            str(action_key),
            str(source_key),
        )
        return self.meanings.setdefault(row, len(self.meanings))


def _datatable(name: str, columns: list[tuple[str, str]], rows: list[list[str | int]]) -> str:
    declared = ", ".join(f"{column}:{kind}" for column, kind in columns)
    kinds = [kind for _, kind in columns]
    body = ",\n".join(
        "    "
        + ", ".join(
            str(v) if kind == "long" else kql_literal(str(v)) for v, kind in zip(row, kinds, strict=True)
        )
        for row in rows
    )
    return f"let {name} = datatable({declared}) [\n{body}\n];\n"


def catalog_lets(catalog: Catalog) -> str:
    """The ``let`` statements holding the catalog as datatables: the lookup tables (pairs
    and errata, documented sub-codes, end reasons, SIP classes) point at meanings, which
    point at their actions and source."""
    tables = _Tables()
    pair_rows: list[list[str | int]] = [
        [p.end_reason, p.end_sub_code, "pair", tables.key(p.meaning)] for p in catalog.pairs
    ]
    for erratum in catalog.errata:
        corrected = catalog.pair(*erratum.corrected)
        if corrected is not None and catalog.pair(*erratum.as_published) is None:
            pair_rows.append([*erratum.as_published, "erratum", tables.key(corrected.meaning)])
    # A documented sub-code under another end reason: the one pair using it, matched
    # only where the outcome (failure or normal) agrees, as in Catalog.explain.
    by_sub: dict[str, list[PairEntry]] = {}
    for pair in catalog.pairs:
        by_sub.setdefault(pair.end_sub_code, []).append(pair)
    sub_rows: list[list[str | int]] = [
        [sub, only.meaning.outcome, tables.key(only.meaning)]
        for sub, (only, *others) in sorted(by_sub.items())
        if not others
    ]
    code_rows: list[list[str | int]] = []
    for reason in sorted({c.end_reason for c in catalog.codes}, key=lambda r: (len(r), r)):
        entry = catalog.code(reason)
        assert entry is not None
        code_rows.append([reason, tables.key(entry.meaning)])
    class_rows: list[list[str | int]] = [[c.sip_class, tables.key(c.meaning)] for c in catalog.classes]
    text = "".join(
        [
            f"// End-code catalog v{catalog.version}, generated from mappings/catalog.yaml\n",
            _datatable(
                "AcsTriagePairs",
                [
                    ("ParticipantEndReason", "string"),
                    ("ParticipantEndSubCode", "string"),
                    ("P_Level", "string"),
                    ("P_Key", "long"),
                ],
                pair_rows,
            ),
            _datatable(
                "AcsTriageSubCodes",
                [("ParticipantEndSubCode", "string"), ("AcsTriageOutcome", "string"), ("U_Key", "long")],
                sub_rows,
            ),
            _datatable("AcsTriageCodes", [("ParticipantEndReason", "string"), ("C_Key", "long")], code_rows),
            _datatable("AcsTriageClasses", [("SipClass", "string"), ("S_Key", "long")], class_rows),
            _datatable(
                MEANINGS,
                [
                    ("MeaningKey", "long"),
                    *((f"M_{f}", "string") for f in _FIELDS),
                    ("ActionsKey", "long"),
                    ("SourceKey", "long"),
                ],
                [[key, *row] for row, key in tables.meanings.items()],
            ),
            _datatable(
                ACTIONS,
                [("ActionsKey", "long"), ("M_Actions", "string")],
                [[key, text] for text, key in tables.actions.items()],
            ),
            _datatable(
                SOURCES,
                [("SourceKey", "long"), ("M_DocSource", "string")],
                [[key, url] for url, key in tables.sources.items()],
            ),
        ]
    )
    return text


def annotation_pipe(catalog: Catalog) -> str:
    """The operators appended to a query to annotate its rows."""
    rules = catalog.origin_rules
    origin = ", ".join(
        f"strlen(ParticipantEndSubCode) == 6 and ParticipantEndSubCode startswith "
        f"{kql_literal(r.prefix)}, {kql_literal(r.generated_by)}"
        for r in rules
    )
    drop = [
        "P_Level",
        "P_Key",
        "U_Key",
        "C_Key",
        "S_Key",
        "SipClass",
        "AcsTriageOutcome",
        "MeaningKey",
        "ActionsKey",
        "SourceKey",
        *(f"M_{f}" for f in (*_FIELDS, "Actions", "DocSource")),
    ]
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
                "| extend MeaningKey = case(isnotnull(P_Key), P_Key, isnotnull(U_Key), U_Key, "
                "isnotnull(C_Key), C_Key, S_Key)",
                f"| lookup kind=leftouter {MEANINGS} on MeaningKey",
                f"| lookup kind=leftouter {ACTIONS} on ActionsKey",
                f"| lookup kind=leftouter {SOURCES} on SourceKey",
                "| extend Documented = isnotnull(P_Key),",
                '         MatchLevel = case(isnotnull(P_Key), P_Level, isnotnull(U_Key), "sub-code",',
                '                           isnotnull(C_Key), "code",',
                '                           isnotnull(S_Key), "sip-class", "unknown"),',
                f"         Title = iff(isnotempty(M_Title), M_Title, {kql_literal(UNKNOWN_TITLE)}),",
                "         Category = M_Category, WhoActs = M_WhoActs, Retry = M_Retry,",
                "         Actions = M_Actions, DocSource = M_DocSource,",
                '         GeneratedBy = case(not(ParticipantEndSubCode matches regex "^[0-9]*[1-9][0-9]*$"), '
                '"unknown",',
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

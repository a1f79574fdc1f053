"""Files generated from the data folders, and their single source of truth.

``python scripts/generate.py`` writes them; tests fail when a committed copy is
stale. A development tool: it is not part of the installed package.

- ``mappings/catalog.compiled.json``: ``mappings/catalog.yaml`` validated and compiled to the
  JSON the tool loads at run time (:mod:`acs_triage.catalog.compiled`)
- ``docs/catalog.md`` from ``mappings/catalog.yaml``
- ``docs/queries.md`` from the ``kql/*.kql`` metadata
- ``kql/pstn-failures-annotated.kql``: ``pstn-failures-by-pair`` with the catalog joined in
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from acs_triage.catalog.compiled import COMPILED_FILE
from acs_triage.catalog.loader import Catalog, compile_catalog, load_catalog, origin_label
from acs_triage.catalog.model import SCOPES, PairEntry, scope_title
from acs_triage.catalog.validate import CATALOG_FILE
from acs_triage.queries.annotate import ANNOTATION_COLUMNS, annotate_query
from acs_triage.queries.store import QueryDef, load_queries, parse_query

ANNOTATED_NAME = "pstn-failures-annotated"
ANNOTATED_ID = "9afaa8ca-5713-4e7d-8bd9-d4f7f6f8094e"
BASE_NAME = "pstn-failures-by-pair"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _range(minimum: float | None, maximum: float | None) -> str:
    if minimum is None and maximum is None:
        return ""
    low = "" if minimum is None else f"{minimum:g}"
    high = "" if maximum is None else f"{maximum:g}"
    return f" (range {low}..{high})"


#: Scopes whose pairs get a section each with causes and actions; the others (hundreds of
#: Calling SDK errors sharing their advice) get a table and their advice grouped.
DETAILED_SCOPES = ("pstn", "calling", "rooms", "call-automation")
SCOPE_INTROS = {
    "pstn": "ParticipantEndReason / ParticipantEndSubCode pairs of PSTN legs: the PSTN table of "
    "the troubleshooting-codes page.",
    "calling": "Call end and server codes of VoIP legs: the call-end table of the "
    "troubleshooting-codes page (pairs not in its PSTN table), then the service rows of the "
    "Call Diagnostics sub-code mapping that the page does not list.",
    "rooms": "Rooms join failures, from the call-end table of the troubleshooting-codes page.",
    "call-automation": "Call Automation results (the code and sub-code of an event's "
    "ResultInformation) that only the Call Automation table of the troubleshooting-codes page "
    "lists; its other rows are under the scope of the table that also lists them.",
    "calling-sdk": "Errors of the Calling SDK's client API: every client row of the Call "
    "Diagnostics sub-code mapping (the page's Calling SDK table lists 45 of them). The "
    "causes and actions are shared by kind of error; they follow the table.",
}


def _anchor(text: str) -> str:
    """The anchor GitHub gives a heading."""
    kept = "".join(ch for ch in text.lower() if ch.isalnum() or ch in " -_")
    return kept.replace(" ", "-")


def _pair_table(pairs: list[PairEntry]) -> list[str]:
    out = [
        "| Reason | Sub-code | Title | Outcome | Category | Who acts | Retry | MS result category |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for p in pairs:
        m = p.meaning
        out.append(
            f"| {p.end_reason} | {p.end_sub_code} | {_md(m.title)} | {m.outcome} | "
            f"{m.category} | {', '.join(m.who_acts)} | {m.retry} | "
            f"{m.result_category or ''} |"
        )
    return out


def _pair_details(catalog: Catalog, p: PairEntry) -> list[str]:
    m = p.meaning
    out = [f"#### {p.end_reason} / {p.end_sub_code}: {m.title}", ""]
    out += [
        "- **Causes:** " + " ".join(f"({i}) {_md(c)}" for i, c in enumerate(m.causes, 1)),
        "- **What to do:** " + " ".join(f"({i}) {_md(a)}" for i, a in enumerate(m.actions, 1)),
    ]
    if m.actions_direct_routing:
        out.append(
            "- **With Direct Routing:** "
            + " ".join(f"({i}) {_md(a)}" for i, a in enumerate(m.actions_direct_routing, 1))
        )
    if m.actions_microsoft_numbers:
        out.append(
            "- **With Microsoft-provided numbers:** "
            + " ".join(f"({i}) {_md(a)}" for i, a in enumerate(m.actions_microsoft_numbers, 1))
        )
    out.append(f"- **Retry:** {m.retry}: {_md(m.retry_advice)}")
    if m.result_category and m.result_category_source is not None:
        out.append(
            f"- **Microsoft result category:** {m.result_category} "
            f"([{_md(m.result_category_source.title)}]({m.result_category_source.url}))"
        )
    if m.note:
        out.append(f"- **Note:** {_md(m.note)}")
    for erratum in catalog.errata_for(p):
        out.append(
            f"- **Erratum:** published as {'/'.join(erratum.as_published)} in "
            f"[{_md(erratum.source.title)}]({erratum.source.url}): "
            f"{_md(erratum.note)}"
        )
    out += [f"- **Source:** [{_md(m.source.title)}]({m.source.url}) ({m.source.date})", ""]
    return out


def _shared_advice(pairs: list[PairEntry]) -> list[str]:
    """Causes and actions shared by several pairs, once, with the sub-codes using them."""
    groups: dict[tuple[str, tuple[str, ...], tuple[str, ...], str], list[PairEntry]] = {}
    for p in pairs:
        m = p.meaning
        groups.setdefault((m.category, m.causes, m.actions, m.retry_advice), []).append(p)
    out: list[str] = []
    for (category, causes, actions, advice), members in sorted(
        groups.items(), key=lambda item: (item[0][0], -len(item[1]))
    ):
        subs = ", ".join(p.end_sub_code for p in members)
        out += [
            f"- **{category}** ({len(members)}: {subs})",
            "  - **Causes:** " + " ".join(f"({i}) {_md(c)}" for i, c in enumerate(causes, 1)),
            "  - **What to do:** " + " ".join(f"({i}) {_md(a)}" for i, a in enumerate(actions, 1)),
            f"  - **Retry:** {_md(advice)}",
        ]
    sources = sorted({(p.meaning.source.title, p.meaning.source.url) for p in pairs})
    out += ["", "Sources: " + "; ".join(f"[{_md(title)}]({url})" for title, url in sources) + "."]
    return [*out, ""]


def _status_section(catalog: Catalog) -> list[str]:
    """The HTTP statuses of Call Automation requests, then the HTTP classes (fallback)."""
    out = [
        "",
        "## Call Automation request statuses (HTTP)",
        "",
        "`acs-triage call` explains each request of ACSCallAutomationIncomingOperations by its "
        "HTTP status (`ResultSignature`; the table has no sub-code): the status as Microsoft "
        "documents it for Call Automation, else its HTTP class (RFC 9110). For a failed request it "
        "also lists the `call-automation` pairs with the same code as candidate sub-codes.",
        "",
        "| Status | Title | Category | Who acts | Retry |",
        "|---|---|---|---|---|",
    ]
    for entry in catalog.statuses:
        m = entry.meaning
        out.append(f"| {entry.key} | {_md(m.title)} | {m.category} | {', '.join(m.who_acts)} | {m.retry} |")
    out.append("")
    for entry in catalog.statuses:
        m = entry.meaning
        out += [
            f"#### HTTP {entry.key}: {m.title}",
            "",
            "- **Causes:** " + " ".join(f"({i}) {_md(c)}" for i, c in enumerate(m.causes, 1)),
            "- **What to do:** " + " ".join(f"({i}) {_md(a)}" for i, a in enumerate(m.actions, 1)),
            f"- **Retry:** {m.retry}: {_md(m.retry_advice)}",
            *([f"- **Note:** {_md(m.note)}"] if m.note else []),
            f"- **Source:** [{_md(m.source.title)}]({m.source.url}) ({m.source.date})",
            "",
        ]
    out += [
        "### HTTP status classes (fallback)",
        "",
        "| Class | Title | Outcome | Category | Retry | Source |",
        "|---|---|---|---|---|---|",
    ]
    for k in catalog.http_classes:
        m = k.meaning
        out.append(
            f"| {k.key}xx | {_md(m.title)} | {m.outcome} | {m.category} | {m.retry} | "
            f"[{m.source.id}]({m.source.url}) |"
        )
    return out


def catalog_markdown(catalog: Catalog | None = None) -> str:
    catalog = catalog or load_catalog()
    by_scope: dict[str, list[PairEntry]] = {scope: [] for scope in SCOPES}
    for pair in catalog.pairs:
        by_scope.setdefault(pair.scope, []).append(pair)
    counts = ", ".join(f"{len(pairs)} {scope}" for scope, pairs in by_scope.items())
    out = [
        "# End-code catalog",
        "",
        "<!-- Generated by `python scripts/generate.py` from mappings/catalog.yaml. Do not edit. -->",
        "",
        f"Catalog version **{catalog.version}**: {len(catalog.pairs)} documented pairs "
        f"({counts}), {len(catalog.codes)} code-level meanings, {len(catalog.classes)} SIP "
        f"classes, {len(catalog.errata)} errata. Lookup order: documented pair, erratum, "
        "documented sub-code under another end reason (only a sub-code exactly one pair uses, "
        "with the same outcome), end reason alone (ACS meaning before RFC 3261), SIP class, "
        "unknown. See [catalog-format.md](catalog-format.md) for the file format; "
        "`acs-triage codes --scope SCOPE` lists the pairs of one scope.",
        "",
        "Contents: "
        + ", ".join(
            f"[{scope_title(scope).removeprefix('Documented ACS ')}](#{_anchor(scope_title(scope))})"
            for scope in by_scope
        )
        + ", [code-level meanings](#code-level-meanings-no-documented-pair), "
        "[SIP classes](#sip-response-classes-last-fallback), "
        "[Call Automation request statuses](#call-automation-request-statuses-http), "
        "[categories](#categories), [sources](#sources).",
        "",
        "## Who generated the failure",
        "",
    ]
    for rule in catalog.origin_rules:
        out.append(
            f"- Sub-code `{rule.prefix}xxx`: **{origin_label(rule.generated_by)}**. {_md(rule.description)}"
        )
    out += [f"- Any other sub-code: **{origin_label(catalog.origin_default)}**.", ""]
    for scope, pairs in by_scope.items():
        out += [
            f"## {scope_title(scope)}",
            "",
            f"Scope `{scope}`, {len(pairs)} pairs. {SCOPE_INTROS.get(scope, '')}",
            "",
        ]
        out += _pair_table(pairs)
        out.append("")
        if scope in DETAILED_SCOPES:
            for p in pairs:
                out += _pair_details(catalog, p)
        else:
            out += ["### Causes and actions by kind of error", ""]
            out += _shared_advice(pairs)
    out += [
        "## Code-level meanings (no documented pair)",
        "",
        "| Reason | Origin | Title | Category | Who acts | Retry |",
        "|---|---|---|---|---|---|",
    ]
    for c in sorted(catalog.codes, key=lambda c: (int(c.end_reason), c.origin)):
        m = c.meaning
        out.append(
            f"| {c.end_reason} | {c.origin} | {_md(m.title)} | {m.category} | "
            f"{', '.join(m.who_acts)} | {m.retry} |"
        )
    out += [
        "",
        "## SIP response classes (last fallback)",
        "",
        "| Class | Title | Outcome | Category | Retry |",
        "|---|---|---|---|---|",
    ]
    for k in catalog.classes:
        m = k.meaning
        out.append(f"| {k.sip_class}xx | {_md(m.title)} | {m.outcome} | {m.category} | {m.retry} |")
    out += _status_section(catalog)
    out += [
        "",
        "## Categories",
        "",
        "Kinds: `normal` endings, `callee-outcome` (busy, no answer, declined, canceled: not a "
        "fault to fix) and `failure`.",
        "",
        "| Category | Kind | Meaning | Pairs |",
        "|---|---|---|---|",
    ]
    used = Counter(p.meaning.category for p in catalog.pairs)
    out += [f"| {c.id} | {c.kind} | {_md(c.title)} | {used[c.id]} |" for c in catalog.categories]
    out += ["", "## Sources", ""]
    out += [f"- `{s.id}`: [{_md(s.title)}]({s.url}) ({s.date})" for s in catalog.sources]
    return "\n".join(out) + "\n"


#: Documented limits a pasted query meets (checked 2026-11-30; see docs/queries.md).
ALERT_RULE_LIMIT = 64 * 1024


def _annotated_size(queries: dict[str, QueryDef]) -> list[str]:
    """How big the annotated query is, against the limits Microsoft documents."""
    annotated = queries.get(ANNOTATED_NAME)
    if annotated is None:
        return []
    size = len(annotated.text.encode("utf-8"))
    catalog = load_catalog()
    return [
        "### Size of the annotated form",
        "",
        f"`--annotated` embeds the whole catalog ({len(catalog.pairs)} documented pairs, every "
        "meaning, action list and source once, referenced by number), so "
        f"`{ANNOTATED_NAME}.kql` is {size:,} bytes. Where it fits:",
        "",
        "| Where | Documented limit on the query text | Fits |",
        "|---|---|---|",
        "| Logs query API (`api.loganalytics.azure.com`), `acs-triage` itself | none documented: the "
        "[service limits](https://learn.microsoft.com/azure/azure-monitor/fundamentals/service-limits"
        "#log-analytics-workspaces) cover rows (500,000), result size (~100 MB), run time and request "
        "rate, and the REST spec's `query` has no `maxLength` | yes (tested: the emulator runs it "
        "through the real SDK) |",
        "| Azure portal Logs, Workbooks | none documented (only result rows: 30,000 portal, 10,000 "
        "workbooks) | yes |",
        '| Log search alert rule (`scheduledQueryRules`) | "the combined size of all data in the log '
        "alert rule properties can't exceed 64 KB\" ([Azure Monitor service limits, alerts]"
        "(https://learn.microsoft.com/azure/azure-monitor/fundamentals/service-limits#alerts)) | "
        + ("yes" if size < ALERT_RULE_LIMIT else f"**no** ({size / ALERT_RULE_LIMIT:.1f}x)")
        + ": alert on the plain queries (rates and counts), and annotate when you investigate |",
        '| Microsoft Sentinel analytics rule | "between 1 and 10,000 characters" ([Sentinel scheduled '
        "rules](https://learn.microsoft.com/azure/sentinel/scheduled-rules-overview)) | no |",
        "",
        "Kusto documents no limit on query text length or `datatable` size; it rejects a query "
        "whose syntax tree is too deep, which a `datatable` does not make deeper.",
        "",
    ]


def queries_markdown(queries: dict[str, QueryDef] | None = None) -> str:
    queries = queries or load_queries()
    out = [
        "# KQL library",
        "",
        "<!-- Generated by `python scripts/generate.py` from the kql/*.kql headers. Do not edit. -->",
        "",
        "Every file in `kql/` runs as pasted into the Azure portal (Logs), with the defaults "
        "of its `let _<parameter> = ...;` lines. `acs-triage kql show NAME` prints it with "
        "your values as typed literals; `--annotated` joins the end-code catalog. Every "
        "query is checked in the test suite by Microsoft's Kusto.Language against the "
        "table schemas in `kql/tables/`.",
        "",
        *_annotated_size(queries),
        "| Query | Version | Title | Tables | Used by |",
        "|---|---|---|---|---|",
    ]
    for q in queries.values():
        out.append(
            f"| [{q.name}](#{q.name}) | {q.version} | {_md(q.title)} | "
            f"{', '.join(q.tables)} | {', '.join(q.uses)} |"
        )
    for q in queries.values():
        out += [
            "",
            f"## {q.name}",
            "",
            f"**{_md(q.title)}** (id `{q.id}`, version {q.version})",
            "",
            q.description,
            "",
        ]
        if q.parameters:
            out += ["| Parameter | Type | Default | Description |", "|---|---|---|---|"]
            out += [
                f"| `{p.name}` | {p.type.value} | `{_md(p.default_text)}` | "
                f"{_md(p.description)}{_range(p.minimum, p.maximum)} |"
                for p in q.parameters
            ]
            out.append("")
        out += ["| Output column | Type | Description |", "|---|---|---|"]
        out += [f"| `{c.name}` | {c.type} | {_md(c.description)} |" for c in q.output]
        out += [
            "",
            f"```sh\nacs-triage kql show {q.name}"
            + (" --annotated" if q.annotatable and q.name != ANNOTATED_NAME else "")
            + "\n```",
        ]
    return "\n".join(out) + "\n"


def annotated_query_file(catalog: Catalog | None = None) -> str:
    """``kql/pstn-failures-annotated.kql``: the base query with the catalog joined in."""
    catalog = catalog or load_catalog()
    base = load_queries()[BASE_NAME]
    header_lines = base.text.split("// ---\n")[1].splitlines()
    meta: list[str] = []
    skip = False
    for line in header_lines:
        if line.startswith("// id:"):
            meta.append(f"// id: {ANNOTATED_ID}")
        elif line.startswith("// name:"):
            meta.append(f"// name: {ANNOTATED_NAME}")
        elif line.startswith("// version:"):
            meta.append(f"// version: {base.version}")
        elif line.startswith("// title:"):
            meta.append("// title: PSTN failures by pair, annotated with the end-code catalog")
        elif line.startswith("// description:"):
            meta += [
                "// description: >",
                f"//   Generated from {BASE_NAME} and mappings/catalog.yaml (catalog "
                f"v{catalog.version}); do not edit.",
                "//   Each row carries the documented meaning of its pair (or of its end",
                "//   reason, or SIP class) so the portal, a workbook or an alert shows",
                "//   cause, who acts and what to do without acs-triage.",
            ]
            skip = True
        elif skip and line.startswith("//   "):
            continue
        else:
            skip = False
            meta.append(line)
    meta += [
        f'//   - {{name: {name}, type: {kind}, description: "{desc}"}}'
        for name, kind, desc in ANNOTATION_COLUMNS
    ]
    body = annotate_query(base, base.body, catalog)
    return "// ---\n" + "\n".join(meta) + "\n// ---\n" + body


def commands_markdown() -> str:
    """docs/commands.md from the CLI's own help texts (the same source as --help)."""
    import typer

    from acs_triage.cli.app import app

    root = typer.main.get_command(app)
    out = [
        "# Commands",
        "",
        "<!-- Generated by `python scripts/generate.py` from the CLI definitions. Do not edit. -->",
        "",
        "Every command takes `--format table|json|csv|markdown` and `--output FILE`; data "
        "goes to stdout, diagnostics to stderr. Exit codes: see "
        "[exit-codes.md](exit-codes.md).",
        "",
    ]

    def walk(command: object, path: list[str]) -> None:
        ctx = typer.main._click.Context(  # type: ignore[attr-defined]
            command, info_name=" ".join(path), terminal_width=100, max_content_width=100
        )
        subcommands = getattr(command, "commands", None)
        if path != ["acs-triage"] or not subcommands:
            out.extend([f"## `{' '.join(path)}`", "", "```text", command.get_help(ctx).rstrip(), "```", ""])  # type: ignore[attr-defined]
        for name, sub in sorted((subcommands or {}).items()):
            walk(sub, [*path, name])

    walk(root, ["acs-triage"])
    return "\n".join(out).rstrip("\n") + "\n"


def generated_files(root: Path) -> dict[Path, str]:
    """Every generated file under the repository ``root`` with its expected content."""
    annotated = annotated_query_file()
    queries = dict(load_queries())
    queries[ANNOTATED_NAME] = parse_query(annotated, f"{ANNOTATED_NAME}.kql")
    mappings = root / "mappings"
    return {
        mappings / COMPILED_FILE: compile_catalog((mappings / CATALOG_FILE).read_bytes()),
        root / "docs" / "catalog.md": catalog_markdown(),
        root / "kql" / f"{ANNOTATED_NAME}.kql": annotated,
        root / "docs" / "queries.md": queries_markdown(dict(sorted(queries.items()))),
        root / "docs" / "commands.md": commands_markdown(),
    }


def main() -> None:
    root = Path(__file__).resolve().parent.parent
    for path, text in generated_files(root).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(root)}", file=sys.stderr)


if __name__ == "__main__":
    main()

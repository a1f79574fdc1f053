"""``explain`` and ``codes``: the end-code catalog from the command line."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from acs_triage.catalog.loader import load_catalog
from acs_triage.cli.options import FormatOpt, OutputOpt, emit
from acs_triage.errors import UsageError
from acs_triage.formats import OutputFormat
from acs_triage.formats.views import codes_view, explanation_view


def explain(
    code: Annotated[str, typer.Argument(help="ParticipantEndReason (e.g. 403), or a sub-code "
                                            "alone (e.g. 560403) to list every pair using it.")],
    sub_code: Annotated[Optional[str], typer.Argument(  # noqa: UP045
        help="ParticipantEndSubCode (e.g. 560403).")] = None,
    fmt: FormatOpt = OutputFormat.TABLE,
    output: OutputOpt = None,
) -> None:
    """What an end reason / sub-code pair means, who must act and what to do."""
    catalog = load_catalog()
    if sub_code is None:
        pairs = catalog.pairs_with_sub_code(code)
        if pairs:
            items = [catalog.explain(p.end_reason, p.end_sub_code) for p in pairs]
            emit(explanation_view(items, code), fmt, output)
            return
        generated_by, _note = catalog.origin(code)
        sub = code.strip()
        if generated_by.startswith("sbc-"):
            # Undocumented SBC sub-code: its last three digits are the SIP code sent.
            items = [catalog.explain(sub[3:], sub)]
            emit(explanation_view(items, code), fmt, output)
            return
        if len(sub) > 3:
            raise UsageError(f"no documented pair uses sub-code {code.strip()!r}; "
                             "give the end reason too: acs-triage explain CODE SUBCODE")
    items = [catalog.explain(code, sub_code or "")]
    emit(explanation_view(items, f"{code} {sub_code or ''}".strip()), fmt, output)


def codes(
    code: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--code", help="Only pairs whose end reason or sub-code is this.")] = None,
    category: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--category", help="Only this category (e.g. caller-configuration).")] = None,
    who_acts: Annotated[Optional[str], typer.Option(  # noqa: UP045
        "--who-acts", help="Only pairs this party must act on (sbc, acs-configuration, "
                           "callee, microsoft, ...).")] = None,
    fmt: FormatOpt = OutputFormat.TABLE,
    output: OutputOpt = None,
) -> None:
    """The catalog of documented PSTN end-code pairs."""
    catalog = load_catalog()
    categories = {p.meaning.category for p in catalog.pairs}
    parties = {w for p in catalog.pairs for w in p.meaning.who_acts}
    if category is not None and category not in categories:
        raise UsageError(f"unknown category {category!r}; valid: {', '.join(sorted(categories))}")
    if who_acts is not None and who_acts not in parties:
        raise UsageError(f"unknown --who-acts {who_acts!r}; valid: {', '.join(sorted(parties))}")
    entries = catalog.filter_pairs(code=code, category=category, who_acts=who_acts, scope="pstn")
    emit(codes_view(catalog, entries), fmt, output)

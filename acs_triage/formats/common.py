"""Small wording helpers and columns every view shares."""

from __future__ import annotations

from collections.abc import Sequence

from acs_triage.catalog.model import origin_label
from acs_triage.formats.blocks import Block, Column, Items, Text

__all__ = [
    "CATEGORY",
    "ORIGIN",
    "REASON",
    "RETRY",
    "SHORT_ORIGIN",
    "SUB_CODE",
    "TITLE",
    "WHO_ACTS",
    "advice_blocks",
    "joined",
    "origin_text",
    "pct",
    "short_origin",
]

#: ``generated_by`` values in a narrow table column.
SHORT_ORIGIN = {"sbc-outbound": "SBC out", "sbc-inbound": "SBC in", "microsoft": "Microsoft", "unknown": "?"}


def pct(value: object) -> str:
    """A fraction as a percentage with two decimals; ``n/a`` for None."""
    return "n/a" if not isinstance(value, (int, float)) else f"{100 * value:.2f}%"


def short_origin(generated_by: object) -> str:
    return SHORT_ORIGIN.get(str(generated_by), str(generated_by))


def origin_text(generated_by: str, end_sub_code: str, note: str) -> str:
    """Who generated an ending, in words: an SBC with the SIP code it sent, a Microsoft
    service, or (no telling sub-code) the catalog's sentence saying why not."""
    if generated_by == "unknown":
        return note
    sip = end_sub_code[3:]
    said = ""
    if generated_by.startswith("sbc-"):
        said = "; it cleared the call normally" if sip == "000" else f"; its final response was SIP {sip}"
    return origin_label(generated_by) + said


def joined(value: object) -> str:
    """A list as people read it in a cell."""
    return ", ".join(str(v) for v in value) if isinstance(value, (list, tuple)) else str(value or "")


def advice_blocks(causes: Sequence[str], actions: Sequence[str], note: str | None) -> list[Block]:
    """``Causes:`` and ``What to do:`` as lists, then the note (causes only when any)."""
    blocks: list[Block] = [Items("Causes:", list(causes))] if causes else []
    blocks.append(Items("What to do:", list(actions)))
    if note:
        blocks.append(Text(f"Note: {note}"))
    return blocks


#: Columns several views share, keyed by their JSON field name.
REASON = Column("end_reason", "reason")
SUB_CODE = Column("end_sub_code", "sub-code")
TITLE = Column("title", "title", wrap=True, least=24)
WHO_ACTS = Column("who_acts", "who acts", show=joined, wrap=True, drop=2)
RETRY = Column("retry", "retry", drop=3)
CATEGORY = Column("category", "category", drop=4)
ORIGIN = Column("generated_by", "from", show=short_origin, drop=5)

"""Small wording helpers every view shares."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["SHORT_ORIGIN", "advice_lines", "pct", "short_origin"]

#: ``generated_by`` values in a narrow table column.
SHORT_ORIGIN = {"sbc-outbound": "SBC out", "sbc-inbound": "SBC in", "microsoft": "Microsoft", "unknown": "?"}


def pct(value: float | None) -> str:
    """A fraction as a percentage with two decimals; ``n/a`` for None."""
    return "n/a" if value is None else f"{100 * value:.2f}%"


def short_origin(generated_by: str) -> str:
    return SHORT_ORIGIN.get(generated_by, generated_by)


def advice_lines(causes: Sequence[str], actions: Sequence[str], note: str | None) -> list[str]:
    """``Causes:`` and ``What to do:`` as bullet lists, then the note (causes only when any)."""
    lines = ["Causes:", *(f"  - {c}" for c in causes)] if causes else []
    lines += ["What to do:", *(f"  - {a}" for a in actions)]
    if note:
        lines.append(f"Note: {note}")
    return lines

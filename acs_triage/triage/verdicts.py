"""Microsoft's own verdict on each leg, beside ours.

Every ACSCallSummary row carries ``ResultCategory``: ``Success``, ``ExpectedError``,
``UnexpectedClientError`` or ``UnexpectedServerError`` (sometimes blank). Azure's Call
Diagnostics counts a participant as dropped when the category contains "Unexpected".
acs-triage counts, per (end reason, sub-code) pair:

- a leg is **unexpected** when its logged category starts with ``Unexpected``;
- when the logged value is blank, the category the catalog documents for the pair
  (where Microsoft publishes one) decides;
- when neither exists, the leg is **unclassified**, never counted as unexpected.

Logged values that differ from the documented category are reported, not corrected:
Microsoft's labels are shown as logged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["BLANK", "Verdicts", "is_unexpected", "verdicts"]

#: How a blank or null logged ResultCategory is named in reports.
BLANK = "none"


def is_unexpected(category: str | None) -> bool:
    """Call Diagnostics' rule: the category names an unexpected (client or server) error."""
    return bool(category) and str(category).startswith("Unexpected")


@dataclass(frozen=True)
class Verdicts:
    """Microsoft's verdicts on the legs of one pair."""

    logged: dict[str, int] = field(default_factory=dict)  #: logged category (``none`` when blank) -> legs
    documented: str | None = None  #: the category the catalog documents for the pair
    unexpected_legs: int = 0
    unclassified_legs: int = 0
    #: None when there is nothing to compare (no documented or no logged category)
    agrees: bool | None = None
    disagreement: str | None = None  #: a sentence saying how logged values differ


def verdicts(
    logged_categories: Sequence[tuple[str, int]], documented: str | None, *, pair: str = ""
) -> Verdicts:
    """Classify the legs of one pair from its logged categories and the documented one."""
    logged: dict[str, int] = {}
    unexpected = unclassified = 0
    for category, legs in logged_categories:
        name = category.strip() if category else ""
        logged[name or BLANK] = logged.get(name or BLANK, 0) + legs
        if name:
            unexpected += legs if is_unexpected(name) else 0
        elif documented is None:
            unclassified += legs
        else:
            unexpected += legs if is_unexpected(documented) else 0
    others = {k: v for k, v in logged.items() if k != BLANK and k != documented}
    agrees = None if documented is None or not set(logged) - {BLANK} else not others
    disagreement = None
    if agrees is False:
        shown = ", ".join(f"{k} x{v}" for k, v in sorted(others.items(), key=lambda kv: (-kv[1], kv[0])))
        disagreement = (
            f"Microsoft documents {documented} for {pair or 'this pair'}, but legs were logged as {shown}."
        )
    return Verdicts(logged, documented, unexpected, unclassified, agrees, disagreement)

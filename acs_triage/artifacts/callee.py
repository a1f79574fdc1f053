"""Which failed legs are callee outcomes, as small lists a query can carry.

The smoke gate leaves busy, no-answer, declined and canceled legs out of its failure
rate: the catalog says so through the category of each leg's explanation. An alert
query cannot embed the catalog (an alert rule's properties are limited to 64 KB), so
:func:`callee_rule` turns the catalog into a decision list that mirrors the lookup
order of :meth:`~acs_triage.catalog.lookup.Catalog.explain`: the documented pair (or
erratum), then a sub-code documented by exactly one pair, then the end reason, then
the SIP class. Every list holds only what the next level would decide otherwise, so
the lists stay a few dozen short strings. Sub-codes are taken from the PSTN pairs of
the catalog (the legs an alert reads); a sub-code documented only for another scope
(Calling SDK, Rooms) is not consulted, and its leg follows its end reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from acs_triage.catalog.loader import Catalog
from acs_triage.catalog.model import MatchLevel

__all__ = ["PSTN_SCOPE", "CalleeRule", "callee_rule"]

PSTN_SCOPE = "pstn"
#: An end reason no pair, erratum or code uses, to ask the catalog about a sub-code alone.
_NO_REASON = "999"


@dataclass(frozen=True)
class CalleeRule:
    """The decision lists, in the order the query applies them (first match wins)."""

    callee_pairs: tuple[str, ...]  # "reason/sub-code"
    other_pairs: tuple[str, ...]
    callee_sub_codes: tuple[str, ...]
    other_sub_codes: tuple[str, ...]
    callee_reasons: tuple[str, ...]
    other_reasons: tuple[str, ...]
    callee_classes: tuple[str, ...]  # first digit of a 3-digit end reason

    def query_parameters(self) -> dict[str, object]:
        """The values of the ``callee_*``/``other_*`` parameters of ``pstn-alert-by-pair``."""
        return {name: list(values) for name, values in vars(self).items()}

    def _after_pairs(self, reason: str, sub_code: str) -> bool:
        if sub_code in self.callee_sub_codes or sub_code in self.other_sub_codes:
            return sub_code in self.callee_sub_codes
        if reason in self.callee_reasons or reason in self.other_reasons:
            return reason in self.callee_reasons
        return len(reason) == 3 and reason.isdigit() and reason[0] in self.callee_classes

    def is_callee_outcome(self, reason: str, sub_code: str) -> bool:
        """What the query decides for a failed leg (the same steps, in Python)."""
        pair = f"{reason}/{sub_code}"
        if pair in self.callee_pairs or pair in self.other_pairs:
            return pair in self.callee_pairs
        return self._after_pairs(reason, sub_code)


def _reason_in_class(catalog: Catalog, sip_class: str) -> str | None:
    """A 3-digit end reason of this class that has no meaning of its own."""
    return next(
        (r for n in range(99, -1, -1) if catalog.code(r := f"{sip_class}{n:02d}") is None),
        None,
    )


def callee_rule(catalog: Catalog) -> CalleeRule:
    """The decision lists for ``catalog`` (see the module docstring)."""
    callee = catalog.callee_outcome_categories()

    def oracle(reason: str, sub_code: str) -> bool:
        return catalog.explain(reason, sub_code).meaning.category in callee

    classes = []
    for entry in catalog.classes:
        probe = _reason_in_class(catalog, entry.sip_class)
        if probe is not None and oracle(probe, ""):
            classes.append(entry.sip_class)
    by_class = CalleeRule((), (), (), (), (), (), tuple(sorted(classes)))
    reasons = sorted({c.end_reason for c in catalog.codes}, key=lambda r: (len(r), r))
    callee_reasons = tuple(r for r in reasons if oracle(r, "") and not by_class.is_callee_outcome(r, ""))
    other_reasons = tuple(r for r in reasons if not oracle(r, "") and by_class.is_callee_outcome(r, ""))
    subs = sorted({p.end_sub_code for p in catalog.pairs if p.scope == PSTN_SCOPE})
    by_sub = [s for s in subs if catalog.explain(_NO_REASON, s).level is MatchLevel.SUB_CODE]
    without_pairs = CalleeRule(
        (),
        (),
        tuple(s for s in by_sub if oracle(_NO_REASON, s)),
        tuple(s for s in by_sub if not oracle(_NO_REASON, s)),
        callee_reasons,
        other_reasons,
        by_class.callee_classes,
    )
    keys = [(p.end_reason, p.end_sub_code) for p in catalog.pairs]
    keys += [e.as_published for e in catalog.errata if e.as_published not in keys]
    return CalleeRule(
        tuple(f"{r}/{s}" for r, s in keys if oracle(r, s) and not without_pairs.is_callee_outcome(r, s)),
        tuple(f"{r}/{s}" for r, s in keys if not oracle(r, s) and without_pairs.is_callee_outcome(r, s)),
        without_pairs.callee_sub_codes,
        without_pairs.other_sub_codes,
        callee_reasons,
        other_reasons,
        by_class.callee_classes,
    )

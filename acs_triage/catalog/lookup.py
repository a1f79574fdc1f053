"""The loaded catalog and its lookups (build one with :func:`acs_triage.catalog.loader.load_catalog`).

Lookup order (:meth:`Catalog.explain`): the exact documented pair, a known erratum
of Microsoft's pages, the documented meaning of the sub-code when exactly one
documented pair uses it (a sub-code seen under another end reason, e.g. 500/511404),
the meaning of the end reason alone (ACS's before RFC 3261's), the RFC 3261 response
class, and finally "unknown". Values are taken as logs hold them (ints or strings,
blanks, ``"null"``, stray spaces); lookup never raises.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from acs_triage.catalog.model import (
    UNKNOWN_CONNECTIVITY,
    UNKNOWN_MEANING,
    UNKNOWN_STATUS_MEANING,
    CategoryEntry,
    ClassEntry,
    CodeEntry,
    ConnectivityRule,
    Erratum,
    Explanation,
    MatchLevel,
    OriginRule,
    PairEntry,
    Source,
    StatusEntry,
    StatusExplanation,
    StatusLevel,
)
from acs_triage.codes import is_failure_end, normalize_code

__all__ = ["Catalog"]


@dataclass(frozen=True)
class Catalog:
    """The end-code catalog with its lookups."""

    version: str
    sources: tuple[Source, ...]
    categories: tuple[CategoryEntry, ...]
    connectivity_rules: tuple[ConnectivityRule, ...]
    pairs: tuple[PairEntry, ...]
    codes: tuple[CodeEntry, ...]
    classes: tuple[ClassEntry, ...]
    errata: tuple[Erratum, ...]
    origin_rules: tuple[OriginRule, ...]
    origin_default: str
    #: documented HTTP statuses of Call Automation requests, and the RFC 9110 classes
    statuses: tuple[StatusEntry, ...] = ()
    http_classes: tuple[StatusEntry, ...] = ()
    _pairs_by_key: dict[tuple[str, str], PairEntry] = field(init=False, repr=False, compare=False)
    _pairs_by_sub: dict[str, list[PairEntry]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_sub: dict[str, list[PairEntry]] = {}
        for pair in self.pairs:
            by_sub.setdefault(pair.end_sub_code, []).append(pair)
        object.__setattr__(self, "_pairs_by_key", {(p.end_reason, p.end_sub_code): p for p in self.pairs})
        object.__setattr__(self, "_pairs_by_sub", by_sub)

    # -- lookups ---------------------------------------------------------------------
    def pair(self, end_reason: object, end_sub_code: object) -> PairEntry | None:
        key = (normalize_code(end_reason), normalize_code(end_sub_code))
        return self._pairs_by_key.get(key)

    def code(self, end_reason: object) -> CodeEntry | None:
        reason = normalize_code(end_reason)
        matches = [c for c in self.codes if c.end_reason == reason]
        matches.sort(key=lambda c: 0 if c.origin == "acs" else 1)
        return matches[0] if matches else None

    def sip_class(self, end_reason: object) -> ClassEntry | None:
        reason = normalize_code(end_reason)
        if len(reason) != 3 or not reason.isdigit():
            return None
        return next((c for c in self.classes if c.sip_class == reason[0]), None)

    def origin(self, end_sub_code: object) -> tuple[str, str]:
        """Who generated a failure, from the sub-code prefix, and a sentence saying so."""
        sub = normalize_code(end_sub_code)
        if not sub.isdigit():
            return "unknown", "No sub-code, so the tool cannot tell who generated the failure."
        if not sub.strip("0"):
            return (
                "unknown",
                "Sub-code 0 names no service or SBC, so the tool cannot tell who ended the call.",
            )
        for rule in self.origin_rules:
            if len(sub) == 6 and sub.startswith(rule.prefix):
                sip = sub[3:]
                said = "normal call clearing" if sip == "000" else f"SIP {sip}"
                return (
                    rule.generated_by,
                    f"{rule.description} Sub-code {sub}: the SBC's final response was {said}.",
                )
        return self.origin_default, (
            f"Sub-code {sub} does not start with an SBC prefix "
            f"({', '.join(r.prefix for r in self.origin_rules)}), so a Microsoft service "
            "generated it."
        )

    def category_kind(self, category: str) -> str:
        """``normal``, ``callee-outcome`` or ``failure`` (unknown categories are failures)."""
        entry = next((c for c in self.categories if c.id == category), None)
        return "failure" if entry is None else entry.kind

    def callee_outcome_categories(self) -> frozenset[str]:
        """Busy, no answer, declined, canceled: endings that are not faults to fix."""
        return frozenset(c.id for c in self.categories if c.kind == "callee-outcome")

    def connectivity(self, pstn_call_types: Iterable[str]) -> str:
        """``direct-routing``, ``microsoft-numbers``, ``mixed`` or ``unknown`` for legs
        with these ``PstnParticipantCallType`` values (rules in the catalog)."""
        found = set()
        for value in pstn_call_types:
            rule = next(
                (r for r in self.connectivity_rules if re.search(r.pattern, value, re.IGNORECASE)), None
            )
            if rule is not None:
                found.add(rule.connectivity)
        if len(found) == 1:
            return found.pop()
        return "mixed" if found else UNKNOWN_CONNECTIVITY

    def _by_sub_code(self, reason: str, sub: str) -> PairEntry | None:
        """The one documented pair with this sub-code whose outcome fits ``reason``."""
        outcome = "failure" if is_failure_end(reason) else "normal"
        candidates = self._pairs_by_sub.get(sub, [])
        if len(candidates) == 1 and candidates[0].meaning.outcome == outcome:
            return candidates[0]
        return None

    def explain(self, end_reason: object, end_sub_code: object) -> Explanation:
        """Explain a pair as found in a log. Never raises."""
        reason, sub = normalize_code(end_reason), normalize_code(end_sub_code)
        generated_by, note = self.origin(sub)
        pair = self.pair(reason, sub)
        if pair is not None:
            return Explanation(
                reason, sub, MatchLevel.PAIR, pair.meaning, generated_by, note, scope=pair.scope
            )
        for erratum in self.errata:
            if erratum.as_published == (reason, sub):
                corrected = self.pair(*erratum.corrected)
                if corrected is not None:
                    return Explanation(
                        reason,
                        sub,
                        MatchLevel.ERRATUM,
                        corrected.meaning,
                        generated_by,
                        note,
                        erratum=erratum,
                        scope=corrected.scope,
                    )
        documented_sub = self._by_sub_code(reason, sub)
        if documented_sub is not None:
            return Explanation(
                reason,
                sub,
                MatchLevel.SUB_CODE,
                documented_sub.meaning,
                generated_by,
                note,
                sub_code_pair=documented_sub,
                scope=documented_sub.scope,
            )
        code = self.code(reason)
        if code is not None:
            return Explanation(
                reason, sub, MatchLevel.CODE, code.meaning, generated_by, note, code_origin=code.origin
            )
        klass = self.sip_class(reason)
        if klass is not None:
            return Explanation(reason, sub, MatchLevel.SIP_CLASS, klass.meaning, generated_by, note)
        return Explanation(reason, sub, MatchLevel.UNKNOWN, UNKNOWN_MEANING, generated_by, note)

    def explain_status(self, status: int | None) -> StatusExplanation:
        """Explain the HTTP status of a Call Automation request (``ResultSignature``):
        the documented status, else its HTTP class, else unknown. Never raises."""
        text = "" if status is None else str(status)
        entry = next((e for e in self.statuses if e.key == text), None)
        if entry is not None:
            return StatusExplanation(status, StatusLevel.STATUS, entry.meaning)
        klass = next((c for c in self.http_classes if len(text) == 3 and c.key == text[0]), None)
        if klass is not None:
            return StatusExplanation(status, StatusLevel.HTTP_CLASS, klass.meaning)
        return StatusExplanation(status, StatusLevel.UNKNOWN, UNKNOWN_STATUS_MEANING)

    def automation_pairs(self, status: int | None) -> list[PairEntry]:
        """The documented ``call-automation`` pairs whose code is ``status``: the sub-codes
        a request that failed with this status may have had (its log holds none)."""
        code = "" if status is None else str(status)
        return [p for p in self.pairs if p.scope == "call-automation" and p.end_reason == code]

    def pairs_with_sub_code(self, end_sub_code: object) -> list[PairEntry]:
        """Every documented pair using this sub-code (sub-code 0 belongs to several codes)."""
        sub = normalize_code(end_sub_code)
        found = [p for p in self.pairs if p.end_sub_code == sub]
        for erratum in self.errata:
            if erratum.as_published[1] == sub:
                corrected = self.pair(*erratum.corrected)
                if corrected is not None and corrected not in found:
                    found.append(corrected)
        return found

    def explain_all(self, first: object, second: object | None = None) -> list[Explanation]:
        """What ``acs-triage explain`` shows for one or two values. Never raises.

        Two values: that pair. One value of up to three digits: an end reason, so every
        documented pair with it (or with it as sub-code, for ``0``) and the code's own
        meaning. A longer value: a sub-code, so every documented pair using it; an
        undocumented SBC sub-code (``560xxx``/``540xxx``) is explained as the SIP code its
        last three digits name. Empty when nothing is known about a long sub-code.
        """
        if second is not None:
            return [self.explain(first, second)]
        value = normalize_code(first)
        if len(value) <= 3:
            pairs = [p for p in self.pairs if value in (p.end_reason, p.end_sub_code)]
            return [self.explain(p.end_reason, p.end_sub_code) for p in pairs] + [self.explain(value, "")]
        pairs = self.pairs_with_sub_code(value)
        if pairs:
            return [self.explain(p.end_reason, p.end_sub_code) for p in pairs]
        if self.origin(value)[0].startswith("sbc-"):
            return [self.explain(value[3:], value)]
        return []

    def pair_to_dict(self, entry: PairEntry) -> dict[str, Any]:
        """A documented pair as ``acs-triage codes`` writes it in JSON."""
        return {
            "end_reason": entry.end_reason,
            "end_sub_code": entry.end_sub_code,
            "scope": entry.scope,
            "generated_by": self.origin(entry.end_sub_code)[0],
            **entry.meaning.to_dict(),
            "errata": [
                {
                    "as_published": {"end_reason": e.as_published[0], "end_sub_code": e.as_published[1]},
                    "note": e.note,
                    "source": e.source.url,
                }
                for e in self.errata_for(entry)
            ],
        }

    def errata_for(self, entry: PairEntry) -> list[Erratum]:
        key = (entry.end_reason, entry.end_sub_code)
        return [e for e in self.errata if e.corrected == key]

    def filter_pairs(
        self,
        *,
        code: str | None = None,
        category: str | None = None,
        who_acts: str | None = None,
        scope: str | None = None,
    ) -> list[PairEntry]:
        result: Iterable[PairEntry] = self.pairs
        if code is not None:
            wanted = normalize_code(code)
            result = [p for p in result if wanted in (p.end_reason, p.end_sub_code)]
        if category is not None:
            result = [p for p in result if p.meaning.category == category]
        if who_acts is not None:
            result = [p for p in result if who_acts in p.meaning.who_acts]
        if scope is not None:
            result = [p for p in result if p.scope == scope]
        return list(result)

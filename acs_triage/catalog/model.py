"""Typed view of ``mappings/catalog.yaml``."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from acs_triage.jsonable import pick

#: The title of an end code nothing in the catalog explains.
UNKNOWN_TITLE = "Unknown end code"

#: Every pair's ``scope``: the section of Microsoft's troubleshooting-codes page (or the
#: Call Diagnostics sub-code mapping) it comes from, with what its codes are.
SCOPES: dict[str, str] = {
    "pstn": "PSTN end-code pairs",
    "calling": "call end code pairs (call end and server codes)",
    "rooms": "Rooms end-code pairs",
    "call-automation": "Call Automation result code pairs",
    "calling-sdk": "Calling SDK (client API) error code pairs",
}
#: The ``--scope`` value that selects every scope.
ALL_SCOPES = "all"


def scope_title(scope: str) -> str:
    """``Documented ACS ... pairs`` for a scope (or for all of them)."""
    if scope == ALL_SCOPES:
        return "Documented ACS end-code pairs, all scopes"
    return f"Documented ACS {SCOPES.get(scope, scope + ' pairs')}"


class MatchLevel(str, Enum):
    """How an explanation was found, most specific first."""

    PAIR = "pair"  #: a documented (end reason, sub-code) pair
    ERRATUM = "erratum"  #: a pair printed wrongly in a Microsoft page, mapped to the real one
    SUB_CODE = "sub-code"  #: a documented sub-code seen under another end reason
    CODE = "code"  #: a meaning of the end reason alone (ACS's, else RFC 3261's)
    SIP_CLASS = "sip-class"  #: the RFC 3261 class of the code (4xx, 5xx, ...)
    UNKNOWN = "unknown"  #: nothing applies (blank or non-numeric code)

    @property
    def documented(self) -> bool:
        return self in (MatchLevel.PAIR, MatchLevel.ERRATUM)


@dataclass(frozen=True)
class Source:
    """Where a fact comes from: a published page, with its date."""

    id: str
    title: str
    url: str
    date: str


_ORIGIN_LABELS = {
    "sbc-outbound": "an SBC (outbound call)",
    "sbc-inbound": "an SBC (inbound call)",
    "microsoft": "a Microsoft service",
    "unknown": "unknown",
}


def origin_label(generated_by: str) -> str:
    """Human wording for a ``generated_by`` value."""
    return _ORIGIN_LABELS.get(generated_by, generated_by)


#: How a PSTN leg reached the phone network, where the data tells.
DIRECT_ROUTING = "direct-routing"  #: the customer's own SBC (Azure direct routing)
#: numbers acquired from Microsoft: the SBC on the path is the carrier's
MICROSOFT_NUMBERS = "microsoft-numbers"
UNKNOWN_CONNECTIVITY = "unknown"

#: The source of :data:`UNKNOWN_MEANING`: none (every field empty).
NO_SOURCE = Source("", "", "", "")


@dataclass(frozen=True)
class Meaning:
    """What a code (pair, code alone or SIP class) means and what to do.

    :data:`UNKNOWN_MEANING` stands for "nothing in the catalog applies" (a null
    object): code that reads a meaning never has to test for a missing one, and
    ``known`` tells the two apart where it matters (JSON writes ``null`` for it).
    """

    title: str
    outcome: str  # "normal" | "failure"
    category: str
    who_acts: tuple[str, ...]
    retry: str  # "no" | "yes" | "later" | "after-fix"
    retry_advice: str
    causes: tuple[str, ...]
    actions: tuple[str, ...]
    source: Source
    result_category: str | None = None
    note: str | None = None
    known: bool = True
    #: where ``result_category`` is published (not always the page the meaning comes from)
    result_category_source: Source | None = None
    actions_direct_routing: tuple[str, ...] = ()  #: extra actions with your own SBC
    actions_microsoft_numbers: tuple[str, ...] = ()  #: extra actions with Microsoft-provided numbers

    def actions_for(self, connectivity: str) -> tuple[str, ...]:
        """The actions for a PSTN connectivity: its own extra actions, or both sets,
        labelled, when the connectivity is not known."""
        if connectivity == DIRECT_ROUTING:
            return self.actions + self.actions_direct_routing
        if connectivity == MICROSOFT_NUMBERS:
            return self.actions + self.actions_microsoft_numbers
        return (
            self.actions
            + tuple(f"With Direct Routing (your own SBC): {a}" for a in self.actions_direct_routing)
            + tuple(f"With Microsoft-provided numbers: {a}" for a in self.actions_microsoft_numbers)
        )

    def who_acts_for(self, connectivity: str) -> tuple[str, ...]:
        """Who acts; with Microsoft-provided numbers the SBC on the path is the carrier's
        (Microsoft's), so ``sbc`` becomes ``microsoft``."""
        if connectivity != MICROSOFT_NUMBERS or "sbc" not in self.who_acts:
            return self.who_acts
        return tuple(dict.fromkeys("microsoft" if who == "sbc" else who for who in self.who_acts))

    def to_dict(self) -> dict[str, Any]:
        return {
            **pick(
                self, "title", "outcome", "category", "who_acts", "retry", "retry_advice", "causes", "actions"
            ),
            **pick(self, "result_category", "note"),
            "source": self.source.url,
            "source_title": self.source.title,
            "source_date": self.source.date,
        }


#: The meaning of an end code nothing in the catalog explains.
UNKNOWN_MEANING = Meaning(
    title=UNKNOWN_TITLE,
    outcome="failure",
    category="unknown",
    who_acts=(),
    retry="unknown",
    retry_advice="",
    causes=(),
    actions=(),
    source=NO_SOURCE,
    known=False,
)


@dataclass(frozen=True)
class CategoryEntry:
    """A category of endings and its kind: ``normal``, ``callee-outcome`` (busy, no
    answer, declined, canceled: not a fault to fix) or ``failure``."""

    id: str
    kind: str
    title: str


@dataclass(frozen=True)
class ConnectivityRule:
    """A ``PstnParticipantCallType`` matching ``pattern`` (case-insensitive) used ``connectivity``."""

    pattern: str
    connectivity: str


@dataclass(frozen=True)
class PairEntry:
    end_reason: str
    end_sub_code: str
    scope: str
    meaning: Meaning


@dataclass(frozen=True)
class CodeEntry:
    end_reason: str
    origin: str  # "acs" | "rfc3261"
    meaning: Meaning


@dataclass(frozen=True)
class ClassEntry:
    sip_class: str  # "1".."6"
    meaning: Meaning


@dataclass(frozen=True)
class Erratum:
    """A pair printed wrongly in a Microsoft page, and the pair it means."""

    source: Source
    as_published: tuple[str, str]
    corrected: tuple[str, str]
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_published": {"end_reason": self.as_published[0], "end_sub_code": self.as_published[1]},
            "corrected": {"end_reason": self.corrected[0], "end_sub_code": self.corrected[1]},
            "source": self.source.url,
            "note": self.note,
        }


@dataclass(frozen=True)
class OriginRule:
    """Sub-codes starting with ``prefix`` were generated by ``generated_by``."""

    prefix: str
    generated_by: str
    description: str


@dataclass(frozen=True)
class Explanation:
    """The answer to "what does this pair mean": never raised, always returned."""

    end_reason: str
    end_sub_code: str
    level: MatchLevel
    meaning: Meaning  # UNKNOWN_MEANING for MatchLevel.UNKNOWN
    generated_by: str  # "sbc-outbound" | "sbc-inbound" | "microsoft" | "unknown"
    generated_by_note: str
    code_origin: str | None = None  # for MatchLevel.CODE: "acs" or "rfc3261"
    erratum: Erratum | None = None
    sub_code_pair: PairEntry | None = None  # for MatchLevel.SUB_CODE: the documented pair used
    scope: str | None = None  #: the catalog scope of the documented pair used (pstn, calling, ...)

    @property
    def documented(self) -> bool:
        return self.level.documented

    @property
    def title(self) -> str:
        return self.meaning.title

    @property
    def basis(self) -> str:
        """What the explanation rests on, in words."""
        if self.sub_code_pair is not None:
            documented = f"{self.sub_code_pair.end_reason}/{self.sub_code_pair.end_sub_code}"
            return f"the documented sub-code {self.end_sub_code} (documented as {documented})"
        origin = " (RFC 3261)" if self.code_origin == "rfc3261" else " (ACS)"
        return {
            MatchLevel.PAIR: "the documented pair",
            MatchLevel.ERRATUM: "the documented pair (printed with a typo in Microsoft's page)",
            MatchLevel.CODE: f"the meaning of end reason {self.end_reason or '(blank)'} alone{origin}",
            MatchLevel.SIP_CLASS: f"its SIP response class {self.end_reason[:1]}xx",
        }.get(self.level, "nothing: the end reason is blank or not a SIP code")

    def to_dict(self) -> dict[str, Any]:
        return {
            **pick(self, "end_reason", "end_sub_code", "documented"),
            "match_level": self.level.value,
            **pick(self, "scope", "code_origin", "generated_by", "generated_by_note"),
            "meaning": self.meaning.to_dict() if self.meaning.known else None,
            "erratum": None if self.erratum is None else self.erratum.to_dict(),
            "sub_code_of": None
            if self.sub_code_pair is None
            else {
                "end_reason": self.sub_code_pair.end_reason,
                "end_sub_code": self.sub_code_pair.end_sub_code,
            },
        }


@dataclass(frozen=True)
class StatusEntry:
    """What an HTTP status of a Call Automation request means: a documented status
    (``key`` ``"403"``) or, among the catalog's ``http_classes``, an RFC 9110 status class
    (``key`` ``"4"`` for 4xx)."""

    key: str
    meaning: Meaning


#: The meaning of a missing or unplaceable HTTP status (a null object, like UNKNOWN_MEANING).
UNKNOWN_STATUS_MEANING = replace(UNKNOWN_MEANING, title="Unknown HTTP status")


class StatusLevel(str, Enum):
    """How the HTTP status of a Call Automation request was explained."""

    STATUS = "status"  #: the status as Microsoft documents it for Call Automation
    HTTP_CLASS = "http-class"  #: only its HTTP class (4xx, 5xx, ...)
    UNKNOWN = "unknown"  #: no status logged, or none the catalog can place


@dataclass(frozen=True)
class StatusExplanation:
    """What the HTTP status of a Call Automation request means; never raised."""

    status: int | None
    level: StatusLevel
    meaning: Meaning  # UNKNOWN_STATUS_MEANING for StatusLevel.UNKNOWN

    @property
    def documented(self) -> bool:
        return self.level is StatusLevel.STATUS

    @property
    def basis(self) -> str:
        """What the explanation rests on, in words."""
        if self.level is StatusLevel.STATUS:
            return f"the documented Call Automation status {self.status}"
        if self.level is StatusLevel.HTTP_CLASS:
            return f"its HTTP status class {str(self.status)[:1]}xx (RFC 9110)"
        return "nothing: no HTTP status was logged, or it is not one"

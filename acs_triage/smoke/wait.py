"""``smoke --wait``: wait for post-deployment legs to arrive before judging them.

ACS writes a call's ``ACSCallSummary`` row only once the whole call record is
complete, minutes to an hour after the call ends (``ACSCallSummaryUpdates`` sooner).
Right after a deployment few of its calls have arrived, so a gate would be
inconclusive. :func:`wait_for_legs` polls the source with one cheap aggregated
question (how many PSTN legs the window holds) at a bounded interval, until
``min_legs`` have arrived or the deadline passes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from acs_triage.records import PSTN_SCOPE
from acs_triage.sources.base import Source
from acs_triage.windows import WindowPlan

__all__ = ["MAX_POLL_INTERVAL", "MIN_POLL_INTERVAL", "WaitOutcome", "wait_for_legs"]

#: Bounds of the polling interval (the service allows 200 requests per 30 s per user).
MIN_POLL_INTERVAL = timedelta(seconds=1)
MAX_POLL_INTERVAL = timedelta(minutes=5)


_LEG_WORD = {"pstn": "PSTN ", "voip": "VoIP "}


@dataclass(frozen=True)
class WaitOutcome:
    legs: int  #: legs in scope in the window at the last poll
    needed: int
    polls: int
    waited: timedelta
    scope: str = PSTN_SCOPE

    @property
    def reached(self) -> bool:
        return self.legs >= self.needed

    def hint(self) -> str:
        """What to do when the wait ran out."""
        minutes = self.waited.total_seconds() / 60
        return (
            f"waited {minutes:.1f} min ({self.polls} poll(s)): {self.legs} of {self.needed} post-deployment "
            f"{_LEG_WORD.get(self.scope, '')}legs arrived. ACSCallSummary rows are written only when a call "
            "record is complete, often tens of minutes after the call ends: wait longer (--wait), lower "
            "--min-legs for a low-volume resource, or read ACSCallSummaryUpdates (--table updates), "
            "which arrives sooner"
        )


def wait_for_legs(
    source: Source,
    plan: Callable[[], WindowPlan],
    min_legs: int,
    wait: timedelta,
    every: timedelta,
    *,
    progress: Callable[[int, float], None] = lambda legs, left: None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    scope: str = PSTN_SCOPE,
) -> WaitOutcome:
    """Poll ``source`` for the legs in ``scope`` of ``plan().current`` (re-planned each poll, as
    live windows move with the clock) until ``min_legs`` or the deadline.

    ``progress(legs, seconds_left)`` is called after every poll.
    """
    interval = min(max(every, MIN_POLL_INTERVAL), MAX_POLL_INTERVAL).total_seconds()
    started = clock()
    deadline = started + wait.total_seconds()
    polls = 0
    while True:
        legs = source.count_legs(plan().current, scope=scope)
        polls += 1
        left = deadline - clock()
        progress(legs, max(left, 0.0))
        if legs >= min_legs or left <= 0:
            return WaitOutcome(legs, min_legs, polls, timedelta(seconds=clock() - started), scope)
        sleep(min(interval, left))

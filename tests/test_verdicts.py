"""Microsoft's verdicts (triage/verdicts.py) and the smoke --wait loop (smoke/wait.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from acs_triage.records import Leg
from acs_triage.smoke.wait import wait_for_legs
from acs_triage.sources.memory import MemorySource
from acs_triage.triage.verdicts import is_unexpected, verdicts
from acs_triage.windows import Window, WindowPlan


def test_call_diagnostics_rule() -> None:
    assert is_unexpected("UnexpectedClientError") and is_unexpected("UnexpectedServerError")
    assert not is_unexpected("ExpectedError") and not is_unexpected("Success")
    assert not is_unexpected("") and not is_unexpected(None)


def test_logged_values_win_blank_ones_take_the_documented_category() -> None:
    v = verdicts(
        [("UnexpectedServerError", 5), ("", 3), ("Success", 2)], "UnexpectedServerError", pair="480/560480"
    )
    assert v.logged == {"UnexpectedServerError": 5, "none": 3, "Success": 2}
    assert (v.unexpected_legs, v.unclassified_legs) == (8, 0)  # 5 logged + 3 blank documented
    assert v.agrees is False and v.disagreement is not None
    assert v.disagreement == (
        "Microsoft documents UnexpectedServerError for 480/560480, but legs were logged as Success x2."
    )


def test_blank_without_a_documented_category_is_unclassified_never_unexpected() -> None:
    v = verdicts([("", 4), ("UnexpectedClientError", 1)], None)
    assert (v.unexpected_legs, v.unclassified_legs, v.agrees, v.disagreement) == (1, 4, None, None)


def test_agreement_needs_something_to_compare() -> None:
    assert verdicts([("", 2)], "Success").agrees is None  # nothing logged
    assert verdicts([("Success", 2)], "Success").agrees is True
    assert verdicts([("Success", 2), (" ", 1)], "Success").logged == {"Success": 2, "none": 1}


def _legs(at: datetime, n: int) -> list[Leg]:
    return [Leg(at, f"c{i}", "PSTN", "0", "0", call_start_time=at) for i in range(n)]


def test_wait_polls_until_enough_legs_then_stops() -> None:
    t0 = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
    source = MemorySource(_legs(t0, 3), live=True)
    arrived = [0]
    clock = [0.0]

    def plan() -> WindowPlan:
        return WindowPlan(Window(t0, t0 + timedelta(hours=1)), None, timedelta(0), "now")

    def sleep(seconds: float) -> None:  # time passes; the legs arrive on the third poll
        clock[0] += seconds
        arrived[0] += 1
        if arrived[0] == 2:
            source._items.extend(_legs(t0, 30))

    seen: list[tuple[int, float]] = []
    outcome = wait_for_legs(
        source,
        plan,
        20,
        timedelta(minutes=10),
        timedelta(seconds=30),
        progress=lambda legs, left: seen.append((legs, left)),
        clock=lambda: clock[0],
        sleep=sleep,
    )
    assert outcome.reached and (outcome.legs, outcome.polls) == (33, 3)
    assert [legs for legs, _ in seen] == [3, 3, 33]
    assert outcome.waited == timedelta(seconds=60)


def test_wait_gives_up_at_the_deadline_with_a_hint() -> None:
    t0 = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
    source = MemorySource(_legs(t0, 2), live=True)
    clock = [0.0]
    outcome = wait_for_legs(
        source,
        lambda: WindowPlan(Window(t0, t0 + timedelta(hours=1)), None, timedelta(0), "now"),
        20,
        timedelta(seconds=100),
        timedelta(seconds=1),  # raised to the 1 s minimum: bounded interval
        clock=lambda: clock[0],
        sleep=lambda s: clock.__setitem__(0, clock[0] + s),
    )
    assert not outcome.reached and outcome.legs == 2 and outcome.polls == 101
    assert "2 of 20 post-deployment PSTN legs arrived" in outcome.hint()
    assert "--table updates" in outcome.hint()

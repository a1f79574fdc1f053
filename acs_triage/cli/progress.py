"""Progress on stderr: a spinner while a query runs, and the ``smoke --wait`` line.

On a terminal both update one line in place; elsewhere (CI logs) the spinner is
silent and the wait prints one line when it starts and one when it ends.
"""

from __future__ import annotations

import itertools
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from acs_triage.smoke.wait import WaitOutcome


@contextmanager
def spinner(message: str, stream: TextIO | None = None, *, live: bool = True) -> Iterator[None]:
    """Spin while the block runs (only for ``live`` sources, whose queries take a while)."""
    out = stream or sys.stderr
    if not live or not out.isatty():
        yield
        return
    stop = threading.Event()

    def spin() -> None:
        for frame in itertools.cycle("|/-\\"):
            out.write(f"\r{frame} {message}")
            out.flush()
            if stop.wait(0.1):
                break
        out.write("\r" + " " * (len(message) + 2) + "\r")
        out.flush()

    thread = threading.Thread(target=spin, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


class WaitProgress:
    """The one progress line of ``smoke --wait``."""

    def __init__(self, needed: int, wait: timedelta, stream: TextIO | None = None) -> None:
        self.needed = needed
        self.out = stream or sys.stderr
        self.tty = self.out.isatty()
        if not self.tty:
            self.out.write(
                f"acs-triage: waiting up to {wait.total_seconds() / 60:.1f} min "
                f"for {needed} PSTN legs to arrive\n"
            )
            self.out.flush()

    def __call__(self, legs: int, seconds_left: float) -> None:
        if self.tty:
            self.out.write(
                f"\r  waiting for legs: {legs} of {self.needed} arrived, {seconds_left / 60:.1f} min left   "
            )
            self.out.flush()

    def done(self, outcome: WaitOutcome) -> None:
        if self.tty:
            self.out.write("\n")
        state = "enough" if outcome.reached else "not enough"
        self.out.write(
            f"acs-triage: {outcome.legs} of {outcome.needed} PSTN legs arrived after "
            f"{outcome.waited.total_seconds() / 60:.1f} min ({state}; {outcome.polls} poll(s))\n"
        )
        self.out.flush()

"""Progress on stderr: a spinner while a query runs, and the ``smoke --wait`` line.

On a terminal (``stream.isatty()``; ``stream`` defaults to stderr) both update one line
in place; elsewhere (CI logs, a pipe, a file) the spinner draws nothing and the wait
prints one line when it starts and one when it ends. A source that reads many blobs (a
storage account) or a large file (50 MB or more) says how far it has got
(:meth:`~acs_triage.sources.base.Source.progress`); the spinner shows it, e.g.
``[####------] 42% of 176 MB`` while the columnar engine scans a CSV export.
"""

from __future__ import annotations

import itertools
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from acs_triage.smoke.wait import WaitOutcome
    from acs_triage.sources.base import Source


@contextmanager
def spinner(
    message: str,
    stream: TextIO | None = None,
    *,
    live: bool = True,
    status: Callable[[], str] | None = None,
) -> Iterator[None]:
    """Spin while the block runs (only for ``live`` sources, whose queries take a while),
    followed by ``status()`` when it says something (e.g. ``blobs 12/75, 3.4 MB read``)."""
    out = stream or sys.stderr
    if not live or not out.isatty():
        yield
        return
    stop = threading.Event()

    def spin() -> None:
        width = 0
        for frame in itertools.cycle("|/-\\"):
            said = status() if status is not None else ""
            line = f"{frame} {message}" + (f": {said}" if said else "")
            out.write("\r" + line.ljust(width))
            width = max(width, len(line))
            out.flush()
            if stop.wait(0.1):
                break
        out.write("\r" + " " * width + "\r")
        out.flush()

    thread = threading.Thread(target=spin, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def querying(source: Source, stream: TextIO | None = None) -> AbstractContextManager[None]:
    """The spinner while ``source`` answers a question, with its progress: for live
    sources, and for fixed data that has progress to show from the start (files of
    50 MB or more: :data:`~acs_triage.sources.files.PROGRESS_MIN_BYTES`)."""
    if source.live:
        return spinner(f"querying {source.description}", stream, status=source.progress)
    return spinner(
        f"reading {source.description}", stream, live=bool(source.progress()), status=source.progress
    )


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

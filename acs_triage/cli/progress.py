"""A spinner on stderr while a query runs; silent when stderr is not a terminal."""

from __future__ import annotations

import itertools
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


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

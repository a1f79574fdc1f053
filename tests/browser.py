"""Headless Chromium driven over the Chrome DevTools Protocol, for the HTML report's tests.

The protocol runs over a pipe (``--remote-debugging-pipe``: Chromium reads commands from
its fd 3 and writes answers and events to fd 4, each a JSON message ended by a NUL byte),
so nothing listens on a port and no websocket client is needed. Every page request
goes through a proxy that does not exist and every host name fails to resolve, so a page
that tried the network would get nothing; the tests count what it *asked for* in
``Network.requestWillBeSent`` events, and what it complained about in console and log
events.

Where is Chromium: ``$CHROMIUM``, else ``chromium`` (Debian's package, which
``scripts/test.sh`` installs where apt is available), ``chromium-browser``,
``google-chrome``. Without one, :func:`find_chromium` skips the test with the reason, or
fails it under ``CI=true``: CI must never pass by skipping the browser.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import queue
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Where screenshots go (printed at the end of the test run): ``$ACS_TRIAGE_TEST_ARTIFACTS``
#: or ``tmp/artifacts`` in the checkout (ignored by git).
ARTIFACTS = Path(os.environ.get("ACS_TRIAGE_TEST_ARTIFACTS") or ROOT / "tmp" / "artifacts")
#: Artifacts written during this run, for the summary (``tests/conftest.py``).
SAVED: list[Path] = []
#: Guard for one protocol answer (a failure, never a measurement).
ANSWER_TIMEOUT = 120.0
#: Moves the protocol's pipe ends to fds 3 and 4 (bash takes fd numbers above 9; dash does not).
BASH = shutil.which("bash") or "/bin/bash"


def artifact(name: str) -> Path:
    """A path under :data:`ARTIFACTS` for a file the run leaves behind (listed at its end)."""
    path = ARTIFACTS / name
    path.parent.mkdir(parents=True, exist_ok=True)
    SAVED.append(path)
    return path


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def find_chromium() -> str:
    """The Chromium executable; skips the test without one (fails it under ``CI=true``)."""
    named = os.environ.get("CHROMIUM")
    found = shutil.which(named) if named else next(filter(None, map(shutil.which, CANDIDATES)), None)
    if found:
        return found
    reason = (
        f"no Chromium found ({'$CHROMIUM=' + named if named else ', '.join(CANDIDATES)} not on PATH): "
        "scripts/test.sh installs Debian's 'chromium' package where apt is available "
        "(or: apt-get install chromium; or set CHROMIUM to a Chrome/Chromium executable)"
    )
    if in_ci():
        pytest.fail(f"CI=true: the HTML report must be tested in a browser; {reason}")
    pytest.skip(reason)


@dataclass
class Page:
    """One tab, attached with a flat session; its events since :meth:`Browser.open`."""

    browser: Browser
    session: str
    events: list[dict[str, Any]] = field(default_factory=list)

    def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.browser.call(method, params, session=self.session)

    def goto(self, url: str) -> None:
        """Navigate and wait for the load event."""
        before = len(self.events)
        self.call("Page.navigate", {"url": url})
        self.browser.wait_for(lambda e: e.get("method") == "Page.loadEventFired", self, after=before)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression (a promise is awaited)."""
        answer = self.call(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}
        )
        assert "exceptionDetails" not in answer, answer["exceptionDetails"]
        return answer["result"].get("value")

    def requests(self) -> list[str]:
        """Every URL the page asked for (the document itself included)."""
        return [
            e["params"]["request"]["url"] for e in self.events if e["method"] == "Network.requestWillBeSent"
        ]

    def complaints(self) -> list[str]:
        """Console messages, uncaught exceptions and browser log entries (a refused
        request, a Content-Security-Policy violation, ...)."""
        out = []
        for e in self.events:
            method, params = e["method"], e["params"]
            if method == "Runtime.consoleAPICalled":
                texts = [str(a.get("value", a.get("description", ""))) for a in params.get("args", [])]
                out.append(f"console.{params['type']}: {' '.join(texts)}")
            elif method == "Runtime.exceptionThrown":
                out.append(f"exception: {params['exceptionDetails'].get('text')}")
            elif method == "Log.entryAdded":
                entry = params["entry"]
                out.append(f"log {entry['level']} ({entry['source']}): {entry['text']}")
        return out

    def media(self, *, color_scheme: str = "light", media: str = "") -> None:
        features = [{"name": "prefers-color-scheme", "value": color_scheme}]
        self.call("Emulation.setEmulatedMedia", {"media": media, "features": features})

    def screenshot(self, path: Path, *, width: int, height: int | None = None) -> Path:
        """A PNG of the page ``width`` CSS pixels wide: all of it, or its top ``height``."""
        content = self.call("Page.getLayoutMetrics")["cssContentSize"]
        full = int(content["height"]) + 1
        clip = {"x": 0, "y": 0, "width": width, "height": min(height or full, full), "scale": 1}
        shot = self.call(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def pdf(self) -> bytes:
        return base64.b64decode(self.call("Page.printToPDF", {"printBackground": True})["data"])


class Browser:
    """Chromium with the protocol on a pipe; use :func:`chromium`."""

    def __init__(self, executable: str, profile: Path, log: Path) -> None:
        commands_r, self._commands = os.pipe()
        self._answers, answers_w = os.pipe()
        # The child's ends at fds >= 10, then moved to 3 and 4 by bash (no clash with them).
        child_in = fcntl.fcntl(commands_r, fcntl.F_DUPFD, 10)
        child_out = fcntl.fcntl(answers_w, fcntl.F_DUPFD, 10)
        flags = [
            "--headless=new",
            "--remote-debugging-pipe",
            "--no-sandbox",  # containers and root; the pages are the test's own files
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-default-apps",
            "--disable-extensions",
            "--disable-sync",
            "--mute-audio",
            f"--user-data-dir={profile}",
            # Nothing may leave: no proxy listens there, and no name resolves.
            "--proxy-server=http://127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "about:blank",
        ]
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            [BASH, "-c", f'exec "$@" 3<&{child_in} 4>&{child_out}', "bash", executable, *flags],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            pass_fds=(child_in, child_out),
        )
        for fd in (commands_r, answers_w, child_in, child_out):
            os.close(fd)
        self._next_id = 0
        self._inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._pending: list[dict[str, Any]] = []
        self._pages: dict[str, Page] = {}
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        buffer = b""
        with os.fdopen(self._answers, "rb", buffering=0) as answers:
            while chunk := answers.read(65536):
                buffer += chunk
                *messages, buffer = buffer.split(b"\0")
                for message in messages:
                    self._inbox.put(json.loads(message))
        self._inbox.put(None)  # the browser went away

    def _receive(self) -> dict[str, Any]:
        try:
            message = self._inbox.get(timeout=ANSWER_TIMEOUT)
        except queue.Empty:
            raise AssertionError(f"no answer from Chromium in {ANSWER_TIMEOUT:g} s") from None
        if message is None:
            raise AssertionError(f"Chromium exited (code {self.process.poll()}); see {self._log.name}")
        session = message.get("sessionId")
        if "method" in message and session in self._pages:
            self._pages[session].events.append(message)
        return message

    def call(self, method: str, params: dict[str, Any] | None = None, *, session: str | None = None) -> Any:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._receive()
            if answer.get("id") == self._next_id:
                assert "error" not in answer, (method, answer["error"])
                return answer["result"]

    def wait_for(self, wanted: Any, page: Page, *, after: int = 0) -> dict[str, Any]:
        """The first event of ``page`` past its ``after`` first ones (already received or
        to come) that ``wanted`` accepts."""
        seen = after
        while True:
            for event in page.events[seen:]:
                if wanted(event):
                    return event
            seen = len(page.events)
            self._receive()

    def open(self) -> Page:
        """A new tab with the Page, Network, Runtime and Log domains on."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = self._pages[session] = Page(self, session)
        for domain in ("Page", "Network", "Runtime", "Log"):
            page.call(f"{domain}.enable")
        return page

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except AssertionError:
            pass
        finally:
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            os.close(self._commands)
            self._log.close()


@contextmanager
def chromium(workdir: Path) -> Iterator[Browser]:
    """A headless Chromium for the block (skipped, or failed under CI, without one)."""
    executable = find_chromium()
    browser = Browser(executable, workdir / "profile", workdir / "chromium.log")
    try:
        yield browser
    finally:
        browser.close()

"""Helpers shared by test modules; ``tests/conftest.py`` wraps them in fixtures.

- :class:`CliRunner` (fixture ``cli``): the CLI in-process, as ``acs-triage`` would run;
- :func:`serve` and :func:`put_fake_az_on_path` (fixtures ``fake_az`` and ``azure``): the
  Log Analytics emulator on 127.0.0.1 and a fake ``az`` answering :data:`TOKEN`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from acs_triage.cli.app import Services, run
from tests.emulator import LogAnalyticsEmulator, install_fake_az

#: The one token the fake ``az`` hands out and the emulator accepts. It looks like a
#: JWT on purpose: no output of any command run by :class:`CliRunner` may contain it.
TOKEN = "eyJ0eXAiOiJKV1Qi.SECRET-TOKEN-VALUE-1234567890.sig"
_SECRETS = (TOKEN, "SECRET-TOKEN")


class CliRunner:
    """``cli(*argv, services=None) -> (exit code, stdout, stderr)``.

    Runs :func:`acs_triage.cli.app.run` in-process with stdout/stderr captured by
    ``capsys``, and fails the test when the output holds a traceback or the token.
    """

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self._capsys = capsys

    def __call__(self, *argv: str, services: Services | None = None) -> tuple[int, str, str]:
        code = run(list(argv), services=services)
        out, err = self._capsys.readouterr()
        assert "Traceback" not in out + err, out + err
        for secret in _SECRETS:
            assert secret not in out + err
        return code, out, err

    def json(self, *argv: str, services: Services | None = None) -> tuple[int, Any, str]:
        """Like calling the runner, with stdout parsed as JSON (add ``--format json`` to argv)."""
        code, out, err = self(*argv, services=services)
        return code, json.loads(out), err


@contextmanager
def serve(
    tables: Mapping[str, Any], *, workspaces: Iterable[str], now: datetime, **options: Any
) -> Iterator[LogAnalyticsEmulator]:
    """The emulator serving ``tables`` (see :class:`LogAnalyticsEmulator`) to :data:`TOKEN`."""
    with LogAnalyticsEmulator(tables, workspaces=set(workspaces), now=now, token=TOKEN, **options) as emu:
        yield emu


def put_fake_az_on_path(
    bin_dir: Path, monkeypatch: pytest.MonkeyPatch, *, mode: str = "ok", token: str = TOKEN
) -> Path:
    """Install a fake ``az`` (handing out ``token``, or failing as ``mode`` says) in
    ``bin_dir``, first on ``PATH``; returns ``bin_dir``."""
    install_fake_az(bin_dir, token=token, mode=mode)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return bin_dir


#: A raw phone number as tests write them into their input (E.164: ``+`` and 7 or more
#: digits; the digits are captured). The oracle of masking tests, independent of
#: :mod:`acs_triage.masking`.
RAW_NUMBER = re.compile(r"\+([0-9]{7,})")


def raw_numbers(*texts: str) -> set[str]:
    """The digits of the raw numbers in the input texts a test wrote."""
    return {n for text in texts for n in RAW_NUMBER.findall(text)}


def assert_numbers_hidden(out: str, numbers: set[str]) -> None:
    """None of the raw ``numbers`` (there is at least one) appears in ``out``."""
    assert numbers, "the input holds no number to look for"
    shown = sorted(n for n in numbers if n in out)
    assert not shown, f"{len(shown)} raw number(s) in the output, e.g. {shown[0]}"

"""A fake Azure CLI (``az``) for tests that use the real ``AzureCliCredential``.

What azure-identity 1.27.0's ``AzureCliCredential`` does (``_credentials/azure_cli.py``):

* finds ``az`` with ``shutil.which`` (so the fake must be on ``PATH``);
* runs ``az account get-access-token --output json --resource <scope minus
  "/.default">`` [``--tenant T``] [``--subscription S``] with ``cwd="/bin"``,
  stdin closed, ``AZURE_CORE_NO_COLOR=true`` and a 10 s default timeout;
* parses stdout as JSON: ``accessToken`` plus ``expires_on`` (epoch int) when
  present, otherwise ``expiresOn`` (naive *local* time, format
  ``"%Y-%m-%d %H:%M:%S.%f"``);
* on a non-zero exit: stderr containing "az login" or "az account set" (and
  not "AADSTS") -> ``CredentialUnavailableError``; other stderr ->
  ``ClientAuthenticationError`` (token-looking text redacted); unparseable
  stdout -> ``ClientAuthenticationError("Unexpected output from Azure CLI ...")``.

Newer Azure CLIs also accept ``--scope``; the fake answers that form too.

Every invocation appends one JSON line ``{"argv": [...]}`` to
``<bin_dir>/az-calls.jsonl`` (arguments only; the token is never logged), so a
test can assert which resource/scope the client asked for.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

__all__ = ["FAKE_AZ_MODES", "install_fake_az", "read_az_calls"]

#: ``ok``: a normal token (both ``expiresOn`` and ``expires_on``).
#: ``ok_legacy``: only ``expiresOn`` (older CLIs); exercises the string parse.
#: ``not_logged_in``: stderr "ERROR: Please run 'az login' to setup account.", exit 1.
#: ``aadsts_error``: stderr with an AADSTS refresh-token error, exit 1.
#: ``bad_json``: exit 0 with non-JSON stdout.
FAKE_AZ_MODES = ("ok", "ok_legacy", "not_logged_in", "aadsts_error", "bad_json")

_SCRIPT = r"""#!{python}
# Fake Azure CLI written by tests/emulator/fake_az.py. Test use only.
import datetime, json, sys, time

TOKEN = {token!r}
MODE = {mode!r}
LOG = {log!r}
SUBSCRIPTION = "00000000-0000-0000-0000-00000000abcd"
TENANT = "00000000-0000-0000-0000-00000000cafe"

args = sys.argv[1:]
try:
    with open(LOG, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({{"argv": args}}) + "\n")
except OSError:
    pass

if MODE == "not_logged_in":
    sys.stderr.write("ERROR: Please run 'az login' to setup account.\n")
    sys.exit(1)
if MODE == "aadsts_error":
    sys.stderr.write("ERROR: AADSTS700082: The refresh token has expired due to inactivity.\n"
                     "Please run 'az login' to setup account.\n")
    sys.exit(1)
if args[:2] != ["account", "get-access-token"]:
    sys.stderr.write("ERROR: the fake az only implements 'az account get-access-token'\n")
    sys.exit(2)

def opt(name):
    return args[args.index(name) + 1] if name in args and args.index(name) + 1 < len(args) else None

if opt("--resource") is None and opt("--scope") is None:
    sys.stderr.write("ERROR: --resource or --scope is required\n")
    sys.exit(2)
if (opt("--output") or opt("-o") or "json") != "json":
    sys.stderr.write("ERROR: the fake az only implements --output json\n")
    sys.exit(2)
if MODE == "bad_json":
    print("WARNING: this is not JSON")
    sys.exit(0)

expires = int(time.time()) + 3600
out = {{
    "accessToken": TOKEN,
    "expiresOn": datetime.datetime.fromtimestamp(expires).strftime("%Y-%m-%d %H:%M:%S.%f"),
    "expires_on": expires,
    "subscription": opt("--subscription") or SUBSCRIPTION,
    "tenant": opt("--tenant") or TENANT,
    "tokenType": "Bearer",
}}
if MODE == "ok_legacy":
    del out["expires_on"]
print(json.dumps(out, indent=2))
"""


def install_fake_az(bin_dir: Path, *, token: str, mode: str = "ok") -> None:
    """Write an executable ``az`` into *bin_dir* (created if needed).

    Put *bin_dir* first on ``PATH`` (``monkeypatch.setenv("PATH", ...)``) for
    ``AzureCliCredential`` to find it. The shebang is ``sys.executable``, so the
    script runs with the test interpreter whatever ``cwd`` the credential uses.
    """
    if mode not in FAKE_AZ_MODES:
        raise ValueError(f"unknown fake az mode {mode!r}; choose from {FAKE_AZ_MODES}")
    if "\n" in token or "\r" in token:
        raise ValueError("token must be a single line")
    bin_dir = Path(bin_dir)
    bin_dir.mkdir(parents=True, exist_ok=True)
    script = bin_dir / "az"
    log = (bin_dir / "az-calls.jsonl").resolve()
    script.write_text(
        _SCRIPT.format(python=sys.executable, token=token, mode=mode, log=str(log)),
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    if os.name == "nt":  # pragma: no cover - the project's CI is Linux
        raise OSError("install_fake_az writes a POSIX script; Windows would need az.cmd")


def read_az_calls(bin_dir: Path) -> list[list[str]]:
    """The argv lists of every fake-``az`` invocation so far (oldest first)."""
    log = Path(bin_dir) / "az-calls.jsonl"
    if not log.exists():
        return []
    return [json.loads(line)["argv"] for line in log.read_text(encoding="utf-8").splitlines() if line]

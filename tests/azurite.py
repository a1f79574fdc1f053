"""Azurite, Microsoft's storage emulator (npm ``azurite``, pinned in package.json), for tests.

:class:`Azurite` starts ``node_modules/.bin/azurite-blob`` on 127.0.0.1 with a port
the OS picks, over HTTPS (a throw-away trustme certificate) with ``--oauth basic``,
so both of acs-triage's credential paths reach it: the well-known development
account's key (a connection string) and bearer tokens (Azurite checks their issuer,
audience and lifetime, not their signature). Telemetry is off; data lives in a
temporary folder. ``scripts/test.sh`` installs it with ``npm ci``: a missing
Azurite fails the run (it is never skipped).
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import time
from pathlib import Path

import trustme

ROOT = Path(__file__).resolve().parents[1]
BINARY = ROOT / "node_modules" / ".bin" / "azurite-blob"
ACCOUNT = "devstoreaccount1"
#: Azurite's well-known development account key (documented by Microsoft; not a secret).
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
_LISTENING = re.compile(r"successfully listens on (https?)://127\.0\.0\.1:(\d+)")


class AzuriteMissing(RuntimeError):
    pass


class Azurite:
    """One Azurite blob service for a test session."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = 0
        self.ca_path = ""
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> Azurite:
        if not BINARY.exists():
            raise AzuriteMissing(
                f"Azurite is not installed ({BINARY.relative_to(ROOT)} missing): run 'npm ci' "
                "(bash scripts/test.sh does)"
            )
        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        self.workdir.mkdir(parents=True, exist_ok=True)
        ca_file, cert_file, key_file = (self.workdir / n for n in ("ca.pem", "cert.pem", "key.pem"))
        ca.cert_pem.write_to_path(str(ca_file))
        cert.cert_chain_pems[0].write_to_path(str(cert_file))
        cert.private_key_pem.write_to_path(str(key_file))
        self.ca_path = str(ca_file)
        log = self.workdir / "azurite.log"
        data = self.workdir / "data"
        data.mkdir(exist_ok=True)
        with log.open("wb") as out:
            self._process = subprocess.Popen(
                [
                    str(BINARY),
                    "--blobHost",
                    "127.0.0.1",
                    "--blobPort",
                    "0",
                    "--location",
                    str(data),
                    "--silent",
                    "--skipApiVersionCheck",
                    "--disableTelemetry",
                    "--oauth",
                    "basic",
                    "--cert",
                    str(cert_file),
                    "--key",
                    str(key_file),
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = _LISTENING.search(log.read_text(errors="replace"))
            if match:
                self.port = int(match.group(2))
                return self
            if self._process.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"Azurite did not start: {log.read_text(errors='replace')[-2000:]}")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    @property
    def account_url(self) -> str:
        return f"https://127.0.0.1:{self.port}/{ACCOUNT}"

    def connection_string(self, endpoint: str | None = None, key: str = KEY) -> str:
        """A connection string for the development account (``endpoint``: e.g. a proxy)."""
        blob = endpoint or self.account_url
        protocol = blob.split("://", 1)[0]
        return (
            f"DefaultEndpointsProtocol={protocol};AccountName={ACCOUNT};AccountKey={key};BlobEndpoint={blob};"
        )


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def storage_token(*, audience: str = "https://storage.azure.com", lifetime: int = 3600) -> str:
    """A bearer token Azurite's ``--oauth basic`` accepts: a JWT with an Entra ID issuer,
    the storage audience and a valid lifetime (Azurite does not check signatures)."""
    now = int(time.time())
    claims = {
        "aud": audience,
        "iss": "https://sts.windows.net/00000000-0000-0000-0000-00000000cafe/",
        "iat": now - 60,
        "nbf": now - 60,
        "exp": now + lifetime,
        "oid": "11111111-2222-3333-4444-555555555555",
        "tid": "00000000-0000-0000-0000-00000000cafe",
        "sub": "acs-triage-tests",
    }
    return f"{_b64({'alg': 'RS256', 'typ': 'JWT'})}.{_b64(claims)}.c2lnbmF0dXJl"

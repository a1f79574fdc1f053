"""A fault-injecting HTTP proxy in front of Azurite, on 127.0.0.1.

The storage SDK talks plain HTTP to the proxy (shared-key signatures do not cover the
host, so a connection string whose ``BlobEndpoint`` is the proxy works); the proxy
forwards every request to Azurite over HTTPS, unless a queued rule answers instead or
runs a hook first. That makes service behaviour Azurite cannot show on its own
(throttling, 5xx, a blob appended to or deleted between two reads) happen for real,
on the wire, without touching the SDK or acs-triage.
"""

from __future__ import annotations

import http.client
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "host"}


@dataclass
class Rule:
    """For requests whose method and decoded path match: answer ``status`` with the
    storage ``code`` (``times`` times), or run ``hook`` before forwarding."""

    method: str
    path_contains: str
    status: int = 0
    code: str = ""
    times: int = 1
    hook: Callable[[], None] | None = None
    range_start: int | None = None  #: only ranged GETs starting at this byte


@dataclass
class StorageProxy:
    upstream_port: int
    ca_path: str
    rules: list[Rule] = field(default_factory=list)
    seen: list[tuple[str, str]] = field(default_factory=list)  #: (method, decoded path?query)
    port: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> StorageProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def url(self, account: str) -> str:
        return f"http://127.0.0.1:{self.port}/{account}"

    def add(self, rule: Rule) -> None:
        with self._lock:
            self.rules.append(rule)

    def _match(self, method: str, path: str, start: int | None) -> Rule | None:
        with self._lock:
            for rule in self.rules:
                if rule.times <= 0 or rule.method != method or rule.path_contains not in path:
                    continue
                if rule.range_start is not None and rule.range_start != start:
                    continue
                rule.times -= 1
                return rule
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def _forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path = unquote(urlsplit(self.path).path)
                ranged = self.headers.get("x-ms-range") or self.headers.get("Range") or ""
                start = int(ranged.split("=")[1].split("-")[0]) if "=" in ranged else None
                proxy.seen.append((self.command, unquote(self.path)))
                rule = proxy._match(self.command, path, start)
                if rule is not None and rule.hook is not None:
                    rule.hook()
                elif rule is not None:
                    payload = (
                        f'<?xml version="1.0" encoding="utf-8"?><Error><Code>{rule.code}</Code>'
                        f"<Message>injected by the test proxy</Message></Error>"
                    ).encode()
                    self.send_response(rule.status)
                    self.send_header("x-ms-error-code", rule.code)
                    self.send_header("Content-Type", "application/xml")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                context = ssl.create_default_context(cafile=proxy.ca_path)
                upstream = http.client.HTTPSConnection("127.0.0.1", proxy.upstream_port, context=context)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
                upstream.request(self.command, self.path, body=body or None, headers=headers)
                response = upstream.getresponse()
                data = response.read()
                self.send_response(response.status)
                for key, value in response.getheaders():
                    if key.lower() not in _HOP_BY_HOP and key.lower() != "content-length":
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                upstream.close()

            do_GET = do_PUT = do_DELETE = do_POST = _forward

        return Handler

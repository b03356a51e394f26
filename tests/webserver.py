"""Real HTTP servers on loopback addresses for capture tests: pages, redirects, huge and slow bodies."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

PAGE = b"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Minister denies abuse claims</title>
<meta property="article:published_time" content="2024-05-02T08:00:00Z"></head><body>
<article><h1>Minister denies abuse claims</h1>
<p>The interior minister, Hana Berg, on Wednesday denied that police had beaten detained protesters.</p>
<p>Human Rights Watch urged the government to open an independent inquiry into the allegations.</p>
<p>"Those responsible must be held to account," said Omar Lind, a researcher at the group.</p>
</article></body></html>"""


class Handler(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, dict[str, str], bytes]]] = {}
    sent: ClassVar[dict[str, int]] = {}

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/huge":
            return self._huge(declare=False)
        if self.path == "/huge-declared":
            return self._huge(declare=True)
        status, headers, body = self.routes.get(
            self.path, (404, {"Content-Type": "text/plain"}, b"not found")
        )
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _huge(self, declare: bool) -> None:
        total = 200 * 1024 * 1024
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        if declare:
            self.send_header("Content-Length", str(total))
        self.end_headers()
        chunk = b"<p>" + b"x" * 65530 + b"</p>"
        sent = 0
        try:
            while sent < total:
                self.wfile.write(chunk)
                sent += len(chunk)
                self.sent[self.path] = sent
        except (BrokenPipeError, ConnectionResetError):
            pass


@contextmanager
def serve(
    host: str = "127.0.0.1",
    routes: dict[str, tuple[int, dict[str, str], bytes]] | None = None,
    sent: dict[str, int] | None = None,
) -> Iterator[str]:
    """Serve `routes` on host:random-port; yields the base URL. `sent` receives bytes written per path."""
    handler = type("H", (Handler,), {"routes": dict(routes or {}), "sent": sent if sent is not None else {}})
    server = ThreadingHTTPServer((host, 0), handler)
    server.daemon_threads = True
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    base = f"http://{host}:{server.server_address[1]}"
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()

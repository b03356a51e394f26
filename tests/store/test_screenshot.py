"""A full-page screenshot by headless Chromium (Debian's, driven by Playwright), stored and hashed.

The screenshot renders the stored bytes with the network closed: a page that points Chromium at a
private address (sub-resources, a meta refresh, a redirect served to Chromium alone) must neither
reach it nor change the picture. 127.0.0.2 stands for the private address; its server records every
connection it accepts, so even a bare preconnect would show.
"""

from __future__ import annotations

import os
import struct
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from socket import AF_INET, SOCK_DGRAM, socket

import pytest
from sqlalchemy import select

from tests.store.conftest import Env
from tests.webserver import PAGE, serve
from vigil.capture.screenshot import chromium_path, screenshot
from vigil.errors import VigilError
from vigil.store.db import Store, open_store
from vigil.store.tables import Capture

needs_chromium = pytest.mark.skipif(
    not Path(chromium_path()).exists(),
    reason=f"no Chromium at {chromium_path()} (make test installs it when it can)",
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
GREEN = (0, 255, 0)
INTERNAL_PAGE = b"<!DOCTYPE html><html><body style='background:#ff0000'><h1>internal admin</h1></body></html>"


class Recorder(ThreadingHTTPServer):
    """An HTTP server that remembers every connection, request and datagram (on its port over UDP),
    so a test can demand there were none."""

    daemon_threads = True

    def __init__(self, host: str, handler: type[BaseHTTPRequestHandler]) -> None:
        self.host = host
        self.connections: list[tuple[str, int]] = []
        self.requests: list[tuple[str, str]] = []
        self.datagrams: list[bytes] = []
        super().__init__((host, 0), handler)
        self.udp = socket(AF_INET, SOCK_DGRAM)
        self.udp.bind((host, self.server_address[1]))
        threading.Thread(target=self._receive, daemon=True).start()

    def _receive(self) -> None:
        while True:
            try:
                self.datagrams.append(self.udp.recv(65536))
            except OSError:  # closed at the end of the test
                return

    def server_close(self) -> None:
        super().server_close()
        self.udp.close()

    def verify_request(self, request: socket | tuple[bytes, socket], client_address: object) -> bool:
        self.connections.append(client_address)  # type: ignore[arg-type]
        return True

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.server_address[1]}"


class Answer(BaseHTTPRequestHandler):
    """Records the request, then sends what `reply` says for its User-Agent."""

    server: Recorder

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        agent = self.headers.get("User-Agent", "")
        self.server.requests.append((self.path, agent))
        status, headers, body = self.reply(agent)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def reply(self, agent: str) -> tuple[int, dict[str, str], bytes]:
        return 200, {"Content-Type": "text/html; charset=utf-8"}, INTERNAL_PAGE


@contextmanager
def recording(host: str, handler: type[BaseHTTPRequestHandler] = Answer) -> Iterator[Recorder]:
    server = Recorder(host, handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def article(internal: str) -> bytes:
    """A green article page that points Chromium at `internal` in every way HTML and a script can."""
    host_port = internal.removeprefix("http://")
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Minister denies abuse claims</title>
<link rel="preconnect" href="{internal}"><link rel="dns-prefetch" href="{internal}">
<link rel="icon" href="{internal}/favicon.ico"><link rel="stylesheet" href="{internal}/style.css">
<link rel="prefetch" href="{internal}/next"><script src="{internal}/app.js"></script>
<meta http-equiv="refresh" content="0; url={internal}/refresh"></head>
<body style="background:#00ff00"><article><h1>Minister denies abuse claims</h1>
<img src="{internal}/photo.png" alt="photo"><iframe src="{internal}/frame"></iframe>
<p>The interior minister, Hana Berg, on Wednesday denied that police had beaten detained protesters.</p>
<p>Human Rights Watch urged the government to open an independent inquiry into the allegations.</p>
</article><script>
fetch("{internal}/fetch").catch(() => 0);
try {{ new WebSocket("ws://{host_port}/socket"); }} catch (e) {{}}
navigator.sendBeacon("{internal}/beacon", "x");
const pc = new RTCPeerConnection({{iceServers: [{{urls: "stun:{host_port}"}}]}});
pc.createDataChannel("x");
pc.createOffer().then(offer => pc.setLocalDescription(offer));
</script></body></html>""".encode()


def article_server(internal: str, redirect_chromium: bool) -> type[Answer]:
    """A handler serving the article, or (to HeadlessChrome alone) a 302 to `internal` if asked."""

    class ArticleAnswer(Answer):
        def reply(self, agent: str) -> tuple[int, dict[str, str], bytes]:
            if redirect_chromium and "HeadlessChrome" in agent:
                return 302, {"Location": f"{internal}/admin"}, b""
            return 200, {"Content-Type": "text/html; charset=utf-8"}, article(internal)

    return ArticleAnswer


def top_left_pixel(png: bytes) -> tuple[int, int, int]:
    """The first pixel's RGB: on row 0 every PNG filter predicts 0 there, so the bytes are the pixel."""
    assert png.startswith(PNG_SIGNATURE)
    pos, data, color = len(PNG_SIGNATURE), b"", -1
    while pos < len(png):
        size, kind = struct.unpack(">I4s", png[pos : pos + 8])
        chunk = png[pos + 8 : pos + 8 + size]
        if kind == b"IHDR":
            depth, color = chunk[8], chunk[9]
            assert depth == 8 and color in (2, 6), f"unexpected PNG depth {depth} colour type {color}"
        elif kind == b"IDAT":
            data += chunk
        pos += 12 + size
    row = zlib.decompressobj().decompress(data, 16)
    return row[1], row[2], row[3]


def stored_capture(store_env: Env) -> tuple[Store, Capture, bytes]:
    """The one capture in the store and its screenshot's bytes."""
    store = open_store(store_env.home, store_env.url)
    with store.sessions() as s:
        cap = s.scalars(select(Capture)).one()
    assert cap.screenshot_sha256 is not None
    return store, cap, store.blobs.get(cap.screenshot_sha256)


@needs_chromium
def test_screenshot_is_stored_hashed_and_in_the_warc(store_env: Env) -> None:
    if store_env.backend == "postgresql" and os.environ.get("VIGIL_FAST"):
        pytest.skip("one browser run is enough when VIGIL_FAST is set")
    with serve(routes={"/p": (200, {"Content-Type": "text/html; charset=utf-8"}, PAGE)}) as base:
        store_env.vigil("capture", f"{base}/p", "--allow-private", "--screenshot", timeout=180)
    store, cap, png = stored_capture(store_env)
    assert png.startswith(PNG_SIGNATURE) and len(png) > 1000
    from vigil.capture.warc import check

    records = list(check(store.blobs.get(cap.warc_sha256)))
    assert [r.record_type for r in records] == ["warcinfo", "request", "response", "resource"]
    assert not any(r.problem for r in records)
    assert store_env.vigil("verify").returncode == 0


@needs_chromium
@pytest.mark.parametrize("redirect_chromium", [False, True], ids=["same-answer", "chromium-redirected"])
def test_screenshot_never_reaches_the_private_address(store_env: Env, redirect_chromium: bool) -> None:
    if store_env.backend == "postgresql" and os.environ.get("VIGIL_FAST"):
        pytest.skip("one browser run is enough when VIGIL_FAST is set")
    with (
        recording("127.0.0.2") as internal,
        recording("127.0.0.1", article_server(internal.base, redirect_chromium)) as site,
    ):
        store_env.vigil("capture", f"{site.base}/news", "--allow-private", "--screenshot", timeout=180)
    _, _, png = stored_capture(store_env)
    assert png.startswith(PNG_SIGNATURE) and len(png) > 1000
    assert internal.connections == [] and internal.requests == [] and internal.datagrams == []
    assert [agent.split("/")[0] for _, agent in site.requests] == ["Vigil"]  # the fetcher's, nobody else's
    assert len(site.connections) == 1
    assert top_left_pixel(png) == GREEN  # the stored article, not the red internal page nor an error page


@needs_chromium
def test_screenshot_renders_stored_bytes_for_a_host_that_does_not_exist() -> None:
    body = article("http://127.0.0.2:9")
    png = screenshot(body, "https://news.invalid/2024/05/minister", "text/html; charset=utf-8", timeout=60)
    assert top_left_pixel(png) == GREEN


def test_missing_chromium_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VIGIL_CHROMIUM", str(tmp_path / "no-chromium"))
    with pytest.raises(VigilError) as err:
        screenshot(PAGE, "https://example.org/", "text/html")
    assert "--screenshot needs Chromium at" in str(err.value) and "\n" not in str(err.value)

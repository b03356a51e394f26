"""`vigil watch` and `vigil alert` against real local servers: a feed, a webhook receiver, an SMTP server.

The feed and its articles are invented news, served on 127.0.0.1 by a small
http.server that honours If-None-Match and counts requests; the webhook is a
second http.server collecting the JSON it is sent; mail goes to an aiosmtpd
server on 127.0.0.1. Nothing is mocked.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from vigil.capture.fetch import fetch
from vigil.capture.notify import deliver
from vigil.capture.watch import feed_links, normalise, sitemap_links, unique
from vigil.connect import alerts
from vigil.model import SourceRef, StatementRecord

ETAG = '"harbour-v1"'
ARTICLE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>
<meta property="article:published_time" content="2025-03-{day}T09:00:00Z"></head><body>
<article><h1>{title}</h1>{paras}</article></body></html>"""
ARTICLES = {
    "/news/spill": (
        "Harbour chief accuses shipping firm over fuel oil spill",
        "11",
        [
            "Mirela Dovan, the harbour master of Port Selwick, on Tuesday accused the shipping firm "
            "Calder Lines of dumping fuel oil in the bay.",
            '"Calder Lines dumped fuel oil in our bay and must pay for the clean-up," Dovan told reporters.',
            "Fishermen said the slick had reached the northern beaches by the afternoon.",
        ],
    ),
    "/news/denial": (
        "Calder Lines denies dumping",
        "12",
        [
            "Calder Lines on Wednesday denied that any of its vessels had discharged waste in the bay.",
            '"Our ships were in dock all week," said Tomas Reyes, a spokesman for the company.',
        ],
    ),
}


def article(title: str, day: str, paras: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paras)
    return ARTICLE.format(title=title, day=day, paras=body).encode()


def feed(base: str) -> bytes:
    items = [
        ("Harbour chief accuses shipping firm", f"{base}/news/spill"),
        ("Spill: the harbour master's statement", f"{base}/news/spill?utm_source=x&utm_medium=rss"),
        ("Calder Lines denies dumping", f"{base}/news/denial#comments"),
    ]
    xml = "".join(f"<item><title>{t}</title><link>{u.replace('&', '&amp;')}</link></item>" for t, u in items)
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Selwick Courier</title><link>{base}/</link><description>Local news</description>"
        f"{xml}</channel></rss>"
    ).encode()


class FeedHandler(BaseHTTPRequestHandler):
    counts: dict[str, int]

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        self.counts[path] = self.counts.get(path, 0) + 1
        if path == "/feed.xml":
            if self.headers.get("If-None-Match") == ETAG:
                self.send_response(304)
                self.send_header("ETag", ETAG)
                self.end_headers()
                return
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            return self._send(feed(base), "application/rss+xml", {"ETag": ETAG})
        if path in ARTICLES:
            return self._send(article(*ARTICLES[path]), "text/html; charset=utf-8", {})
        self._send(b"not found", "text/plain", {}, 404)

    def _send(self, body: bytes, ctype: str, extra: dict[str, str], status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in extra.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class HookHandler(BaseHTTPRequestHandler):
    received: list[dict[str, Any]]

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler], **attrs: Any) -> Iterator[str]:
    """Serve on 127.0.0.1 and a free port; yields the base URL. `attrs` become the handler's state."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("H", (handler,), attrs))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Inbox:
    messages: list[Any] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.original_content)))
        return "250 OK"


@dataclass
class Lab:
    home: Path
    base: str
    hook: str
    counts: dict[str, int]
    received: list[dict[str, Any]]
    inbox: Inbox
    smtp_port: int

    def vigil(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {
            **os.environ,
            "VIGIL_HOME": str(self.home),
            "VIGIL_COLLECTOR": "tester",
            "VIGIL_SMTP_HOST": "127.0.0.1",
            "VIGIL_SMTP_PORT": str(self.smtp_port),
            "VIGIL_SMTP_FROM": "vigil@newsroom.test",
        }
        env.pop("VIGIL_DATABASE_URL", None)
        p = subprocess.run(
            [sys.executable, "-m", "vigil", *args], capture_output=True, text=True, env=env, timeout=120
        )
        assert p.returncode == 0, f"vigil {' '.join(args)} exited {p.returncode}: {p.stdout}{p.stderr}"
        return p


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    counts: dict[str, int] = {}
    received: list[dict[str, Any]] = []
    inbox = Inbox()
    port = free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        with serve(FeedHandler, counts=counts) as base, serve(HookHandler, received=received) as hook:
            yield Lab(tmp_path / "home", base, hook, counts, received, inbox, port)
    finally:
        smtp.stop()


def test_a_feed_is_watched_into_a_case_with_alerts_by_webhook_and_mail(lab: Lab) -> None:
    feed_url = f"{lab.base}/feed.xml"
    lab.vigil("watch", "add", "Selwick harbour", feed_url, "--every", "5")
    lab.vigil("alert", "add", "Selwick harbour", "--word", "fuel oil", "--webhook", f"{lab.hook}/hook")
    lab.vigil("alert", "add", "Selwick harbour", "--actor", "Mirela Dovan", "--email", "desk@newsroom.test")

    first = lab.vigil("watch", "run", "--once", "--allow-private").stdout
    assert "2 captured" in first, first
    # the same article with tracking parameters, and another with a fragment: each fetched once
    assert lab.counts == {"/feed.xml": 1, "/news/spill": 1, "/news/denial": 1}

    assert sorted(h["statement"]["kind"] for h in lab.received) == ["accuse", "demand"]
    hooked = lab.received[0]
    assert hooked["rule"] == {"id": 1, "field": "word", "value": "fuel oil"}
    assert "fuel oil" in hooked["statement"]["text"] and hooked["statement"]["speaker"] == "Mirela Dovan"
    assert hooked["statement"]["source"]["url"] == f"{lab.base}/news/spill"
    assert hooked["case"] == "Selwick harbour" and hooked["watch"]["url"] == feed_url
    assert len(lab.inbox.messages) == 2
    rcpt, msg = lab.inbox.messages[0]
    assert rcpt == ["desk@newsroom.test"] and msg["From"] == "vigil@newsroom.test"
    assert msg["Subject"].startswith("Vigil alert:") and "Mirela Dovan" in msg.get_payload()

    second = lab.vigil("watch", "run", "--once", "--allow-private").stdout
    assert "not modified" in second and "0 captured" in second, second
    assert lab.counts == {"/feed.xml": 2, "/news/spill": 1, "/news/denial": 1}
    assert len(lab.received) == 2 and len(lab.inbox.messages) == 2

    listed = lab.vigil("alert", "list", "Selwick harbour").stdout
    assert "webhook ok" in listed and "email ok" in listed, listed
    lab.vigil("watch", "remove", "1")
    assert "removed" in lab.vigil("watch", "list").stdout
    assert "no watch to poll" in lab.vigil("watch", "run", "--once", "--allow-private").stdout
    lab.vigil("verify")


def test_a_failed_delivery_is_recorded_not_raised() -> None:
    """A webhook on a loopback address is refused without --allow-private; mail with no server fails."""
    done = deliver({"x": 1}, "subject", "http://127.0.0.1:9/hook", "a@b.test", allow_private=False)
    assert [d["ok"] for d in done] == [False, False]
    assert "loopback" in done[0]["detail"]


def test_links_lose_tracking_parameters_and_fragments() -> None:
    base = "https://news.example.org/world/"
    got = unique(["a1?utm_source=x&id=7", "https://news.example.org/world/a1?id=7#top", "mailto:x@y"], base)
    assert got == ["https://news.example.org/world/a1?id=7"]
    assert normalise("ftp://example.org/x") is None


def test_feed_and_sitemap_links_are_read_from_bytes() -> None:
    assert (
        feed_links(feed("http://news.test"), "http://news.test/feed.xml")[0] == "http://news.test/news/spill"
    )
    sitemap = (
        b'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://news.example.org/2025/03/spill</loc></url></urlset>"
    )
    pages, children = sitemap_links(sitemap, "https://news.example.org/sitemap.xml")
    assert pages == ["https://news.example.org/2025/03/spill"] and children == []


def test_a_304_comes_back_with_its_headers() -> None:
    counts: dict[str, int] = {}
    with serve(FeedHandler, counts=counts) as base:
        got = fetch(f"{base}/feed.xml", allow_private=True, headers=[("If-None-Match", ETAG)])
    assert got.status == 304 and got.body == b"" and ("ETag", ETAG) in got.headers


def test_rules_match_actor_kind_word_and_tracker_status() -> None:
    src = SourceRef(1, "0" * 64, "https://news.test/a", "A", None)
    st = StatementRecord(
        id=5,
        kind="accuse",
        speaker=None,
        speaker_name="Mirela Dovan",
        target=None,
        target_name="Calder Lines",
        text="Dovan accused Calder Lines of dumping fuel oil.",
        date=None,
        source=src,
    )
    rules = [
        alerts.Rule(1, 1, "actor", "calder lines"),
        alerts.Rule(2, 1, "kind", "deny"),
        alerts.Rule(3, 1, "word", "oil"),
        alerts.Rule(4, 1, "word", "oi"),
        alerts.Rule(5, 1, "tracker-status", "met"),
    ]
    before = {"i1": ("open", "release x")}
    changes = alerts.status_changes(before, {"i1": ("met", "release x"), "i2": ("open", "y")})
    hits = alerts.matches(rules, [st], changes, {"case": "C"})
    got = [(h.rule.id, h.subject) for h in hits]
    assert got == [(1, "statement 5"), (3, "statement 5"), (5, "tracker item i1")]
    assert hits[2].payload["tracker"] == {"item": "i1", "what": "release x", "before": "open", "after": "met"}

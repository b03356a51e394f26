"""The served workbench under concurrent use: chains stay whole, uploads do not block, bodies are bounded."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import func, select

from tests.web.conftest import PASSWORD, Served, finished_job, job_of
from vigil.store import cases
from vigil.store.records import record_capture
from vigil.store.tables import AuditEvent, StatementRow, User
from vigil.store.verify import verify

SEED = Path(__file__).parent.parent / "data" / "seed_un_xinjiang_visit.txt"


def signed_in(url: str, name: str) -> tuple[httpx.Client, str]:
    c = httpx.Client(base_url=url, follow_redirects=False, timeout=120)
    r = c.post("/login", data={"name": name, "password": PASSWORD})
    assert r.status_code == 303, r.text
    m = re.search(r'name="csrf" value="([^"]+)"', c.get("/").text)
    assert m
    return c, m.group(1)


def seed_case(served: Served) -> tuple[int, int, list[int]]:
    cap = record_capture(served.store, SEED.read_bytes(), method="upload", uri="urn:upload:seed").capture
    with served.store.sessions.begin() as s:
        alice = s.scalars(select(User).where(User.name == "alice")).one()
        case = cases.create(s, "Load", "", alice.id, "alice")
        cases.add_source(s, case.id, cap.id, alice.id, "alice")
        sts = list(s.scalars(select(StatementRow.id).order_by(StatementRow.id)))
    return case.id, cap.id, sts


def test_concurrent_downloads_and_reviews_leave_verify_clean(served: Served) -> None:
    case, cap, sts = seed_case(served)
    c, csrf = signed_in(served.url, "alice")
    base = f"/cases/{case}"

    def download(i: int) -> int:
        part = ("page", "warc")[i % 2]
        return c.get(f"{base}/sources/{cap}/original?part={part}").status_code

    def review(i: int) -> int:
        body = {"action": ("accepted", "rejected")[i % 2]}
        r = c.post(
            f"/api{base}/statements/{sts[i % len(sts)]}/review", json=body, headers={"X-CSRF-Token": csrf}
        )
        return r.status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(lambda i: download(i) if i % 2 else review(i), range(100)))
    assert statuses.count(200) == 100, statuses
    problems = list(verify(served.store))
    assert problems == [], problems
    with served.store.sessions() as s:  # every one of those requests was audited
        n = s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.route.like("%original%")))
        assert n == 50


def test_a_page_is_answered_while_a_large_upload_is_captured(served: Served) -> None:
    """The form answers at once with a job; pages are served while the job stores and extracts."""
    case, cap, _ = seed_case(served)
    c, csrf = signed_in(served.url, "alice")
    other, _ = signed_in(served.url, "alice")
    sentence = (
        "The council said on {n} May that the inquiry would report within a year, officials confirmed. "
    )
    big = "".join(sentence.format(n=i % 28 + 1) for i in range(4400)).encode()  # about 400 KB
    assert len(big) > 400_000
    r = c.post(f"/cases/{case}/capture", data={"csrf": csrf}, files={"file": ("big.txt", big, "text/plain")})
    assert r.status_code == 303
    job = job_of(r.headers["location"])
    blobs = served.store.root / "blobs"
    for _ in range(1200):  # until the upload's bytes are stored: its extraction comes next
        if any(p.is_file() and p.stat().st_size == len(big) for p in blobs.rglob("*")):
            break
        threading.Event().wait(0.05)
    assert other.get(f"/cases/{case}/sources/{cap}").status_code == 200
    during = other.get(f"/api/cases/{case}/jobs/{job}").json()
    assert during["state"] in ("queued", "running") and during["done"] == 0  # still extracting
    done = finished_job(other.get, case, job)
    assert done["state"] == "done" and done["done"] == 1, done
    made = done["results"][0]["capture_id"]
    assert "inquiry would report" in other.get(f"/api/cases/{case}/sources/{made}").json()["text"]


def test_a_stalled_anonymous_body_is_refused_before_it_is_read(served: Served) -> None:
    host, port = served.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=20) as sock:
        sock.sendall(
            b"POST /cases/1/capture HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
            b"Content-Length: 31457280\r\n\r\n" + b"x" * 1000
        )  # then stall: 30 MB declared, 1 KB sent
        answer = sock.recv(4096).decode("latin-1")
    assert answer.startswith("HTTP/1.1 ") and answer.split()[1] in ("413", "401", "303"), answer[:200]
    with socket.create_connection((host, int(port)), timeout=20) as sock:
        sock.sendall(
            b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 31457280\r\n\r\nname=a"
        )
        answer = sock.recv(4096).decode("latin-1")
    assert answer.split()[1] == "413", answer[:200]


def test_reads_exports_and_downloads_are_audited(served: Served) -> None:
    case, cap, _ = seed_case(served)
    c, _ = signed_in(served.url, "alice")

    def count() -> int:
        with served.store.sessions() as s:
            return int(s.scalar(select(func.count()).select_from(AuditEvent)) or 0)

    before = count()
    assert c.get(f"/cases/{case}/sources/{cap}").status_code == 200
    assert count() == before + 1
    assert c.get(f"/api/cases/{case}/export?format=csv&kind=demand").status_code == 200
    assert count() == before + 2
    assert c.get(f"/cases/{case}/sources/{cap}/original").status_code == 200
    assert count() == before + 3
    env = {"VIGIL_HOME": str(served.store.root), "PATH": "/usr/bin:/bin"}
    p = subprocess.run(
        [sys.executable, "-m", "vigil", "audit", "--user", "alice", "--case", str(case), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    events = [json.loads(line) for line in p.stdout.splitlines()]
    routes = [e["route"] for e in events]
    assert routes[:3] == [
        "/cases/{case_id}/sources/{capture_id}/original",
        "/api/cases/{case_id}/export",
        "/cases/{case_id}/sources/{capture_id}",
    ]
    export = events[1]
    assert export["records"]["format"] == "csv" and "kind=demand" in export["records"]["query"]
    assert all(e["address"] == "127.0.0.1" and e["status"] == 200 for e in events[:3])
    assert list(verify(served.store)) == []


def test_the_audit_page_pages_back_through_every_event(served: Served) -> None:
    c, _ = signed_in(served.url, "alice")
    for n in range(130):
        assert c.get(f"/?visit={n}").status_code == 200
    root, _ = signed_in(served.url, "root")
    first = root.get("/admin/audit?user=alice")
    assert first.status_code == 200 and "100 events" in first.text
    m = re.search(r'href="/admin/audit\?user=alice&amp;before=(\d+)"', first.text)
    assert m, "a full page links to the older events, keeping the filter"
    older = root.get(f"/admin/audit?user=alice&before={m.group(1)}").text
    shown = re.findall(r"visit=(\d+)", first.text + older)
    # each of her 130 visits once, newest first across the two pages
    assert [int(v) for v in shown] == list(range(129, -1, -1))
    assert "older events" not in older

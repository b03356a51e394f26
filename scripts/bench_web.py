"""Load check of the workbench: 20 concurrent clients on a store of 10,000 documents, every page and API call.

For SQLite and then PostgreSQL (a throwaway database on VIGIL_BENCH_POSTGRES, default the local
server): builds the store, serves it with `vigil serve --workers N` (a real server in its own
processes), signs each client in one after another (sign-in refuses a burst of parallel attempts on
one account, by design), then each client loops over the pages in turn for the given time. Prints
p50/p95 and errors per page, after the first view of each aggregate (built once per change, timed
and printed on its own). Figures only; nothing asserts.
"""

from __future__ import annotations

import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).parent))
from bench_store import DOCS, fill, settle, throwaway_postgres

from vigil.capture.custody import now
from vigil.store import cases
from vigil.store.db import Store, open_store
from vigil.store.records import append, ensure_blob
from vigil.store.tables import Capture, Document
from vigil.web.auth import add_user

CLIENTS = int(os.environ.get("VIGIL_BENCH_CLIENTS", "20"))
SECONDS = float(os.environ.get("VIGIL_BENCH_SECONDS", "60"))
# worker processes: several per core, so that the kernel, not the luck of which worker accepted
# which client's connection, shares the cores out (one process uses at most one core)
WORKERS = int(os.environ.get("VIGIL_BENCH_WORKERS", str(4 * (os.cpu_count() or 1))))
PASSWORD = "load test passphrase 1"
PAGES = {
    "cases": "/",
    "case": "/cases/{c}",
    "source": "/cases/{c}/sources/{cap}",
    "statements": "/cases/{c}/statements",
    "statements p.40": "/cases/{c}/statements?page_no=40",
    "statements filtered": "/cases/{c}/statements?kind=demand&q=report",
    "search": "/cases/{c}/statements?q={word}",
    "timeline": "/cases/{c}/timeline",
    "actors": "/cases/{c}/actors",
    "actors p.5": "/cases/{c}/actors?page_no=5",
    "actor": "/cases/{c}/actors/{actor}",
    "dashboard": "/cases/{c}/dashboard",
    "tracker": "/cases/{c}/tracker",
    "contested": "/cases/{c}/contested",
    "alerts": "/cases/{c}/alerts",
    "audit": "/admin/audit",
    "api cases": "/api/cases",
    "api case": "/api/cases/{c}",
    "api source": "/api/cases/{c}/sources/{cap}",
    "api statements": "/api/cases/{c}/statements?speaker={person}",
    "api search": "/api/cases/{c}/statements?q={word}",
    "api actors": "/api/cases/{c}/actors",
    "api timeline": "/api/cases/{c}/timeline",
    "api tracker": "/api/cases/{c}/tracker",
    "api contested": "/api/cases/{c}/contested",
}
WORDS = ["report", "torture", "inquiry", "release", "election", "visit", "detained", "court"]


def build(store: Store) -> int:
    """The generated documents, one admin and one case holding every capture; the case's id. The
    case and its sources are made as the workbench makes them, each change a case event."""
    fill(store)
    with store.sessions.begin() as s:
        user = add_user(s, "bench", PASSWORD, "admin")
        case_id = cases.create(s, "bench", "", user.id, "bench").id
        for doc in s.scalars(select(Document)):
            ensure_blob(s, doc.blob_sha256, len(doc.text), "text/plain")
            cap = append(s, _capture(doc.blob_sha256, len(doc.text)))
            cases.add_source(s, case_id, cap.id, user.id, "bench")
    settle(store)
    return case_id


def _capture(sha: str, size: int) -> Capture:
    return Capture(
        uid=str(uuid.uuid4()),
        method="file",
        requested_url=None,
        final_url=None,
        source_path=None,
        server_ip=None,
        status=None,
        headers="[]",
        hops="[]",
        collector="bench",
        machine="{}",
        tool="vigil",
        tool_version="0.1.0",
        note=None,
        captured_at=now(),
        page_sha256=sha,
        warc_sha256=sha,
        screenshot_sha256=None,
        media_type="text/plain",
        size=size,
        batch=None,
    )


def serve(root: Path, url: str) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "VIGIL_HOME": str(root), "VIGIL_DATABASE_URL": url}
    vigil = Path(sys.executable).parent / "vigil"
    cmd = [str(vigil), "serve", "--port", str(port), "--workers", str(WORKERS)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            httpx.get(base + "/login", timeout=1)
            return proc, base
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit("the workbench did not start")


def clients(base: str) -> list[httpx.Client]:
    out = []
    for _ in range(CLIENTS):
        c = httpx.Client(base_url=base, timeout=120, follow_redirects=False)
        r = c.post("/login", data={"name": "bench", "password": PASSWORD})
        if r.status_code != 303:
            raise SystemExit(f"sign-in failed: {r.status_code}")
        out.append(c)
    return out


def fill_in(path: str, case_id: int, actor: str, rng: random.Random) -> str:
    return path.format(
        c=case_id,
        cap=rng.randint(1, DOCS),
        actor=actor,
        word=rng.choice(WORDS),
        person=rng.choice(["Ana", "Omar Lind", "Rosa", "Kordovia"]),
    )


def run(base: str, case_id: int) -> tuple[dict[str, list[float]], dict[str, int]]:
    sessions = clients(base)
    firsts = []
    for what, path in (
        ("actor list", f"/api/cases/{case_id}/actors?limit=1"),
        ("statement index", f"/api/cases/{case_id}/statements?limit=1"),
        ("tracker and contested claims", f"/api/cases/{case_id}/tracker?limit=1"),
    ):
        t = time.perf_counter()
        got = sessions[0].get(path)
        firsts.append(f"{what} {time.perf_counter() - t:.1f} s")
        if what == "actor list":
            actors = got.json()
    print(f"  first views after the store changed (each aggregate built): {', '.join(firsts)}")
    actor = actors[0]["key"] if actors else "none"
    times: dict[str, list[float]] = {k: [] for k in PAGES}
    errors: dict[str, int] = dict.fromkeys(PAGES, 0)
    lock = threading.Lock()
    stop = time.monotonic() + SECONDS

    def client(n: int, c: httpx.Client) -> None:
        rng = random.Random(n)
        names = list(PAGES)
        rng.shuffle(names)
        i = 0
        while time.monotonic() < stop:
            name = names[i % len(names)]
            i += 1
            t0 = time.perf_counter()
            try:
                ok = c.get(fill_in(PAGES[name], case_id, actor, rng)).status_code == 200
            except httpx.HTTPError:
                ok = False
            with lock:
                times[name].append((time.perf_counter() - t0) * 1000)
                errors[name] += not ok

    threads = [threading.Thread(target=client, args=(i, c)) for i, c in enumerate(sessions)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return times, errors


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[max(0, int(len(xs) * p) - 1)] if xs else 0.0


def report(name: str, times: dict[str, list[float]], errors: dict[str, int]) -> None:
    every = [x for xs in times.values() for x in xs]
    print(
        f"{name}: {CLIENTS} clients x {SECONDS:.0f} s, {WORKERS} workers, {DOCS:,} documents: "
        f"{len(every)} requests, p50 {statistics.median(every):.0f} ms, p95 {pct(every, 0.95):.0f} ms, "
        f"errors {sum(errors.values())}"
    )
    for page, xs in times.items():
        print(
            f"  {page:<20} n {len(xs):5}  p50 {statistics.median(xs) if xs else 0:6.0f} ms  "
            f"p95 {pct(xs, 0.95):6.0f} ms  errors {errors[page]}"
        )


def measure(name: str, root: Path, url: str) -> None:
    store = open_store(root, url)
    t0 = time.perf_counter()
    case_id = build(store)
    store.engine.dispose()
    print(f"{name}: store of {DOCS:,} documents built in {time.perf_counter() - t0:.0f} s")
    proc, base = serve(root, url)
    try:
        report(name, *run(base, case_id))
    finally:
        proc.terminate()
        proc.wait(30)


def main() -> int:
    # a store this script's `build` made before (its home, and its database URL unless SQLite's own)
    reuse = os.environ.get("VIGIL_BENCH_REUSE")
    if reuse:
        url = os.environ.get("VIGIL_BENCH_REUSE_URL") or f"sqlite:///{reuse}/vigil.db"
        proc, base = serve(Path(reuse), url)
        try:
            report(url.split(":", 1)[0].split("+")[0], *run(base, 1))
        finally:
            proc.terminate()
            proc.wait(30)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "sqlite"
        measure("sqlite", root, f"sqlite:///{root}/vigil.db")
        with throwaway_postgres() as url:
            if url is not None:
                measure("postgresql", Path(tmp) / "pg", url)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Load check of the workbench: 20 concurrent clients browsing a store of 10,000 documents for 60 s.

Serves the app with uvicorn on 127.0.0.1 (a free port), signs each client in, then loops over a
mix of pages: a source view, the statements table with a filter, the JSON statements API, the
timeline and the actor list. Prints p50/p95 latency and the error count. Figures only.
"""

from __future__ import annotations

import os
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).parent))
from bench_store import DOCS, fill

from vigil.capture.custody import now
from vigil.store.db import open_store
from vigil.store.records import append, ensure_blob
from vigil.store.tables import Capture, Case, CaseCapture, CaseMember, Document
from vigil.web.app import create_app
from vigil.web.auth import add_user

CLIENTS = int(os.environ.get("VIGIL_BENCH_CLIENTS", "20"))
SECONDS = float(os.environ.get("VIGIL_BENCH_SECONDS", "60"))
PASSWORD = "load test passphrase 1"


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp), f"sqlite:///{tmp}/vigil.db")
        t0 = time.perf_counter()
        fill(store)
        with store.sessions.begin() as s:
            user = add_user(s, "bench", PASSWORD, "editor")
            case = Case(name="bench", description="", created_by=user.id, created_at=now())
            s.add(case)
            s.flush()
            s.add(CaseMember(case_id=case.id, user_id=user.id, role="owner"))
            for doc in s.scalars(select(Document)):
                ensure_blob(s, doc.blob_sha256, len(doc.text), "text/plain")
                cap = append(
                    s,
                    Capture(
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
                        page_sha256=doc.blob_sha256,
                        warc_sha256=doc.blob_sha256,
                        screenshot_sha256=None,
                        media_type="text/plain",
                        size=len(doc.text),
                        batch=None,
                    ),
                )
                s.add(CaseCapture(case_id=case.id, capture_id=cap.id, added_by=user.id, added_at=now()))
            case_id = case.id
        print(f"store of {DOCS:,} documents built in {time.perf_counter() - t0:.0f} s")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = uvicorn.Server(
            uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="error")
        )
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        paths = [
            f"/cases/{case_id}/sources/{{cap}}",
            f"/cases/{case_id}/statements?kind=demand&q=report",
            f"/api/cases/{case_id}/statements?speaker=Ana",
            f"/cases/{case_id}/timeline",
            f"/cases/{case_id}/actors",
        ]
        latencies: list[float] = []
        errors = 0
        slowest: dict[str, float] = {}
        lock = threading.Lock()
        stop = time.monotonic() + SECONDS

        def client(n: int) -> None:
            nonlocal errors
            rng = random.Random(n)
            with httpx.Client(base_url=base, timeout=120, follow_redirects=False) as c:
                c.post("/login", data={"name": "bench", "password": PASSWORD})
                while time.monotonic() < stop:
                    path = rng.choice(paths).replace("{cap}", str(rng.randint(1, DOCS)))
                    t = time.perf_counter()
                    try:
                        ok = c.get(path).status_code == 200
                    except httpx.HTTPError:
                        ok = False
                    with lock:
                        latencies.append((time.perf_counter() - t) * 1000)
                        errors += not ok
                        name = "source" if "/sources/" in path else path.split("?")[0].rsplit("/", 1)[-1]
                        slowest[name] = max(slowest.get(name, 0.0), latencies[-1])

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        server.should_exit = True
        latencies.sort()
        p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)] if latencies else 0.0
        p50 = statistics.median(latencies) if latencies else 0.0
        print(
            f"web load    {CLIENTS} clients x {SECONDS:.0f} s on {DOCS:,} documents: "
            f"{len(latencies)} requests, "
            f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, errors {errors}"
        )
        worst = ", ".join(f"{k} {v:.0f}" for k, v in sorted(slowest.items()))
        print(f"slowest by page (ms): {worst}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`vigil serve` as a user runs it: several worker processes on SQLite and PostgreSQL, a taken port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.web.conftest import PASSWORD, free_port
from tests.web.test_signin import database as database  # the fixture
from vigil.store.db import open_store
from vigil.web.auth import add_user

VIGIL = str(Path(sys.executable).parent / "vigil")


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry.name))
    return out


def served_by_workers(home: Path, url: str) -> None:
    store = open_store(home, url)
    with store.sessions.begin() as s:
        add_user(s, "alice", PASSWORD, "editor")
    store.engine.dispose()
    port = free_port()
    env = {**os.environ, "VIGIL_HOME": str(home), "VIGIL_DATABASE_URL": url}
    proc = subprocess.Popen([VIGIL, "serve", "--port", str(port), "--workers", "2"], env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                httpx.get(base + "/login", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        # uvicorn's supervisor starts one process per worker (plus its resource tracker)
        for _ in range(100):
            if len(children(proc.pid)) >= 2:
                break
            time.sleep(0.1)
        assert len(children(proc.pid)) >= 2
        clients = [httpx.Client(base_url=base, follow_redirects=False, timeout=30) for _ in range(4)]
        for c in clients:
            assert c.post("/login", data={"name": "alice", "password": PASSWORD}).status_code == 303
        for _ in range(5):  # a session made by one worker is honoured by the other: it is in the store
            for c in clients:
                assert c.get("/").status_code == 200
                assert c.get("/api/cases").json() == []
    finally:
        proc.terminate()
        proc.wait(30)


def test_workers_share_the_store(tmp_path: Path, database: str) -> None:
    """On SQLite and on PostgreSQL (the sign-in tests' throwaway database)."""
    served_by_workers(tmp_path, database)


def test_a_taken_port_is_said_at_once_with_a_free_one(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "VIGIL_HOME": str(tmp_path)}
        r = subprocess.run([VIGIL, "serve", "--port", str(port)], env=env, capture_output=True, text=True)
    assert r.returncode != 0
    lines = [ln for ln in (r.stdout + r.stderr).splitlines() if ln.strip()]
    assert len(lines) == 1 and f"port {port}" in lines[0] and "in use" in lines[0], lines
    assert "--port" in lines[0] and "Traceback" not in r.stderr


def test_a_warmed_worker_has_every_page_compiled_before_its_first_request(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from vigil.web.app import create_app, warm
    from vigil.web.deps import templates

    pages = templates.env.list_templates(filter_func=lambda n: n.endswith(".html"))
    templates.env.cache.clear()
    app = warm(create_app(open_store(tmp_path / "home")))
    compiled = {key[1] for key in templates.env.cache}
    assert pages and set(pages) <= compiled
    assert TestClient(app).get("/login").status_code == 200

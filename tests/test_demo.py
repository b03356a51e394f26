"""`make demo` as a new user meets it twice: the second run keeps the first one's work; a taken port.

The store is built from one small invented article rather than the demo's three, so the tests
read one article with spaCy, not four; the second run is the script itself, as `make demo` runs it.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from vigil.store.db import open_store
from vigil.store.records import append
from vigil.store.tables import Case, Review, StatementRow
from vigil.web.app import create_app

ROOT = Path(__file__).parent.parent
DEMO = ROOT / "scripts" / "demo.py"
ARTICLE = """Valdoria presses Kordovia over the Tessel crossing

Valdoria's foreign minister, Arlo Venn, said on Tuesday that Kordovia must reopen the Tessel border crossing before the harvest.

Kordovia's interior ministry denied that the crossing had been closed for political reasons.
"""


def demo_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("vigil_demo_script", DEMO)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def script(home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """scripts/demo.py as `make demo` runs it, against `home`, stopping before it would serve."""
    run_env = {**os.environ, "VIGIL_DEMO_HOME": str(home), "VIGIL_DEMO_NO_SERVE": "1", **env}
    return subprocess.run(
        [sys.executable, str(DEMO)], env=run_env, capture_output=True, text=True, timeout=300, check=False
    )


def reviews_of(home: Path) -> list[tuple[str, str]]:
    store = open_store(home)
    with store.reads() as s:
        found = [(r.action, r.reviewer) for r in s.scalars(select(Review).order_by(Review.id))]
    store.engine.dispose()
    return found


def review_first_statement(home: Path) -> None:
    store = open_store(home)
    with store.sessions.begin() as s:
        st = s.scalars(select(StatementRow).order_by(StatementRow.id)).first()
        case_id = s.scalar(select(Case.id))
        assert st is not None and case_id is not None
        review = Review(
            statement_id=st.id, case_id=case_id, action="accepted", changes="{}", reviewer="demo", at="x"
        )
        append(s, review)
    store.engine.dispose()


def signs_in(home: Path, password: str) -> bool:
    store = open_store(home)
    with TestClient(create_app(store), follow_redirects=False) as c:
        status: int = c.post("/login", data={"name": "demo", "password": password}).status_code
    store.engine.dispose()
    return status == 303


def test_a_second_demo_keeps_the_first_runs_review_and_reset_starts_afresh(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = demo_module()
    article = tmp_path / "valdoria.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    home = tmp_path / "vigil-demo"
    sources = [(article, "2026-03-10")]
    password = demo.prepare(home, reset=False, sources=sources)
    secret = home / "demo-password"
    assert secret.read_text().strip() == password
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    review_first_statement(home)

    second = script(home)
    assert second.returncode == 0, second.stderr
    said = [ln for ln in second.stdout.splitlines() if "demo store" in ln]
    assert said == [f"keeping the demo store in {home} (1 source, 1 review); make demo-reset starts afresh"]
    assert reviews_of(home) == [("accepted", "demo")]
    assert secret.read_text().strip() == password and signs_in(home, password)

    capsys.readouterr()
    again = demo.prepare(home, reset=True, sources=sources)
    assert f"resetting the demo store in {home}" in capsys.readouterr().out
    assert reviews_of(home) == []
    assert again != password and signs_in(home, again) and not signs_in(home, password)


def test_a_taken_port_is_the_one_thing_said(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "VIGIL_DEMO_HOME": str(tmp_path / "d"), "PORT": str(port)}
        r = subprocess.run([sys.executable, str(DEMO)], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode != 0
    said = [ln for ln in (r.stdout + r.stderr).splitlines() if ln.strip()]
    assert len(said) == 1 and f"port {port}" in said[0] and "make demo PORT=" in said[0], said
    assert "password" not in said[0] and "http://" not in said[0]
    assert not (tmp_path / "d").exists()  # nothing built before the port was checked


def test_a_port_that_is_no_number_is_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "VIGIL_DEMO_HOME": str(tmp_path / "d"), "PORT": "eighty"}
    r = subprocess.run([sys.executable, str(DEMO)], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode != 0
    assert r.stdout == "" and r.stderr.strip().splitlines() == [
        "error: PORT must be a port number (1-65535), not 'eighty'"
    ]


def test_make_passes_the_port_and_the_reset_through() -> None:
    def dry(*args: str) -> str:
        env = {k: v for k, v in os.environ.items() if k not in ("PORT", "MAKEFLAGS")}
        done = subprocess.run(
            ["make", "-n", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        )
        return done.stdout

    assert "PORT=8123 .venv/bin/python scripts/demo.py" in dry("demo", "PORT=8123")
    assert "PORT=8000 .venv/bin/python scripts/demo.py" in dry("demo")
    reset = dry("demo-reset", "PORT=8124")
    assert "PORT=8124 VIGIL_DEMO_RESET=1 .venv/bin/python scripts/demo.py" in reset

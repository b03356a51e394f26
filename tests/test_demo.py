"""`make demo` as a new user meets it twice: the second run keeps the first one's work; a taken port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from vigil.store.db import open_store
from vigil.store.records import append
from vigil.store.tables import Review, StatementRow

DEMO = Path(__file__).parent.parent / "scripts" / "demo.py"


def demo(home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    run_env = {**os.environ, "VIGIL_DEMO_HOME": str(home), "VIGIL_DEMO_NO_SERVE": "1", **env}
    return subprocess.run(
        [sys.executable, str(DEMO)], env=run_env, capture_output=True, text=True, timeout=600, check=False
    )


def test_a_second_demo_keeps_the_first_runs_review_and_reset_starts_afresh(tmp_path: Path) -> None:
    home = tmp_path / "vigil-demo"
    first = demo(home)
    assert first.returncode == 0, first.stderr
    password = (home / "demo-password").read_text().strip()
    assert oct((home / "demo-password").stat().st_mode)[-3:] == "600"
    store = open_store(home)
    with store.sessions.begin() as s:
        st = s.scalars(select(StatementRow).order_by(StatementRow.id)).first()
        assert st is not None
        append(
            s, Review(statement_id=st.id, case_id=1, action="accepted", changes="{}", reviewer="demo", at="x")
        )
    store.engine.dispose()
    second = demo(home)
    assert second.returncode == 0, second.stderr
    assert "keeping the demo store" in second.stdout and "1 reviews" in second.stdout
    assert (home / "demo-password").read_text().strip() == password
    store = open_store(home)
    with store.reads() as s:
        assert [r.action for r in s.scalars(select(Review))] == ["accepted"]
    store.engine.dispose()
    reset = demo(home, VIGIL_DEMO_RESET="1")
    assert reset.returncode == 0 and "resetting the demo store" in reset.stdout
    store = open_store(home)
    with store.reads() as s:
        assert list(s.scalars(select(Review))) == []
    store.engine.dispose()


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
    assert not (tmp_path / "d").exists()  # nothing built, no password printed

"""Every store test runs twice: on the embedded SQLite and on the PostgreSQL server of this machine.

PostgreSQL comes from VIGIL_TEST_POSTGRES (default: postgres on 127.0.0.1:5432, trust auth); each test
gets a throwaway database, dropped afterwards. Set VIGIL_TEST_POSTGRES to an empty string to run on
SQLite alone (the tests then say so as skips).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

PG_ADMIN = os.environ.get("VIGIL_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@dataclass
class Env:
    home: Path
    url: str | None
    backend: str

    def env(self, **extra: str) -> dict[str, str]:
        e = {**os.environ, "VIGIL_HOME": str(self.home), "VIGIL_COLLECTOR": "tester", **extra}
        if self.url:
            e["VIGIL_DATABASE_URL"] = self.url
        else:
            e.pop("VIGIL_DATABASE_URL", None)
        return e

    def vigil(
        self, *args: str, stdin: bytes | None = None, check: bool = True, timeout: float = 300, **extra: str
    ) -> subprocess.CompletedProcess[str]:
        p = subprocess.run(
            [sys.executable, "-m", "vigil", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=self.env(**extra),
            input=stdin.decode() if stdin else None,
            check=False,
        )
        if check and p.returncode != 0:
            raise AssertionError(f"vigil {' '.join(args)} exited {p.returncode}: {p.stderr}")
        return p

    def open(self):  # type: ignore[no-untyped-def]
        from vigil.store.db import open_store

        return open_store(self.home, self.url)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Env]:
    if request.param == "sqlite":
        yield Env(tmp_path / "home", None, "sqlite")
        return
    if not PG_ADMIN:
        pytest.skip("VIGIL_TEST_POSTGRES is empty: PostgreSQL tests not run")
    name = f"vigil_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield Env(tmp_path / "home", url, "postgresql")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

"""`make demo`: extract the seed, then build a fresh demo store and serve the workbench on 127.0.0.1:8000."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SEED_PUBLISHED = "2022-03-10"  # the seed's own date, so "on Tuesday" and "next month" resolve
DEMO_SOURCES = [
    ("seed_un_xinjiang_visit.txt", SEED_PUBLISHED),
    ("examples/rights-groups-press-for-report.txt", "2022-03-15"),
    ("examples/visit-ends-with-statement.txt", "2022-05-28"),
]
HOME = Path(os.environ.get("VIGIL_DEMO_HOME", ROOT / "vigil-demo"))


def main() -> int:
    vigil = [sys.executable, "-m", "vigil"]
    seed = [str(DATA / "seed_un_xinjiang_visit.txt"), "--published", SEED_PUBLISHED]
    subprocess.run([*vigil, "extract", *seed], check=True)
    if os.environ.get("VIGIL_DEMO_NO_SERVE"):
        return 0
    shutil.rmtree(HOME, ignore_errors=True)
    env = {**os.environ, "VIGIL_HOME": str(HOME), "VIGIL_COLLECTOR": "demo"}
    env.pop("VIGIL_DATABASE_URL", None)
    listing = HOME / "demo-sources.tsv"
    HOME.mkdir(parents=True)
    listing.write_text("".join(f"{DATA / name}\t{day}\n" for name, day in DEMO_SOURCES))
    subprocess.run(
        [*vigil, "capture", "--from-file", str(listing), "--note", "demo article"], check=True, env=env
    )
    password = secrets.token_urlsafe(12)
    subprocess.run(
        [*vigil, "user", "add", "demo", "--role", "admin", "--password-stdin"],
        input=password + "\n",
        text=True,
        check=True,
        env=env,
    )
    from vigil.store import cases
    from vigil.store.db import open_store
    from vigil.store.tables import Capture, User

    store = open_store(HOME)
    with store.sessions.begin() as s:
        from sqlalchemy import select

        user = s.scalars(select(User).where(User.name == "demo")).one()
        case = cases.create(
            s, "UN visit to Xinjiang (demo)", "The seed article and two example articles.", user.id, "demo"
        )
        for cap in s.scalars(select(Capture)):
            cases.add_source(s, case.id, cap.id, user.id, "demo")
    print("\nDemo workbench: http://127.0.0.1:8000   user: demo   password:", password, "\n(Ctrl-C stops it)")
    os.execvpe(sys.executable, [*vigil, "serve", "--host", "127.0.0.1", "--port", "8000"], env)


if __name__ == "__main__":
    sys.exit(main())

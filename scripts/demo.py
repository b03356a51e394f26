"""`make demo`: extract the seed, then serve the workbench on a demo store at 127.0.0.1:$PORT.

The first run builds the store in ./vigil-demo (the seed and two example articles, one case, the
account `demo`); later runs keep it, and the reviews made in it, and say so. `make demo-reset`
(VIGIL_DEMO_RESET=1) starts afresh. A port already in use is said first, with a free one.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SEED_PUBLISHED = "2022-03-10"  # the seed's own date, so "on Tuesday" and "next month" resolve
DEMO_SOURCES = (
    (DATA / "seed_un_xinjiang_visit.txt", SEED_PUBLISHED),
    (DATA / "examples/rights-groups-press-for-report.txt", "2022-03-15"),
    (DATA / "examples/visit-ends-with-statement.txt", "2022-05-28"),
)
Sources = Sequence[tuple[Path, str]]  # each article and the day it was published
HOME = Path(os.environ.get("VIGIL_DEMO_HOME", ROOT / "vigil-demo"))
SECRET = "demo-password"  # in HOME, mode 0600: a second run can show it again
VIGIL = [sys.executable, "-m", "vigil"]


def port_asked() -> int:
    """PORT from `make demo PORT=…`, or a one-line error."""
    raw = os.environ.get("PORT", "8000").strip() or "8000"
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise SystemExit(f"error: PORT must be a port number (1-65535), not {raw!r}")
    return int(raw)


def check_port(port: int) -> None:
    """Before anything is printed: a taken port is the one line the demo says."""
    from vigil.cli.serve import free_port

    found = free_port("127.0.0.1", port)
    if found != port:
        hint = f"; try make demo PORT={found}" if found else ""
        raise SystemExit(f"error: port {port} on 127.0.0.1 is already in use{hint}")


def env_of(home: Path) -> dict[str, str]:
    env = {**os.environ, "VIGIL_HOME": str(home), "VIGIL_COLLECTOR": "demo"}
    env.pop("VIGIL_DATABASE_URL", None)
    return env


def vigil(args: list[str], env: dict[str, str] | None = None, stdin: str | None = None) -> None:
    """Run a vigil command; when it fails it has said why on its own line, so stop without a traceback."""
    done = subprocess.run([*VIGIL, *args], input=stdin, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"error: the demo stopped: vigil {args[0]} exited {done.returncode}")


def shown(path: Path) -> str:
    """`path` as the person who typed `make demo` knows it: ./vigil-demo rather than /home/…/vigil-demo."""
    try:
        return f"./{path.resolve().relative_to(Path.cwd().resolve())}"
    except ValueError:
        return str(path)


def prepare(home: Path, reset: bool, sources: Sources = DEMO_SOURCES) -> str:
    """The demo store, kept from a run before unless `reset` asks afresh; the account's password.

    Keeping is the default because the demo is where people try reviewing: a second `make demo`
    that wiped their decisions would teach them the workbench loses work."""
    if reset:
        print(f"resetting the demo store in {shown(home)}")
        return build(home, sources)
    return kept(home) or build(home, sources)


def build(home: Path, sources: Sources) -> str:
    """A new demo store: the articles captured with their dates, the demo account, one case; the
    account's password."""
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    env = env_of(home)
    listing = home / "demo-sources.tsv"
    listing.write_text("".join(f"{path}\t{day}\n" for path, day in sources))
    vigil(["capture", "--from-file", str(listing), "--note", "demo article"], env)
    password = secrets.token_urlsafe(12)
    vigil(["user", "add", "demo", "--role", "admin", "--password-stdin"], env, password + "\n")
    from sqlalchemy import select

    from vigil.store import cases
    from vigil.store.db import open_store
    from vigil.store.tables import Capture, User

    store = open_store(home)
    with store.sessions.begin() as s:
        user = s.scalars(select(User).where(User.name == "demo")).one()
        case = cases.create(
            s, "UN visit to Xinjiang (demo)", "The seed article and two example articles.", user.id, "demo"
        )
        for cap in s.scalars(select(Capture)):
            cases.add_source(s, case.id, cap.id, user.id, "demo")
    store.engine.dispose()
    keep_secret(home, password)
    return password


def keep_secret(home: Path, password: str) -> None:
    """The password in HOME, readable by its owner alone from the moment the file exists."""
    path = home / SECRET
    path.unlink(missing_ok=True)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
        f.write(password + "\n")


def kept(home: Path) -> str | None:
    """The password of a demo store built before, saying what is kept; None when there is none, or
    when its first run stopped before the account and case were made (nothing in it to keep)."""
    if not (home / "vigil.db").is_file():
        return None
    from sqlalchemy import func, select

    from vigil.plural import counted
    from vigil.store.db import open_store
    from vigil.store.tables import Case, CaseCapture, Review, User

    store = open_store(home)
    with store.reads() as s:
        sources = s.scalar(select(func.count()).select_from(CaseCapture)) or 0
        reviews = s.scalar(select(func.count()).select_from(Review)) or 0
        account = s.scalar(select(User.id).where(User.name == "demo"))
        case = s.scalar(select(Case.id).limit(1))
    store.engine.dispose()
    if account is None or case is None:
        print(f"the demo store in {shown(home)} was left unfinished; building it afresh")
        return None
    secret = home / SECRET
    password = secret.read_text().strip() if secret.is_file() else ""
    if not password:  # a store from before the password was kept: give the account a new one
        password = secrets.token_urlsafe(12)
        vigil(["user", "passwd", "demo", "--password-stdin"], env_of(home), password + "\n")
        keep_secret(home, password)
    print(
        f"keeping the demo store in {shown(home)} ({counted(sources, 'source')}, "
        f"{counted(reviews, 'review')}); make demo-reset starts afresh"
    )
    return password


def main() -> int:
    port = port_asked()
    serving = not os.environ.get("VIGIL_DEMO_NO_SERVE")
    if serving:
        check_port(port)
    seed = [str(DATA / "seed_un_xinjiang_visit.txt"), "--published", SEED_PUBLISHED]
    vigil(["extract", *seed])
    password = prepare(HOME, reset=bool(os.environ.get("VIGIL_DEMO_RESET")))
    if not serving:
        return 0
    url = f"http://127.0.0.1:{port}"
    print(f"\nDemo workbench: {url}   user: demo   password: {password}\n(Ctrl-C stops it)")
    cmd = [*VIGIL, "serve", "--host", "127.0.0.1", "--port", str(port)]
    os.execvpe(sys.executable, cmd, env_of(HOME))


if __name__ == "__main__":
    sys.exit(main())

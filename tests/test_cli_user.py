"""`vigil user …` and `vigil serve --require-2fa`, each through a real process on a fresh VIGIL_HOME."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyotp
import pytest
from sqlalchemy import select

from vigil.store.db import Store, open_store
from vigil.store.tables import User, WebSession
from vigil.web import auth

PASSWORD = "correct horse battery"
OTHER = "a different long passphrase"


class Home:
    """A data home and the `vigil` command run on it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.env = {**os.environ, "VIGIL_HOME": str(root), "VIGIL_COLLECTOR": "tester", "COLUMNS": "200"}
        self.env.pop("VIGIL_DATABASE_URL", None)
        self.env.pop("VIGIL_REQUIRE_2FA", None)

    def vigil(self, *args: str, stdin: str | None = None, code: int = 0) -> subprocess.CompletedProcess[str]:
        p = subprocess.run(
            [sys.executable, "-m", "vigil", *args],
            capture_output=True,
            text=True,
            timeout=300,
            env=self.env,
            input=stdin,
            check=False,
        )
        assert p.returncode == code, (args, p.returncode, p.stdout, p.stderr)
        if code == 2:  # a refusal is one line, never a traceback
            assert len(p.stderr.strip().splitlines()) == 1 and p.stderr.startswith("error:"), p.stderr
        return p

    def store(self) -> Store:
        return open_store(self.root, f"sqlite:///{self.root / 'vigil.db'}")


@pytest.fixture
def home(tmp_path: Path) -> Home:
    h = Home(tmp_path / "home")
    h.vigil("user", "add", "alice", "--password-stdin", stdin=PASSWORD + "\n")
    return h


def sign_in(
    store: Store, name: str, password: str, address: str = "10.0.0.1"
) -> auth.SignedIn | auth.NeedsCode:
    return auth.first_step(
        store.sessions, auth.Client(auth.address_key(address)), name, password, everyone=False
    )


def session_for(store: Store, name: str) -> None:
    assert isinstance(sign_in(store, name, PASSWORD, "10.0.9.9"), auth.SignedIn)


def sessions_of(store: Store, name: str) -> int:
    with store.sessions() as s:
        user = auth.find_user(s, name)
        assert user is not None
        rows = s.scalars(
            select(WebSession).where(WebSession.user_id == user.id, WebSession.kind == "session")
        )
        return len(rows.all())


def row(listing: str, name: str) -> list[str]:
    for line in listing.splitlines():
        cells = [c.strip() for c in re.split(r"[│┃]", line)[1:-1]]
        if cells and cells[0] == name:
            return cells
    raise AssertionError(f"{name} not in\n{listing}")


def test_add_refuses_look_alikes_and_weak_passwords_and_list_shows_the_accounts(home: Home) -> None:
    for name in ("Alice", "alice ", "\u0430lice"):
        assert (
            "exists already"
            in home.vigil("user", "add", name, "--password-stdin", stdin=PASSWORD, code=2).stderr
        )
    for weak in (" " * 10, "aaaaaaaaaaaaaaaa", "bob is my name ok"):
        home.vigil("user", "add", "bob", "--password-stdin", stdin=weak + "\n", code=2)
    home.vigil("user", "add", "bob", "--role", "boss", code=2)
    made = home.vigil("user", "add", "bob", "--role", "viewer", "--require-2fa").stdout
    generated = re.search(r"password: (\S+)", made)
    assert generated
    listing = home.vigil("user", "list").stdout
    assert row(listing, "alice") == ["alice", "editor", "no", "off", "no"]
    assert row(listing, "bob") == ["bob", "viewer", "no", "off (required)", "no"]
    with pytest.raises(auth.SignInError, match="vigil user 2fa bob"):  # the generated password is right
        sign_in(home.store(), "bob", generated.group(1))


def test_passwd_sets_or_generates_a_password_and_ends_the_sessions(home: Home) -> None:
    store = home.store()
    session_for(store, "alice")
    home.vigil("user", "passwd", "ALICE", "--password-stdin", stdin=OTHER + "\n")
    assert sessions_of(store, "alice") == 0
    with pytest.raises(auth.SignInError):
        sign_in(store, "alice", PASSWORD)
    assert isinstance(sign_in(store, "alice", OTHER), auth.SignedIn)
    printed = re.search(r"password: (\S+)", home.vigil("user", "passwd", "alice").stdout)
    assert printed and isinstance(sign_in(store, "alice", printed.group(1)), auth.SignedIn)
    home.vigil("user", "passwd", "alice", "--password-stdin", stdin="alice alice alice\n", code=2)


def test_unlock_lifts_a_lock(home: Home) -> None:
    store = home.store()
    for _ in range(auth.MAX_FAILURES):
        with pytest.raises(auth.SignInError):
            sign_in(store, "alice", "not the password", "10.0.0.2")
    assert row(home.vigil("user", "list").stdout, "alice")[4].startswith("until ")
    with pytest.raises(auth.SignInError):
        sign_in(store, "alice", PASSWORD)
    home.vigil("user", "unlock", "alice")
    assert row(home.vigil("user", "list").stdout, "alice")[4] == "no"
    assert isinstance(sign_in(store, "alice", PASSWORD), auth.SignedIn)


def test_disable_refuses_sign_in_and_ends_sessions_and_enable_undoes_it(home: Home) -> None:
    store = home.store()
    session_for(store, "alice")
    home.vigil("user", "disable", "alice")
    assert sessions_of(store, "alice") == 0 and row(home.vigil("user", "list").stdout, "alice")[2] == "yes"
    with pytest.raises(auth.SignInError, match="wrong name or password"):
        sign_in(store, "alice", PASSWORD)
    home.vigil("user", "enable", "alice")
    assert isinstance(sign_in(store, "alice", PASSWORD), auth.SignedIn)


def test_role_changes_the_role_and_ends_sessions(home: Home) -> None:
    store = home.store()
    session_for(store, "alice")
    home.vigil("user", "role", "alice", "viewer")
    assert sessions_of(store, "alice") == 0
    with store.sessions() as s:
        assert s.scalar(select(User.role).where(User.name == "alice")) == "viewer"
    home.vigil("user", "role", "alice", "boss", code=2)


def test_2fa_enrols_and_prints_the_secret_uri_and_codes_once(home: Home) -> None:
    printed = home.vigil("user", "2fa", "alice").stdout
    secret = re.search(r"secret: (\S+)", printed)
    codes = re.findall(r"^\s+([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})$", printed, re.M)
    assert (
        secret and "otpauth://totp/Vigil:alice?secret=" + secret.group(1) in printed and len(set(codes)) == 10
    )
    store = home.store()
    with store.sessions() as s:
        kept = s.scalar(select(User.recovery_codes).where(User.name == "alice"))
        assert kept is not None and not any(c in kept for c in codes)  # only digests are kept
    step = sign_in(store, "alice", PASSWORD)
    assert isinstance(step, auth.NeedsCode)
    client = auth.Client(auth.address_key("10.0.0.1"), pending=step.token)
    assert isinstance(
        auth.second_step(store.sessions, client, pyotp.TOTP(secret.group(1)).now()), auth.SignedIn
    )
    assert row(home.vigil("user", "list").stdout, "alice")[3] == "on"


def test_require_2fa_refuses_a_session_until_enrolled(home: Home) -> None:
    home.vigil("user", "require-2fa", "Alice")
    store = home.store()
    with pytest.raises(auth.SignInError, match="ask an admin to run `vigil user 2fa alice`"):
        sign_in(store, "alice", PASSWORD)
    home.vigil("user", "require-2fa", "alice", "--off")
    assert isinstance(sign_in(store, "alice", PASSWORD), auth.SignedIn)


@pytest.mark.parametrize(
    "args",
    [
        ("passwd", "nobody"),
        ("unlock", "nobody"),
        ("disable", "nobody"),
        ("enable", "nobody"),
        ("role", "nobody", "viewer"),
        ("2fa", "nobody"),
        ("require-2fa", "nobody"),
    ],
)
def test_every_command_refuses_an_unknown_user_in_one_line(home: Home, args: tuple[str, ...]) -> None:
    assert "no user named 'nobody'" in home.vigil("user", *args, code=2).stderr


@pytest.fixture
def server(home: Home) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "vigil", "serve", "--port", str(port), "--require-2fa"],
        env=home.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # until it answers, or the process has died
            assert proc.poll() is None, "vigil serve exited"
            try:
                httpx.get(url + "/login", timeout=1)
                break
            except httpx.TransportError:
                proc_wait(proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def proc_wait(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=0.2)


def test_serve_require_2fa_refuses_accounts_without_one(server: str) -> None:
    r = httpx.post(server + "/login", data={"name": "alice", "password": PASSWORD})
    assert r.status_code == 403 and "vigil user 2fa alice" in r.text and auth.COOKIE not in r.cookies


def test_account_changes_from_the_command_line_are_audited(home: Home) -> None:
    import json

    home.vigil("user", "add", "carol", "--password-stdin", stdin=PASSWORD + "\n")
    home.vigil("user", "role", "carol", "viewer")
    home.vigil("user", "disable", "carol")
    events = [json.loads(line) for line in home.vigil("audit", "--json").stdout.splitlines()]
    carol = [e for e in events if e["records"] == {"account": "carol"}]
    assert [e["route"] for e in carol] == ["vigil user disable", "vigil user role", "vigil user add"]
    assert all(e["user"] == "tester" and e["method"] == "CLI" for e in carol)
    assert "intact" in home.vigil("verify").stdout

"""Sign-in under attack: parallel guesses, one message for every refusal, cross-site posts, look-alike
names, weak passwords, the second factor, and sessions that rotate and expire."""

from __future__ import annotations

import json
import os
import re
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pyotp
import pytest
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, text

from tests.web.conftest import Served
from vigil.errors import VigilError
from vigil.store.db import MIGRATIONS, Store, make_engine, open_store
from vigil.store.tables import SignInLimit, User, WebSession
from vigil.web import auth
from vigil.web.app import create_app
from vigil.web.auth import add_user

PASSWORD = "correct horse battery"
ERROR = re.compile(r'<p class="error" role="alert">(.*?)</p>', re.S)
PG_ADMIN = os.environ.get("VIGIL_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    st = open_store(tmp_path, f"sqlite:///{tmp_path / 'vigil.db'}")
    with st.sessions.begin() as s:
        for name, role in (("alice", "editor"), ("bob", "editor"), ("vera", "viewer")):
            add_user(s, name, PASSWORD, role)
    return st


def browser(store: Store, address: str = "10.0.0.1") -> TestClient:
    return TestClient(create_app(store), follow_redirects=False, client=(address, 50000))


def sign_in(c: TestClient, name: str, password: str = PASSWORD, **headers: str) -> httpx.Response:
    r: httpx.Response = c.post("/login", data={"name": name, "password": password}, headers=headers)
    return r


def error_of(r: httpx.Response) -> str:
    m = ERROR.search(r.text)
    assert m, r.text
    return m.group(1)


def signed_in(c: TestClient) -> bool:
    return bool(c.get("/").status_code == 200)


def account(store: Store, name: str) -> User:
    with store.sessions() as s:
        user = auth.find_user(s, name)
        assert user is not None
        return user


def burst(url: str, attempts: list[tuple[str, str]]) -> list[httpx.Response]:
    """Every (password, address) posted at once from its own thread, released together by a barrier."""
    barrier = threading.Barrier(len(attempts))
    answers: list[httpx.Response | None] = [None] * len(attempts)

    def post(i: int, password: str, address: str) -> None:
        with httpx.Client(base_url=url, timeout=120, follow_redirects=False) as c:
            barrier.wait()
            answers[i] = c.post(
                "/login", data={"name": "alice", "password": password}, headers={"X-Forwarded-For": address}
            )

    threads = [threading.Thread(target=post, args=(i, *a)) for i, a in enumerate(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(a is not None for a in answers)
    return [a for a in answers if a is not None]


# ---- parallel guesses --------------------------------------------------------------------------------
def test_twenty_parallel_wrong_passwords_lock_the_account(served: Served) -> None:
    answers = burst(served.url, [(f"wrong guess number {i}", f"10.0.0.{i}") for i in range(20)])
    assert {a.status_code for a in answers} == {401}
    with httpx.Client(base_url=served.url, follow_redirects=False) as c:
        r = c.post(
            "/login", data={"name": "alice", "password": PASSWORD}, headers={"X-Forwarded-For": "10.9.9.9"}
        )
    assert r.status_code == 401 and auth.COOKIE not in r.cookies
    alice = account(served.store, "alice")
    assert alice.failed_logins == auth.MAX_FAILURES and auth.locked(alice)
    assert alice.attempt_seq == 21  # every attempt reached the account, one at a time
    with served.store.sessions() as s:  # twenty addresses, each charged once: the lock did the work
        assert s.scalar(select(SignInLimit.failures).where(SignInLimit.key == "addr:10.0.0.7")) == 1


def test_the_right_password_in_a_parallel_burst_of_wrong_ones_gets_no_session(served: Served) -> None:
    attempts = [(f"wrong guess number {i}", f"10.0.1.{i}") for i in range(19)]
    attempts.insert(7, (PASSWORD, "10.0.1.99"))
    answers = burst(served.url, attempts)
    assert all(a.status_code == 401 and auth.COOKIE not in a.cookies for a in answers)
    with served.store.sessions() as s:
        assert s.scalars(select(WebSession).where(WebSession.kind == "session")).all() == []


def test_an_attempt_overlapping_another_cannot_succeed(store: Store) -> None:
    """The interleaving the burst above hopes for, made by hand: right reserved, wrong reserved, right verified."""
    here = auth.Client(auth.address_key("10.0.0.1"))
    right = auth.reserve_attempt(store.sessions, here, "alice")
    wrong = auth.reserve_attempt(store.sessions, auth.Client(auth.address_key("10.0.0.2")), "alice")
    with pytest.raises(auth.SignInError):
        auth.finish_password(store.sessions, here, right, PASSWORD, everyone=False)
    with pytest.raises(auth.SignInError):
        auth.finish_password(store.sessions, here, wrong, "not the password", everyone=False)
    alone = auth.reserve_attempt(store.sessions, here, "alice")  # with nothing beside it, it succeeds
    assert isinstance(
        auth.finish_password(store.sessions, here, alone, PASSWORD, everyone=False), auth.SignedIn
    )
    assert account(store, "alice").failed_logins == 0


def test_attempts_past_the_limit_are_refused_before_any_verify(store: Store) -> None:
    here = auth.Client(auth.address_key("10.0.0.1"))
    tickets = [auth.reserve_attempt(store.sessions, here, "alice") for _ in range(auth.MAX_FAILURES + 2)]
    assert [t.user is not None for t in tickets] == [True] * auth.MAX_FAILURES + [False, False]
    with pytest.raises(auth.SignInError):  # the sixth holds no account: the right password cannot win
        auth.finish_password(store.sessions, here, tickets[-1], PASSWORD, everyone=False)


# ---- one message, and who can lock whom -------------------------------------------------------------
def test_the_same_answer_for_unknown_name_wrong_password_locked_and_disabled(store: Store) -> None:
    c = browser(store)
    unknown = sign_in(c, "nobody", PASSWORD)
    wrong = sign_in(c, "alice", "not alice's password")
    for _ in range(auth.MAX_FAILURES):
        sign_in(browser(store, "10.0.0.2"), "bob", "not bob's password")
    locked = sign_in(c, "bob", PASSWORD)
    with store.sessions.begin() as s:
        vera = auth.find_user(s, "vera")
        assert vera is not None
        auth.set_disabled(s, vera, True)
    disabled = sign_in(c, "vera", PASSWORD)
    answers = [unknown, wrong, locked, disabled]
    assert {r.status_code for r in answers} == {401}
    assert {error_of(r) for r in answers} == {auth.FAILED}
    assert not signed_in(c) and auth.locked(account(store, "bob"))


def test_a_known_browser_signs_in_while_strangers_have_locked_the_account(store: Store) -> None:
    mine = browser(store, "10.0.0.1")
    assert sign_in(mine, "alice").status_code == 303 and auth.DEVICE_COOKIE in mine.cookies
    mine.post("/logout", data={"csrf": csrf_of(mine)})
    stranger = browser(store, "10.0.0.66")
    for _ in range(auth.MAX_FAILURES):
        assert sign_in(stranger, "alice", "a guess at it").status_code == 401
    assert sign_in(stranger, "alice").status_code == 401  # locked for strangers
    assert sign_in(mine, "alice").status_code == 303  # not for its owner's browser
    mine.post("/logout", data={"csrf": csrf_of(mine)})
    for _ in range(auth.DEVICE_FAILURES):  # which has a limit of its own
        assert sign_in(mine, "alice", "a slip of mine").status_code == 401
    assert sign_in(mine, "alice").status_code == 401


def test_one_address_is_stopped_before_it_can_lock_every_account(store: Store) -> None:
    c = browser(store, "2001:db8::1")
    for i in range(auth.ADDRESS_FAILURES):
        sign_in(c, f"nobody{i}", "wrong password")
    neighbour = browser(store, "2001:db8::ffff")  # the same /64
    assert sign_in(neighbour, "alice").status_code == 401
    assert account(store, "alice").attempt_seq == 0  # refused at the address: no account was charged
    assert sign_in(browser(store, "2001:db9::1"), "alice").status_code == 303


def csrf_of(c: TestClient) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', c.get("/").text)
    assert m
    return m.group(1)


# ---- cross-site posts --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
        {"Origin": "http://testserver:8080"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://testserver"},
    ],
)
def test_a_cross_site_sign_in_is_refused(store: Store, headers: dict[str, str]) -> None:
    c = browser(store)
    r = sign_in(c, "alice", PASSWORD, **headers)
    assert r.status_code == 403 and auth.COOKIE not in r.cookies and not signed_in(c)


@pytest.mark.parametrize("origin", ["http://testserver", "null"])  # null: our own post under no-referrer
def test_a_same_origin_sign_in_is_accepted(store: Store, origin: str) -> None:
    c = browser(store)
    r = sign_in(c, "alice", PASSWORD, Origin=origin, **{"Sec-Fetch-Site": "same-origin"})
    assert r.status_code == 303 and signed_in(c)


# ---- names and passwords -----------------------------------------------------------------------------
def test_names_that_fold_to_one_cannot_coexist_and_all_sign_in(store: Store) -> None:
    for name in ("Alice", "alice ", "\u0430lice", "ＡＬＩＣＥ"):  # Latin, spaced, Cyrillic а, full width
        with store.sessions.begin() as s, pytest.raises(VigilError, match="exists already"):
            add_user(s, name, PASSWORD, "editor")
    with store.sessions() as s:
        assert [u.name for u in s.scalars(select(User).where(User.name_key == "alice"))] == ["alice"]
    for spelling in ("ALICE", " alice", "ａｌｉｃｅ"):
        assert sign_in(browser(store), spelling).status_code == 303


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("m\u0430ry", "one script"),  # Latin with a Cyrillic а
        ("mary smith", "only letters"),
        ("mary\u200b", "only letters"),  # a zero-width space
        ("", "1 to 100"),
        ("x" * 101, "1 to 100"),
    ],
)
def test_names_that_could_pass_for_another_are_refused(store: Store, name: str, why: str) -> None:
    with store.sessions.begin() as s, pytest.raises(VigilError, match=why):
        add_user(s, name, PASSWORD, "editor")


@pytest.mark.parametrize(
    "password",
    [
        "          ",
        "   eleven ch   ",
        "aaaaaaaaaaaaaaaa",
        "my name is Mallory!",
        "MALLORYMALLORY",
        "x" * 1025,
    ],
)
def test_weak_passwords_are_refused(store: Store, password: str) -> None:
    with store.sessions.begin() as s, pytest.raises(VigilError, match="password"):
        add_user(s, "mallory", password, "editor")


def test_the_test_password_passes_for_the_test_names(tmp_path: Path) -> None:
    for name in ("alice", "bob", "vera", "eve", "root", "demo"):
        auth.check_password(PASSWORD, name)


# ---- the second factor -------------------------------------------------------------------------------
def enrol(store: Store, name: str) -> auth.Enrolment:
    with store.sessions.begin() as s:
        user = auth.find_user(s, name)
        assert user is not None
        return auth.enrol_totp(s, user)


def not_a_code(secret: str) -> str:
    totp = pyotp.TOTP(secret)
    now = datetime.now(UTC)
    near = {totp.at(now + timedelta(seconds=30 * d)) for d in range(-3, 4)}
    return next(c for c in (f"{i:06d}" for i in range(1_000_000)) if c not in near)


def test_totp_sign_in_takes_two_steps_and_the_first_grants_nothing(store: Store) -> None:
    got = enrol(store, "bob")
    assert got.uri.startswith("otpauth://totp/") and len(got.codes) == 10
    c = browser(store)
    r = sign_in(c, "bob")
    assert r.status_code == 200 and 'name="code"' in r.text and auth.COOKIE not in r.cookies
    pending = r.cookies[auth.PENDING_COOKIE]
    assert not signed_in(c)
    c.cookies.set(auth.COOKIE, pending)  # the pending token is no session
    assert not signed_in(c) and c.get("/api/cases").status_code == 401
    c.cookies.delete(auth.COOKIE)
    wrong = c.post("/login", data={"code": not_a_code(got.secret)})
    assert wrong.status_code == 401 and 'name="code"' in wrong.text
    code = pyotp.TOTP(got.secret).now()
    assert c.post("/login", data={"code": code}).status_code == 303 and signed_in(c)
    again = browser(store, "10.0.0.2")  # the same code a second time: refused
    sign_in(again, "bob")
    assert again.post("/login", data={"code": code}).status_code == 401 and not signed_in(again)


def test_a_recovery_code_works_once(store: Store) -> None:
    got = enrol(store, "bob")
    c = browser(store)
    sign_in(c, "bob")
    assert c.post("/login", data={"code": got.codes[3].upper()}).status_code == 303 and signed_in(c)
    other = browser(store, "10.0.0.2")
    sign_in(other, "bob")
    assert other.post("/login", data={"code": got.codes[3]}).status_code == 401 and not signed_in(other)
    assert other.post("/login", data={"code": got.codes[4]}).status_code == 303 and signed_in(other)
    assert len(json.loads(account(store, "bob").recovery_codes)) == 8


def test_code_guesses_are_limited(store: Store) -> None:
    got = enrol(store, "bob")
    c = browser(store)
    sign_in(c, "bob")
    for _ in range(auth.MAX_FAILURES):
        c.post("/login", data={"code": not_a_code(got.secret)})
    r = c.post("/login", data={"code": pyotp.TOTP(got.secret).now()})
    assert r.status_code == 401 and not signed_in(c) and auth.locked(account(store, "bob"))


def test_a_code_without_a_password_first_gets_nothing(store: Store) -> None:
    got = enrol(store, "bob")
    c = browser(store)
    r = c.post("/login", data={"code": pyotp.TOTP(got.secret).now()})
    assert r.status_code == 401 and 'name="password"' in r.text and not signed_in(c)


def test_a_required_second_factor_not_yet_enrolled_gets_no_session(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    with store.sessions.begin() as s:
        add_user(s, "nadia", PASSWORD, "editor", require_2fa=True)
    r = sign_in(browser(store), "nadia")
    assert r.status_code == 403 and "vigil user 2fa nadia" in error_of(r) and auth.COOKIE not in r.cookies
    app = create_app(store)
    app.state.require_2fa = True  # vigil serve --require-2fa
    c = TestClient(app, follow_redirects=False, client=("10.0.0.3", 1))
    assert sign_in(c, "alice").status_code == 403 and not signed_in(c)
    monkeypatch.setenv("VIGIL_REQUIRE_2FA", "1")
    assert sign_in(browser(store, "10.0.0.4"), "vera").status_code == 403
    got = enrol(store, "vera")
    c = browser(store, "10.0.0.5")
    sign_in(c, "vera")
    assert c.post("/login", data={"code": pyotp.TOTP(got.secret).now()}).status_code == 303 and signed_in(c)


# ---- sessions ----------------------------------------------------------------------------------------
def test_each_sign_in_gets_a_new_token_and_drops_the_old_and_the_pending(store: Store) -> None:
    c = browser(store)
    sign_in(c, "alice")
    first = c.cookies[auth.COOKIE]
    again = c.post("/login", data={"name": "alice", "password": PASSWORD, "csrf": csrf_of(c)})
    assert again.status_code == 303
    second = c.cookies[auth.COOKIE]
    assert first != second and signed_in(c)
    assert not signed_in(holding(store, auth.COOKIE, first))
    got = enrol(store, "bob")
    b = browser(store, "10.0.0.2")
    sign_in(b, "bob")
    stale = b.cookies[auth.PENDING_COOKIE]
    sign_in(b, "bob")
    late = holding(store, auth.PENDING_COOKIE, stale)
    assert late.post("/login", data={"code": pyotp.TOTP(got.secret).now()}).status_code == 401


def holding(store: Store, cookie: str, value: str) -> TestClient:
    c = browser(store, "10.0.0.9")
    c.cookies.set(cookie, value)
    return c


def set_times(store: Store, **ages: timedelta) -> None:
    now = datetime.now(UTC)
    with store.sessions.begin() as s:
        for ws in s.scalars(select(WebSession).where(WebSession.kind == "session")):
            for column, age in ages.items():
                setattr(ws, column, auth.stamp(now - age))


def last_seen(store: Store) -> datetime:
    with store.sessions() as s:
        return datetime.fromisoformat(
            s.scalars(select(WebSession.last_seen_at).where(WebSession.kind == "session")).one()
        )


def test_a_session_ends_after_thirty_idle_minutes(store: Store) -> None:
    c = browser(store)
    sign_in(c, "alice")
    set_times(store, last_seen_at=timedelta(minutes=29))
    assert signed_in(c)
    set_times(store, last_seen_at=timedelta(minutes=31))
    assert not signed_in(c)


def test_use_keeps_a_session_alive_with_at_most_one_write_a_minute(store: Store) -> None:
    c = browser(store)
    sign_in(c, "alice")
    set_times(store, last_seen_at=timedelta(seconds=20))
    before = last_seen(store)
    assert signed_in(c) and last_seen(store) == before
    set_times(store, last_seen_at=timedelta(minutes=20))
    before = last_seen(store)
    assert signed_in(c) and last_seen(store) > before + timedelta(minutes=19)


def test_a_session_ends_after_twelve_hours_however_busy(store: Store) -> None:
    c = browser(store)
    r = sign_in(c, "alice")
    assert f"max-age={int(auth.SESSION_TTL.total_seconds())}" in r.headers["set-cookie"].lower()
    set_times(store, created_at=timedelta(hours=12), expires_at=timedelta(seconds=1))
    assert not signed_in(c)


def test_disabling_an_account_ends_its_sessions(store: Store) -> None:
    c = browser(store)
    sign_in(c, "alice")
    with store.sessions.begin() as s:
        alice = auth.find_user(s, "alice")
        assert alice is not None
        auth.set_disabled(s, alice, True)
    assert not signed_in(c)
    with store.sessions() as s:
        assert s.scalars(select(WebSession).where(WebSession.user_id == alice.id)).all() == []


# ---- the migration, and PostgreSQL -------------------------------------------------------------------
def migrate_to(url: str, revision: str, down: bool = False) -> None:
    engine = make_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'vigil.db'}"
        return
    if not PG_ADMIN:
        pytest.skip("VIGIL_TEST_POSTGRES is empty: PostgreSQL tests not run")
    name = f"vigil_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_the_migration_folds_old_names_and_goes_back(database: str) -> None:
    migrate_to(database, "0003")
    engine = make_engine(database)
    with engine.begin() as conn:
        for name in ("Alice", "alice", "bob"):
            conn.execute(
                text(
                    "INSERT INTO users (name, password_hash, role, failed_logins, created_at) VALUES (:n, 'x', 'editor', 0, 'now')"
                ),
                {"n": name},
            )
        conn.execute(
            text("INSERT INTO cases (name, description, created_by, created_at) VALUES ('c', '', 1, 'now')")
        )
        conn.execute(
            text(
                "INSERT INTO web_sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ('t', 1, 'c', 'now', 'later')"
            )
        )
    migrate_to(database, "0004")
    with engine.connect() as conn:
        keys = conn.execute(text("SELECT name, name_key, disabled FROM users ORDER BY id")).all()
        assert [(n, k, bool(d)) for n, k, d in keys] == [
            ("Alice", "alice", False),
            ("alice", "alice#2", False),
            ("bob", "bob", False),
        ]
        assert conn.execute(text("SELECT count(*) FROM web_sessions")).scalar() == 0
    migrate_to(database, "0003", down=True)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 3
    engine.dispose()


def test_parallel_wrong_passwords_lock_the_account_on_either_database(database: str, tmp_path: Path) -> None:
    st = open_store(tmp_path, database)
    with st.sessions.begin() as s:
        add_user(s, "alice", PASSWORD, "editor")
    barrier = threading.Barrier(12)
    refused: list[bool] = []

    def guess(i: int) -> None:
        client = auth.Client(auth.address_key(f"10.0.2.{i}"))
        barrier.wait()
        with pytest.raises(auth.SignInError):
            auth.first_step(st.sessions, client, "alice", f"guess number {i}", everyone=False)
        refused.append(True)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with pytest.raises(auth.SignInError):
        auth.first_step(st.sessions, auth.Client("addr:10.0.3.1"), "alice", PASSWORD, everyone=False)
    alice = account(st, "alice")
    assert len(refused) == 12 and alice.attempt_seq == 13
    assert alice.failed_logins == auth.MAX_FAILURES and auth.locked(alice)
    st.engine.dispose()


def test_the_read_only_lookup_answers_only_for_a_session_that_needs_no_write(store: Store) -> None:
    """`auth.current` (every request) says who is asking without a write; anything to change or
    refuse (an idle, old or disabled session, one due a last-seen move) is left to `auth.lookup`."""
    with store.sessions.begin() as s:
        alice = auth.find_user(s, "alice")
        assert alice is not None
        token, ws = auth.start_session(s, alice)
        csrf = ws.csrf
    with store.reads() as s:
        assert auth.current(s, token) == (alice.id, "alice", "editor", csrf)
        assert auth.current(s, token + "x") is None and auth.current(s, None) is None
    for ages in (
        {"last_seen_at": auth.TOUCH + timedelta(seconds=1)},  # due a last-seen move
        {"last_seen_at": timedelta(minutes=31)},  # idle
        {"expires_at": timedelta(seconds=1)},  # past its twelve hours
    ):
        set_times(store, **{"last_seen_at": timedelta(0), "expires_at": -timedelta(hours=1), **ages})
        with store.reads() as s:
            assert auth.current(s, token) is None, ages
    set_times(store, last_seen_at=timedelta(0), expires_at=-timedelta(hours=1))
    with store.reads() as s:
        assert auth.current(s, token) is not None
    with store.sessions.begin() as s:
        s.execute(text("UPDATE users SET disabled = 1 WHERE name = 'alice'"))
    with store.reads() as s:
        assert auth.current(s, token) is None

"""Accounts, sessions, CSRF and a sign-in that holds up against guessing.

Passwords are argon2id hashes (argon2-cffi). A session is a random token in an
HttpOnly, SameSite=Strict cookie (Secure over HTTPS); the server keeps only its
SHA-256 and ends it after 30 idle minutes or 12 hours, whichever comes first.

Guesses are counted in the database, so every worker process shares the count,
and each attempt is counted *before* the slow argon2 verify, by one UPDATE whose
WHERE holds the lock condition: parallel guesses cannot all slip past the check.
A correct password only counts when no other attempt touched the account while
it was being verified (`attempt_seq` is unchanged), so a right guess hidden in a
burst of wrong ones is refused. Five failures lock an account for fifteen
minutes, except for a browser that has signed in to it before (a device cookie,
with its own limit of five): strangers' guesses cannot lock the owner out. An
address (IPv4, or an IPv6 /64) gets twenty failures in fifteen minutes over all
names. Every refusal reads the same, whatever the reason.

Names are NFKC-normalised, stripped and case-folded into `name_key`, with the
Cyrillic and Greek letters that look Latin folded too; a name holds only
letters, marks, ASCII digits and `._-`, all letters of one script, so a
look-alike cannot pass as another account. A second factor is TOTP (pyotp) with
ten single-use recovery codes, of which only SHA-256 digests are kept.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, case, delete, null, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from vigil.errors import VigilError
from vigil.store.tables import SignInLimit, User, WebSession

ROLES = ("admin", "editor", "viewer")
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
DEVICE_FAILURES = 5
ADDRESS_FAILURES = 20
WINDOW = timedelta(minutes=15)
SESSION_TTL = timedelta(hours=12)
IDLE = timedelta(minutes=30)
TOUCH = timedelta(minutes=1)
PENDING_TTL = timedelta(minutes=5)
DEVICE_TTL = timedelta(days=90)
MIN_PASSWORD = 12
MAX_PASSWORD = 1024
RECOVERY_CODES = 10
COOKIE = "vigil_session"
PENDING_COOKIE = "vigil_pending"
DEVICE_COOKIE = "vigil_device"
FAILED = "wrong name or password, or the account is locked after too many attempts; try again later"
BAD_CODE = "wrong or used code, or too many attempts; try again later"
EXPIRED = "the sign-in took too long or was replaced; start again"
CROSS_SITE = "sign-in is accepted only from this site's own sign-in page"
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
NAME_MARKS = frozenset("._-")
ONE_SCRIPT = {"HIRAGANA": "CJK", "KATAKANA": "CJK"}  # Japanese mixes these with Han by nature
LOOK_ALIKES = str.maketrans(
    {
        **dict(zip("асеорухіјѕԁһӏԛԝ", "aceopyxijsdhlqw", strict=True)),  # Cyrillic
        **dict(zip("αορνικυχϲ", "aopvikuxc", strict=True)),  # Greek
    }
)
hasher = PasswordHasher()


class SignInError(VigilError):
    """A refused sign-in: `status` is the HTTP answer, `code_step` whether the code form comes back."""

    def __init__(self, message: str = FAILED, status: int = 401, code_step: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.code_step = code_step


# ---- time ------------------------------------------------------------------------------------------
def stamp(d: datetime) -> str:
    """Fixed width, so that stamps compare as strings in SQL the way they compare as times."""
    return d.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse(ts: str) -> datetime:
    return datetime.fromisoformat(ts.replace("Z", "+00:00"))


def _now() -> datetime:
    return datetime.now(UTC)


# ---- names and passwords -----------------------------------------------------------------------------
def display_name(raw: str) -> str:
    """The name as shown: NFKC, so width and ligature variants become the plain letters."""
    return unicodedata.normalize("NFKC", raw).strip()


def name_key(raw: str) -> str:
    """What makes two names one: `Alice`, `alice ` and a Cyrillic `аlice` share a key."""
    return unicodedata.normalize("NFKC", display_name(raw).casefold()).translate(LOOK_ALIKES)


def _script(ch: str) -> str:
    word = unicodedata.name(ch, "UNKNOWN").split(" ")[0]
    return ONE_SCRIPT.get(word, word)


def _letter(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LM"


def check_name(raw: str) -> str:
    """The display name, or VigilError: other characters are where look-alikes hide."""
    name = display_name(raw)
    if not 1 <= len(name) <= 100:
        raise VigilError("a user name is 1 to 100 characters")
    if any(not (_letter(c) or c in "0123456789" or c in NAME_MARKS) for c in name):
        raise VigilError("a user name holds only letters, digits 0-9, '.', '_' and '-'")
    return name


def _check_script(name: str) -> None:
    scripts = {_script(c) for c in name if _letter(c)}
    if len(scripts) > 1:
        raise VigilError(f"a user name keeps to one script, not {' and '.join(sorted(scripts))}")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def check_password(password: str, name: str) -> None:
    """VigilError when the password is short, one character repeated, or holds the user's name."""
    core = password.strip()
    if len(core) < MIN_PASSWORD:
        raise VigilError(f"a password has at least {MIN_PASSWORD} characters besides spaces at either end")
    if len(password) > MAX_PASSWORD:
        raise VigilError(f"a password has at most {MAX_PASSWORD} characters")
    if len(set(core)) == 1:
        raise VigilError("a password is not one character repeated")
    if _fold(display_name(name)) in _fold(password):
        raise VigilError("a password must not contain the user name")


def new_password(name: str) -> str:
    """A generated password that passes `check_password` for `name`."""
    while True:
        password = secrets.token_urlsafe(15)
        try:
            check_password(password, name)
            return password
        except VigilError:
            continue


# ---- accounts ----------------------------------------------------------------------------------------
def find_user(session: Session, name: str) -> User | None:
    """The account any spelling of `name` that folds to its key signs in to."""
    return session.scalar(select(User).where(User.name_key == name_key(name)))


def add_user(session: Session, name: str, password: str, role: str, require_2fa: bool = False) -> User:
    if role not in ROLES:
        raise VigilError(f"role must be one of {', '.join(ROLES)}")
    display = check_name(name)
    other = find_user(session, display)
    if other is not None:
        raise VigilError(f"a user named {other.name!r} exists already")
    _check_script(display)
    check_password(password, display)
    user = User(
        name=display,
        name_key=name_key(display),
        password_hash=hasher.hash(password),
        role=role,
        require_2fa=require_2fa,
        created_at=stamp(_now()),
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError:  # the same name added at the same moment elsewhere
        raise VigilError(f"a user named {display!r} exists already") from None
    return user


def set_password(session: Session, user: User, password: str) -> None:
    """A new password ends every session and trusted browser: the old one may be known to others."""
    check_password(password, user.name)
    user.password_hash = hasher.hash(password)
    unlock(user)
    end_sessions(session, user.id, devices=True)


def set_role(session: Session, user: User, role: str) -> None:
    """Sessions end so that no page keeps acting with the old role."""
    if role not in ROLES:
        raise VigilError(f"role must be one of {', '.join(ROLES)}")
    user.role = role
    end_sessions(session, user.id, devices=False)


def set_disabled(session: Session, user: User, disabled: bool) -> None:
    user.disabled = disabled
    if disabled:
        end_sessions(session, user.id, devices=True)


def unlock(user: User) -> None:
    user.failed_logins = 0
    user.locked_until = None


def locked(user: User) -> bool:
    return user.locked_until is not None and _parse(user.locked_until) > _now()


@dataclass(frozen=True)
class Enrolment:
    """Shown once to the admin enrolling: the server keeps the secret but never the codes."""

    secret: str
    uri: str
    codes: list[str]


def _normal_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _code_digest(user_id: int, code: str) -> str:
    return hashlib.sha256(f"vigil-recovery:{user_id}:{_normal_code(code)}".encode()).hexdigest()


def _recovery_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))  # about 79 bits
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def enrol_totp(session: Session, user: User) -> Enrolment:
    """A fresh secret and codes (the old ones stop working); sessions end so the next sign-in asks."""
    secret = pyotp.random_base32()
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    user.totp_secret = secret
    user.totp_last_step = None
    user.recovery_codes = json.dumps([_code_digest(user.id, c) for c in codes])
    end_sessions(session, user.id, devices=False)
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.name, issuer_name="Vigil")
    return Enrolment(secret, uri, codes)


def required_for_all(state: Any) -> bool:
    """`vigil serve --require-2fa` (on the app's state) or VIGIL_REQUIRE_2FA=1 in the environment."""
    env = os.environ.get("VIGIL_REQUIRE_2FA", "").strip().lower() in ("1", "true", "yes")
    return env or bool(getattr(state, "require_2fa", False))


def needs_enrolment(user: User) -> str:
    return (
        f"{user.name} must use a second factor, and has none yet: "
        f"ask an admin to run `vigil user 2fa {user.name}`."
    )


# ---- counting attempts -------------------------------------------------------------------------------
def _insert(session: Session) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _take(session: Session, key: str, limit: int, t: datetime) -> bool:
    """Count one failure against `key` before the verify; False while `limit` of them fill its window."""
    stale = SignInLimit.window_end <= stamp(t)
    end = stamp(t + WINDOW)
    stmt = _insert(session)(SignInLimit).values(key=key, failures=1, window_end=end)
    stmt = stmt.on_conflict_do_update(
        index_elements=[SignInLimit.key],
        set_={
            "failures": case((stale, 1), else_=SignInLimit.failures + 1),
            "window_end": case((stale, end), else_=SignInLimit.window_end),
        },
        where=or_(stale, SignInLimit.failures < limit),
    ).returning(SignInLimit.key)
    return session.execute(stmt).first() is not None


def _give_back(session: Session, key: str, everything: bool = False) -> None:
    count = 0 if everything else SignInLimit.failures - 1
    stmt = update(SignInLimit).where(SignInLimit.key == key, SignInLimit.failures > 0).values(failures=count)
    session.execute(stmt.execution_options(synchronize_session=False))


def _reserve_account(session: Session, user_id: int, t: datetime) -> int | None:
    """The attempt's number, counted as a failure up front; None (and still numbered) while locked."""
    free = or_(User.locked_until.is_(None), User.locked_until <= stamp(t))
    count = case((User.locked_until.is_not(None), 1), else_=User.failed_logins + 1)  # a lapsed lock restarts
    stmt = (
        update(User)
        .where(User.id == user_id, free)
        .values(
            failed_logins=count,
            attempt_seq=User.attempt_seq + 1,
            locked_until=case((count >= MAX_FAILURES, stamp(t + LOCKOUT)), else_=null()),
        )
        .returning(User.attempt_seq)
        .execution_options(synchronize_session=False)
    )
    seq = session.execute(stmt).scalar()
    if seq is None:  # a refused attempt still voids any success being verified beside it
        bump = update(User).where(User.id == user_id).values(attempt_seq=User.attempt_seq + 1)
        session.execute(bump.execution_options(synchronize_session=False))
    return seq


def _settle_account(session: Session, user_id: int, seq: int, reset: bool) -> bool:
    """True when no other attempt came since `seq`; `reset` clears the failures for a full sign-in."""
    values: dict[str, Any] = {"failed_logins": 0, "locked_until": None} if reset else {"attempt_seq": seq}
    stmt = (
        update(User)
        .where(User.id == user_id, User.attempt_seq == seq)
        .values(**values)
        .returning(User.id)
        .execution_options(synchronize_session=False)
    )
    return session.execute(stmt).first() is not None


@dataclass(frozen=True)
class Client:
    """What a sign-in request brings: its address's bucket and the cookies sign-in reads."""

    address: str
    device: str | None = None
    pending: str | None = None
    session: str | None = None


@dataclass(frozen=True)
class Ticket:
    """One attempt, counted as a failure until a verified success settles it; `user` None: cannot win."""

    address: str
    user: User | None = None
    seq: int | None = None
    device: str | None = None


def _reserve(session: Session, client: Client, user: User | None, t: datetime) -> Ticket:
    if user is None or user.disabled:
        return Ticket(client.address)
    trusted = _token_row(session, client.device, "device", t)
    if trusted is not None and trusted.user_id == user.id:  # its owner's browser: a lock is not for it
        key = f"device:{trusted.id}"
        if not _take(session, key, DEVICE_FAILURES, t):
            return Ticket(client.address)
        return Ticket(client.address, user, device=key)
    seq = _reserve_account(session, user.id, t)
    return Ticket(client.address, user, seq=seq) if seq is not None else Ticket(client.address)


def _settle(session: Session, ticket: Ticket, reset: bool) -> bool:
    if ticket.user is None:
        return False
    if ticket.seq is not None and not _settle_account(session, ticket.user.id, ticket.seq, reset):
        return False
    if ticket.device is not None and reset:
        _give_back(session, ticket.device, everything=True)
    _give_back(session, ticket.address)
    return True


# ---- signing in -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SignedIn:
    token: str
    device: str | None  # a new device cookie to set, when the browser had none for this account


@dataclass(frozen=True)
class NeedsCode:
    token: str  # the pending token: it names the account and grants nothing


@cache
def _dummy_hash() -> str:
    return hasher.hash(secrets.token_urlsafe(16))


def _password_ok(ticket: Ticket, password: str) -> bool:
    """Always one argon2 verify, so timing does not tell a locked or unknown name from a wrong password."""
    try:
        good = hasher.verify(ticket.user.password_hash if ticket.user else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return good and ticket.user is not None and len(password) <= MAX_PASSWORD


def first_step(
    db: sessionmaker[Session], client: Client, name: str, password: str, everyone: bool
) -> SignedIn | NeedsCode:
    """Check the password; a session, or a pending token when a code must follow."""
    return finish_password(db, client, reserve_attempt(db, client, name), password, everyone)


def reserve_attempt(db: sessionmaker[Session], client: Client, name: str) -> Ticket:
    """Count the attempt against the address and the account, committed before any verify."""
    t = _now()
    with db.begin() as s:
        if not _take(s, client.address, ADDRESS_FAILURES, t):
            raise SignInError()
        return _reserve(s, client, find_user(s, name), t)


def finish_password(
    db: sessionmaker[Session], client: Client, ticket: Ticket, password: str, everyone: bool
) -> SignedIn | NeedsCode:
    """Verify, then settle: a right password loses to any attempt on the account made meanwhile."""
    if not _password_ok(ticket, password):
        raise SignInError()
    user = ticket.user
    assert user is not None
    t = _now()
    with db.begin() as s:
        code_next = user.totp_secret is not None
        if not _settle(s, ticket, reset=not code_next):
            raise SignInError()
        if hasher.check_needs_rehash(user.password_hash):
            s.execute(update(User).where(User.id == user.id).values(password_hash=hasher.hash(password)))
        if code_next:
            return NeedsCode(_start_pending(s, user))
        if not (user.require_2fa or everyone):
            return _complete(s, user, client, t)
    raise SignInError(needs_enrolment(user), status=403)  # the right password, so its count is cleared


def second_step(db: sessionmaker[Session], client: Client, code: str) -> SignedIn:
    """Check the TOTP or recovery code of a pending sign-in; a session when it is good and unused."""
    t = _now()
    with db.begin() as s:
        pending = _token_row(s, client.pending, "pending", t)
        user = s.get(User, pending.user_id) if pending else None
        if user is None:
            raise SignInError(EXPIRED)
        if not _take(s, client.address, ADDRESS_FAILURES, t):
            raise SignInError(BAD_CODE, code_step=True)
        ticket = _reserve(s, client, user, t)
    use = _factor_use(user, code, t)
    with db.begin() as s:
        if use is None or not _settle(s, ticket, reset=True) or not _spend(s, user.id, use):
            raise SignInError(BAD_CODE, code_step=True)  # the rollback undoes a settle made before
        return _complete(s, user, client, t)


@dataclass(frozen=True)
class FactorUse:
    """What a good code uses up: a TOTP time step, or one recovery code (the list before and after)."""

    step: int | None = None
    before: str | None = None
    after: str | None = None


def _totp_step(secret: str, code: str, t: datetime) -> int | None:
    totp = pyotp.TOTP(secret)
    for drift in (-1, 0, 1):  # one step either way for clocks and slow typing
        when = t + timedelta(seconds=drift * totp.interval)
        if secrets.compare_digest(totp.at(when), code):
            return totp.timecode(when)
    return None


def _factor_use(user: User, code: str, t: datetime) -> FactorUse | None:
    given = "".join(code.split())
    if user.totp_secret and len(given) == 6 and given.isdigit():
        step = _totp_step(user.totp_secret, given, t)
        return FactorUse(step=step) if step is not None else None
    codes: list[str] = json.loads(user.recovery_codes)
    digest = _code_digest(user.id, given)
    if digest not in codes:
        return None
    return FactorUse(before=user.recovery_codes, after=json.dumps([c for c in codes if c != digest]))


def _spend(session: Session, user_id: int, use: FactorUse) -> bool:
    """Use the code up, unless a parallel request used it first (compare-and-set in the WHERE)."""
    stmt = update(User).where(User.id == user_id)
    if use.step is not None:
        fresh = or_(User.totp_last_step.is_(None), User.totp_last_step < use.step)
        stmt = stmt.where(fresh).values(totp_last_step=use.step)
    else:
        stmt = stmt.where(User.recovery_codes == use.before).values(recovery_codes=use.after)
    done = stmt.returning(User.id).execution_options(synchronize_session=False)
    return session.execute(done).first() is not None


def _complete(session: Session, user: User, client: Client, t: datetime) -> SignedIn:
    """A new session (the old one and any pending sign-ins end), and a device cookie if it had none."""
    session.execute(delete(WebSession).where(WebSession.expires_at < stamp(t)))
    session.execute(delete(WebSession).where(WebSession.user_id == user.id, WebSession.kind == "pending"))
    end_session(session, client.session)
    token, _ = start_session(session, user)
    known = _token_row(session, client.device, "device", t)
    if known is not None and known.user_id == user.id:
        return SignedIn(token, None)
    return SignedIn(token, _new_token(session, user, "device", DEVICE_TTL)[0])


def _start_pending(session: Session, user: User) -> str:
    session.execute(delete(WebSession).where(WebSession.user_id == user.id, WebSession.kind == "pending"))
    return _new_token(session, user, "pending", PENDING_TTL)[0]


# ---- tokens and sessions ----------------------------------------------------------------------------
def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token(session: Session, user: User, kind: str, ttl: timedelta) -> tuple[str, WebSession]:
    token = secrets.token_urlsafe(32)
    t = _now()
    row = WebSession(
        token_hash=_digest(token),
        user_id=user.id,
        kind=kind,
        csrf=secrets.token_urlsafe(24),
        created_at=stamp(t),
        expires_at=stamp(t + ttl),
        last_seen_at=stamp(t),
    )
    session.add(row)
    session.flush()
    return token, row


def _token_row(session: Session, token: str | None, kind: str, t: datetime) -> WebSession | None:
    found = _unexpired(session, token, kind, t)
    return found[0] if found is not None else None


def _unexpired(session: Session, token: str | None, kind: str, t: datetime, with_user: bool = False) -> Any:
    """The token's row, as (session,) or with `with_user` (session, its user) in one query; None
    for no token, an unknown one or one past its expiry."""
    if not token:
        return None
    q = (
        select(WebSession, User).join(User, User.id == WebSession.user_id)
        if with_user
        else select(WebSession)
    )
    row = session.execute(q.where(WebSession.token_hash == _digest(token), WebSession.kind == kind)).first()
    return row if row is not None and _parse(row[0].expires_at) > t else None


def start_session(session: Session, user: User) -> tuple[str, WebSession]:
    return _new_token(session, user, "session", SESSION_TTL)


_CURRENT = (
    select(
        User.id,
        User.name,
        User.role,
        User.disabled,
        WebSession.csrf,
        WebSession.expires_at,
        WebSession.last_seen_at,
    )
    .join(User, User.id == WebSession.user_id)
    .where(WebSession.token_hash == bindparam("token_hash"), WebSession.kind == "session")
)


def current(session: Session, token: str | None) -> tuple[int, str, str, str] | None:
    """(user id, name, global role, CSRF token) of a session that is valid and needs no write (seen
    within TOUCH); None sends the caller to `lookup` in a writing transaction, which also tells an
    unknown, idle, old or disabled session. Every request asks this: read as plain columns by one
    prebuilt statement, it costs a quarter of loading the two rows."""
    if not token:
        return None
    row = session.execute(_CURRENT, {"token_hash": _digest(token)}).first()
    t = _now()
    if row is None or row.disabled or row.expires_at <= stamp(t) or row.last_seen_at <= stamp(t - TOUCH):
        return None
    return row.id, row.name, row.role, row.csrf


def lookup(session: Session, token: str | None) -> tuple[User, WebSession] | None:
    """The signed-in user, or None: pending and device tokens are no session, nor an idle or old one."""
    t = _now()
    row = _unexpired(session, token, "session", t, with_user=True)  # on every request
    if row is None:
        return None
    ws, user = row
    if _parse(ws.last_seen_at) + IDLE <= t:
        session.delete(ws)
        return None
    if user.disabled:
        return None
    if _parse(ws.last_seen_at) + TOUCH <= t:  # at most one write a minute per session
        ws.last_seen_at = stamp(t)
    return user, ws


def end_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(
            delete(WebSession).where(WebSession.token_hash == _digest(token), WebSession.kind == "session")
        )


def end_sessions(session: Session, user_id: int, devices: bool) -> None:
    """End the account's sessions and pending sign-ins; with `devices`, forget its trusted browsers too."""
    kinds = ("session", "pending", "device") if devices else ("session", "pending")
    stmt = delete(WebSession).where(WebSession.user_id == user_id, WebSession.kind.in_(kinds))
    session.execute(stmt.execution_options(synchronize_session=False))


def csrf_ok(ws: WebSession, given: str | None) -> bool:
    return bool(given) and secrets.compare_digest(ws.csrf, given or "")


# ---- the HTTP side -----------------------------------------------------------------------------------
def address_key(host: str | None) -> str:
    """One bucket per IPv4 address, or per IPv6 /64 (one household or server holds a whole /64)."""
    try:
        ip = ipaddress.ip_address(host or "")
    except ValueError:
        return f"addr:{(host or '?')[:100]}"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None:
        return f"addr:{ipaddress.ip_network(f'{ip}/64', strict=False)}"
    return f"addr:{ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else ip}"


def client_of(request: Request) -> Client:
    return Client(
        address=address_key(request.client.host if request.client else None),
        device=request.cookies.get(DEVICE_COOKIE),
        pending=request.cookies.get(PENDING_COOKIE),
        session=request.cookies.get(COOKIE),
    )


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    try:
        port = parts.port or default
    except ValueError:
        port = -1
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def same_origin(request: Request) -> bool:
    """Refuse a cross-site sign-in (login CSRF): Sec-Fetch-Site and Origin, where the browser sends them."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin == "null":  # what Referrer-Policy: no-referrer makes of our own posts: trust Sec-Fetch-Site
        return site == "same-origin"
    return origin is None or _origin(origin) == _origin(str(request.base_url))


def set_cookie(resp: Response, name: str, value: str, ttl: timedelta, secure: bool, path: str = "/") -> None:
    resp.set_cookie(
        name,
        value,
        httponly=True,
        samesite="strict",
        secure=secure,
        max_age=int(ttl.total_seconds()),
        path=path,
    )


def signed_in(done: SignedIn, secure: bool) -> Response:
    """The answer to a full sign-in: to the cases, with the session cookie and no pending one."""
    resp = RedirectResponse("/", status_code=303)
    set_cookie(resp, COOKIE, done.token, SESSION_TTL, secure)
    resp.delete_cookie(PENDING_COOKIE, path="/login")
    if done.device is not None:
        set_cookie(resp, DEVICE_COOKIE, done.device, DEVICE_TTL, secure, path="/login")
    return resp

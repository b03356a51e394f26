"""Accounts, sessions, CSRF and lockout.

Passwords are argon2id hashes (argon2-cffi). A session is a random token
in an HttpOnly, SameSite=Strict cookie (Secure over HTTPS); the server
keeps only its SHA-256. Every state-changing request must carry the
session's CSRF token (a form field or the X-CSRF-Token header). Five
failed sign-ins lock an account for fifteen minutes.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.capture.custody import now
from vigil.errors import VigilError
from vigil.store.tables import User, WebSession

ROLES = ("admin", "editor", "viewer")
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
SESSION_TTL = timedelta(hours=12)
COOKIE = "vigil_session"
hasher = PasswordHasher()


def _ts(d: datetime) -> str:
    return d.isoformat(timespec="seconds")


def _parse(ts: str) -> datetime:
    return datetime.fromisoformat(ts.replace("Z", "+00:00"))


def add_user(session: Session, name: str, password: str, role: str) -> User:
    if role not in ROLES:
        raise VigilError(f"role must be one of {', '.join(ROLES)}")
    if not name.strip() or len(name) > 100:
        raise VigilError("a user name is 1 to 100 characters")
    if len(password) < 10:
        raise VigilError("a password has at least 10 characters")
    if session.scalar(select(User).where(User.name == name)) is not None:
        raise VigilError(f"user {name!r} exists already")
    user = User(name=name, password_hash=hasher.hash(password), role=role, failed_logins=0, created_at=now())
    session.add(user)
    session.flush()
    return user


class SignInError(VigilError):
    pass


def authenticate(session: Session, name: str, password: str) -> User:
    """The user, or SignInError (the same message for an unknown name and a wrong password)."""
    user = session.scalar(select(User).where(User.name == name))
    t = datetime.now(UTC)
    if user is None:
        hasher.hash(password)  # same work either way, so timing does not tell which names exist
        raise SignInError("wrong name or password")
    if user.locked_until and _parse(user.locked_until) > t:
        raise SignInError("this account is locked after repeated failures; try again later")
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = _ts(t + LOCKOUT)
            user.failed_logins = 0
        raise SignInError("wrong name or password") from None
    user.failed_logins = 0
    user.locked_until = None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return user


def start_session(session: Session, user: User) -> tuple[str, WebSession]:
    token = secrets.token_urlsafe(32)
    ws = WebSession(
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        user_id=user.id,
        csrf=secrets.token_urlsafe(24),
        created_at=now(),
        expires_at=_ts(datetime.now(UTC) + SESSION_TTL),
    )
    session.add(ws)
    session.flush()
    return token, ws


def lookup(session: Session, token: str | None) -> tuple[User, WebSession] | None:
    if not token:
        return None
    ws = session.scalar(
        select(WebSession).where(WebSession.token_hash == hashlib.sha256(token.encode()).hexdigest())
    )
    if ws is None or _parse(ws.expires_at) < datetime.now(UTC):
        return None
    user = session.get(User, ws.user_id)
    return (user, ws) if user is not None else None


def end_session(session: Session, token: str | None) -> None:
    if token:
        ws = session.scalar(
            select(WebSession).where(WebSession.token_hash == hashlib.sha256(token.encode()).hexdigest())
        )
        if ws is not None:
            session.delete(ws)


def csrf_ok(ws: WebSession, given: str | None) -> bool:
    return bool(given) and secrets.compare_digest(ws.csrf, given or "")

"""Access over every route: sessions, case membership, roles and CSRF."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from vigil.store.db import Store, open_store
from vigil.store.records import record_capture
from vigil.store.tables import Capture, Case, CaseCapture, CaseMember, StatementRow, User
from vigil.web.app import create_app
from vigil.web.auth import add_user

PASSWORD = "correct horse battery"
SEED = Path(__file__).parent.parent / "data" / "seed_un_xinjiang_visit.txt"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, dict[str, int]]:
    root = tmp_path_factory.mktemp("web")
    store = open_store(root, f"sqlite:///{root / 'vigil.db'}")
    cap = record_capture(store, SEED.read_bytes(), method="upload", uri="urn:upload:seed").capture
    with store.sessions.begin() as s:
        users = {
            n: add_user(s, n, PASSWORD, r).id
            for n, r in (("alice", "editor"), ("bob", "editor"), ("vera", "viewer"), ("eve", "editor"))
        }
        case = Case(name="Seed", description="", created_by=users["alice"], created_at="2026-01-01T00:00:00Z")
        s.add(case)
        s.flush()
        s.add(CaseMember(case_id=case.id, user_id=users["alice"], role="owner"))
        s.add(CaseMember(case_id=case.id, user_id=users["vera"], role="viewer"))
        s.add(CaseMember(case_id=case.id, user_id=users["eve"], role="viewer"))
        s.add(CaseCapture(case_id=case.id, capture_id=cap.id, added_by=users["alice"], added_at="2026-01-01"))
        st = s.scalars(select(StatementRow).order_by(StatementRow.id)).first()
        assert st is not None
        ids = {"case_id": case.id, "capture_id": cap.id, "statement_id": st.id}
    return store, ids


def client(store: Store, user: str | None) -> tuple[TestClient, str]:
    c = TestClient(create_app(store), follow_redirects=False)
    if user is None:
        return c, ""
    r = c.post("/login", data={"name": user, "password": PASSWORD})
    assert r.status_code == 303, r.text
    page = c.get("/").text
    m = re.search(r'name="csrf" value="([^"]+)"', page)
    assert m, "no CSRF token on the page"
    return c, m.group(1)


def routes(store: Store) -> list[tuple[str, str]]:
    """(method, path) of every route of the app, those of included routers too."""
    out = []
    pending = list(create_app(store).routes)
    while pending:
        r = pending.pop(0)
        if hasattr(r, "effective_candidates"):  # an included router
            pending += list(r.effective_candidates())
        elif isinstance(r, APIRoute) or (getattr(r, "methods", None) and getattr(r, "path", None)):
            out += [(method, r.path) for method in r.methods]
    return out


def fill(path: str, ids: dict[str, int]) -> str:
    return path.format(key="p:michelle bachelet", item="0123456789abcdef", job_id=1, **ids)


def test_no_route_answers_without_a_session(world: tuple[Store, dict[str, int]]) -> None:
    store, ids = world
    c, _ = client(store, None)
    checked = 0
    for method, path in routes(store):
        if path == "/login":
            continue
        r = c.request(method, fill(path, ids))
        if path.startswith("/api/"):
            assert r.status_code == 401, (method, path, r.status_code)
        else:
            assert r.status_code == 303 and r.headers["location"].endswith("/login"), (
                method,
                path,
                r.status_code,
            )
        checked += 1
    assert checked > 25
    assert c.get("/login").status_code == 200
    assert c.get("/static/vigil.css").status_code == 200


def test_outsiders_get_404_for_everything_in_a_case(world: tuple[Store, dict[str, int]]) -> None:
    store, ids = world
    c, csrf = client(store, "bob")
    checked = 0
    for method, path in routes(store):
        if "{case_id}" not in path:
            continue
        headers = {"X-CSRF-Token": csrf}
        r = c.request(
            method, fill(path, ids), headers=headers, data={"csrf": csrf} if method == "POST" else None
        )
        assert r.status_code in (404, 422) if method == "POST" else r.status_code == 404, (
            method,
            path,
            r.status_code,
        )
        if method == "GET":
            assert "Bachelet" not in r.text
        checked += 1
    assert checked > 15
    assert c.get("/api/cases").json() == []
    assert "Seed" not in c.get("/").text


def test_a_viewer_cannot_change_anything(world: tuple[Store, dict[str, int]]) -> None:
    store, ids = world
    c, csrf = client(store, "vera")
    base = f"/cases/{ids['case_id']}"
    assert c.get(f"{base}/sources/{ids['capture_id']}").status_code == 200
    attempts = [
        (f"{base}/capture", {"url": "http://127.0.0.1:9/x"}),
        (f"{base}/members", {"name": "bob", "role": "editor"}),
        (f"{base}/statements/{ids['statement_id']}/review", {"action": "rejected"}),
        (
            f"{base}/sources/{ids['capture_id']}/statements",
            {"start": "0", "end": "10", "kind": "assert", "speaker": "x"},
        ),
        (f"{base}/actors/merge", {"into": "human rights watch", "other": "hrw"}),
        ("/cases", {"name": "mine"}),
    ]
    for path, data in attempts:
        r = c.post(path, data={**data, "csrf": csrf})
        assert r.status_code == 403, (path, r.status_code)
    r = c.post(
        f"/api{base}/statements/{ids['statement_id']}/review",
        json={"action": "accepted"},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 403
    statuses = {s["status"] for s in c.get(f"/api{base}/statements").json()}
    assert statuses == {"machine"}


def test_every_form_needs_its_csrf_token(world: tuple[Store, dict[str, int]]) -> None:
    store, ids = world
    c, csrf = client(store, "alice")
    posts = [(m, p) for m, p in routes(store) if m == "POST" and p != "/login"]
    assert len(posts) >= 10
    for _, path in posts:
        r = c.post(fill(path, ids), data={"csrf": "forged"})
        assert r.status_code == 403, (path, r.status_code)
        r = c.post(fill(path, ids), json={"action": "accepted"})
        assert r.status_code == 403, (path, r.status_code)
    r = c.post(
        f"/api/cases/{ids['case_id']}/statements/{ids['statement_id']}/review",
        json={"action": "accepted"},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 200 and r.json()["status"] == "accepted" and r.json()["reviewer"] == "alice"


def test_lockout_after_repeated_failures(world: tuple[Store, dict[str, int]]) -> None:
    store, _ = world
    c, _ = client(store, None)
    for _ in range(5):
        assert c.post("/login", data={"name": "eve", "password": "nope nope nope"}).status_code == 401
    r = c.post("/login", data={"name": "eve", "password": PASSWORD})
    assert r.status_code == 401 and "locked" in r.text
    with store.sessions() as s:
        eve = s.scalars(select(User).where(User.name == "eve")).one()
        assert eve.locked_until is not None and eve.password_hash.startswith("$argon2id$")


def test_session_cookie_flags(world: tuple[Store, dict[str, int]]) -> None:
    store, _ = world
    c = TestClient(create_app(store), follow_redirects=False)
    r = c.post("/login", data={"name": "alice", "password": PASSWORD})
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    with store.sessions() as s:
        assert s.scalars(select(Capture)).first() is not None


def test_a_review_stands_after_reextraction(tmp_path: Path) -> None:
    from vigil.store.records import reextract

    store = open_store(tmp_path, f"sqlite:///{tmp_path / 'vigil.db'}")
    cap = record_capture(store, SEED.read_bytes(), method="upload", uri="urn:upload:seed").capture
    with store.sessions.begin() as s:
        uid = add_user(s, "alice", PASSWORD, "editor").id
        case = Case(name="c", description="", created_by=uid, created_at="2026-01-01")
        s.add(case)
        s.flush()
        s.add(CaseMember(case_id=case.id, user_id=uid, role="owner"))
        s.add(CaseCapture(case_id=case.id, capture_id=cap.id, added_by=uid, added_at="2026-01-01"))
        first = s.scalars(select(StatementRow).order_by(StatementRow.id)).first()
        assert first is not None
        case_id, sid = case.id, first.id
    c, csrf = client(store, "alice")
    r = c.post(
        f"/api/cases/{case_id}/statements/{sid}/review",
        headers={"X-CSRF-Token": csrf},
        json={"action": "edited", "changes": {"kind": "assert"}},
    )
    assert r.status_code == 200 and r.json()["kind"] == "assert"
    assert reextract(store, everything=True) == (1, 0)
    views = c.get(f"/api/cases/{case_id}/statements").json()
    kept = [v for v in views if v["id"] == sid]
    assert kept and kept[0]["status"] == "edited" and kept[0]["kind"] == "assert"
    fresh = [v for v in views if v["text"] == kept[0]["text"] and v["id"] != sid]
    assert fresh and fresh[0]["status"] == "machine" and fresh[0]["kind"] == "commit"  # shown beside it
    page = c.get(f"/cases/{case_id}/sources/{cap.id}").text
    assert "the review stands" in page

"""Work done in one case stays in it, even when another case holds the very same bytes."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.web.test_access import PASSWORD, SEED, client
from vigil.store import cases
from vigil.store.db import Store, open_store
from vigil.store.records import record_capture
from vigil.store.tables import StatementRow, User
from vigil.store.verify import verify
from vigil.web.auth import add_user


@pytest.fixture
def two_cases(tmp_path: Path) -> tuple[Store, dict[str, int]]:
    """Alice's case A and Bob's case B, each with its own capture of the seed's bytes."""
    store = open_store(tmp_path, f"sqlite:///{tmp_path / 'vigil.db'}")
    data = SEED.read_bytes()
    cap_a = record_capture(store, data, method="upload", uri="urn:upload:a").capture
    cap_b = record_capture(store, data, method="upload", uri="urn:upload:b").capture
    with store.sessions.begin() as s:
        alice = add_user(s, "alice", PASSWORD, "editor").id
        bob = add_user(s, "bob", PASSWORD, "editor").id
        a = cases.create(s, "A", "", alice, "alice")
        b = cases.create(s, "B", "", bob, "bob")
        cases.add_source(s, a.id, cap_a.id, alice, "alice")
        cases.add_source(s, b.id, cap_b.id, bob, "bob")
        first, second = s.scalars(select(StatementRow).order_by(StatementRow.id).limit(2)).all()
        ids = {"a": a.id, "b": b.id, "cap_a": cap_a.id, "cap_b": cap_b.id, "st": first.id, "st2": second.id}
    return store, ids


def review(c: TestClient, csrf: str, case: int, st: int, body: object) -> int:
    r = c.post(f"/api/cases/{case}/statements/{st}/review", json=body, headers={"X-CSRF-Token": csrf})
    return r.status_code


def test_edits_rejects_and_added_statements_stay_in_their_case(
    two_cases: tuple[Store, dict[str, int]],
) -> None:
    store, ids = two_cases
    a, csrf_a = client(store, "alice")
    b, csrf_b = client(store, "bob")
    edit = {"action": "edited", "changes": {"speaker": "Witness K-17"}}
    assert review(a, csrf_a, ids["a"], ids["st"], edit) == 200
    r = a.post(
        f"/cases/{ids['a']}/sources/{ids['cap_a']}/statements",
        data={"csrf": csrf_a, "start": "0", "end": "20", "kind": "assert", "speaker": "Informant Q-9"},
    )
    assert r.status_code == 303

    seen_by_b = b.get(f"/api/cases/{ids['b']}/statements").json()
    assert seen_by_b and all(v["status"] == "machine" and v["reviewer"] is None for v in seen_by_b)
    page_b = b.get(f"/cases/{ids['b']}/sources/{ids['cap_b']}").text
    export_b = b.get(f"/api/cases/{ids['b']}/export?format=csv").text
    for body in (page_b, export_b, b.get(f"/cases/{ids['b']}/timeline").text):
        assert "Witness K-17" not in body and "Informant Q-9" not in body and "alice" not in body

    seen_by_a = {v["id"]: v for v in a.get(f"/api/cases/{ids['a']}/statements").json()}
    assert seen_by_a[ids["st"]]["speaker"] == "Witness K-17"
    assert any(v["speaker"] == "Informant Q-9" for v in seen_by_a.values())

    # B rejects a statement A relies on: it leaves B's timeline only
    assert review(b, csrf_b, ids["b"], ids["st2"], {"action": "rejected"}) == 200
    text = seen_by_a[ids["st2"]]["text"][:40]
    assert text in a.get(f"/cases/{ids['a']}/timeline").text
    assert all(
        v["id"] != ids["st2"] for v in b.get(f"/api/cases/{ids['b']}/timeline").json()[0]["statements"]
    )
    # nor can B act on A's person-added statement, whose id it can guess
    added = next(v["id"] for v in seen_by_a.values() if v["speaker"] == "Informant Q-9")
    assert review(b, csrf_b, ids["b"], added, {"action": "rejected"}) == 404
    assert list(verify(store)) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"speaker": ["x"]},
        {"target": {"a": 1}},
        {"date": 5},
        {"date": "2022-03-01\n"},
        {"kind": "shout"},
        {"speaker": "x" * 5000},
        {"speaker": "two\nlines"},
    ],
)
def test_malformed_edits_are_refused_and_break_nothing(
    two_cases: tuple[Store, dict[str, int]], changes: dict[str, object]
) -> None:
    store, ids = two_cases
    a, _ = client(store, "alice")
    b, csrf_b = client(store, "bob")
    assert review(b, csrf_b, ids["b"], ids["st"], {"action": "edited", "changes": changes}) == 422
    for path in ("statements", "timeline", f"sources/{ids['cap_a']}", "actors"):
        assert a.get(f"/cases/{ids['a']}/{path}").status_code == 200, path
    assert a.get(f"/api/cases/{ids['a']}/export?format=csv").status_code == 200
    assert b.get(f"/api/cases/{ids['b']}/statements").status_code == 200


def test_the_same_bytes_uploaded_again_into_a_case_say_so(two_cases: tuple[Store, dict[str, int]]) -> None:
    store, ids = two_cases
    a, csrf = client(store, "alice")
    r = a.post(
        f"/cases/{ids['a']}/capture",
        data={"csrf": csrf},
        files={"file": ("again.txt", SEED.read_bytes(), "text/plain")},
    )
    assert r.status_code == 303
    assert r.headers["location"].startswith(f"/cases/{ids['a']}/sources/{ids['cap_a']}?notice=")
    assert "already a source of this case" in a.get(r.headers["location"]).text
    assert len(a.get(f"/api/cases/{ids['a']}").json()["sources"]) == 1
    # the same bytes into case B are B's own source, and nothing says A holds them
    b, csrf_b = client(store, "bob")
    other = b"An article nobody else has.\n\nThe ministry denied the report on Monday, a spokesman said."
    r = b.post(
        f"/cases/{ids['b']}/capture", data={"csrf": csrf_b}, files={"file": ("n.txt", other, "text/plain")}
    )
    assert r.status_code == 303 and "notice" not in r.headers["location"]
    with store.sessions() as s:
        assert s.scalar(select(User.id).where(User.name == "bob")) is not None

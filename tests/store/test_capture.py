"""Capturing files, pages and directories into the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select, text

from tests.store.conftest import Env
from tests.webserver import PAGE, serve
from vigil.store.export import COLUMNS
from vigil.store.tables import Blob, Capture, CustodyEvent, Document, StatementRow

SEED = Path(__file__).parent.parent / "data" / "seed_un_xinjiang_visit.txt"


def count(env: Env, model: type) -> int:
    """Rows in a table, read without opening (and so without migrating) the store."""
    from sqlalchemy import create_engine

    engine = create_engine(env.url or f"sqlite:///{env.home / 'vigil.db'}")
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(model)).scalar() or 0)
    finally:
        engine.dispose()


def test_capture_a_file_keeps_bytes_warc_custody_and_extraction(store_env: Env) -> None:
    p = store_env.vigil("capture", str(SEED), "--note", "seed article")
    assert "8 statements extracted" in p.stdout
    store = store_env.open()
    with store.sessions() as s:
        cap = s.scalars(select(Capture)).one()
        assert cap.method == "file" and cap.collector == "tester" and cap.note == "seed article"
        assert store.blobs.get(cap.page_sha256) == SEED.read_bytes()
        assert store.blobs.rehash(cap.warc_sha256) == cap.warc_sha256
        ev = s.scalars(select(CustodyEvent)).one()
        details = json.loads(ev.details)
        assert ev.action == "captured" and details["page_sha256"] == cap.page_sha256
        doc = s.scalars(select(Document)).one()
        assert doc.blob_sha256 == cap.page_sha256 and doc.extractor_version == "0.1.0"
        assert s.scalar(select(func.count()).select_from(StatementRow)) == 8
    assert store_env.vigil("verify").returncode == 0


def test_same_bytes_twice_one_blob_two_custody_records(store_env: Env, tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_bytes(SEED.read_bytes())
    b.write_bytes(SEED.read_bytes())
    store_env.vigil("capture", str(a))
    store_env.vigil("capture", str(b))
    store = store_env.open()
    with store.sessions() as s:
        pages = {c.page_sha256 for c in s.scalars(select(Capture))}
        assert len(pages) == 1
        assert s.scalar(select(func.count()).select_from(Capture)) == 2
        assert (
            s.scalar(select(func.count()).select_from(CustodyEvent).where(CustodyEvent.action == "captured"))
            == 2
        )
        assert s.scalar(select(func.count()).select_from(Document)) == 1  # read once per extractor version
    page_files = [p for p in store.blobs.all() if p == next(iter(pages))]
    assert len(page_files) == 1


def test_capture_a_page_from_a_local_server(store_env: Env) -> None:
    routes = {
        "/story": (200, {"Content-Type": "text/html; charset=utf-8", "X-Test": "yes"}, PAGE),
        "/old": (301, {"Location": "/story"}, b""),
    }
    with serve(routes=routes) as base:
        p = store_env.vigil("capture", f"{base}/old", "--allow-private")
    assert "statements extracted" in p.stdout
    store = store_env.open()
    with store.sessions() as s:
        cap = s.scalars(select(Capture)).one()
        assert cap.method == "http" and cap.status == 200 and cap.server_ip == "127.0.0.1"
        assert cap.requested_url.endswith("/old") and cap.final_url.endswith("/story")
        assert ["X-Test", "yes"] in json.loads(cap.headers)
        assert json.loads(cap.hops)[0]["status"] == 301
        assert store.blobs.get(cap.page_sha256) == PAGE
        kinds = {st.kind for st in s.scalars(select(StatementRow))}
        assert {"deny", "demand"} <= kinds
    assert store_env.vigil("verify").returncode == 0


def test_search_finds_the_seed_demands(store_env: Env) -> None:
    store_env.vigil("capture", str(SEED))
    p = store_env.vigil("search", "report", "--kind", "demand", "--json")
    hits = [json.loads(line) for line in p.stdout.splitlines()]
    assert {h["speaker"] for h in hits} == {"Human Rights Watch", "Annalena Baerbock"}
    assert all("report" in h["text"].lower() for h in hits)
    assert store_env.vigil("search", "report", "--kind", "deny", "--json").stdout == ""
    dated = store_env.vigil("search", "--speaker", "bachelet", "--json").stdout.splitlines()
    assert dated and all(json.loads(x)["speaker"] == "Michelle Bachelet" for x in dated)


def test_search_bad_filters_are_one_line(store_env: Env) -> None:
    p = store_env.vigil("search", "x", "--kind", "shout", check=False)
    assert p.returncode == 2 and "Traceback" not in p.stderr
    p = store_env.vigil("search", "x", "--since", "March", check=False)
    assert p.returncode == 2 and "--since" in p.stderr
    assert store_env.vigil("search", '"unbalanced AND (', "--json").returncode == 0


def test_verify_names_a_flipped_blob_byte_and_an_edited_row(store_env: Env) -> None:
    store_env.vigil("capture", str(SEED))
    store = store_env.open()
    with store.sessions() as s:
        cap = s.scalars(select(Capture)).one()
    path = store.blobs.path(cap.page_sha256)
    original = path.read_bytes()
    os.chmod(path, 0o644)
    path.write_bytes(bytes([original[0] ^ 1]) + original[1:])
    p = store_env.vigil("verify", check=False)
    assert p.returncode == 1 and f"blob {cap.page_sha256}" in p.stderr
    path.write_bytes(original)
    assert store_env.vigil("verify").returncode == 0
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE statements SET kind = 'assert' WHERE id = 3"))
    p = store_env.vigil("verify", check=False)
    assert p.returncode == 1 and "statements row 3" in p.stderr


def test_reextract_keeps_older_results_marked_superseded(store_env: Env) -> None:
    store_env.vigil("capture", str(SEED))
    p = store_env.vigil("reextract", "--all")
    assert "re-extracted 1" in p.stdout
    store = store_env.open()
    with store.sessions() as s:
        docs = s.scalars(select(Document).order_by(Document.id)).all()
        assert len(docs) == 2 and docs[0].superseded_by == docs[1].id and docs[1].superseded_by is None
        assert s.scalar(select(func.count()).select_from(StatementRow)) == 16  # nothing deleted
    hits = store_env.vigil("search", "report", "--kind", "demand", "--json").stdout.splitlines()
    assert len(hits) == 2  # only the current document's statements
    assert store_env.vigil("verify").returncode == 0


def test_export_jsonl_csv_warc_wacz(store_env: Env, tmp_path: Path) -> None:
    store_env.vigil("capture", str(SEED))
    lines = store_env.vigil("export", "--format", "jsonl", "--kind", "demand").stdout.splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["kind"] == "demand"
    csv_text = store_env.vigil("export", "--format", "csv").stdout
    assert csv_text.splitlines()[0] == ",".join(COLUMNS) and len(csv_text.splitlines()) == 9
    warc = tmp_path / "out.warc.gz"
    store_env.vigil("export", "--format", "warc", "-o", str(warc))
    from vigil.capture.warc import check

    records = list(check(warc.read_bytes()))
    assert [r.record_type for r in records] == ["warcinfo", "resource"] and not any(
        r.problem for r in records
    )
    wacz = tmp_path / "out.wacz"
    store_env.vigil("export", "--format", "wacz", "-o", str(wacz))
    import zipfile

    names = zipfile.ZipFile(wacz).namelist()
    assert "datapackage.json" in names and any(n.startswith("archive/") for n in names)
    assert count(store_env, CustodyEvent) == 5  # one capture, four exports
    store_env.vigil("verify")
    assert count(store_env, CustodyEvent) == 6  # and the verification


def test_kill_9_mid_directory_then_rerun(store_env: Env, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for i in range(200):
        (folder / f"item{i:03d}.txt").write_text(
            f"Report {i}\n\nThe ministry said on Monday that {i} people were detained. Rights groups urged their release.\n"
        )
    store_env.open().engine.dispose()  # create and migrate the store first, so polling never races it
    log = tmp_path / "capture.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "vigil", "capture", str(folder)],
            env=store_env.env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.time() + 240
    while time.time() < deadline:
        time.sleep(0.05)
        assert proc.poll() is None, f"capture ended before it was killed: {log.read_text()[-500:]}"
        if count(store_env, Capture) >= 10:
            break
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    first = count(store_env, Capture)
    assert 0 < first < 200
    p = store_env.vigil("capture", str(folder))
    assert f"skipped {first}" in p.stdout
    assert count(store_env, Capture) == 200
    store = store_env.open()
    with store.sessions() as s:
        paths = s.scalars(select(Capture.source_path)).all()
        assert len(set(paths)) == 200
        assert s.scalar(select(func.count()).select_from(Blob)) >= 200
    assert store_env.vigil("verify").returncode == 0


def test_a_list_of_sources_resumes(store_env: Env, tmp_path: Path) -> None:
    listing = tmp_path / "sources.txt"
    listing.write_text(f"# sources\n{SEED}\n")
    store_env.vigil("capture", "--from-file", str(listing))
    again = store_env.vigil("capture", "--from-file", str(listing))
    assert "skipped" in again.stdout
    assert count(store_env, Capture) == 1
    assert store_env.vigil("capture", check=False).returncode == 2

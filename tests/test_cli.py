"""The `vigil extract` command as a user runs it: a real subprocess, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
VIGIL = [sys.executable, "-m", "vigil"]


def run(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*VIGIL, *args],
        input=stdin,
        capture_output=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        check=False,
    )


def one_line_error(p: subprocess.CompletedProcess[bytes]) -> str:
    err = p.stderr.decode()
    assert p.returncode == 2, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    return err


def test_json_contract_on_the_seed() -> None:
    p = run("extract", str(DATA / "seed_un_xinjiang_visit.txt"), "--json")
    assert p.returncode == 0, p.stderr.decode()
    d = json.loads(p.stdout)
    assert d["vigil_version"] == "0.1.0"
    src = d["source"]
    assert len(src["sha256"]) == 64
    assert src["title"] == "U.N. Human Rights to visit Xinjiang"
    assert "Back to top button" in src["removed"]
    ids = {a["id"] for a in d["actors"]}
    for st in d["statements"]:
        a, b = st["span"]
        assert src["text"][a:b] == st["text"]
        assert st["speaker"] in ids
        assert st["kind"] in ("accuse", "deny", "demand", "commit", "assert")
    for a in d["actors"]:
        for s, e in a["mentions"]:
            assert 0 <= s < e <= len(src["text"])


def test_table_output_and_stdin() -> None:
    text = (DATA / "seed_un_xinjiang_visit.txt").read_bytes()
    p = run("extract", "-", stdin=text)
    assert p.returncode == 0
    out = p.stdout.decode()
    assert "statements" in out and "Kenneth Roth" in out and "actors" in out


def test_table_is_readable_at_80_columns() -> None:
    """The sentence column keeps whole words at an ordinary terminal's width."""
    p = run("extract", str(DATA / "seed_un_xinjiang_visit.txt"), env={"COLUMNS": "80"})
    assert p.returncode == 0, p.stderr.decode()
    lines = p.stdout.decode().splitlines()
    assert max(len(line) for line in lines) <= 80
    body = " ".join(line.strip("│ ") for line in lines)
    for words in ("High Commissioner", "vocational training", "crimes against humanity"):
        assert words in body, words


def test_published_date_is_recorded_and_used() -> None:
    p = run("extract", str(DATA / "seed_un_xinjiang_visit.txt"), "--published", "2022-03-10", "--json")
    d = json.loads(p.stdout)
    assert d["source"]["published"] == "2022-03-10"
    assert d["source"]["published_from"] == "argument"
    baerbock = [s for s in d["statements"] if "Baerbock" in s["text"]]
    assert baerbock and baerbock[0]["date"] == "2022-03-10"  # "on Thursday" before Thursday 10 March


def test_malformed_date(tmp_path: Path) -> None:
    for bad in ("2022-02-30", "yesterday", "10/03/2022"):
        assert "--published" in one_line_error(
            run("extract", str(DATA / "seed_un_xinjiang_visit.txt"), "--published", bad)
        )


def test_binary_junk(tmp_path: Path) -> None:
    f = tmp_path / "junk.bin"
    f.write_bytes(bytes(range(256)) * 64)
    assert "binary" in one_line_error(run("extract", str(f)))


def test_invalid_utf8(tmp_path: Path) -> None:
    f = tmp_path / "bad.txt"
    f.write_bytes(b"Ministers said the vote was fair." + b"\xff\xfe\xfa more text")
    assert "UTF-8" in one_line_error(run("extract", str(f)))


def test_empty_and_missing(tmp_path: Path) -> None:
    f = tmp_path / "empty.txt"
    f.write_bytes(b"  \n\n ")
    assert "empty" in one_line_error(run("extract", str(f)))
    assert "no such file" in one_line_error(run("extract", str(tmp_path / "nope.txt")))
    assert "directory" in one_line_error(run("extract", str(tmp_path)))


def test_200_megabyte_file_is_refused_before_reading(tmp_path: Path) -> None:
    f = tmp_path / "huge.txt"
    with f.open("wb") as fh:  # sparse: no 200 MB written to disk
        fh.truncate(200 * 1024 * 1024)
    assert "limit" in one_line_error(run("extract", str(f)))


def test_oversized_stdin_is_refused() -> None:
    p = run("extract", "-", stdin=b"word " * 3000, env={"VIGIL_MAX_BYTES": "10000"})
    assert "limit" in one_line_error(p)


@pytest.mark.parametrize(
    "html",
    [
        b"<html><body>" + b"<div>" * 20000 + b"deep" + b"</div>" * 20000 + b"</body></html>",
        b"<html><body><p>" + b"&lol;" * 100000 + b"</p></body></html>",
    ],
)
def test_html_bombs_end_cleanly(tmp_path: Path, html: bytes) -> None:
    f = tmp_path / "bomb.html"
    f.write_bytes(html)
    p = run("extract", str(f), "--json")
    assert "Traceback" not in p.stderr.decode()
    assert p.returncode in (0, 2)
    if p.returncode == 0:
        json.loads(p.stdout)

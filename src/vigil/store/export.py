"""Export a selection: statements as JSON lines or CSV, the captures behind them as WARC or WACZ."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import select

from vigil.errors import VigilError
from vigil.store.db import Store
from vigil.store.records import log_event
from vigil.store.search import Hit, search
from vigil.store.tables import Capture

Cell = str | int | float | None
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list: a spreadsheet reads these as a formula


def csv_safe(value: Cell) -> Cell:
    """`value` made inert for a spreadsheet: text that starts like a formula gets a leading `'`.

    Cells come from article text and reviewers' edits, so anyone who can get a
    sentence into a news page could otherwise run a formula (a data-leaking
    HYPERLINK, say) on the machine of whoever opens the export. Numbers and
    empty cells are ours and are left alone.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(row: Mapping[str, Cell]) -> dict[str, Cell]:
    """Every cell of `row` through csv_safe: what each CSV export writes."""
    return {k: csv_safe(v) for k, v in row.items()}


FIELDS = (
    "statement_id",
    "kind",
    "speaker",
    "target",
    "date",
    "text",
    "quote",
    "document_id",
    "title",
    "url",
    "blob_sha256",
)


def export(
    store: Store,
    fmt: str,
    output: Path | None,
    *,
    query: str = "",
    kind: str | None = None,
    speaker: str | None = None,
) -> int:
    with store.sessions() as session:
        hits = search(session, query, kind=kind, speaker=speaker, limit=1_000_000)
    if fmt in ("jsonl", "csv"):
        text = _statements(hits, fmt)
        if output is None:
            sys.stdout.write(text)
        else:
            output.write_text(text, encoding="utf-8")
        n = len(hits)
    else:
        assert output is not None
        n = _archive(
            store, {h.blob_sha256 for h in hits}, fmt, output, everything=not (query or kind or speaker)
        )
    with store.sessions.begin() as session:
        log_event(
            session,
            "exported",
            {
                "format": fmt,
                "records": n,
                "output": str(output or "-"),
                "query": query,
                "kind": kind,
                "speaker": speaker,
            },
        )
    return n


def _statements(hits: list[Hit], fmt: str) -> str:
    rows = [{f: getattr(h, f) for f in FIELDS} for h in hits]
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FIELDS)
    writer.writeheader()
    writer.writerows(csv_row(r) for r in rows)
    return buf.getvalue()


def _archive(store: Store, blobs: set[str], fmt: str, output: Path, everything: bool) -> int:
    with store.sessions() as session:
        caps = session.scalars(select(Capture).order_by(Capture.id)).all()
    chosen = [c for c in caps if everything or c.page_sha256 in blobs]
    if not chosen:
        raise VigilError("nothing to export: no captures match")
    warcs = b"".join(store.blobs.get(c.warc_sha256) for c in chosen)
    if fmt == "warc":
        output.write_bytes(warcs)
        return len(chosen)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "vigil-export.warc.gz"
        src.write_bytes(warcs)
        cmd = [sys.executable, "-m", "wacz", "create", "-o", str(output), str(src)]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise VigilError(
                f"wacz could not package the export: {(done.stderr or done.stdout).strip()[-300:]}"
            )
        check = subprocess.run(
            [sys.executable, "-m", "wacz", "validate", "-f", str(output)],
            capture_output=True,
            text=True,
            check=False,
        )
        if check.returncode != 0:
            raise VigilError(f"the WACZ did not validate: {(check.stderr or check.stdout).strip()[-300:]}")
    return len(chosen)

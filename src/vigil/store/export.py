"""Export a selection: statements as JSON lines or CSV, the captures behind them as WARC or WACZ."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.errors import VigilError
from vigil.store.db import Store
from vigil.store.records import log_event
from vigil.store.search import Hit, search
from vigil.store.tables import Capture, CaseCapture, Review

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


# One shape for every statement export, the workbench's and the command line's alike.
COLUMNS = (
    "statement",
    "kind",
    "speaker",
    "target",
    "date",
    "date_precision",
    "sentence",
    "quote",
    "review_status",
    "reviewer",
    "reviewed_at",
    "source_title",
    "url",
    "sha256",
    "captured_at",
)
STATEMENT_FORMATS = ("json", "jsonl", "csv")  # the statements themselves; warc and wacz are the captures


@dataclass(frozen=True)
class Picked:
    """A statement as the exporter read it (after any review), and the bytes it came from."""

    statement: int
    kind: str
    speaker: str | None
    target: str | None
    date: str | None
    sentence: str
    quote: str | None
    review_status: str
    reviewer: str | None
    reviewed_at: str | None
    source_title: str | None
    sha256: str  # "" when `capture` names it
    capture: int | None = None  # the capture it was read through, else the first of those bytes


def precision(date: str | None) -> str | None:
    """How precise a partial ISO date is, in words, so a reader does not take a year for a day."""
    if not date:
        return None
    if date.startswith("--"):
        return "day, year unknown" if len(date) == 7 else "month, year unknown"
    return {4: "year", 7: "month", 10: "day"}.get(len(date), "unknown")


def rows(session: Session, picked: list[Picked]) -> list[dict[str, Cell]]:
    """The export's rows in COLUMNS order, each with its capture's URL, page digest and time."""
    by_id = {c.id: c for c in _captures(session, Capture.id, {p.capture for p in picked if p.capture})}
    by_sha: dict[str, Capture] = {}
    for c in _captures(session, Capture.page_sha256, {p.sha256 for p in picked if not p.capture}):
        by_sha.setdefault(c.page_sha256, c)
    out: list[dict[str, Cell]] = []
    for p in picked:
        cap = by_id.get(p.capture) if p.capture else by_sha.get(p.sha256)
        out.append(
            {
                "statement": p.statement,
                "kind": p.kind,
                "speaker": p.speaker,
                "target": p.target,
                "date": p.date,
                "date_precision": precision(p.date),
                "sentence": p.sentence,
                "quote": p.quote,
                "review_status": p.review_status,
                "reviewer": p.reviewer,
                "reviewed_at": p.reviewed_at,
                "source_title": p.source_title,
                "url": (cap.final_url or cap.requested_url or cap.source_path) if cap else None,
                "sha256": p.sha256 or (cap.page_sha256 if cap else None),
                "captured_at": cap.captured_at if cap else None,
            }
        )
    return out


def _captures(session: Session, col: Any, wanted: set[Any]) -> list[Capture]:
    found: list[Capture] = []
    keys = sorted(wanted)
    for i in range(0, len(keys), 5000):
        found += session.scalars(select(Capture).where(col.in_(keys[i : i + 5000])).order_by(Capture.id))
    return found


def as_text(data: list[dict[str, Cell]], fmt: str) -> str:
    """JSON (a list), JSON lines or CSV (every cell made inert for spreadsheets)."""
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False)
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in data)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(csv_row(r) for r in data)
    return buf.getvalue()


def export(
    store: Store,
    fmt: str,
    output: Path | None,
    *,
    query: str = "",
    kind: str | None = None,
    speaker: str | None = None,
    case_id: int | None = None,
) -> int:
    """`vigil export`: with `case_id`, that case's sources and its reviews; without, every source,
    each statement with its latest review in any case ("machine" when none has one), since the
    command line has no case of its own and a reviewer's last word is the best reading there is.
    Statements come in COLUMNS, the workbench's shape, so one reader reads both."""
    text = ""
    with store.reads() as session:
        hits = search(session, query, kind=kind, speaker=speaker, limit=1_000_000)
        if case_id is not None:
            held = set(session.scalars(_case_bytes(case_id)))
            hits = [h for h in hits if h.blob_sha256 in held]
        if fmt in STATEMENT_FORMATS:
            text = as_text(rows(session, _picked(session, hits, case_id)), fmt)
    if fmt in STATEMENT_FORMATS:
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
    details = {"format": fmt, "records": n, "output": str(output or "-"), "query": query}
    with store.sessions.begin() as session:
        log_event(session, "exported", {**details, "kind": kind, "speaker": speaker, "case": case_id})
    return n


def _case_bytes(case_id: int) -> Any:
    held = select(Capture.page_sha256).join(CaseCapture, CaseCapture.capture_id == Capture.id)
    return held.where(CaseCapture.case_id == case_id)


def _picked(session: Session, hits: list[Hit], case_id: int | None) -> list[Picked]:
    """The hits as reviewed: the latest review (of the case, or of any case) edits what they say."""
    ids = [h.statement_id for h in hits]
    latest: dict[int, Review] = {}
    for i in range(0, len(ids), 5000):
        q = select(Review).where(Review.statement_id.in_(ids[i : i + 5000]))
        if case_id is not None:
            q = q.where(Review.case_id == case_id)
        for one in session.scalars(q.order_by(Review.id)):
            latest[one.statement_id] = one
    out = []
    for h in hits:
        r: Review | None = latest.get(h.statement_id)
        edit = json.loads(r.changes) if r is not None and r.action == "edited" else {}
        edit = edit if isinstance(edit, dict) else {}
        out.append(
            Picked(
                h.statement_id,
                str(edit.get("kind") or h.kind),
                edit.get("speaker", h.speaker),
                edit.get("target", h.target),
                edit.get("date", h.date),
                h.text,
                h.quote,
                r.action if r is not None else "machine",
                r.reviewer if r is not None else None,
                r.at if r is not None else None,
                h.title,
                h.blob_sha256,
            )
        )
    return out


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

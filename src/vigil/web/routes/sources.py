"""Sources already in the store, added to a case: those the member can see elsewhere, or unfiled ones.

Access follows cases, so a member may bring into this case a capture they can already
read through another of their cases (and not one restricted from them there); an admin
may also file captures that belong to no case yet (collected from the command line).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Annotated, Any

from fastapi import FastAPI, Form, HTTPException
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.store.tables import Capture, CaseCapture, CaseMember, Document, User
from vigil.web.app import Id, Who

Db = Callable[[], AbstractContextManager[Session]]
LISTED = 200  # newest candidates offered on the case page


def candidates(s: Session, user: User, case_id: int, limit: int = LISTED) -> list[tuple[int, str, str]]:
    """(capture id, title or URL, captured at) the user may add to this case, newest first."""
    mine = select(CaseMember.case_id).where(CaseMember.user_id == user.id)
    seen = {
        cap
        for cap, restricted in s.execute(
            select(CaseCapture.capture_id, CaseCapture.restricted_to).where(CaseCapture.case_id.in_(mine))
        )
        if restricted is None or user.id in json.loads(restricted)
    }
    if user.role == "admin":
        filed = select(CaseCapture.capture_id)
        seen |= set(s.scalars(select(Capture.id).where(Capture.id.not_in(filed))))
    here = set(s.scalars(select(CaseCapture.capture_id).where(CaseCapture.case_id == case_id)))
    held = {sha for (sha,) in s.execute(select(Capture.page_sha256).where(Capture.id.in_(here)))}
    ids = sorted(seen - here, reverse=True)
    rows = s.execute(
        select(Capture.id, Capture.final_url, Capture.captured_at, Capture.page_sha256, Document.title)
        .outerjoin(Document, (Document.blob_sha256 == Capture.page_sha256) & Document.superseded_by.is_(None))
        .where(Capture.id.in_(ids), Capture.outcome.is_(None))
        .order_by(Capture.id.desc())
    ).all()
    out, shown = [], set()
    for cid, url, at, sha, title in rows:
        if sha in held or cid in shown:
            continue
        shown.add(cid)
        out.append((cid, title or url or sha[:16], at[:16].replace("T", " ")))
    return out[:limit]


def install(app: FastAPI, db: Db, member: Callable[..., Any], add_capture: Callable[..., Any]) -> None:
    @app.post("/cases/{case_id}/sources/add", include_in_schema=False)
    def add_existing(who: Who, case_id: Id, capture: Annotated[list[int], Form()]) -> Response:
        """Add captures already in the store; each is a case event, like any other source."""
        with db() as s:
            member(s, who, case_id, write=True)
            user = s.get(User, who[0])
            assert user is not None
            allowed = {cid for cid, _, _ in candidates(s, user, case_id, limit=10**9)}
            if not capture or not set(capture) <= allowed:
                raise HTTPException(422, "choose sources you can already see, not yet in this case")
            for cid in capture:
                add_capture(s, who, case_id, cid)
        return RedirectResponse(f"/cases/{case_id}", status_code=303)

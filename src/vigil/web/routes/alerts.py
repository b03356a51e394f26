"""A case's alerts: what its watch rules matched, newest first, with how each delivery went.

Rules are set with `vigil alert add` (they name webhooks and mail addresses, which an owner
decides); the page shows them and what they raised, so a member sees in the workbench what
the e-mail or webhook said, and whether it arrived.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select

from vigil.store import watch
from vigil.store.tables import Alert
from vigil.web.deps import API_LIMIT, Id, Limit, Offset, PageNo, StoreDep, Who, member, page

router = APIRouter()
api = APIRouter(prefix="/api")
PAGE = 50


def alert_json(a: Alert) -> dict[str, Any]:
    return {
        "id": a.id,
        "rule": a.rule_id,
        "watch": a.watch_id,
        "subject": a.subject,
        "payload": json.loads(a.payload),
        "deliveries": json.loads(a.deliveries),
        "at": a.at,
    }


def newest(s: Any, case_id: int, offset: int, limit: int) -> list[Alert]:
    q = select(Alert).where(Alert.case_id == case_id).order_by(Alert.id.desc()).offset(offset).limit(limit)
    return list(s.scalars(q))


@router.get("/cases/{case_id}/alerts", response_class=HTMLResponse, include_in_schema=False)
def alerts_page(request: Request, who: Who, st: StoreDep, case_id: Id, page_no: PageNo = 1) -> HTMLResponse:
    """The case's alert rules and, newest first, the alerts they raised."""
    with st.reads() as s:
        case, role, _ = member(s, who, case_id)
        total = int(s.scalar(select(func.count()).select_from(Alert).where(Alert.case_id == case_id)) or 0)
        rows = [alert_json(a) for a in newest(s, case_id, (page_no - 1) * PAGE, PAGE)]
        rules = watch.rules(s, case_id)
    return page(
        request,
        "alerts.html",
        who,
        case=case,
        role=role,
        alerts=rows,
        rules=rules,
        total=total,
        page_no=page_no,
        pages=max(1, -(-total // PAGE)),
    )


@api.get("/cases/{case_id}/alerts")
def api_alerts(
    who: Who, st: StoreDep, case_id: Id, offset: Offset = 0, limit: Limit = API_LIMIT
) -> list[dict[str, Any]]:
    """The alerts the case's rules raised, newest first, with their deliveries."""
    with st.reads() as s:
        member(s, who, case_id)
        return [alert_json(a) for a in newest(s, case_id, offset, limit)]

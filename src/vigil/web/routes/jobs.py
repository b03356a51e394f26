"""A case's capture jobs: the case page's progress list (refreshed in place while one runs) and
the same as JSON, so a program that started captures can follow them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from vigil.store import jobs as job_rows
from vigil.web.deps import Id, StoreDep, Who, member, templates

router = APIRouter()
api = APIRouter(prefix="/api")


def recent(st: Any, who: Any, case_id: int) -> list[dict[str, Any]]:
    with st.reads() as s:
        _, _, scope = member(s, who, case_id)
        return [job_rows.as_json(j, scope.hidden) for j in job_rows.recent(s, case_id)]


@router.get("/cases/{case_id}/jobs", response_class=HTMLResponse, include_in_schema=False)
def jobs_part(request: Request, who: Who, st: StoreDep, case_id: Id) -> HTMLResponse:
    """The case page's list of recent captures, as a fragment htmx swaps in while any runs."""
    ctx = {"jobs": recent(st, who, case_id), "case_id": case_id}
    return templates.TemplateResponse(request, "_jobs.html", ctx)


@api.get("/cases/{case_id}/jobs")
def api_jobs(who: Who, st: StoreDep, case_id: Id) -> list[dict[str, Any]]:
    """The case's ten most recent capture jobs: state, progress and each item's outcome."""
    return recent(st, who, case_id)


@api.get("/cases/{case_id}/jobs/{job_id}")
def api_job(who: Who, st: StoreDep, case_id: Id, job_id: Id) -> dict[str, Any]:
    """One capture job."""
    with st.reads() as s:
        _, _, scope = member(s, who, case_id)
        job = job_rows.get(s, case_id, job_id)
        if job is None:
            raise HTTPException(404, "not found")
        return job_rows.as_json(job, scope.hidden)

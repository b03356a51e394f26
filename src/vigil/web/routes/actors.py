"""A case's actors: the list, one actor's page, and people's judgements that merge or split names.

Actors are not edited: a merge is a `same` judgement and a split a `different` one,
recorded for the case and applied whenever the case's actors are assembled.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from vigil.store import monitor
from vigil.web import queries
from vigil.web.deps import Id, Identity, StoreDep, Who, member, page

router = APIRouter()


@router.get("/cases/{case_id}/actors", response_class=HTMLResponse, include_in_schema=False)
def actors_page(request: Request, who: Who, st: StoreDep, case_id: Id) -> HTMLResponse:
    """The case's actors, the most spoken by and about first."""
    with st.sessions.begin() as s:
        case, role, scope = member(s, who, case_id)
        views = sorted(queries.actor_views(s, scope).values(), key=lambda a: (-a.said - a.about, a.name))
        return page(request, "actors.html", who, case=case, role=role, actors=views)


@router.get("/cases/{case_id}/actors/{key}", response_class=HTMLResponse, include_in_schema=False)
def actor_page(
    request: Request, who: Who, st: StoreDep, case_id: Id, key: Annotated[str, PathParam(max_length=500)]
) -> HTMLResponse:
    """One actor: what they said, what was said about them, and the others to merge them with."""
    with st.sessions.begin() as s:
        case, role, scope = member(s, who, case_id)
        views = queries.actor_views(s, scope)
        a = views.get(key)
        if a is None:
            raise HTTPException(404, "not found")
        by = queries.statements_of_actor(s, scope, key, "speaker")
        about = queries.statements_of_actor(s, scope, key, "target")
        others = sorted((v for k, v in views.items() if k != key), key=lambda v: v.name)
        return page(
            request, "actor.html", who, case=case, role=role, actor=a, by=by, about=about, others=others
        )


@router.post("/cases/{case_id}/actors/merge", include_in_schema=False)
def merge_actors(
    request: Request,
    who: Who,
    st: StoreDep,
    case_id: Id,
    source: Annotated[str, Form()],
    into: Annotated[str, Form()],
) -> Response:
    """Judge two of the case's actors the same person or body; show the one kept."""
    with st.sessions.begin() as s:
        _, _, scope = member(s, who, case_id, write=True)
        views = queries.actor_views(s, scope)
        if source not in views or into not in views or source == into:
            raise HTTPException(422, "choose two different actors of this case")
        judge(s, who, case_id, source, into, "same")
    return RedirectResponse(f"/cases/{case_id}/actors/{quote(into, safe='')}", status_code=303)


@router.post("/cases/{case_id}/actors/split", include_in_schema=False)
def split_actor(
    who: Who,
    st: StoreDep,
    case_id: Id,
    actor: Annotated[str, Form(max_length=500)],
    name: Annotated[str, Form(max_length=500)],
) -> Response:
    """Keep one of an actor's names apart from it: a `different` judgement, over any earlier one."""
    with st.sessions.begin() as s:
        _, _, scope = member(s, who, case_id, write=True)
        a = queries.actor_views(s, scope).get(actor)
        if a is None or name not in a.aliases:
            raise HTTPException(422, "choose one of this actor's other names")
        judge(s, who, case_id, actor, name, "different")
    return RedirectResponse(f"/cases/{case_id}/actors", status_code=303)


def judge(s: Session, who: Identity, case_id: int, left: str, right: str, verdict: str) -> None:
    """Record a person's judgement on two names, for this case only, under the reviewer's name."""
    monitor.record_judgement(s, left, right, verdict, who[1], case_id=case_id)

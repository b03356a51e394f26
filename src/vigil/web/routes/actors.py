"""A case's actors: the list, one actor's page, and people's judgements that merge or split names.

Actors are not edited: a merge is a `same` judgement and a split a `different` one,
recorded for the case and applied whenever the case's actors are assembled.
"""

from __future__ import annotations

from typing import Annotated, get_args
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from vigil.model import CORRECTIONS, ActorKind
from vigil.store import monitor
from vigil.store.db import Store
from vigil.web import aggregates, queries
from vigil.web.deps import Id, Identity, PageNo, StoreDep, Who, member, page

router = APIRouter()


ACTORS_PAGE = 100
ACTOR_STATEMENTS = 50  # of each side on an actor's page; the statements page filters all of them


@router.get("/cases/{case_id}/actors", response_class=HTMLResponse, include_in_schema=False)
def actors_page(request: Request, who: Who, st: StoreDep, case_id: Id, page_no: PageNo = 1) -> HTMLResponse:
    """The case's actors, the most spoken by and about first, a page at a time."""
    with st.reads() as s:
        case, role, scope = member(s, who, case_id)
    rows, total = aggregates.actor_page(st, scope, (page_no - 1) * ACTORS_PAGE, ACTORS_PAGE)
    pages = max(1, -(-total // ACTORS_PAGE))
    return page(
        request,
        "actors.html",
        who,
        case=case,
        role=role,
        actors=rows,
        total=total,
        page_no=page_no,
        pages=pages,
    )


@router.get("/cases/{case_id}/actors/{key}", response_class=HTMLResponse, include_in_schema=False)
def actor_page(
    request: Request, who: Who, st: StoreDep, case_id: Id, key: Annotated[str, PathParam(max_length=500)]
) -> HTMLResponse:
    """One actor: what they said, what was said about them, and the forms to merge or split them."""
    with st.reads() as s:
        case, role, scope = member(s, who, case_id)
    a = aggregates.actor(st, scope, key)
    if a is None:
        raise HTTPException(404, "not found")
    names = aggregates.spellings(st, scope, key)
    index = aggregates.ensure(st, scope, aggregates.STATEMENTS)
    with st.reads() as s:
        by = queries.statements_named(s, scope, index, names, "speaker", ACTOR_STATEMENTS, a.said)
        about = queries.statements_named(s, scope, index, names, "target", ACTOR_STATEMENTS, a.about)
    return page(
        request, "actor.html", who, case=case, role=role, actor=a, by=by, about=about, actor_kinds=ACTOR_KINDS
    )


def known_actor(st: Store, who: Identity, case_id: int, key: str) -> aggregates.ActorView:
    """One of the case's actors, by key, for a judgement on it; 422 when it is none."""
    with st.reads() as s:
        _, _, scope = member(s, who, case_id, write=True)
    found = aggregates.actor(st, scope, key)
    if found is None:
        raise HTTPException(422, "choose actors of this case")
    return found


@router.post("/cases/{case_id}/actors/merge", include_in_schema=False)
def merge_actors(
    request: Request,
    who: Who,
    st: StoreDep,
    case_id: Id,
    into: Annotated[str, Form(max_length=500)],
    other: Annotated[str, Form(max_length=500)],
    confirm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Judge two of the case's actors the same person or body, once the reviewer has seen both named;
    `other` is a name (or key) typed on the actor's page, resolved to the case's actors."""
    kept = known_actor(st, who, case_id, into)
    with st.reads() as s:
        case, role, scope = member(s, who, case_id, write=True)
    found = aggregates.actor(st, scope, other)
    choices = [found] if found else aggregates.actors_named(st, scope, other)
    choices = [a for a in choices if a.key != kept.key]
    if not choices:
        raise HTTPException(422, f"no other actor of this case is called {other[:100]!r}")
    if len(choices) > 1 or confirm != "yes":
        ctx = {
            "into": kept,
            "other": other,
            "source": choices[0],
            "choices": choices if len(choices) > 1 else [],
        }
        return page(request, "actor_merge.html", who, case=case, role=role, **ctx)
    scope = judged(st, who, case_id, choices[0].key, kept.key, "same")
    for name in (kept.name, choices[0].name):  # the register picks the merged actor's key and name
        merged = aggregates.actors_named(st, scope, name)
        if merged:
            return RedirectResponse(
                f"/cases/{case_id}/actors/{quote(merged[0].key, safe='')}", status_code=303
            )
    return RedirectResponse(f"/cases/{case_id}/actors", status_code=303)


@router.post("/cases/{case_id}/actors/split", include_in_schema=False)
def split_actor(
    who: Who,
    st: StoreDep,
    case_id: Id,
    actor: Annotated[str, Form(max_length=500)],
    name: Annotated[str, Form(max_length=500)],
) -> Response:
    """Keep one of an actor's names apart from it: a `different` judgement, over any earlier one."""
    if name not in known_actor(st, who, case_id, actor).aliases:
        raise HTTPException(422, "choose one of this actor's other names")
    judged(st, who, case_id, actor, name, "different")
    return RedirectResponse(f"/cases/{case_id}/actors", status_code=303)


ACTOR_KINDS = get_args(ActorKind)


@router.post("/cases/{case_id}/actors/{key}/correct", include_in_schema=False)
def correct_actor(
    who: Who,
    st: StoreDep,
    case_id: Id,
    key: Annotated[str, PathParam(max_length=500)],
    action: Annotated[str, Form(max_length=10)],
    value: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Rename an actor, change its kind, strike it from the case's actors or restore it: each a
    judgement recorded under the reviewer's name, applied whenever the register is built."""
    with st.reads() as s:
        _, _, scope = member(s, who, case_id, write=True)
    if action != "restore" and aggregates.actor(st, scope, key) is None:  # as its page: not found
        raise HTTPException(404, "not found")
    if action not in CORRECTIONS:
        raise HTTPException(422, f"action must be one of {', '.join(CORRECTIONS)}")
    value = " ".join(value.split())
    if action == "rename" and not value:
        raise HTTPException(422, "give the new name")
    if action == "kind" and value not in ACTOR_KINDS:
        raise HTTPException(422, f"kind must be one of {', '.join(ACTOR_KINDS)}")
    judged(st, who, case_id, key, value if action in ("rename", "kind") else "", action)
    here = f"/cases/{case_id}/actors"
    if action == "delete":  # the list, with the way back
        return RedirectResponse(f"{here}?{urlencode({'struck': key})}", status_code=303)
    return RedirectResponse(f"{here}/{quote(key, safe='')}", status_code=303)


@router.post("/cases/{case_id}/actors/unmerge", include_in_schema=False)
def unmerge_actors(
    who: Who,
    st: StoreDep,
    case_id: Id,
    actor: Annotated[str, Form(max_length=500)],
    left: Annotated[str, Form(max_length=500)],
    right: Annotated[str, Form(max_length=500)],
) -> Response:
    """Undo a reviewer's merge: a `different` judgement on the same pair, which the latest one wins."""
    if not any(
        m["left"] == left and m["right"] == right for m in known_actor(st, who, case_id, actor).merges
    ):
        raise HTTPException(422, "that is not a merge of this actor")
    judged(st, who, case_id, left, right, "different")
    return RedirectResponse(f"/cases/{case_id}/actors", status_code=303)


def judged(st: Store, who: Identity, case_id: int, left: str, right: str, verdict: str) -> queries.Scope:
    """Record the judgement and bring the actor list up to date with it, so the reviewer sees it."""
    with st.sessions.begin() as s:
        _, _, scope = member(s, who, case_id, write=True)
        judge(s, who, case_id, left, right, verdict)
    aggregates.ensure(st, scope, aggregates.ACTORS, fresh=True)
    return scope


def judge(s: Session, who: Identity, case_id: int, left: str, right: str, verdict: str) -> None:
    """Record a person's judgement on two names, for this case only, under the reviewer's name."""
    monitor.record_judgement(s, left, right, verdict, who[1], case_id=case_id)

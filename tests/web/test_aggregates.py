"""The workbench's maintained aggregates, capture jobs and alerts page, against a real served app.

Articles here are invented (Valdoria, Kordovia); every page is read over HTTP from uvicorn.
"""

from __future__ import annotations

import json
import re
import time

import httpx
import pytest
from sqlalchemy import select

from tests.web.conftest import Served, finished_job, job_of
from tests.web.test_load import signed_in
from tests.webserver import serve
from vigil.capture.custody import now
from vigil.connect.alerts import Rule
from vigil.store import cases, watch
from vigil.store.records import record_capture
from vigil.store.tables import CaseCapture, Digest, Job, User
from vigil.web import aggregates, queries
from vigil.web.queries import Scope
from vigil.web.routes import statements

STORY = (
    "Valdoria frees detained reporters\n\n"
    "The Valdorian interior ministry said on Monday that it had released eleven reporters. "
    "Kordovia Rights Watch demanded that the ministry publish its report on the arrests, "
    "its director Mira Okafor said.\n\n"
    "The ministry denied that the reporters had been mistreated, a spokesman said.\n"
)
SECOND = (
    "Kordovia border talks\n\n"
    "Lev Haddad, the Kordovian foreign minister, said on Tuesday that Valdorian troops had shelled "
    "border villages.\n"
)


def case_with(served: Served, *texts: str) -> int:
    with served.store.sessions.begin() as s:
        alice = s.scalars(select(User).where(User.name == "alice")).one()
        case = cases.create(s, "Valdoria", "", alice.id, "alice")
        case_id, alice_id = case.id, alice.id
    for i, t in enumerate(texts):
        add(served, case_id, alice_id, t, f"urn:upload:story-{i}")
    return case_id


def add(served: Served, case_id: int, user_id: int, text: str, uri: str) -> int:
    cap = record_capture(served.store, text.encode(), method="upload", uri=uri).capture
    with served.store.sessions.begin() as s:
        cases.add_source(s, case_id, cap.id, user_id, "alice")
    return cap.id


def alice_id(served: Served) -> int:
    with served.store.reads() as s:
        return s.scalars(select(User.id).where(User.name == "alice")).one()


def names(c: httpx.Client, case_id: int) -> set[str]:
    return {a["name"] for a in c.get(f"/api/cases/{case_id}/actors?limit=500").json()}


def test_the_actor_list_follows_new_sources_and_merges(served: Served) -> None:
    case = case_with(served, STORY)
    c, csrf = signed_in(served.url, "alice")
    before = names(c, case)
    assert "Mira Okafor" in before and "Lev Haddad" not in before
    add(served, case, alice_id(served), SECOND, "urn:upload:second")
    after = names(c, case)
    assert "Lev Haddad" in after  # a new source shows at once on a small case: rebuilt before read
    actors = c.get(f"/api/cases/{case}/actors?limit=500").json()
    lev = next(a for a in actors if a["name"] == "Lev Haddad")
    mira = next(a for a in actors if a["name"] == "Mira Okafor")
    # a merge asks first, naming both sides; nothing is judged until it is confirmed
    asked = c.post(
        f"/cases/{case}/actors/merge", data={"csrf": csrf, "into": mira["key"], "other": "Lev Haddad"}
    )
    assert asked.status_code == 200 and "Lev Haddad" in asked.text and "Mira Okafor" in asked.text
    assert "Lev Haddad" in names(c, case)
    done = c.post(
        f"/cases/{case}/actors/merge",
        data={"csrf": csrf, "into": mira["key"], "other": lev["key"], "confirm": "yes"},
    )
    assert done.status_code == 303
    assert "Lev Haddad" not in names(c, case)  # one actor now, under Mira Okafor's name
    page = c.get(done.headers["location"]).text
    assert "had shelled border villages" in page  # Lev's statement is hers now, linked to its sentence


def test_a_stored_capture_filed_into_a_case_shows_at_once(served: Served) -> None:
    """No document or statement is new when a capture of another case is filed into this one: the
    case's own event must make the aggregate stale."""
    case = case_with(served, STORY)
    other = case_with(served, SECOND)
    c, _ = signed_in(served.url, "alice")
    assert "Lev Haddad" not in names(c, case) and "Lev Haddad" in names(c, other)
    with served.store.sessions.begin() as s:
        cap = s.scalars(select(CaseCapture.capture_id).where(CaseCapture.case_id == other)).one()
        cases.add_source(s, case, cap, alice_id(served), "alice")
    assert "Lev Haddad" in names(c, case)


def test_an_actor_page_lists_their_statements_as_reviewed(served: Served) -> None:
    """What an actor said comes from the statement aggregate by name, with reviews applied: a
    rejected statement leaves the page, one a person added under the actor's name joins it."""
    case = case_with(served, SECOND, *(story(n) for n in range(3)))
    c, csrf = signed_in(served.url, "alice")
    lev = next(a for a in c.get(f"/api/cases/{case}/actors?limit=500").json() if a["name"] == "Lev Haddad")
    said = [
        st for st in c.get(f"/api/cases/{case}/statements?limit=500").json() if st["speaker"] == "Lev Haddad"
    ]
    assert len(said) >= 3

    def shown() -> str:
        page = c.get(f"/cases/{case}/actors/{lev['key']}")
        assert page.status_code == 200
        return page.text

    assert all(f'#st-{st["id"]}"' in shown() for st in said)
    gone = said[1]
    r = c.post(
        f"/api/cases/{case}/statements/{gone['id']}/review",
        json={"action": "rejected"},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 200
    page = shown()
    assert f'#st-{gone["id"]}"' not in page and f'#st-{said[0]["id"]}"' in page
    source = said[0]["capture_id"]
    r = c.post(
        f"/cases/{case}/sources/{source}/statements",
        data={"csrf": csrf, "start": "0", "end": "25", "kind": "assert", "speaker": "Lev Haddad"},
    )
    assert r.status_code == 303, r.text
    mine = [
        st
        for st in c.get(f"/api/cases/{case}/statements?limit=500").json()
        if st["id"] not in {x["id"] for x in said} and st["speaker"] == "Lev Haddad"
    ]
    assert len(mine) == 1 and f'#st-{mine[0]["id"]}"' in shown()


def test_statement_pages_count_and_page_from_the_aggregate(served: Served) -> None:
    case = case_with(served, STORY, SECOND)
    c, _ = signed_in(served.url, "alice")
    every = c.get(f"/api/cases/{case}/statements?limit=500").json()
    assert len(every) >= 3
    first = c.get(f"/api/cases/{case}/statements?limit=1").json()
    rest = c.get(f"/api/cases/{case}/statements?limit=500&offset=1").json()
    assert [s["id"] for s in first + rest] == [s["id"] for s in every]  # pages tile the whole
    demands = c.get(f"/api/cases/{case}/statements?kind=demand").json()
    assert demands and all(s["kind"] == "demand" for s in demands)
    assert {s["id"] for s in demands} < {s["id"] for s in every}
    html = c.get(f"/cases/{case}/statements").text
    assert f"{len(every)} statements" in html


def story(n: int) -> str:
    """An invented article with a demand, a denial and an accusation, dated a day apart from the next."""
    return (
        f"Valdoria hearing number {n}\n\n"
        f"Kordovia Rights Watch demanded on {n + 1} March 2026 that the ministry release prisoner {n}. "
        f"The Valdorian interior ministry denied on {n + 2} March 2026 that prisoner {n} had been beaten. "
        f"Lev Haddad accused the Valdorian police on {n + 3} March 2026 of detaining witness {n}.\n"
    )


def tiles(c: httpx.Client, path: str, size: int, through: int = 200) -> list[int]:
    """The ids of pages of `size` from the start to `through`, one after another (`path` may carry
    a query of its own)."""
    out: list[int] = []
    join = "&" if "?" in path else "?"
    for offset in range(0, through, size):
        got = c.get(f"{path}{join}limit={size}&offset={offset}").json()
        if "timeline" in path:
            got = [st for day in got for st in day["statements"]]
        out += [st["id"] for st in got]
    return out


def test_pages_of_reviewed_and_machine_statements_tile_the_whole_in_both_orders(served: Served) -> None:
    case = case_with(served, *(story(n) for n in range(6)))
    c, csrf = signed_in(served.url, "alice")
    every = c.get(f"/api/cases/{case}/statements?limit=500").json()
    assert len(every) >= 12
    # reviews scattered through the case: the pages merge them with the machine statements
    for st in every[1::3]:
        r = c.post(
            f"/api/cases/{case}/statements/{st['id']}/review",
            json={"action": "accepted"},
            headers={"X-CSRF-Token": csrf},
        )
        assert r.status_code == 200
    for path in (f"/api/cases/{case}/statements", f"/api/cases/{case}/timeline"):
        whole = tiles(c, path, 500)
        assert len(whole) == len(every) and len(set(whole)) == len(whole)
        for size in (1, 2, 5):
            assert tiles(c, path, size) == whole, (path, size)
    html = c.get(f"/cases/{case}/statements").text
    assert f"{len(every)} statements" in html  # counted from the aggregate, less and plus the reviewed
    demands = c.get(f"/api/cases/{case}/statements?kind=demand&limit=500").json()
    html = c.get(f"/cases/{case}/statements?kind=demand").text
    assert f"{len(demands)} statement" in html


def test_name_filters_keep_the_same_statements_by_index_and_in_page_order(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A speaker or target filter keeps every statement whose name holds its words, in page order,
    whether its names are looked up by index (narrow) or tested along the page order (broad)."""
    case = case_with(served, STORY, SECOND, *(story(n) for n in range(8)))
    c, _ = signed_in(served.url, "alice")
    every = c.get(f"/api/cases/{case}/statements?limit=500").json()
    order = [st["id"] for st in every]

    def kept(**filters: str) -> list[int]:
        query = "&".join(f"{k}={v}" for k, v in filters.items())
        got = [st["id"] for st in c.get(f"/api/cases/{case}/statements?limit=500&{query}").json()]
        assert got == [i for i in order if i in got]  # in page order
        return got

    pairs = {"speaker": "mira", "target": "kordovia"}
    filters_tried = [{"speaker": "haddad"}, {"speaker": "MINISTRY"}, {"target": "Rights"}, {"speaker": "a"}]
    filters_tried += [{"speaker": "mira"}, {"target": "kordovia"}, pairs]
    found: dict[str, list[list[int]]] = {}
    for share in (1.0, 0.0):  # every filter narrow, then every filter broad
        monkeypatch.setattr(queries, "NARROW", share)
        for filters in filters_tried:
            got = kept(**filters)
            for role, words in filters.items():
                wanted = {st["id"] for st in every if words.lower() in (st[role] or "").lower()}
                assert got and wanted <= set(got), (filters, share)
            found.setdefault(str(filters), []).append(got)
    assert all(a == b for a, b in found.values())  # the same statements either way
    alone = [set(found[str({role: words})][0]) for role, words in pairs.items()]
    assert set(found[str(pairs)][0]) == alone[0] & alone[1]
    assert kept(speaker="nobody-here") == []


def test_a_common_word_pages_the_same_by_probes_as_by_all_its_matches(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past COMMON matches a word's page asks the full-text index statement by statement; the
    pages, in both orders and with a kind on top, are those that reading every match gives."""
    case = case_with(served, *(story(n) for n in range(6)))
    c, _ = signed_in(served.url, "alice")

    seen: dict[str, list[list[int]]] = {}
    for common in (10**9, 0):  # every word read whole, then every word probed
        monkeypatch.setattr(queries, "COMMON", common)
        for path in ("statements", "timeline"):
            for query in ("q=prisoner", "q=prisoner+ministry", "kind=deny&q=prisoner", "q=nothing+like+this"):
                for size in (2, 500):
                    key = f"{path}?{query} by {size}"
                    seen.setdefault(key, []).append(tiles(c, f"/api/cases/{case}/{path}?{query}", size, 24))
    assert all(a == b for a, b in seen.values())
    assert seen["statements?q=prisoner by 2"][0] == seen["statements?q=prisoner by 500"][0]
    assert seen["statements?q=nothing+like+this by 500"][0] == []
    words = c.get(f"/api/cases/{case}/statements?q=prisoner&limit=500").json()
    assert len(words) >= 6 and all("prisoner" in st["text"] for st in words)


def test_a_kept_count_follows_the_reviews(served: Served) -> None:
    """A filtered count is kept for the same aggregate and filters (each page of a search counted
    its matches again), and counted anew once a review changes what it counts."""
    case = case_with(served, *(story(n) for n in range(3)))
    c, csrf = signed_in(served.url, "alice")
    words = c.get(f"/api/cases/{case}/statements?q=prisoner&limit=500").json()
    n = len(words)
    assert n >= 3
    path = f"/cases/{case}/statements?q=prisoner&reviewed=no"
    assert f"{n} statements" in c.get(path).text
    assert f"{n} statements" in c.get(path + "&page_no=2").text  # the kept count
    r = c.post(
        f"/api/cases/{case}/statements/{words[0]['id']}/review",
        json={"action": "accepted"},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 200
    assert f"{n - 1} statements" in c.get(path).text
    assert f"{n} statements" in c.get(f"/cases/{case}/statements?q=prisoner").text  # reviewed ones too


def test_an_actor_s_statements_are_the_same_walked_in_order_or_found_by_name(served: Served) -> None:
    """The actor page reads an actor's statements by their names, or walks the page order when the
    actor says much of the case: both give the same first statements, in page order."""
    case = case_with(served, SECOND, *(story(n) for n in range(6)))
    c, _ = signed_in(served.url, "alice")
    scope = Scope(case, alice_id(served))
    actors = c.get(f"/api/cases/{case}/actors?limit=500").json()
    index = aggregates.ensure(served.store, scope, aggregates.STATEMENTS)
    tried = 0
    for a in actors:
        names = aggregates.spellings(served.store, scope, a["key"])
        for role in queries.ROLES:
            with served.store.reads() as s:
                ways = [
                    [v.id for v in queries.statements_named(s, scope, index, names, role, limit, expected)]
                    for limit in (2, 500)
                    for expected in (None, 10**9)  # found by name, then walked in page order
                ]
            assert ways[0] == ways[1] == ways[2][:2] and ways[2] == ways[3], (a["name"], role)
            tried += bool(ways[2])
    assert tried >= 3


def test_a_word_filter_stops_counting_at_the_cap_and_pages_on(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    monkeypatch.setattr(statements, "PAGE_SIZE", 2)
    case = case_with(served, *(story(n) for n in range(4)))
    c, _ = signed_in(served.url, "alice")
    every = c.get(f"/api/cases/{case}/statements?limit=500").json()
    words = c.get(f"/api/cases/{case}/statements?q=prisoner&limit=500").json()
    assert len(every) > 3 and len(words) > 3
    whole = c.get(f"/cases/{case}/statements").text
    assert f"{len(every)} statements" in whole and "more than" not in whole  # unfiltered: exact
    first = c.get(f"/cases/{case}/statements?q=prisoner").text
    assert "more than 3 statements" in first and " of " not in first.split("page 1")[1][:10]
    assert "page_no=2" in first  # a stopped count still lets the reader page on
    seen = []
    for n in range(1, 10):
        page = c.get(f"/cases/{case}/statements?q=prisoner&page_no={n}").text
        seen += re.findall(r'data-statement="(\d+)"', page)
        if f"page_no={n + 1}" not in page:
            break
    assert sorted(map(int, seen)) == sorted(st["id"] for st in words)


def test_a_slow_aggregate_is_served_as_it_stands_and_rebuilt_behind(served: Served) -> None:
    case = case_with(served, STORY)
    scope = Scope(case, alice_id(served))
    first = aggregates.ensure(served.store, scope, aggregates.ACTORS)
    with served.store.sessions.begin() as s:  # as if the last build had taken a minute
        s.get(Digest, first).seconds = 60.0  # type: ignore[union-attr]
    add(served, case, scope.user_id, SECOND, "urn:upload:second")
    assert aggregates.ensure(served.store, scope, aggregates.ACTORS) == first  # no reader waits
    deadline = time.monotonic() + 60
    while True:
        rows, _ = aggregates.actor_page(served.store, scope, 0, 500)
        if "Lev Haddad" in {a.name for a in rows}:
            break
        assert time.monotonic() < deadline, "the aggregate was never rebuilt"
        time.sleep(0.1)
    assert aggregates.ensure(served.store, scope, aggregates.ACTORS) > first


def test_a_pasted_list_is_captured_as_a_job_with_each_outcome(served: Served) -> None:
    case = case_with(served)
    c, csrf = signed_in(served.url, "alice")
    pages = {
        f"/story-{i}": (200, {"Content-Type": "text/plain; charset=utf-8"}, t.encode())
        for i, t in enumerate((STORY, SECOND))
    }
    with serve(routes=pages) as base:
        listed = f"{base}/story-0\n\n{base}/story-1\n{base}/missing\n{base}/story-0\n"
        r = c.post(f"/cases/{case}/capture", data={"csrf": csrf, "urls": listed, "note": "desk list"})
        assert r.status_code == 303
        job = finished_job(c.get, case, job_of(r.headers["location"]))
    assert job["state"] == "done" and job["total"] == 3 and job["done"] == 3  # the repeat dropped
    ok = [x for x in job["results"] if not x.get("notice")]
    bad = [x for x in job["results"] if x.get("notice")]  # the 404 is recorded as evidence, not a source
    assert len(ok) == 2 and len(bad) == 1 and bad[0]["item"].endswith("/missing")
    assert "404" in bad[0]["notice"]
    page = c.get(f"/cases/{case}").text
    assert f"/cases/{case}/sources/{ok[0]['capture_id']}" in page and "desk list" in page
    assert "hx-trigger" not in page.split('id="jobs"')[1].split(">")[0]  # nothing runs: no polling
    assert "Lev Haddad" in names(c, case)  # the job rebuilt the case's aggregates


def test_a_job_whose_server_stopped_reads_as_interrupted(served: Served) -> None:
    case = case_with(served)
    with served.store.sessions.begin() as s:
        s.add(
            Job(
                case_id=case,
                kind="urls",
                items=json.dumps(["https://example.org/a", "https://example.org/b"]),
                note=None,
                by="alice",
                at="2026-01-01T00:00:00Z",
                state="running",
                done=1,
                total=2,
                results="[]",
                updated_at="2026-01-01T00:00:00Z",
            )
        )
    c, _ = signed_in(served.url, "alice")
    jobs = c.get(f"/api/cases/{case}/jobs").json()
    assert jobs[0]["state"] == "interrupted"
    assert "the server was stopped while it ran" in c.get(f"/cases/{case}").text


def test_the_alerts_page_shows_what_a_rule_raised_and_its_delivery(served: Served) -> None:
    case = case_with(served)
    with served.store.sessions.begin() as s:
        row = watch.add_rule(s, case, "kind", "deny", "http://127.0.0.1:9/hook", None, "alice")
        rule = Rule(row.id, case, "kind", "deny", "http://127.0.0.1:9/hook", None)
        payload = {
            "rule": {"id": row.id, "field": "kind", "value": "deny"},
            "statement": {"text": "The ministry denied the shelling.", "speaker": "Valdorian ministry"},
        }
        failed = [{"channel": "webhook", "to": rule.webhook, "ok": False, "detail": "connection refused"}]
        watch.record_alert(s, rule, None, "statement 7", payload, failed)
    c, _ = signed_in(served.url, "alice")
    html = c.get(f"/cases/{case}/alerts").text
    assert "The ministry denied the shelling." in html and "not delivered (connection refused)" in html
    assert "Raised (1)" in html
    api = c.get(f"/api/cases/{case}/alerts").json()
    assert api[0]["subject"] == "statement 7" and api[0]["deliveries"][0]["ok"] is False
    assert now() > api[0]["at"]


def test_one_build_of_an_aggregate_at_a_time_across_processes(served: Served) -> None:
    """While another process holds an aggregate's build lock, a rebuild behind is left to it, and a
    reader that must wait finds that build when it gets the lock (the lock is a file: a second open
    of it here stands for another process)."""
    case = case_with(served, STORY)
    scope = Scope(case, alice_id(served))
    first = aggregates.ensure(served.store, scope, aggregates.ACTORS)
    add(served, case, scope.user_id, SECOND, "urn:upload:second")
    with aggregates._machine_lock(served.store, scope, aggregates.ACTORS, wait=True) as held:
        assert held
        assert aggregates._rebuild(served.store, scope, aggregates.ACTORS, wait=False) is None
        with served.store.reads() as s:
            assert digest_ids(s, case) == [first]  # nothing was built meanwhile
    built = aggregates.ensure(served.store, scope, aggregates.ACTORS, fresh=True)
    assert built > first
    assert aggregates._rebuild(served.store, scope, aggregates.ACTORS, wait=False) == built  # fresh


def digest_ids(s, case_id: int) -> list[int]:  # type: ignore[no-untyped-def]
    q = select(Digest.id).where(Digest.case_id == case_id, Digest.part == aggregates.ACTORS)
    return list(s.scalars(q.order_by(Digest.id)))

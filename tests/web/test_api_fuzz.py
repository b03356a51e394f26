"""The JSON API fuzzed from its own OpenAPI schema, over real HTTP, as a signed-in member of case A.

Schemathesis generates every operation's inputs (valid ones, and invalid ones that break the
schema) against the `served` workbench holding the matrix world of test_matrix.py: cases A and
B, A's source R restricted to A's owner. The editor, edda, is no member of B and not among R's
members, so no answer to her may carry B's or R's text or hashes; A's owner, olga, fuzzed the
same way (she alone reaches the restrict route's body), may see R but never B. No answer may be
a 5xx or carry a traceback.

Nothing is skipped. The operations the schema lists are all fuzzed, capture included: a
generated URL that starts like http(s) is pointed at 127.0.0.1:9 (nothing listens there; the
served app allows private addresses), so no test run fetches from the network. The routes
outside the schema (pages, sign-in, /api/docs, /api/openapi.json) are in test_matrix.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from tests.web.conftest import Served, finished_job, job_of
from tests.web.test_matrix import B_SENTENCE, R_SENTENCE, Tracebacks, World, build_world
from tests.web.test_matrix import tracebacks as tracebacks  # the fixture
from vigil.web import auth

POS, NEG = GenerationMode.POSITIVE, GenerationMode.NEGATIVE

# examples per operation, split over its fixed path sets (at least 2 each), and with nothing fixed
POSITIVE, NEGATIVE, FREE = 16, 8, 6
EDITOR, OWNER = "edda", "olga"  # edda: editor of A, excluded from R; neither is a member of B
TRACE = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\.py\", line \d+")
OWN = "Mirela Stanescu"  # of A's open source P, which every member of A sees
HTTP = re.compile(r"\s*https?:", re.IGNORECASE)


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    calls: int = 0
    own: int = 0  # answers that showed A's open source: the searched bodies are real answers
    statuses: dict[str, set[int]] = field(default_factory=dict)

    seen: set[Any] = field(default_factory=set)

    def add(self, what: str, key: Any = None) -> None:
        """One finding; the first input only, of those that fail the same way."""
        key = key or what
        if key not in self.seen and len(self.problems) < 60:
            self.seen.add(key)
            self.problems.append(what)


def short(traceback: str) -> str:
    """A logged traceback cut to Vigil's own frames and the exception."""
    lines = traceback.splitlines()
    keep = [lines[0]] if lines else []
    for i, line in enumerate(lines):
        if "/vigil/" in line and line.lstrip().startswith("File "):
            keep += lines[i : i + 2]
    return "\n".join(keep + lines[-1:])


def forbidden_markers(world: World, user: str) -> dict[str, str]:
    if user == OWNER:
        return {
            "B's sentence": B_SENTENCE,
            "B's capture SHA-256": world.b_sha,
            "B's name": "Orvane",
            "B's edit of the shared seed": "Okonkwo",
        }
    return {
        "B's sentence": B_SENTENCE,
        "B's capture SHA-256": world.b_sha,
        "B's name": "Orvane",
        "B's edit of the shared seed": "Okonkwo",
        "R's sentence": R_SENTENCE,
        "R's capture SHA-256": world.r_sha,
        "R's actor": "Ravensworth",
    }


def path_sets(world: World, params: set[str]) -> list[dict[str, int]]:
    """Path parameters to fix: A's own records, and records of B or R that must never answer 2xx."""
    a, b = world.a, world.b
    if "capture_id" in params:
        pairs = [(a, world.p), (a, world.seed), (a, world.r), (a, world.bx), (b, world.bx)]
        return [{"case_id": c, "capture_id": x} for c, x in pairs]
    if "statement_id" in params:
        pairs = [
            (a, world.p_statement),
            (a, world.r_statement),
            (a, world.b_statement),
            (b, world.b_statement),
        ]
        return [{"case_id": c, "statement_id": x} for c, x in pairs]
    if "case_id" in params:
        return [{"case_id": a}, {"case_id": b}]
    assert not params, f"a new path parameter {params}: choose its values here"
    return [{}]


def hermetic(case: Any) -> Any:
    """A capture URL that could reach the network is sent to 127.0.0.1:9, keeping its text in the path."""
    body = case.body
    if isinstance(body, dict) and isinstance(body.get("url"), str) and HTTP.match(body["url"]):
        body["url"] = "http://127.0.0.1:9/" + quote(body["url"], safe="")[:3000]
    return case


# Values the schema cannot name: it types a review's `action` as any short string and a
# restriction's `members` as any names, so generated bodies would all stop at the route's 422.
# Positive examples take one of these (or keep what was generated), to reach the code past it.
STEER: dict[str, dict[str, list[Any]]] = {
    "/review": {
        "action": ["accepted", "edited", "rejected", "edited", "added"],
        "changes": [
            {"kind": "deny", "speaker": "Someone Else"},
            {"date": "2024-13", "target": ""},
            {"speaker": "x" * 301},
            {"kind": None, "date": "--02-30"},
        ],
    },
    "/restrict": {"members": [None, [], ["edda"], ["xena", "vicky"], ["nobody", "edda"]]},
}


def steer(pair: tuple[Any, int, int]) -> Any:
    case, i, j = pair
    for suffix, fields in STEER.items():
        if case.path.endswith(suffix) and isinstance(case.body, dict):
            for n, (key, values) in enumerate(fields.items()):
                pick = (i, j)[n % 2]
                if pick < len(values):
                    case.body[key] = values[pick]
    return case


def steered(strategy: Any, mode: GenerationMode) -> Any:
    if mode is NEG:
        return strategy.map(hermetic)
    return st.tuples(strategy, st.integers(0, 9), st.integers(0, 7)).map(steer).map(hermetic)


def must_not_answer(world: World, user: str, path: dict[str, Any]) -> str | None:
    """Why this request may not answer 2xx to the user, or None when it may."""
    if path.get("case_id") == world.b:
        return "case B, of which the user is no member"
    if path.get("capture_id") == world.bx:
        return "a source of case B"
    if path.get("statement_id") == world.b_statement:
        return "a statement of case B"
    if user != OWNER and path.get("capture_id") == world.r:
        return "source R, restricted to A's owner"
    if user != OWNER and path.get("statement_id") == world.r_statement:
        return "a statement of R, restricted to A's owner"
    return None


def judge(
    world: World, user: str, case: Any, response: Any, found: Findings, tracebacks: Tracebacks, before: int
) -> None:
    label = f"{case.method} {case.path}"
    found.calls += 1
    found.statuses.setdefault(label, set()).add(response.status_code)
    sent = f"path={case.path_parameters} query={case.query} body={case.body!r:.300}"
    body = response.content.decode("utf-8", errors="replace")
    if response.content_size != len(response.content):
        found.add(f"{label}: body kept only in part, cannot be searched ({sent})")
    if response.status_code >= 500:
        logged = "\n".join(short(t) for t in tracebacks.seen[before:]) or "(nothing logged)"
        kind = logged.splitlines()[-1].split(":")[0]  # the exception's type
        found.add(f"{label} -> {response.status_code} for {sent}\n{logged}", key=(label, kind))
    if OWN in body:
        found.own += 1
    if TRACE.search(body):
        found.add(f"{label}: traceback text in the body for {sent}")
    for what, marker in forbidden_markers(world, user).items():
        if marker in body:
            found.add(f"{label}: the body shows {what} for {sent}")
    why = must_not_answer(world, user, case.path_parameters or {})
    if why and 200 <= response.status_code < 300:
        found.add(f"{label} -> {response.status_code} for {why} ({sent})")


@pytest.fixture
def fuzzed(served: Served, tracebacks: Tracebacks) -> tuple[Served, World]:
    return served, build_world(served.store)


@pytest.mark.parametrize("user", [EDITOR, OWNER])
def test_api_fuzz(fuzzed: tuple[Served, World], tracebacks: Tracebacks, user: str) -> None:
    served, world = fuzzed
    token, csrf = world.sessions[user]
    cookies = {auth.COOKIE: token}
    schema = schemathesis.openapi.from_url(f"{served.url}/api/openapi.json", cookies=cookies, timeout=30)
    http = requests.Session()
    found = Findings()
    operations = [result.ok() for result in schema.get_all_operations()]
    labels = {f"{op.method.upper()} {op.path}" for op in operations}
    assert len(labels) >= 11 and "POST /api/cases/{case_id}/capture" in labels, labels

    nothing_to_break: list[str] = []

    def fuzz(op: Any, mode: GenerationMode, fixed: dict[str, int] | None, n: int) -> None:
        @settings(
            max_examples=n,
            deadline=None,
            database=None,
            derandomize=True,  # the same inputs every run, so a finding can be replayed
            phases=[Phase.generate],  # no shrinking: problems are collected, not raised
            suppress_health_check=list(HealthCheck),
        )
        @given(case=steered(op.as_strategy(mode, path_parameters=fixed), mode))
        def run(case: Any) -> None:
            before = len(tracebacks.seen)
            response = case.call(
                base_url=served.url, session=http, headers={"X-CSRF-Token": csrf}, cookies=cookies, timeout=30
            )
            judge(world, user, case, response, found, tracebacks, before)

        try:
            run()
        except Unsatisfiable:
            if mode is POS:
                raise
            # nothing left to make invalid (no query or body, the path fixed): listed, not hidden
            nothing_to_break.append(f"{op.method.upper()} {op.path} {fixed or 'with a free path'}")

    for op in operations:
        sets = path_sets(world, {p.name for p in op.path_parameters})
        for fixed in sets:
            fuzz(op, POS, fixed or None, max(2, POSITIVE // len(sets)))
            fuzz(op, NEG, fixed or None, max(2, NEGATIVE // len(sets)))
        if sets != [{}]:
            fuzz(op, POS, None, FREE)  # ids that do not exist, or are others'
            fuzz(op, NEG, None, FREE)  # ids that are no ids

    print("\nnegative mode had nothing to make invalid for:", *nothing_to_break, sep="\n  ")
    print(f"{found.calls} API calls; statuses per operation:")
    for label in sorted(found.statuses):
        print(f"  {label:60} {sorted(found.statuses[label])}")
    assert found.calls > 250 and found.own > 10, (found.calls, found.own)
    assert set(found.statuses) == labels, "an operation was never called"
    # the editor's own reads did answer with A's records, so the searches above were not empty
    assert {200} <= found.statuses["GET /api/cases/{case_id}/statements"]
    assert {200} <= found.statuses["GET /api/cases/{case_id}/sources/{capture_id}"]
    assert {200} <= found.statuses["POST /api/cases/{case_id}/statements/{statement_id}/review"]
    if user == OWNER:
        assert {200} <= found.statuses["POST /api/cases/{case_id}/sources/{capture_id}/restrict"]
    assert not found.problems, "API fuzzing found:\n" + "\n\n".join(found.problems)


# capture URLs whose host breaks before any lookup is sent (so no network is used): an empty
# label, a label over 63 characters, a malformed punycode label, a control character; and
# refusals that must stay 422
CAPTURE_URLS = [
    "\x07",
    "http://exa\x00mple.org/",
    "http://a..b/",
    "http://" + "a" * 64 + ".example/",
    "http://xn--a/",
    "javascript:alert(1)",
    "http://:80/",
    "http://127.0.0.1:9/x",
]


def test_capture_refuses_bad_urls(fuzzed: tuple[Served, World], tracebacks: Tracebacks) -> None:
    """Each URL through the API (422) and through the form (back to the case with the error)."""
    served, world = fuzzed
    token, csrf = world.sessions[EDITOR]
    failures = []
    for url in CAPTURE_URLS:
        for path, kw in (
            (f"/api/cases/{world.a}/capture", {"json": {"url": url}}),
            (f"/cases/{world.a}/capture", {"data": {"url": url}}),
        ):
            before = len(tracebacks.seen)
            r = requests.post(
                served.url + path,
                headers={"X-CSRF-Token": csrf},
                cookies={auth.COOKIE: token},
                allow_redirects=False,
                timeout=30,
                **kw,
            )
            where = r.headers.get("location", "")
            if path.startswith("/api/"):
                ok = r.status_code == 422
            elif r.status_code == 303 and "?job=" in where:  # fetched in the background: fails there
                job = finished_job(
                    lambda u: requests.get(served.url + u, cookies={auth.COOKIE: token}),
                    world.a,
                    job_of(where),
                )
                ok = job["state"] == "failed" and "error" in job["results"][0]
            else:
                ok = r.status_code == 303 and "error=" in where
            if not ok:
                logged = "\n".join(short(t) for t in tracebacks.seen[before:])
                failures.append(f"POST {path} url={url!r} -> {r.status_code}\n{logged}")
    assert not failures, "\n\n".join(failures)

"""Security headers on every answer, no inline script or style, error pages, and the vendored Swagger UI."""

from __future__ import annotations

import hashlib
import logging
import re
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.web import test_access
from tests.web.conftest import PASSWORD, Served
from vigil.capture.screenshot import FLAGS, chromium_path
from vigil.store import jobs as job_rows
from vigil.store.db import Store
from vigil.store.tables import Job, User
from vigil.web.auth import add_user
from vigil.web.errors import install_error_handlers
from vigil.web.headers import CSP, install_security_headers

world = test_access.world  # the module-scoped case with one seeded source, reused as this module's fixture
client, routes, fill, SEED = test_access.client, test_access.routes, test_access.fill, test_access.SEED

WEB = Path(__file__).parents[2] / "src" / "vigil" / "web"
EXPECTED = {
    "content-security-policy": CSP,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}
World = tuple[Store, dict[str, int]]


def assert_secure(r: httpx.Response, static: bool = False) -> None:
    """Every security header exactly once with its value; no-store unless the answer is a static file."""
    where = f"{r.request.method} {r.request.url.path} ({r.status_code})"
    for name, value in EXPECTED.items():
        assert r.headers.get_list(name) == [value], (where, name, r.headers.get_list(name))
    cache = r.headers.get_list("cache-control")
    if static:
        assert not any("no-store" in c for c in cache), (where, cache)
    else:
        assert cache == ["no-store"], (where, cache)


class Inline(HTMLParser):
    """Collects what a Content-Security-Policy without 'unsafe-inline' refuses: inline script and style."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = [n.lower() for n, _ in attrs]
        if tag == "script" and "src" not in names:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style> element")
        self.in_script = tag == "script"
        self.found += [f"<{tag} {n}=>" for n in names if n == "style" or n.startswith(("on", "hx-on"))]
        self.found += [
            f"<{tag} {n}=javascript:>" for n, v in attrs if (v or "").lower().startswith("javascript:")
        ]

    def handle_data(self, data: str) -> None:
        if self.in_script and data.strip():
            self.found.append("script element with inline code")

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False


def inline_code(html: str) -> list[str]:
    parser = Inline()
    parser.feed(html)
    return parser.found


def pages(store: Store, ids: dict[str, int]) -> list[str]:
    """Every GET route of the app with its placeholders filled in."""
    return sorted({fill(p, ids) for m, p in routes(store) if m == "GET"})


def admin(store: Store) -> TestClient:
    """A signed-in administrator, for the pages only an administrator sees (alice owns the case)."""
    with store.sessions.begin() as s:
        if s.scalar(select(User).where(User.name == "root")) is None:
            add_user(s, "root", PASSWORD, "admin")
    return client(store, "root")[0]


def visit(store: Store, ids: dict[str, int]) -> list[httpx.Response]:
    """Every page, as the case's owner or, where she may not see it, as an administrator; all answer 200."""
    c, _ = client(store, "alice")
    root = admin(store)
    with store.sessions.begin() as s:  # a capture job for the job page to show (job_id=1)
        if s.get(Job, 1) is None:
            job_rows.create(s, ids["case_id"], "urls", ["https://example.org/"], None, "alice")
    items = c.get(f"/api/cases/{ids['case_id']}/tracker").json()
    assert items, "the seed's demands are tracked"
    out = []
    for path in pages(store, ids):
        path = path.replace("/tracker/0123456789abcdef", f"/tracker/{items[0]['id']}")  # a real item
        r = c.get(path)
        if r.status_code in (403, 404):
            r = root.get(path)
        if path.endswith("/next-unreviewed"):  # a way to a page, not a page
            assert r.status_code == 303, (path, r.status_code)
            continue
        assert r.status_code == 200, (path, r.status_code)
        out.append(r)
    return out


def test_every_answer_carries_the_security_headers(world: World) -> None:
    store, ids = world
    c, _ = client(store, "alice")
    visited = visit(store, ids)
    assert len(visited) > 15 and "/api/docs" in {r.request.url.path for r in visited}
    for r in visited:
        assert_secure(r)
    for path in ("/no/such/page", "/api/no/such/thing", f"/cases/{ids['case_id']}?page_no=1"):
        assert_secure(c.get(path))
    assert_secure(c.post("/cases", data={"csrf": "forged", "name": "x"}))  # the CSRF middleware's own 403
    anon, _ = client(store, None)
    assert_secure(anon.get("/login"))
    assert_secure(anon.get("/"))  # the redirect to sign-in
    assert_secure(anon.get("/api/cases"))  # 401
    for path in ("/static/vigil.css", "/static/htmx.min.js", "/static/swagger/swagger-ui.css"):
        r = anon.get(path)
        assert r.status_code == 200, path
        assert_secure(r, static=True)


def test_a_routes_own_header_is_not_doubled(world: World) -> None:
    store, ids = world
    c, _ = client(store, "alice")
    r = c.get(f"/cases/{ids['case_id']}/sources/{ids['capture_id']}/original")
    assert r.status_code == 200 and r.headers.get_list("x-content-type-options") == ["nosniff"]


def test_no_page_has_inline_script_or_style(world: World) -> None:
    store, ids = world
    c, _ = client(store, "alice")
    anon, _ = client(store, None)
    answers = [
        *visit(store, ids),
        anon.get("/login"),
        anon.post("/login", data={"name": "alice", "password": "wrong password!"}),
        c.get("/no/such/page"),
        c.get("/cases"),  # 405
        c.get("/cases/abc"),  # 422
    ]
    html = [r for r in answers if r.headers["content-type"].startswith("text/html")]
    assert len(html) >= 12
    source = next(r for r in html if r.request.url.path.endswith(f"/sources/{ids['capture_id']}"))
    assert 'id="add-form"' in source.text and "/static/source.js" in source.text  # the feature is on the page
    for r in html:
        assert inline_code(r.text) == [], (r.request.url.path, inline_code(r.text))


def test_no_template_has_inline_script_or_style() -> None:
    templates = sorted((WEB / "templates").glob("*.html"))
    assert len(templates) >= 10
    for t in templates:
        text = t.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", text), t.name
        assert not re.search(r"\s(?:on[a-z]+|hx-on[:\w-]*|style)\s*=", text), t.name
        assert "<style" not in text, t.name


def test_inline_detector_finds_what_it_must() -> None:
    bad = '<script>x()</script><p style="color:red" onclick="y()"><a href="javascript:z()">a</a><style>p{}</style>'
    assert len(inline_code(bad)) == 6
    assert inline_code('<script src="/static/a.js" defer></script><p data-on="x" class="on">') == []


def test_browser_errors_are_pages_and_api_errors_are_json(world: World) -> None:
    store, ids = world
    c, csrf = client(store, "alice")
    for path, status in (("/no/such/page", 404), ("/cases/99999", 404), ("/cases", 405), ("/cases/abc", 422)):
        r = c.get(path)
        assert r.status_code == status, path
        assert r.headers["content-type"].startswith("text/html"), path
        assert f"<h1>{status} ·" in r.text and 'class="brand"' in r.text, path
        assert "Traceback" not in r.text and 'File "' not in r.text, path
    assert "POST" in c.get("/cases").headers["allow"]
    assert "case_id" in c.get("/cases/abc").text  # the one line says what was wrong
    r = c.post("/cases", data={"csrf": csrf})  # a form without its name: 422 as a page
    assert r.status_code == 422 and "name: Field required" in r.text

    r = c.get("/api/no/such/thing")
    assert r.status_code == 404 and r.json() == {"detail": "Not Found"}
    r = c.get("/api/cases/99999")
    assert r.status_code == 404 and r.json() == {"detail": "not found"}
    r = c.get("/api/cases/abc")
    assert r.status_code == 422 and r.headers["content-type"] == "application/json"
    assert r.json() == {
        "detail": [
            {
                "type": "int_parsing",
                "loc": ["path", "case_id"],
                "msg": "Input should be a valid integer, unable to parse string as an integer",
            }
        ]
    }  # typed and short: no echo of the input, no links
    r = c.get(f"/api/cases/{ids['case_id']}/export?format=xls")
    assert r.status_code == 422 and r.headers["content-type"] == "application/json"
    assert "detail" in r.json() and "Traceback" not in r.text


def test_signing_in_is_still_asked_for(world: World) -> None:
    store, _ = world
    anon, _ = client(store, None)
    r = anon.get("/cases/1")
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert anon.get("/api/docs").status_code == 401
    assert anon.get("/api/openapi.json").json() == {"detail": "sign in first"}


def broken_app() -> FastAPI:
    """A real app, wired as create_app wires the workbench, with a route that fails."""
    app = FastAPI()

    @app.get("/page/{name}")
    def page(name: str) -> str:
        raise RuntimeError(f"secret detail about {name}")

    @app.get("/api/thing/{name}")
    def thing(name: str) -> str:
        raise RuntimeError(f"secret detail about {name}")

    install_error_handlers(app)
    install_security_headers(app)
    return app


def test_an_unhandled_error_is_logged_and_answered_without_a_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    c = TestClient(broken_app())
    with caplog.at_level(logging.ERROR, logger="vigil.web"):
        r = c.get("/page/Jane%20Doe")
        j = c.get("/api/thing/Jane%20Doe")
    assert r.status_code == 500 and r.headers["content-type"].startswith("text/html")
    assert "<h1>500 ·" in r.text and "The error was logged" in r.text
    assert "secret detail" not in r.text and "Traceback" not in r.text and "RuntimeError" not in r.text
    assert j.status_code == 500 and set(j.json()) == {"detail"} and "secret" not in j.text
    assert_secure(r)
    assert_secure(j)
    logged = [rec for rec in caplog.records if rec.name == "vigil.web"]
    assert len(logged) == 2 and all(rec.exc_info for rec in logged)  # the traceback goes to the log
    assert "/page/{name}" in logged[0].getMessage() and "Jane" not in logged[0].getMessage()


def vendored() -> dict[str, str]:
    """File name -> SHA-256 as static/swagger/VERSION records them."""
    lines = (WEB / "static" / "swagger" / "VERSION").read_text().splitlines()
    return {
        name: sha for sha, name in (ln.split("  ", 1) for ln in lines if re.match(r"^[0-9a-f]{64}  ", ln))
    }


def test_swagger_ui_is_vendored_pinned_and_unaltered() -> None:
    version = (WEB / "static" / "swagger" / "VERSION").read_text().splitlines()[0]
    assert re.fullmatch(r"swagger-ui-dist 5\.\d+\.\d+", version)
    hashes = vendored()
    assert {"swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"} <= set(hashes)
    for name, sha in hashes.items():
        assert hashlib.sha256((WEB / "static" / "swagger" / name).read_bytes()).hexdigest() == sha, name


def test_api_docs_loads_only_this_servers_static_files(world: World) -> None:
    store, _ = world
    c, _ = client(store, "alice")
    r = c.get("/api/docs")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    urls = re.findall(r'\s(?:src|href)="([^"]+)"', r.text)
    assert "/static/swagger/swagger-ui-bundle.js" in urls and "/static/swagger/swagger-ui.css" in urls
    assert all(u.startswith("/static/") for u in urls), urls
    assert not re.search(r"https?:|=\s*[\"']//", r.text)  # no absolute or protocol-relative URL at all
    assert inline_code(r.text) == []
    for u in urls:
        assert c.get(u).status_code == 200, u
    assert 'data-openapi="/api/openapi.json"' in r.text
    assert "/api/cases/{case_id}/statements" in c.get("/api/openapi.json").json()["paths"]


needs_chromium = pytest.mark.skipif(
    not Path(chromium_path()).exists(), reason=f"no Chromium at {chromium_path()}"
)


@needs_chromium
def test_in_a_browser_nothing_is_refused_and_selection_still_adds_a_statement(served: Served) -> None:
    """Chromium enforces the CSP: htmx, the source view's script and Swagger UI must all run under it."""
    from playwright.sync_api import expect, sync_playwright

    refused: list[str] = []
    elsewhere: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
        page.on(
            "request",
            lambda q: None if q.url.startswith((served.url, "data:")) else elsewhere.append(q.url),
        )
        page.goto(served.url + "/login")
        page.fill("input[name=name]", "alice")
        page.fill("input[name=password]", PASSWORD)
        page.click("button:has-text('Sign in')")
        page.fill("input[name=name]", "Selection")
        page.click("button:has-text('Create case')")
        page.set_input_files("input[name=file]", str(SEED))
        page.click("button:has-text('Capture')")  # a job: htmx refreshes its progress in place
        page.locator("#jobs li.job.done a").first.click(timeout=120_000)
        expect(page.locator("h1")).to_have_text("U.N. Human Rights to visit Xinjiang")
        before = page.locator(".st-card").count()

        sentence = page.locator("#article p:has-text('took office in 2018')")
        sentence.click(click_count=3)  # a real selection, and the mouseup source.js listens for
        expect(page.locator("#add")).to_have_attribute("open", "")
        picked = page.locator("#sel-text").inner_text()
        assert picked.startswith("Bachelet has talked about hoping to visit Xinjiang")
        start = int(page.input_value("#sel-start"))
        assert int(page.input_value("#sel-end")) == start + len(picked)
        page.fill("#add-form input[name=speaker]", "Selected speaker")
        page.click("#add-form button:has-text('Add')")
        expect(page.locator(".st-card")).to_have_count(before + 1)
        expect(page.locator(".st-card", has_text="Selected speaker")).to_contain_text("took office in 2018")

        page.goto(served.url + "/api/docs")
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("Vigil workbench")
        expect(page.locator(".opblock").first).to_be_visible()
        assert refused == [] and elsewhere == []

        ran = page.evaluate(
            "() => { const s = document.createElement('script'); s.textContent = 'window.inlineRan = 1';"
            " document.head.appendChild(s); return window.inlineRan === 1; }"
        )
        page.wait_for_timeout(200)
        assert ran is False and refused, "the CSP must refuse inline script (and the check must see it)"
        browser.close()

"""The case across sources in Chromium: dashboard, a tracker item overridden by a reviewer, contested claims."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.web.conftest import Served, signed_in_page
from vigil.capture.screenshot import FLAGS, chromium_path
from vigil.store import cases
from vigil.store.records import record_capture
from vigil.store.tables import TrackerChange, User

STORY = Path(__file__).parent.parent / "data" / "story"

pytestmark = pytest.mark.skipif(
    not Path(chromium_path()).exists(), reason=f"no Chromium at {chromium_path()}"
)


def _story_case(served: Served) -> int:
    got = []
    for line in (STORY / "published.tsv").read_text().splitlines():
        name, day = line.split("\t")
        path = STORY / name
        got.append(
            record_capture(served.store, path.read_bytes(), method="file", uri=path.as_uri(), published=day)
        )
    with served.store.sessions.begin() as s:
        alice = s.scalars(select(User).where(User.name == "alice")).one()
        case = cases.create(s, "Valdoria", "The invented Kessar story", alice.id, "alice")
        for g in got:
            cases.add_source(s, case.id, g.capture.id, alice.id, "alice")
        return case.id


def test_dashboard_tracker_override_and_contested(served: Served, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    case_id = _story_case(served)
    shots = Path(os.environ.get("VIGIL_SCREENSHOTS") or tmp_path)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=FLAGS)
        page = signed_in_page(browser, served.url, 1300, 1000)

        page.goto(f"{served.url}/cases/{case_id}/dashboard")
        expect(page.locator("h1")).to_contain_text("dashboard")
        assert page.locator("svg.plot rect.bar").count() >= 4  # statements by kind over several months
        expect(page.locator("section:has(h2:text('Overdue'))")).to_contain_text("publish findings")
        page.screenshot(path=str(shots / "dashboard.png"), full_page=True)

        page.click("header a:has-text('Tracker')")
        item = page.locator("section.item", has_text="lift state of emergency")
        expect(item.locator("h2 .tstatus")).to_have_text("open")
        item.locator("select[name=status]").select_option("refused")
        item.locator("input[name=note]").fill("The ministry said so at a press briefing we attended.")
        item.locator("button:has-text('Record decision')").click()
        item = page.locator("section.item", has_text="lift state of emergency")
        expect(item.locator("h2 .tstatus")).to_have_text("refused")
        expect(item).to_contain_text("machine proposes open")
        expect(item.locator(".thread li").last).to_contain_text("reviewer alice")
        met = page.locator("section.item", has_text="free Daniel Corvin")
        expect(met.locator(".thread")).to_contain_text("Authorities freed Daniel Corvin on 2 July")
        page.screenshot(path=str(shots / "tracker.png"), full_page=True)

        page.click("header a:has-text('Contested')")
        claim = page.locator("section.contested", has_text="accused the police of beating")
        expect(claim.locator(".sides > div").nth(1)).to_contain_text("rejected the accusation")
        page.screenshot(path=str(shots / "contested.png"), full_page=True)
        browser.close()

    with served.store.sessions() as s:  # the decision is a chained record with the reviewer's note
        rows = list(s.scalars(select(TrackerChange)))
    assert [(r.status, r.by, r.origin) for r in rows] == [("refused", "alice", "reviewer")]
    from vigil.store.verify import verify

    assert list(verify(served.store)) == []
    from sqlalchemy import text

    with served.store.engine.begin() as c:  # a status changed behind Vigil's back is found and named
        c.execute(text("UPDATE tracker_changes SET status = 'met'"))
    found = [str(p) for p in verify(served.store)]
    assert any("tracker_changes" in p for p in found), found

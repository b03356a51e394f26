"""The workbench in a real browser: Debian's Chromium driven by Playwright."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from tests.web.conftest import PASSWORD, Served
from vigil.capture.screenshot import FLAGS, chromium_path

SEED = Path(__file__).parent.parent / "data" / "seed_un_xinjiang_visit.txt"

pytestmark = pytest.mark.skipif(
    not Path(chromium_path()).exists(),
    reason=f"no Chromium at {chromium_path()} (make test installs it when it can)",
)


def marked(page: object, selector: str) -> int:
    """How many statements are highlighted (one statement may span several marked pieces)."""
    js = "els => new Set(els.map(e => e.dataset.statement)).size"
    return int(page.eval_on_selector_all(selector, js))  # type: ignore[attr-defined]


def test_sign_in_case_upload_review_search_export_timeline(served: Served, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    shots = Path(os.environ.get("VIGIL_SCREENSHOTS") or tmp_path)  # `make screenshots` refreshes docs/

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.goto(served.url + "/")
        expect(page).to_have_url(served.url + "/login")
        page.fill("input[name=name]", "alice")
        page.fill("input[name=password]", "wrong password!")
        page.click("button:has-text('Sign in')")
        expect(page.locator(".error")).to_contain_text("wrong name or password")
        page.fill("input[name=name]", "alice")
        page.fill("input[name=password]", PASSWORD)
        page.click("button:has-text('Sign in')")
        expect(page.locator("h1")).to_have_text("Cases")

        page.fill("input[name=name]", "Xinjiang visit")
        page.fill("input[name=description]", "UN access to Xinjiang")
        page.click("button:has-text('Create case')")
        expect(page.locator("h1")).to_have_text("Xinjiang visit")

        page.set_input_files("input[name=file]", str(SEED))
        page.click("button:has-text('Capture')")  # a background job: the case page shows its progress
        expect(page.locator("#jobs li.job").first).to_be_visible()
        page.locator("#jobs li.job.done a").first.click(timeout=120_000)  # its source, once captured
        expect(page.locator("h1")).to_have_text("U.N. Human Rights to visit Xinjiang")
        assert marked(page, "#article mark.st") == 8
        assert marked(page, "#article mark.demand") == 2
        expect(page.locator("#article .actor").first).to_be_visible()
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / "source-view.png"), full_page=True)
        assert (shots / "source-view.png").stat().st_size > 10_000

        cards = page.locator(".st-card")
        first = cards.nth(0)
        first.locator("button:has-text('Accept')").click()
        expect(page.locator(".st-card").nth(0).locator(".status")).to_contain_text("accepted by alice")
        second = page.locator(".st-card").nth(1)
        second.locator("summary:has-text('Edit')").click()
        second.locator("select[name=kind]").select_option("assert")
        second.locator("button:has-text('Save')").click()
        edited = page.locator(".st-card").nth(1)
        expect(edited.locator(".status")).to_contain_text("edited by alice")
        expect(edited.locator(".kind")).to_have_text("assert")
        expect(edited).to_contain_text("machine said: commit")
        page.locator(".st-card").nth(4).locator("button:has-text('Reject')").click()
        expect(page.locator(".st-card").nth(4).locator(".status")).to_contain_text("rejected")
        assert marked(page, "#article mark.st:not([data-status=rejected])") == 7  # struck in place

        page.click("header a:has-text('Statements')")
        page.fill("input[name=q]", "report")
        page.select_option("select[name=kind]", "demand")
        page.click("button:has-text('Filter')")
        rows = page.locator("#statements tr[data-statement]")
        expect(rows).to_have_count(2)
        expect(page.locator("#statements")).to_contain_text("Annalena Baerbock")
        with page.expect_download() as dl:
            page.click("#export-csv")
        path = tmp_path / "export.csv"
        dl.value.save_as(path)
        exported = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        assert {r["speaker"] for r in exported} == {"Human Rights Watch", "Annalena Baerbock"}
        assert all(r["kind"] == "demand" and "report" in r["sentence"].lower() for r in exported)

        page.click("header a:has-text('Timeline')")
        expect(page.locator("#timeline")).to_contain_text("8 March, year unknown")  # --03-08, as read
        expect(page.locator("#timeline .when[title='--03-08']")).to_have_count(1)
        expect(page.locator("#timeline")).to_contain_text("Undated")
        page.screenshot(path=str(shots / "timeline.png"), full_page=True)

        page.click("header a:has-text('Actors')")
        expect(page.locator("table")).to_contain_text("Michelle Bachelet")
        browser.close()

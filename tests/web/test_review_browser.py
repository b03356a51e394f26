"""A day of review in Chromium: keys, bulk decisions, highlights to cards, actors corrected, progress."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.web.conftest import Served, signed_in_page
from vigil.capture.screenshot import FLAGS, chromium_path
from vigil.store import cases
from vigil.store.records import record_capture
from vigil.store.tables import Judgement, Review, User

SEED = Path(__file__).parent.parent / "data" / "seed_un_xinjiang_visit.txt"

pytestmark = pytest.mark.skipif(
    not Path(chromium_path()).exists(),
    reason=f"no Chromium at {chromium_path()} (make test installs it when it can)",
)


def seeded(served: Served) -> tuple[int, int]:
    cap = record_capture(served.store, SEED.read_bytes(), method="upload", uri="urn:upload:seed").capture
    with served.store.sessions.begin() as s:
        alice = s.scalars(select(User).where(User.name == "alice")).one()
        case = cases.create(s, "Xinjiang visit", "UN access to Xinjiang", alice.id, "alice")
        cases.add_source(s, case.id, cap.id, alice.id, "alice")
        return case.id, cap.id


def reviews(served: Served) -> list[tuple[int, str]]:
    with served.store.reads() as s:
        return [(r.statement_id, r.action) for r in s.scalars(select(Review).order_by(Review.id))]


def test_a_day_of_review_by_keyboard_bulk_and_highlight(served: Served, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    shots = Path(os.environ.get("VIGIL_SCREENSHOTS") or tmp_path)
    case, cap = seeded(served)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=FLAGS)
        page = signed_in_page(browser, served.url, 1400, 900)
        page.goto(f"{served.url}/cases/{case}/sources/{cap}")
        expect(page.locator(".legend .kind")).to_have_count(5)  # the colour of every kind
        cards = page.locator("#panel .st-card")
        expect(cards).to_have_count(8)

        # three accepts in a row by keyboard: each card changes in place, the page never moves
        for n in range(3):
            page.keyboard.press("j")
            card = cards.nth(n)
            expect(page.locator("#panel .st-card.current")).to_have_attribute(
                "id", card.get_attribute("id") or ""
            )
            before = page.evaluate("[window.scrollY, document.getElementById('panel').scrollTop]")
            page.keyboard.press("a")
            expect(cards.nth(n).locator(".status")).to_contain_text("accepted")
            assert page.evaluate("[window.scrollY, document.getElementById('panel').scrollTop]") == before
            sid = cards.nth(n).get_attribute("data-statement")
            expect(page.locator(f'#article mark[data-statement="{sid}"]').first).to_have_attribute(
                "data-status", "accepted"
            )
        assert [a for _, a in reviews(served)] == ["accepted"] * 3

        # bulk: select two more, reject both at once; each is its own review record
        picked = [cards.nth(i).get_attribute("data-statement") for i in (3, 4)]
        for i in (3, 4):
            cards.nth(i).locator("input.pick").check()
        page.click("button:has-text('Reject selected')")
        for i in (3, 4):
            expect(cards.nth(i).locator(".status")).to_contain_text("rejected")
        done = reviews(served)
        assert sorted(str(sid) for sid, a in done if a == "rejected") == sorted(str(p) for p in picked)
        assert len(done) == 5

        # a click on a highlight opens its card in the panel
        last = cards.nth(7)
        target = last.get_attribute("data-statement")
        page.locator(f'#article mark[data-statement="{target}"]').first.click()
        expect(page.locator("#panel .st-card.current")).to_have_attribute("id", f"st-{target}")
        expect(last).to_be_in_viewport()
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / "review.png"))

        # the case page counts by kind and shows review progress, overall and per source
        page.goto(f"{served.url}/cases/{case}")
        expect(page.locator("#progress")).to_contain_text("5 of 8 statements reviewed")
        expect(page.locator("#overview .kind.demand")).to_contain_text("demand 2")
        expect(page.locator("table")).to_contain_text("5 of 8")
        page.screenshot(path=str(shots / "case.png"), full_page=True)
        # the next unreviewed statement across the case
        page.click("text=Review the next one")
        expect(page.locator("#panel .st-card.current")).to_have_attribute("data-status", "machine")
        browser.close()


def test_actors_renamed_and_a_merge_confirmed_then_undone(served: Served) -> None:
    from playwright.sync_api import expect, sync_playwright

    case, _ = seeded(served)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=FLAGS)
        page = signed_in_page(browser, served.url, 1300, 900)
        page.goto(f"{served.url}/cases/{case}/actors")
        page.click("table a:has-text('Michelle Bachelet')")
        page.fill("form.correct input[name=value]", "Michelle Bachelet Jeria")
        page.click("button:has-text('Rename')")
        expect(page.locator("h1")).to_have_text("Michelle Bachelet Jeria")
        expect(page.locator("p.muted").first).to_contain_text("Michelle Bachelet")  # the old name an alias

        # a merge names both sides and waits for a yes; nothing is preselected
        page.fill("input[name=other]", "Human Rights Watch")
        page.click("button:has-text('Merge…')")
        expect(page.locator("h1")).to_have_text("Merge two actors?")
        expect(page.locator("table")).to_contain_text("Human Rights Watch")
        expect(page.locator("table")).to_contain_text("Michelle Bachelet Jeria")
        page.click("button:has-text('Yes, they are the same')")
        # one actor now, which holds both names (the register picks its name)
        expect(page.locator("p.muted").first).to_contain_text("Michelle Bachelet")
        page.goto(f"{served.url}/cases/{case}/actors")
        listed = page.locator("table a").all_inner_texts()
        assert not {"Human Rights Watch", "Michelle Bachelet Jeria"} <= set(listed)
        page.goto(f"{served.url}/cases/{case}/actors")
        page.locator("table a", has_text="Human Rights Watch").first.click()
        page.click("button:has-text('Undo this merge')")
        expect(page.locator("table a", has_text="Human Rights Watch")).to_have_count(1)
        expect(page.locator("table a", has_text="Michelle Bachelet Jeria")).to_have_count(1)
        browser.close()
    with served.store.reads() as s:
        verdicts = [j.verdict for j in s.scalars(select(Judgement).order_by(Judgement.id))]
    assert verdicts == ["rename", "same", "different"]  # each change a record; nothing rewritten

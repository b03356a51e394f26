"""Search ranks every match, except past RANK_WINDOW matches, where it ranks the newest of them."""

from __future__ import annotations

import uuid

import pytest

from tests.store.conftest import Env
from vigil.model import Actor, Extraction, Source, Statement
from vigil.store import search as search_mod
from vigil.store.records import append, ensure_blob, save_extraction, supersede
from vigil.store.tables import Capture


def story(i: int) -> Extraction:
    text = f"Valdoria's ministry said the report on camp {i} would be released."
    st = Statement(
        id="s0",
        kind="demand" if i == 0 else "assert",
        speaker="a1",
        speaker_name="Valdorian ministry",
        target=None,
        target_name=None,
        text=text,
        span=(0, len(text)),
        quote=None,
        cue="said",
        date="2021-05",
        confidence=0.9,
    )
    src = Source(sha256=f"{i + 1:064x}", text=text, title=f"Story {i}")
    return Extraction("0.1.0", src, [Actor(id="a1", name="Valdorian ministry", kind="organization")], [st])


def test_past_the_window_the_newest_matches_are_ranked(
    store_env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = store_env.open()
    with store.sessions.begin() as s:
        for i in range(10):
            ex = story(i)
            ensure_blob(s, ex.source.sha256, len(ex.source.text), "text/plain")
            save_extraction(s, ex.source.sha256, ex)
    with store.reads() as s:
        every = search_mod.search(s, "report", limit=50)
        assert len(every) == 10
        monkeypatch.setattr(search_mod, "RANK_WINDOW", 3)
        newest = search_mod.search(s, "report", limit=50)
        assert sorted(h.statement_id for h in newest) == sorted(h.statement_id for h in every)[-3:]
        # a filtered search that finds too few among the newest ranks them all: the one demand is the oldest
        demands = search_mod.search(s, "report", kind="demand", limit=50)
        assert [h.title for h in demands] == ["Story 0"]
    store.engine.dispose()


def _capture_of(sha: str, url: str, at: str) -> Capture:
    return Capture(
        uid=str(uuid.uuid4()),
        method="url",
        requested_url=url,
        final_url=url,
        source_path=None,
        server_ip=None,
        status=200,
        headers="[]",
        hops="[]",
        collector="tester",
        machine="{}",
        tool="vigil",
        tool_version="0.1.0",
        note=None,
        captured_at=at,
        page_sha256=sha,
        warc_sha256=sha,
        screenshot_sha256=None,
        media_type="text/plain",
        size=1,
        batch=None,
    )


def test_replaced_documents_are_left_out_and_hits_carry_their_first_address(store_env: Env) -> None:
    store = store_env.open()
    with store.sessions.begin() as s:
        docs = []
        for i in range(3):
            ex = story(i)
            ensure_blob(s, ex.source.sha256, len(ex.source.text), "text/plain")
            docs.append(save_extraction(s, ex.source.sha256, ex))
        append(s, _capture_of(story(1).source.sha256, "https://example.org/first", "2026-01-01T00:00:00Z"))
        append(s, _capture_of(story(1).source.sha256, "https://example.org/later", "2026-01-02T00:00:00Z"))
        redone = story(2)
        redone.statements[0].text = redone.source.text = "Valdoria's ministry said the inquiry would end."
        newer = save_extraction(s, redone.source.sha256, redone)
        supersede(s, docs[2].id, newer.id)
    with store.reads() as s:
        current = search_mod.search(s, "report", limit=50)
        assert sorted(h.title for h in current) == ["Story 0", "Story 1"]
        assert {h.title: h.url for h in current} == {"Story 0": None, "Story 1": "https://example.org/first"}
        every = search_mod.search(s, "report", limit=50, include_superseded=True)
        assert sorted(h.document_id for h in every) == sorted(d.id for d in docs)
        assert [h.document_id for h in search_mod.search(s, "inquiry")] == [newer.id]
    store.engine.dispose()

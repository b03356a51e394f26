"""Search ranks every match, except past RANK_WINDOW matches, where it ranks the newest of them."""

from __future__ import annotations

import pytest

from tests.store.conftest import Env
from vigil.model import Actor, Extraction, Source, Statement
from vigil.store import search as search_mod
from vigil.store.records import ensure_blob, save_extraction


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

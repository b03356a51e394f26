"""What a worker keeps of records that never change: bounded, least recently used out, and kept per
database (ids start again at 1 in every store)."""

from __future__ import annotations

from pathlib import Path

from vigil.store.db import open_store
from vigil.web.kept import Kept


def test_the_least_recently_used_go_first() -> None:
    kept = Kept(3)
    kept.put_many([("a", 1), ("b", 2), ("c", 3)])
    assert kept.get_many(["a"]) == {"a": 1}  # "a" is now the most recent
    kept.put_many([("d", 4)])
    assert len(kept) == 3
    assert kept.get_many(["a", "b", "c", "d"]) == {"a": 1, "c": 3, "d": 4}


def test_each_database_keeps_its_own(tmp_path: Path) -> None:
    one = open_store(tmp_path / "one", f"sqlite:///{tmp_path / 'one.db'}")
    two = open_store(tmp_path / "two", f"sqlite:///{tmp_path / 'two.db'}")
    with one.reads() as s:
        mine = Kept.of(s, "rows", 10)
        mine.put_many([((1, 1), "a row of the first store")])
    with one.reads() as s:
        assert Kept.of(s, "rows", 10) is mine  # the same database, another session
    with two.reads() as s:
        assert Kept.of(s, "rows", 10).get_many([(1, 1)]) == {}


def test_recall_makes_what_is_missing_once() -> None:
    kept = Kept(10)
    made: list[str] = []

    def make() -> str:
        made.append("x")
        return "value"

    assert kept.recall("k", make) == "value" and kept.recall("k", make) == "value"
    assert made == ["x"]

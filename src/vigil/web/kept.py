"""What a worker process keeps of records that never change once written.

Statements, documents' titles and dates, and each built aggregate are append-only: a change is a
new row (a review, a new extraction, a new aggregate with a new id), never an edit of an old one.
So a row read once can be served again without asking the database, keyed by what names it for
good (an aggregate's id and a statement's id), and never turns stale. Pages read the same rows
over and over (a page of statements, an actor's statements): read each time, loading them cost
more than the rest of the page. Bounded: the least recently used go first. Kept per database
(`Kept.of(session, …)`): ids start again at 1 in every store, and one process may open several.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy.orm import Session

_each: WeakKeyDictionary[Any, dict[str, Kept]] = WeakKeyDictionary()
_each_lock = threading.Lock()


class Kept:
    """A bounded map shared by a worker's threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def of(session: Session, name: str, size: int) -> Kept:
        """The map called `name` of the database `session` reads (by its engine: gone with it)."""
        with _each_lock:
            mine = _each.setdefault(session.get_bind(), {})
            if name not in mine:
                mine[name] = Kept(size)
            return mine[name]

    def recall(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """What is kept under `key`, made first (and kept) when nothing is."""
        got = self.get_many([key])
        if key in got:
            return got[key]
        value = make()
        self.put_many([(key, value)])
        return value

    def get_many(self, keys: Iterable[Hashable]) -> dict[Hashable, Any]:
        out: dict[Hashable, Any] = {}
        with self._lock:
            for key in keys:
                if key in self._items:
                    self._items.move_to_end(key)
                    out[key] = self._items[key]
        return out

    def put_many(self, items: Iterable[tuple[Hashable, Any]]) -> None:
        with self._lock:
            for key, value in items:
                self._items[key] = value
                self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)

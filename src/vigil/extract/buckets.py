"""Keyed lists kept in a given order, for the actor lookups that must not scan every actor.

The rules were written as scans ("the first organisation, in order of
appearance, whose initials…"); a bucket holds the same candidates in the
same order, so a lookup finds what the scan found without the scan.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Hashable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Buckets(Generic[T]):
    """key → items sorted by the order they were registered under."""

    def __init__(self) -> None:
        self._rows: dict[Hashable, list[tuple[int, T]]] = {}

    def add(self, key: Hashable, order: int, item: T) -> None:
        row = self._rows.setdefault(key, [])
        if row and row[-1][0] > order:  # rare: an older item gained the key (a rename)
            row.insert(bisect_left(row, order, key=lambda e: e[0]), (order, item))
        else:
            row.append((order, item))

    def remove(self, key: Hashable, item: T) -> None:
        row = self._rows.get(key, [])
        for k, (_, x) in enumerate(row):
            if x is item:
                del row[k]
                return

    def items(self, key: Hashable) -> list[tuple[int, T]]:
        """(order, item) pairs in order; the caller must not change the list."""
        return self._rows.get(key, [])

    def get(self, key: Hashable) -> Iterator[T]:
        return (x for _, x in self._rows.get(key, ()))

    def first(self, key: Hashable) -> T | None:
        row = self._rows.get(key)
        return row[0][1] if row else None

    def last(self, key: Hashable) -> T | None:
        row = self._rows.get(key)
        return row[-1][1] if row else None

    def count(self, key: Hashable) -> int:
        return len(self._rows.get(key, ()))

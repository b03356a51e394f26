"""Which new statements and tracker changes a case's alert rules ask to hear of.

Pure: rules, statements and statuses in, hits out. Reading them from the
store and sending the notifications happen elsewhere (capture/watch.py,
capture/notify.py), so the matching is the same wherever it is called
from and can be tested without a database or a network.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from vigil.model import StatementRecord

FIELDS = ("actor", "kind", "word", "tracker-status")


@dataclass(frozen=True)
class Rule:
    id: int
    case_id: int
    field: str  # one of FIELDS
    value: str
    webhook: str | None = None
    email: str | None = None

    def describe(self) -> str:
        return f"{self.field} {self.value}"


@dataclass(frozen=True)
class StatusChange:
    """A tracker item whose status differs after a capture from what it was before it."""

    item: str
    what: str
    before: str | None  # None: the item is new
    after: str


@dataclass
class Hit:
    rule: Rule
    subject: str  # "statement 12" | "tracker item 3fa2…"
    payload: dict[str, Any]


def fold(text: str | None) -> str:
    """Case- and accent-insensitive text, so "Hana Berg" finds "HANA BERG" and "Bérg"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _has_words(haystack: str | None, needle: str) -> bool:
    """The needle as whole words of the haystack: "Berg" is in "Hana Berg", not in "Bergen"."""
    want = fold(needle).strip()
    return bool(want) and re.search(rf"(?<!\w){re.escape(want)}(?!\w)", fold(haystack)) is not None


def statement_matches(rule: Rule, s: StatementRecord) -> bool:
    if rule.field == "actor":
        return _has_words(s.speaker_name, rule.value) or _has_words(s.target_name, rule.value)
    if rule.field == "kind":
        return s.kind == rule.value.strip().lower()
    if rule.field == "word":
        return _has_words(s.text, rule.value)
    return False


def change_matches(rule: Rule, ch: StatusChange) -> bool:
    return rule.field == "tracker-status" and ch.after == rule.value.strip().lower()


def status_changes(
    before: Mapping[str, tuple[str, str]], after: Mapping[str, tuple[str, str]]
) -> list[StatusChange]:
    """Items ({id: (status, what)}) whose status moved; a new item counts only when not open, since
    every new demand opens one."""
    out: list[StatusChange] = []
    for item, (status, what) in after.items():
        old = before.get(item)
        if old is None and status != "open":
            out.append(StatusChange(item, what, None, status))
        elif old is not None and old[0] != status:
            out.append(StatusChange(item, what, old[0], status))
    return out


def statement_payload(s: StatementRecord) -> dict[str, Any]:
    return {
        "id": s.id,
        "kind": s.kind,
        "speaker": s.speaker_name,
        "target": s.target_name,
        "text": s.text,
        "date": s.date,
        "source": {"url": s.source.url, "title": s.source.title, "sha256": s.source.sha256},
    }


def _base(rule: Rule, context: Mapping[str, Any]) -> dict[str, Any]:
    return {
        **context,
        "rule": {"id": rule.id, "field": rule.field, "value": rule.value},
    }


def matches(
    rules: Iterable[Rule],
    statements: Iterable[StatementRecord],
    changes: Iterable[StatusChange] = (),
    context: Mapping[str, Any] | None = None,
) -> list[Hit]:
    """One hit per rule and matching statement or change; `context` (case, watch) joins each payload."""
    ctx = dict(context or {})
    sts, chs = list(statements), list(changes)
    hits: list[Hit] = []
    for rule in rules:
        for s in sts:
            if statement_matches(rule, s):
                payload = {**_base(rule, ctx), "statement": statement_payload(s)}
                hits.append(Hit(rule, f"statement {s.id}", payload))
        for ch in chs:
            if change_matches(rule, ch):
                tracker = {"item": ch.item, "what": ch.what, "before": ch.before, "after": ch.after}
                hits.append(Hit(rule, f"tracker item {ch.item}", {**_base(rule, ctx), "tracker": tracker}))
    return hits


def summary(hit: Hit) -> str:
    """One line for an e-mail subject and the terminal."""
    p = hit.payload
    if "statement" in p:
        s = p["statement"]
        return f"{s['kind']} by {s['speaker'] or 'unnamed'}: {s['text'][:100]}"
    t = p["tracker"]
    return f"tracker: {t['what']} is now {t['after']} (was {t['before'] or 'new'})"

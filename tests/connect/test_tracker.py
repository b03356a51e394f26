"""Tracker statuses from hand-made records: each status, its evidence, and a reviewer's decision."""

from __future__ import annotations

import datetime as dt
from itertools import count

from vigil.connect.tracker import build, to_json
from vigil.model import Decision, EventRecord, SourceRef, StatementRecord

_ids = count(1)


def src(doc: int, published: str) -> SourceRef:
    return SourceRef(doc, f"{doc:064x}", f"https://news.example/{doc}", f"Article {doc}", published)


def demand(
    doc: int,
    day: str,
    text: str,
    action: str,
    obj: str,
    by: str = "ngo",
    of: str = "gov",
    deadline: str | None = None,
    kind: str = "demand",
) -> StatementRecord:
    return StatementRecord(
        next(_ids), kind, by, by.upper(), of, of.upper(), text, None, src(doc, day), action, obj, deadline
    )


def said(doc: int, day: str, text: str, kind: str, by: str) -> StatementRecord:
    return StatementRecord(next(_ids), kind, by, by.upper(), None, None, text, None, src(doc, day))


def event(
    doc: int,
    day: str,
    text: str,
    action: str,
    obj: str | None,
    actor: str | None = "gov",
    negated: bool = False,
) -> EventRecord:
    return EventRecord(
        next(_ids), actor, actor and actor.upper(), action, obj, negated, day, text, src(doc, day)
    )


def one(items: list, **kw: object) -> dict:  # type: ignore[type-arg]
    (it,) = [to_json(i) for i in items]
    return it


ASK = "The group urged the government to free the three editors."


def test_met_by_the_addressee_doing_the_act_and_partly_met_for_part_of_it() -> None:
    d = demand(1, "2024-01-10", ASK, "free", "three editors")
    done = event(
        2, "2024-02-01", "The government released the three editors on Thursday.", "release", "three editors"
    )
    it = one(build([d], [done], as_of=dt.date(2024, 6, 1)))
    assert (it["status"], it["status_date"]) == ("met", "2024-02-01")
    assert it["evidence"][0]["sentence"] == done.text and it["evidence"][0]["origin"] == "machine"
    part = event(
        2, "2024-02-01", "The government freed two of the three editors.", "free", "two of the three editors"
    )
    assert one(build([d], [part]))["status"] == "partly-met"


def test_an_event_before_the_demand_or_by_someone_else_or_negated_does_not_meet_it() -> None:
    d = demand(1, "2024-01-10", ASK, "free", "three editors")
    earlier = event(
        0, "2023-12-01", "The government freed the three editors once before.", "free", "three editors"
    )
    other = event(
        2, "2024-02-01", "The rebels freed the three editors.", "free", "three editors", actor="rebels"
    )
    not_yet = event(
        2,
        "2024-02-01",
        "The government has yet to free the three editors.",
        "free",
        "three editors",
        negated=True,
    )
    assert one(build([d], [earlier, other, not_yet]))["status"] == "open"


def test_refused_by_an_event_or_by_what_the_addressee_says() -> None:
    d = demand(
        1,
        "2024-01-10",
        "The EU urged the government to allow monitors into the north.",
        "allow",
        "monitors",
        by="eu",
    )
    no = event(2, "2024-02-01", "The government rejected the EU's call for monitors.", "reject", "EU's call")
    assert one(build([d], [no]))["status"] == "refused"
    says = said(
        2, "2024-02-03", "The government said it would not allow monitors into the north.", "assert", "gov"
    )
    it = one(build([d], [], []))
    assert it["status"] == "open"
    it = one(build([d, says], []))
    assert it["status"] == "refused" and it["evidence"][0]["sentence"] == says.text


def test_withdrawn_when_the_demander_drops_it() -> None:
    d = demand(1, "2024-01-10", ASK, "free", "three editors")
    drop = said(
        2, "2024-03-01", "The group dropped its call for the three editors to be freed.", "assert", "ngo"
    )
    assert one(build([d, drop], []))["status"] == "withdrawn"


def test_overdue_once_a_stated_deadline_passes_and_not_before() -> None:
    d = demand(
        1,
        "2024-01-10",
        "The group urged the ministry to publish the report by the end of March.",
        "publish",
        "report",
        deadline="2024-03",
    )
    assert one(build([d], [], as_of=dt.date(2024, 3, 31)))["status"] == "open"
    late = one(build([d], [], as_of=dt.date(2024, 4, 1)))
    assert (late["status"], late["status_date"]) == ("overdue", "2024-04-01")
    assert late["evidence"][-1]["sentence"] == d.text  # the sentence that set the deadline


def test_a_commitment_is_kept_by_the_promiser_and_reports_of_one_demand_join_one_item() -> None:
    c = demand(
        1,
        "2024-01-10",
        "The minister pledged to open an inquiry into the deaths.",
        "open",
        "inquiry into the deaths",
        by="minister",
        of="minister",
        kind="commit",
    )
    kept = event(
        3,
        "2024-04-02",
        "The minister opened the inquiry into the deaths on Monday.",
        "open",
        "inquiry into the deaths",
        actor="minister",
    )
    again = demand(
        2,
        "2024-01-11",
        "A second outlet: the group urged the government to free the editors.",
        "free",
        "editors",
    )
    first = demand(1, "2024-01-10", ASK, "free", "three editors")
    other = demand(
        2,
        "2024-01-12",
        "Another group urged the government to free the editors.",
        "free",
        "editors",
        by="pen",
    )
    items = build([c, first, again, other], [kept])
    commit = next(i for i in items if i.kind == "commit")
    assert commit.status == "met"
    (thread,) = [i for i in items if i.kind == "demand"]
    assert len(thread.statements) == 3 and thread.by == ["NGO", "PEN"]


def test_a_reviewer_overrides_and_the_machine_proposal_stays_beside_it() -> None:
    d = demand(1, "2024-01-10", ASK, "free", "three editors")
    item = build([d], [])[0]
    decision = Decision(item.id, "met", "Seen released at the court, 3 May.", "rita", "2024-05-03T10:00:00Z")
    it = one(build([d], [], [decision]))
    assert (it["status"], it["proposed"], it["status_date"]) == ("met", "open", "2024-05-03")
    last = it["history"][-1]
    assert (last["origin"], last["by"], last["sentence"]) == ("reviewer", "rita", decision.note)

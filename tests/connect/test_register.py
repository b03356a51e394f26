"""The actor register on names we made up: gazetteer keys, links, what joins and what stays apart."""

from __future__ import annotations

from vigil.connect.register import build
from vigil.model import Judgement, NameRecord

_row = iter(range(1, 10_000))


def rec(
    doc: int, name: str, kind: str = "person", aliases: tuple[str, ...] = (), titles: tuple[str, ...] = ()
) -> NameRecord:
    return NameRecord(next(_row), doc, name, kind, list(aliases), list(titles))


def test_a_state_under_its_names_capital_and_government_is_one_actor() -> None:
    rs = [
        rec(1, "Beijing", "state"),
        rec(2, "Chinese government", "state"),
        rec(3, "PRC", "state"),
        rec(4, "China", "state"),
    ]
    reg = build(rs)
    assert {reg.key_of_row(r.row) for r in rs} == {"gz:CN"}
    (china,) = reg.actors
    assert china.name == "China" and china.documents == [1, 2, 3, 4]


def test_an_institution_is_linked_to_its_state_not_merged() -> None:
    rs = [
        rec(1, "China", "state"),
        rec(1, "China's foreign ministry", "organization"),
        rec(2, "the Chinese Foreign Ministry", "organization"),
    ]
    reg = build(rs)
    ministry = reg.get(reg.key_of_row(rs[1].row) or "")
    assert ministry is not None and ministry.id == "inst:CN:foreign ministry" and len(ministry.documents) == 2
    assert [(lk.key, lk.relation) for lk in ministry.links] == [("gz:CN", "part_of")]
    assert reg.key_of_row(rs[0].row) == "gz:CN"


def test_acronyms_and_aliases_of_known_bodies_meet() -> None:
    rs = [
        rec(1, "OHCHR", "organization"),
        rec(2, "UN human rights office", "organization"),
        rec(3, "Human Rights Watch", "organization", ("HRW",)),
        rec(4, "HRW", "organization"),
    ]
    reg = build(rs)
    assert reg.key_of_row(rs[0].row) == reg.key_of_row(rs[1].row) == "gz:ohchr"
    assert reg.key_of_row(rs[2].row) == reg.key_of_row(rs[3].row)


def test_a_title_alone_joins_the_one_person_known_to_hold_it_and_the_office_stays_apart() -> None:
    head = rec(1, "Michelle Bachelet", titles=("UN High Commissioner for Human Rights",))
    chief = rec(2, "UN rights chief")
    office = rec(2, "UN human rights office", "organization")
    reg = build([head, chief, office])
    assert reg.key_of_row(chief.row) == reg.key_of_row(head.row) == "p:michelle bachelet"
    person = reg.get("p:michelle bachelet")
    assert person is not None and ("gz:ohchr", "heads") in [(lk.key, lk.relation) for lk in person.links]
    assert reg.key_of_row(office.row) == "gz:ohchr"


def test_a_shared_first_name_or_surname_alone_never_merges() -> None:
    a = rec(1, "Michelle Bachelet")
    b = rec(2, "Michelle Obama")
    c = rec(3, "Michelle")
    d = rec(4, "Karl Brandt", titles=("spokesman",))
    e = rec(5, "Ilse Brandt", titles=("spokeswoman",))
    f = rec(6, "Brandt")
    reg = build([a, b, c, d, e, f])
    assert len({reg.key_of_row(r.row) for r in (a, b, c)}) == 3
    assert len({reg.key_of_row(r.row) for r in (d, e, f)}) == 3
    lone = reg.get(reg.key_of_row(f.row) or "")
    assert lone is not None and {j.verdict for j in lone.judgements} == {"unsure"}


def test_mr_or_ms_with_one_fitting_full_name_joins_and_a_shared_title_joins() -> None:
    daniel = rec(1, "Daniel Brandt")  # first names the register knows as male and female
    elena = rec(2, "Elena Brandt")
    ms = rec(3, "Brandt", aliases=("Ms Brandt",))
    judge = rec(4, "Anna Lorenz", titles=("judge",))
    lorenz = rec(5, "Lorenz", titles=("judge",))
    reg = build([daniel, elena, ms, judge, lorenz])
    assert reg.key_of_row(ms.row) == "p:elena brandt"
    assert reg.key_of_row(lorenz.row) == "p:anna lorenz"


def test_two_spokesmen_of_one_ministry_stay_apart() -> None:
    rs = [
        rec(1, "Wang Wenbin", titles=("foreign ministry spokesman",)),
        rec(2, "Zhao Lijian", titles=("foreign ministry spokesman",)),
    ]
    reg = build(rs)
    assert reg.key_of_row(rs[0].row) != reg.key_of_row(rs[1].row)


def test_reviewers_judge_last_and_the_latest_judgement_on_a_pair_stands() -> None:
    a, b = rec(1, "Karl Brandt"), rec(2, "K. Brandt")
    same = Judgement("p:karl brandt", "p:k brandt", "same", "reviewer", "rita", "2026-01-01T10:00:00Z")
    reg = build([a, b], [same])
    assert reg.key_of_row(a.row) == reg.key_of_row(b.row)
    undo = Judgement("Karl Brandt", "K. Brandt", "different", "reviewer", "rita", "2026-01-02T10:00:00Z")
    reg = build([a, b], [same, undo])
    assert reg.key_of_row(a.row) != reg.key_of_row(b.row)
    apart = Judgement("gz:CN", "inst:CN:foreign ministry", "same", "reviewer", "rita", "2026-01-03T10:00:00Z")
    c, d = rec(3, "China", "state"), rec(3, "China's foreign ministry", "organization")
    assert build([c, d], [apart]).key_of_row(d.row) == "gz:CN"  # a reviewer may merge what the machine links

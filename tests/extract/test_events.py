"""Narrated events and the acts demands and promises ask for, on sentences written for these tests."""

from __future__ import annotations

from tests.conftest import extract_text
from vigil.model import Event, Extraction


def events(result: Extraction, action: str) -> list[Event]:
    return [e for e in result.events if e.action == action]


def test_the_reporters_narration_is_an_event_with_actor_object_and_date() -> None:
    r = extract_text(
        "Aid groups welcome report\n\n"
        "The Norwegian Refugee Council published its annual report on Tuesday. "
        "Police in Lagos arrested 14 protesters on 3 May. "
        "Amnesty International freed no one, of course.",
        published="2023-05-11",
    )
    (pub,) = events(r, "publish")
    assert (pub.actor_name, pub.object, pub.date, pub.negated) == (
        "Norwegian Refugee Council",
        "annual report",
        "2023-05-09",
        False,
    )
    assert r.source.text[pub.span[0] : pub.span[1]].startswith("The Norwegian Refugee Council published")
    (arrest,) = events(r, "detain")
    assert arrest.object == "14 protesters" and arrest.date == "2023-05-03"


def test_what_has_not_happened_is_not_an_event_and_what_failed_is_negated() -> None:
    r = extract_text(
        "The ministry will publish the findings next month. "
        "Campaigners urged the court to free the two editors. "
        "The government plans to open a new prison. "
        "If the council adopts the text, the mission will visit Gaza. "
        "The commission has yet to release its report. "
        "The ministry failed to open the promised inquiry."
    )
    assert not events(r, "publish") and not events(r, "free") and not events(r, "adopt")
    assert [e.negated for e in events(r, "release")] == [True]
    assert [e.negated for e in r.events if e.action == "open"] == [True]


def test_a_passive_event_takes_its_agent_and_a_reported_one_its_statement() -> None:
    r = extract_text(
        "Nine activists were released by the authorities of Belarus on Friday. "
        "Olga Brandt, a spokeswoman for the Red Cross, said the delegation had arrived in Minsk.",
        published="2024-02-12",
    )
    (freed,) = events(r, "release")
    assert freed.object == "Nine activists" and freed.date == "2024-02-09"
    (arrived,) = events(r, "arrive")
    assert arrived.object == "Minsk" and arrived.statement is not None
    assert any(s.id == arrived.statement for s in r.statements)


def test_a_refusal_is_an_event_with_what_was_refused() -> None:
    r = extract_text("Officials in Baku refused to allow the monitors into the region.")
    (refusal,) = events(r, "refuse")
    assert refusal.object is not None and refusal.object.startswith("allow")


def test_a_demand_carries_its_act_object_and_deadline() -> None:
    r = extract_text(
        "Human Rights Watch urged the ministry to publish the autopsy reports by 30 June. "
        "Interior Minister Sara Holm pledged on Monday to open an independent inquiry into the deaths. "
        "The Red Cross agreed to a visit to the camps in May.",
        published="2024-03-04",
    )
    demand = next(s for s in r.statements if s.kind == "demand")
    assert (demand.action, demand.object, demand.deadline) == ("publish", "autopsy reports", "2024-06-30")
    commits = [s for s in r.statements if s.kind == "commit"]
    assert ("open", "independent inquiry into the deaths") in [(c.action, c.object) for c in commits]
    assert any(c.action == "visit" and c.object == "camps" for c in commits)

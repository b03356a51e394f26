"""The invented Valdoria story (seven articles we wrote) and the seed with two follow-ups, end to end.

Captured with `vigil capture --from-file LIST --case`, read back with `vigil tracker/contested/actors
--json`: every tracker status with its evidence sentence, the contested pairs, and the register.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent.parent / "data"


def _run(home: Path, *args: str) -> str:
    env = {**os.environ, "VIGIL_HOME": str(home), "VIGIL_COLLECTOR": "tester"}
    env.pop("VIGIL_DATABASE_URL", None)
    p = subprocess.run(
        [sys.executable, "-m", "vigil", *args], capture_output=True, text=True, env=env, timeout=300
    )
    assert p.returncode == 0, p.stderr
    return p.stdout


def _capture(home: Path, tmp: Path, folder: Path, case: str) -> None:
    lines = [ln.split("\t") for ln in (folder / "published.tsv").read_text().splitlines() if ln.strip()]
    listing = tmp / f"{case}.tsv"
    listing.write_text("".join(f"{folder / name}\t{day}\n" for name, day in lines))
    _run(home, "capture", "--from-file", str(listing), "--case", case)


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("story")
    home = tmp / "home"
    _capture(home, tmp, DATA / "story", "Valdoria")
    out = {
        "tracker": json.loads(_run(home, "tracker", "--case", "Valdoria", "--as-of", "2024-10-10", "--json")),
        "contested": json.loads(_run(home, "contested", "--case", "Valdoria", "--json")),
        "actors": json.loads(_run(home, "actors", "--json")),
        "home": home,
    }
    return out


def _item(items: list[dict[str, Any]], fragment: str) -> dict[str, Any]:
    found = [i for i in items if any(fragment in s["sentence"] for s in i["statements"])]
    assert len(found) == 1, [i["what"] for i in items]
    return found[0]


def _evidence(item: dict[str, Any]) -> list[str]:
    return [e["sentence"] for e in item["evidence"] if e["status"] == item["status"]]


def test_a_demand_met_by_a_later_narrated_event(story: dict[str, Any]) -> None:
    it = _item(story["tracker"], "called on the government of Valdoria to free Daniel Corvin")
    assert (it["status"], it["of"], it["by"]) == ("met", "Valdoria", ["Committee to Protect Journalists"])
    assert "Authorities freed Daniel Corvin on 2 July after four months in pre-trial detention." in _evidence(
        it
    )
    assert it["status_date"] == "2024-07-02"
    met = next(e for e in it["evidence"] if e["status"] == "met")
    assert met["source"]["published"] == "2024-07-04" and met["origin"] == "machine"


def test_a_demand_refused_by_its_addressee(story: dict[str, Any]) -> None:
    it = _item(
        story["tracker"], "European Union called on the government of Valdoria to allow UN investigators"
    )
    assert it["status"] == "refused"
    assert any("would not allow UN investigators" in s for s in _evidence(it))


def test_a_demand_left_open_and_one_overdue(story: dict[str, Any]) -> None:
    open_ = _item(story["tracker"], "urged the authorities to lift the state of emergency")
    assert open_["status"] == "open" and open_["evidence"] == []
    late = _item(story["tracker"], "to publish the findings of the investigation by 30 June 2024")
    assert (late["status"], late["deadline"], late["status_date"]) == ("overdue", "2024-06-30", "2024-07-01")
    assert any("by 30 June 2024" in s for s in _evidence(late))


def test_a_commitment_kept_by_the_ministry_its_minister_heads(story: dict[str, Any]) -> None:
    it = _item(story["tracker"], "pledged on Monday to open an independent investigation")
    assert (it["kind"], it["status"], it["by"]) == ("commit", "met", ["Elena Corvin"])
    assert any("interior ministry opened an independent investigation" in s for s in _evidence(it))


def test_a_deadline_still_to_come_is_not_overdue(story: dict[str, Any]) -> None:
    it = _item(story["tracker"], "asking the UN human rights office to report")
    assert it["status"] == "open"


def test_allegations_pair_with_denials_across_and_within_articles(story: dict[str, Any]) -> None:
    def pair(accusation: str, response: str) -> bool:
        return any(
            any(accusation in a["sentence"] for a in c["accusations"])
            and any(response in r["sentence"] for r in c["responses"])
            for c in story["contested"]
        )

    # across articles: 01 → 02
    assert pair("accused Valdoria's security forces of torturing detainees", "denied that detainees")
    # within one article
    assert pair("accused the police of beating peaceful protesters", "rejected the accusation")
    for c in story["contested"]:
        assert c["topic"] and all(r["kind"] == "deny" for r in c["responses"])


def test_the_register_keeps_one_minister_under_several_names_and_two_corvins_apart(
    story: dict[str, Any],
) -> None:
    actors = {a["name"]: a for a in story["actors"]}
    elena, daniel = actors["Elena Corvin"], actors["Daniel Corvin"]
    assert elena["id"] != daniel["id"]
    assert {"Corvin", "Ms Corvin"} <= set(elena["aliases"])
    assert "Ms Corvin" not in daniel["aliases"]
    assert elena["documents"] >= 4
    assert {"id": "inst:valdoria:interior ministry", "relation": "heads"} in elena["links"]
    ministries = [a for a in story["actors"] if a["id"].startswith("inst:valdoria:")]
    assert {a["name"] for a in ministries} >= {"Valdoria interior ministry", "Valdoria foreign ministry"}
    for m in ministries:  # linked to their state, not merged into it
        assert {"id": "o:valdoria", "relation": "part_of"} in m["links"]
    judged = [j for j in elena["judgements"] if j["verdict"] == "same"]
    assert judged and all(j["origin"] == "machine" and j["note"] for j in judged)


def test_a_reviewer_splits_and_merges_with_recorded_judgements(story: dict[str, Any]) -> None:
    home = story["home"]
    _run(home, "actors", "split", "p:elena corvin", "p1:3:corvin", "--note", "checked the article")
    after = {a["id"]: a for a in json.loads(_run(home, "actors", "--json"))}
    assert "p1:3:corvin" in after and "Ms Corvin" in after["p1:3:corvin"]["aliases"]
    _run(home, "actors", "merge", "p:elena corvin", "p1:3:corvin")  # undo: the later judgement stands
    again = {a["id"]: a for a in json.loads(_run(home, "actors", "--json"))}
    assert "p1:3:corvin" not in again
    verdicts = [
        (j["verdict"], j["origin"])
        for j in again["p:elena corvin"]["judgements"]
        if j["origin"] == "reviewer"
    ]
    assert verdicts == [("same", "reviewer")]
    assert "is intact" in _run(home, "verify")  # the judgements are chained rows like the rest


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("seed")
    home = tmp / "home"
    _run(
        home,
        "capture",
        str(DATA / "seed_un_xinjiang_visit.txt"),
        "--published",
        "2022-03-10",
        "--case",
        "Xinjiang",
    )
    _capture(home, tmp, DATA / "followups", "Xinjiang")
    return {
        "tracker": json.loads(_run(home, "tracker", "--case", "Xinjiang", "--as-of", "2022-12-01", "--json")),
        "contested": json.loads(_run(home, "contested", "--case", "Xinjiang", "--json")),
    }


def test_the_seed_demands_to_release_the_report_are_met(seed: dict[str, Any]) -> None:
    report = [i for i in seed["tracker"] if i["kind"] == "demand" and "report" in (i["object"] or "")]
    assert report and all(i["status"] == "met" for i in report)
    speakers = {b for i in report for b in i["by"]}
    assert {"Human Rights Watch", "Annalena Baerbock"} <= speakers
    for i in report:
        assert any(
            "released its long-awaited report on Xinjiang on 31 August 2022" in s for s in _evidence(i)
        )


def test_the_seed_visit_commitment_is_met(seed: dict[str, Any]) -> None:
    visit = _item(seed["tracker"], "reached an agreement with China")
    assert (visit["kind"], visit["status"]) == ("commit", "met")
    assert any("Xinjiang" in s or "Urumqi" in s for s in _evidence(visit))


def test_hrw_allegation_is_paired_with_beijings_counter_account(seed: dict[str, Any]) -> None:
    pairs = [
        c
        for c in seed["contested"]
        if any(a["speaker"] == "Human Rights Watch" for a in c["accusations"])
        and any("vocational training" in r["sentence"] for r in c["responses"])
    ]
    assert pairs and pairs[0]["accused"] == "China"


def test_followthemoney_export_reads_back_with_the_librarys_schemata(story: dict[str, Any]) -> None:
    from followthemoney import model

    lines = _run(story["home"], "export", "--format", "ftm", "--case", "Valdoria").splitlines()
    proxies = [model.get_proxy(json.loads(line)) for line in lines]
    by_schema: dict[str, list[Any]] = {}
    for p in proxies:
        by_schema.setdefault(p.schema.name, []).append(p)
    assert len(by_schema["Article"]) == 7
    assert {"Elena Corvin", "Daniel Corvin"} <= {p.first("name") for p in by_schema["Person"]}
    ids = {p.id for p in proxies}
    events = by_schema["Event"]
    assert any("demand" in p.get("keywords") for p in events)
    for p in events:  # every statement and event points at its article, and at actors that exist
        assert set(p.get("proof")) <= ids and set(p.get("organizer")) <= ids
    assert by_schema["Membership"] and by_schema["Directorship"]


def test_tracker_and_contested_export_as_csv(story: dict[str, Any]) -> None:
    import csv
    import io

    rows = list(
        csv.DictReader(
            io.StringIO(
                _run(story["home"], "tracker", "--case", "Valdoria", "--as-of", "2024-10-10", "--csv")
            )
        )
    )
    assert {r["status"] for r in rows} >= {"met", "refused", "open", "overdue"}
    assert all(r["first_sentence"] for r in rows)
    sides = list(csv.DictReader(io.StringIO(_run(story["home"], "contested", "--case", "Valdoria", "--csv"))))
    assert {r["side"] for r in sides} == {"accusation", "response"}

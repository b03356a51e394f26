"""Capitalised words that name no actor, names cut short, and aliases left apart (issue 9).

Every sentence here is invented; each test holds several constructions of one class.
"""

from __future__ import annotations

from tests.conftest import extract_text
from vigil.model import Actor, Extraction


def names(r: Extraction) -> list[str]:
    return [a.name for a in r.actors]


def every_name(r: Extraction) -> set[str]:
    return {n for a in r.actors for n in [a.name, *a.aliases]}


def actor_named(r: Extraction, fragment: str) -> list[Actor]:
    return [a for a in r.actors if any(fragment in n for n in [a.name, *a.aliases])]


def test_common_nouns_and_heading_words_are_not_actors() -> None:
    r = extract_text(
        "Torvald Brenn said the camp was closed, according to Sentinel Watch, an NGO made up of "
        "former guards.\n\n"
        "‘Punish Every Deserter and Coward’: Varnak Boy Soldier\n\n"
        "The boy appeared in a video, Sentinel Watch said.\n\n"
        "Messaging Platforms ‘Falling Short’\n\n"
        "Anna Bergman, professor of Communication and Media Studies at Lindqvist University, said "
        "the videos spread fast.\n"
    )
    found = every_name(r)
    assert "Sentinel Watch" in found and "Anna Bergman" in found
    assert not {"NGO", "Coward", "Communication", "Messaging Platforms"} & found
    assert not any("Deserter" in n or "Falling" in n for n in found)


def test_products_and_platform_features_are_not_actors() -> None:
    r = extract_text(
        "To follow our work, join Quillon’s Chatterly channel.\n\n"
        "Quillon said the videos, posted by pro-Varnak Chatterly accounts, were genuine.\n\n"
        "Chatterly’s Community Guidelines say the platform is meant to bring people together. "
        "Chatterly’s Youth Safety policies further state that violent content is banned. "
        "Chatterly said on Tuesday it had removed the videos.\n"
    )
    found = every_name(r)
    assert "Quillon" in found and "Chatterly" in found
    assert not any(x in n for n in found for x in ("Community Guidelines", "Youth Safety", "pro-"))
    assert "Quillon’s Chatterly" not in found
    guidelines = [s for s in r.statements if "Community Guidelines" in s.text]
    assert guidelines and all(s.speaker_name == "Chatterly" for s in guidelines)


def test_laws_and_treaties_are_not_actors() -> None:
    r = extract_text(
        "Marta Quillfeather said the company's commitments include the Convention on the Rights of "
        "Migrant Workers. Lawmakers passed the Varnak Forced Labour Prevention Act last year, and "
        "the Halden Treaty was signed in March. The Brightwater Institute said the Halden Accords "
        "had failed.\n"
    )
    found = every_name(r)
    assert "Marta Quillfeather" in found and "Brightwater Institute" in found
    assert not any(w in n for n in found for w in ("Convention", "Act", "Treaty", "Accords"))


def test_hashtags_places_and_religions_are_not_actors() -> None:
    r = extract_text(
        "Supporters shared the hashtag #FreeTorvaldBrenn on Monday. Torvald Brenn, who converted to "
        "Islam in prison, said Buddhism had shaped his youth. He was detained at Skelton Airport and "
        "later held near Vosk, in the Harrowgate region. Aid workers in the Ostrava Valley said "
        "Helena Markov had been released.\n"
    )
    found = every_name(r)
    assert "Torvald Brenn" in found and "Helena Markov" in found
    assert not {"Islam", "Buddhism", "Skelton Airport", "Vosk", "Harrowgate", "Ostrava Valley"} & found
    assert not any("FreeTorvald" in n for n in found)


def test_multiword_names_are_kept_whole() -> None:
    r = extract_text(
        "The visit was led by EU chiefs Helga von der Brandt and Paolo Renzi. "
        "Killings rose, according to the United Nations Office for the Coordination of Refugee "
        "Affairs. The party leader said the National League for Democratic Renewal would "
        "contest the vote. Ramil Jose delos Reyes, 17, was shot. Police said Delos Reyes fled.\n"
    )
    found = names(r)
    assert "Helga von der Brandt" in found and "Helga von der" not in found
    assert "United Nations Office for the Coordination of Refugee Affairs" in found
    assert not {"United Nations Office", "Coordination of Refugee Affairs"} & set(found)
    assert len(actor_named(r, "Reyes")) == 1
    assert actor_named(r, "Reyes")[0].name == "Ramil Jose delos Reyes"


def test_titles_are_not_names() -> None:
    r = extract_text(
        "After the takeover, Colonel Idris Vantar was promoted to the rank of Major General, his "
        "unit said. Secretary of State Jon Pellam said the move was lawful. The Lieutenant General "
        "did not comment.\n"
    )
    found = every_name(r)
    assert "Idris Vantar" in found and "Jon Pellam" in found
    assert not {"Major General", "State", "Lieutenant General"} & found


def test_credits_and_staff_names_are_not_actors() -> None:
    r = extract_text(
        "Tova Reinholt and Piet Marr, Kordan Wire\n\n"
        "Selma Drachen, a rights lawyer, said on Monday the trial was unfair. The court rejected "
        "her appeal.\n\n"
        "Additional reporting by Hanna Lofgren. Edited by Rune Ekdahl.\n\n"
        "Mirela Sostak and Benedek Farkas contributed to this report.\n\n"
        "Writing by Oskar Veldman; Editing by Lise Brandt\n"
    )
    found = every_name(r)
    assert "Selma Drachen" in found
    staff = {"Tova Reinholt", "Piet Marr", "Hanna Lofgren", "Rune Ekdahl", "Mirela Sostak"}
    staff |= {"Benedek Farkas", "Oskar Veldman", "Lise Brandt"}
    assert not staff & found


def test_generic_nouns_are_not_aliases_of_a_state() -> None:
    r = extract_text(
        "Tunisia has jailed thousands of critics. European leaders said the regime must release them. "
        "The authorities did not respond, and officials declined to comment. Tunisia's government "
        "said the trials were fair.\n"
    )
    egypt = [a for a in r.actors if a.kind == "state" and "Tunisia" in [a.name, *a.aliases]]
    assert len(egypt) == 1
    aliases = {x.lower() for x in egypt[0].aliases}
    assert not {"european leaders", "regime", "the regime", "authorities", "the authorities"} & aliases
    assert not {"officials"} & aliases


def test_aliases_of_one_actor_are_merged() -> None:
    r = extract_text(
        "Vice President Rosalind Marquez announced the release of 20 prisoners. Mme Marquez said "
        "more would follow. The Inter-American Tribunal of Labour Rights said the releases were "
        "welcome, but the IALRT said others were held. The Greek League for Migrant Rights "
        "and the Hellenic League for Migrant Rights are one body. Irina Sokol-Petrova said the "
        "children were safe. Sokol-Petrova told reporters the claims were false. The Kenyan "
        "military said it fired warning shots. Kenyan forces later withdrew. The El Centinela de "
        "Varnak newspaper reported the attack. El Centinela said the reporter had been threatened. "
        "Rebel leader Kasimir Odenwald appeared in the videos, and Kazimir Odenwald later denied it.\n"
    )
    assert len(actor_named(r, "Marquez")) == 1
    assert len(actor_named(r, "Migrant Rights")) == 1
    assert len(actor_named(r, "Sokol-Petrova")) == 1
    assert len(actor_named(r, "Odenwald")) == 1
    assert len([a for a in r.actors if a.kind == "organization" and "Kenya" in a.name]) <= 1
    paper = actor_named(r, "Centinela")
    assert len(paper) == 1 and "El Centinela" in [paper[0].name, *paper[0].aliases]


def test_acronym_in_another_word_order_is_the_same_body() -> None:
    r = extract_text(
        "The Inter-Andean Court of Labour Rights said the prisoners were deprived of their rights. "
        "The prisoners are protected under the rulings of the ILRC, said the lawyer Dario Fuentes.\n"
    )
    court = actor_named(r, "Inter-Andean Court")
    assert len(court) == 1 and "ILRC" in court[0].aliases
    assert "ILRC" not in names(r)

"""Speakers that are not names, second speech acts and new cues, on articles written for these tests."""

from tests.conftest import by_sentence, extract_text

DOCUMENTS = """Report finds abuse in Valdorian prisons

The Kordovian Rights Institute published a report on Monday about prisons in Valdoria. The report said guards had beaten detainees in three prisons.

Its statement read: "We will not stop documenting these abuses."

New research from the University of Marrow has found that the number of arrests doubled.

The findings concluded that the courts had ignored complaints.

A report by the Lantern Foundation said the camps held thousands of people.
"""

PEOPLE = """Trial opens in Valdoria

A police captain told the court on Monday that officers had followed orders.

"We are not criminals," says a teacher from Sorrin, whose name has been withheld. He says he was detained twice.

One activist complains that the courts ignore torture claims.

A family member said the prisoner had been on hunger strike for a month.

A soldier shot a protester near the market.
"""

DESCRIPTIONS = """Valdoria arrests

The Lantern Institute, a think tank in Kordovia, published figures on arrests. The institute said arrests had doubled since January.

Amnesty International met the families on Tuesday. The group said it would publish a second report in June.

Maria Kessel, a linguist at the University of Marrow, has studied the trials. The linguist said the charges were written in vague terms.
"""

TWO_ACTS = """Valdoria protests

Maria Kessel, the head of the Lantern Foundation, said the trials were unfair and urged the government to free the prisoners.

The foreign minister of Kordovia, Piotr Hal, said his country had not been consulted, asking Valdoria to reopen talks.

Amnesty International condemned the arrests and promised to send observers to the trial.
"""

CUES = """Valdoria answers its critics

Freedonia's interior minister, Pavel Ortiz, has defended the court's decisions against foreign criticism.

"I am worried about my brother," said Lena Voss. "I am shocked," she went on.

Officials touted the new law as a step towards reform, saying it "protects every citizen."

Troops defended the town for three days.

Lena Voss has continued to face pressure since the trial.
"""

QUOTES = """Valdoria hunger strike

Lena Voss, the prisoner's sister, said: "He has not eaten for forty days.

"Nobody from the ministry has answered our letters."

"He is weak," she added, "but he will not give up."
"""


def speakers(r: object, sentence: str) -> list[tuple[str, str | None]]:
    return [(s.kind, s.speaker_name) for s in by_sentence(r, sentence)]  # type: ignore[arg-type]


def test_a_document_speaks_for_its_author() -> None:
    r = extract_text(DOCUMENTS)
    assert [n for _, n in speakers(r, "The report said guards")] == ["Kordovian Rights Institute"]
    assert [n for _, n in speakers(r, "Its statement read")] == ["Kordovian Rights Institute"]
    assert [n for _, n in speakers(r, "has found that the number")] == ["University of Marrow"]
    assert [n for _, n in speakers(r, "The findings concluded")] == ["University of Marrow"]
    assert [n for _, n in speakers(r, "A report by the Lantern")] == ["Lantern Foundation"]


def test_an_unnamed_person_is_an_actor_named_by_the_description() -> None:
    r = extract_text(PEOPLE)
    assert [n for _, n in speakers(r, "A police captain told")] == ["police captain"]
    assert [n for _, n in speakers(r, "says a teacher")] == ["teacher from Sorrin"]
    assert [n for _, n in speakers(r, "He says he was detained")] == [
        "teacher from Sorrin"
    ]  # "he" points back
    assert [n for _, n in speakers(r, "One activist complains")] == ["activist"]
    assert [n for _, n in speakers(r, "A family member said")] == ["family member"]
    kinds = {a.name: a.kind for a in r.actors}
    assert kinds["police captain"] == "person" and kinds["family member"] == "person"
    assert "soldier" not in kinds and "protester" not in kinds  # described, but never speaking


def test_a_description_points_back_to_the_actor_it_fits() -> None:
    r = extract_text(DESCRIPTIONS)
    assert [n for _, n in speakers(r, "The institute said")] == ["Lantern Institute"]
    assert speakers(r, "The group said it would") == [("commit", "Amnesty International")]
    assert [n for _, n in speakers(r, "The linguist said")] == ["Maria Kessel"]


def test_two_speech_acts_in_one_sentence_are_two_statements() -> None:
    r = extract_text(TWO_ACTS)
    assert speakers(r, "said the trials were unfair") == [
        ("assert", "Maria Kessel"),
        ("demand", "Maria Kessel"),
    ]
    assert speakers(r, "asking Valdoria to reopen") == [("assert", "Piotr Hal"), ("demand", "Piotr Hal")]
    assert speakers(r, "condemned the arrests and promised") == [
        ("accuse", "Amnesty International"),
        ("commit", "Amnesty International"),
    ]


def test_cues_for_going_on_and_for_defending_a_decision() -> None:
    r = extract_text(CUES)
    assert [k for k, _ in speakers(r, "has defended the court")] == ["deny"]
    assert [n for _, n in speakers(r, "she went on")] == ["Lena Voss"]
    assert speakers(r, "Troops defended the town") == []  # defending a town is not speech
    assert speakers(r, "continued to face pressure") == []  # carrying on is not speaking


def test_quotes_are_the_sources_own_words_with_their_spans() -> None:
    r = extract_text(QUOTES)
    text = r.source.text
    first = by_sentence(r, "He has not eaten")[0]
    assert first.quote == "He has not eaten for forty days."
    passages = [text[a:b] for a, b in first.quote_spans]
    assert passages[0] == first.quote
    assert (
        "Nobody from the ministry has answered our letters." in passages
    )  # the paragraph that carries it on
    added = by_sentence(r, "she added")[0]
    assert [text[a:b] for a, b in added.quote_spans] == ["He is weak,", "but he will not give up."]
    for st in r.statements:
        assert st.quote is None or st.quote in text


INSTITUTIONS = """Belarus arrests

Police in Belarus detained 40 protesters on Sunday, and police have acknowledged that two of them were injured.

Belarus's public broadcaster said the protest was organised from abroad.

According to state media, the protesters had attacked a police station.

Russian diplomats have offered to mediate between the two sides.

The army, which admitted that soldiers had fired warning shots, said no one was hurt.

The foreign ministry said: "These are internal matters."

The interior ministry was accused of hiding the arrests. The ministry denied it on Friday.

Nordhall Mining, a company with mines in the north, was accused of dumping waste. The company rejected the claim.

Tomas Reyes, a lawyer for one of the detainees, said his client had been beaten.

Nordhall, a video platform based in Minsk, removed twelve accounts. A Nordhall spokesperson said: "We removed the videos."
"""

NOUN_CUES = """Belarus court

Belarus jailed twelve opposition leaders in March. Despite the government's claims that the detainees were well treated, their families were not allowed to visit.

A ruling by the supreme court of Belarus that the arrests were lawful was published on Monday.

The interior ministry of Belarus ordered the police to release the injured.

The army ordered a strike on the depot.
"""


def test_a_generic_institution_is_qualified_by_its_state_or_possessor() -> None:
    r = extract_text(INSTITUTIONS)
    assert [n for _, n in speakers(r, "police have acknowledged")] == ["Belarusian police"]
    assert [n for _, n in speakers(r, "public broadcaster said")] == ["Belarusian public broadcaster"]
    assert [n for _, n in speakers(r, "According to state media")] == ["Belarusian state media"]
    assert [n for _, n in speakers(r, "Russian diplomats have offered")] == ["Russian diplomats"]
    assert {n for _, n in speakers(r, "The army, which admitted")} == {
        "Belarusian army"
    }  # "which" is the army
    assert [n for _, n in speakers(r, "The foreign ministry said")] == ["Belarusian foreign ministry"]
    assert [n for _, n in speakers(r, "The ministry denied it")] == ["Belarusian interior ministry"]
    assert [n for _, n in speakers(r, "The company rejected")] == ["Nordhall Mining"]
    assert [n for _, n in speakers(r, "a lawyer for one of the detainees")] == [
        "Tomas Reyes"
    ]  # not the client


def test_a_noun_with_its_author_and_content_is_a_speech_act() -> None:
    r = extract_text(NOUN_CUES)
    assert [(s.cue, s.speaker_name) for s in by_sentence(r, "Despite the government")] == [
        ("claims", "Belarus")
    ]
    assert [s.cue for s in by_sentence(r, "A ruling by the supreme court")] == ["ruling"]
    assert [k for k, _ in speakers(r, "ordered the police to release")] == ["demand"]
    assert speakers(r, "ordered a strike") == []  # an order of an act is not speech


MORE = """Valdoria trial

In a report released on Monday, the Lantern Foundation blamed the guards. "Detainees were beaten every night," the report said.

"The courts have ignored every complaint," said the think tank of former political prisoners, which monitors the trials.

The Valdoria Herald said the reporter had worked for the paper for a decade and urged the authorities to find his killers.

A police officer failed to testify. The prosecutor declined to comment.

A story by the Kordovia Times cited witnesses as saying soldiers burned the village.
"""


def test_documents_introductions_and_undone_speech() -> None:
    r = extract_text(MORE)
    assert [n for _, n in speakers(r, "the report said")] == ["Lantern Foundation"]  # "In a report…, X"
    assert [n for _, n in speakers(r, "said the think tank")] == ["think tank of former political prisoners"]
    assert [k for k, _ in speakers(r, "urged the authorities")] == ["assert", "demand"]
    assert speakers(r, "failed to testify") == [] and speakers(r, "declined to comment") == []


ACCORDING = """Valdoria clashes

According to Amnesty International, police said the protesters had been armed.

According to the Lantern Foundation, 40 people were detained.

Police said 12 officers were hurt, a figure the Lantern Foundation disputed.
"""


def test_an_outer_according_to_wins_over_the_clause_it_reports() -> None:
    r = extract_text(ACCORDING)
    assert [(s.cue, s.speaker_name) for s in by_sentence(r, "According to Amnesty")] == [
        ("according to", "Amnesty International")
    ]
    assert [n for _, n in speakers(r, "40 people were detained")] == ["Lantern Foundation"]


BODIES = """Valdoria disputes report

The Turkish coast guard said it rescued over 300 migrants in September.

In a statement, the Marrow state prosecutor's office condemned the shooting and vowed to find the killers.

The war has not broken Valdoria, its president Anton Kral said on Tuesday.

The Lantern Foundation said the figures were low. The group also pointed to a campaign aimed at farmers.
"""


def test_bodies_named_by_their_parts_and_a_states_own_voice() -> None:
    r = extract_text(BODIES)
    assert [n for _, n in speakers(r, "coast guard said")] == ["Turkish coast guard"]
    assert speakers(r, "prosecutor's office condemned") == [
        ("accuse", "Marrow state prosecutor's office"),
        ("commit", "Marrow state prosecutor's office"),
    ]
    assert [n for _, n in speakers(r, "its president Anton Kral said")] == ["Anton Kral"]
    assert [n for _, n in speakers(r, "also pointed to")] == ["Lantern Foundation"]


BETWEEN = """Valdoria war

The war has not broken Valdoria, its president Anton Kral said on Tuesday, as Amnesty International marked the anniversary by vowing to keep campaigning.
"""


def test_a_speaker_met_between_two_cues_makes_its_own_statement_on_the_same_day() -> None:
    r = extract_text(
        "Kordovia invaded Valdoria in 2022.\n\n" + BETWEEN, published="2026-02-25"
    )  # a Wednesday
    said = by_sentence(r, "as Amnesty International marked")
    assert [(s.kind, s.speaker_name) for s in said] == [
        ("assert", "Anton Kral"),
        ("commit", "Amnesty International"),
    ]
    assert [s.date for s in said] == ["2026-02-24", "2026-02-24"]

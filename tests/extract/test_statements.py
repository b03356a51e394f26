"""Statements read from short articles written for these tests."""

from tests.conftest import by_sentence, extract_text

ARTICLE = """Rights group urges inquiry into river killings

Amnesty International on Monday urged the government of Freedonia to open an independent inquiry into the killings of fishermen on the Orun river.

“The authorities must let investigators reach the villages now,” said Maria Okafor, the group’s regional director.

She accused the army of burning boats and homes.

Freedonia’s defence minister, Pavel Ortiz, denied that soldiers had fired on civilians.

The 58-year-old promised to publish the army’s own report next month.

Brasilia says the fishermen were smugglers.

The country's interior ministry confirmed that 14 people had died, according to state radio.

“We lost everything. Our nets, our boats, our children’s school.

“Nobody came to help us,” said Tomas Reyes, a fisherman from Orun.

Eyewitnesses said the shooting lasted an hour.

The river has flooded twice this year.
"""


def test_each_kind_with_its_speaker() -> None:
    r = extract_text(ARTICLE, published="2023-05-10")  # a Wednesday
    demand = by_sentence(r, "urged the government of Freedonia")
    assert [(s.kind, s.speaker_name) for s in demand] == [("demand", "Amnesty International")]
    assert demand[0].date == "2023-05-08"
    accuse = by_sentence(r, "She accused the army")
    assert [(s.kind, s.speaker_name) for s in accuse] == [("accuse", "Maria Okafor")]
    deny = by_sentence(r, "denied that soldiers")
    assert [(s.kind, s.speaker_name) for s in deny] == [("deny", "Pavel Ortiz")]


def test_inverted_speaker_and_quote() -> None:
    r = extract_text(ARTICLE)
    st = by_sentence(r, "let investigators reach")
    assert len(st) == 1
    assert st[0].speaker_name == "Maria Okafor"
    assert st[0].kind == "demand"  # "must" in the quotation
    assert st[0].quote == "The authorities must let investigators reach the villages now,"


def test_pronoun_and_age_noun_resolve_to_the_last_fitting_person() -> None:
    r = extract_text(ARTICLE)
    assert by_sentence(r, "She accused")[0].speaker_name == "Maria Okafor"
    promise = by_sentence(r, "58-year-old promised")
    assert [(s.kind, s.speaker_name) for s in promise] == [("commit", "Pavel Ortiz")]


def test_capital_stands_for_its_state() -> None:
    r = extract_text(ARTICLE)
    st = by_sentence(r, "Brasilia says")
    assert len(st) == 1
    speaker = next(a for a in r.actors if a.id == st[0].speaker)
    assert speaker.kind == "state"
    assert "Brasilia" in speaker.aliases


def test_multi_paragraph_quote_is_one_statement() -> None:
    r = extract_text(ARTICLE)
    assert by_sentence(r, "We lost everything") == []
    st = by_sentence(r, "Nobody came to help us")
    assert [s.speaker_name for s in st] == ["Tomas Reyes"]


def test_unidentified_speakers_and_narration_are_not_statements() -> None:
    r = extract_text(ARTICLE)
    assert by_sentence(r, "Eyewitnesses said") == []
    assert by_sentence(r, "The river has flooded") == []


def test_unbalanced_closing_quote_never_raises() -> None:
    text = (
        "Observers were alarmed.\n\nThe vote was rigged from the start and everyone knew it,” "
        "said Lena Park, a researcher at Example Watch."
    )
    r = extract_text(text)
    st = by_sentence(r, "said Lena Park")
    assert [s.speaker_name for s in st] == ["Lena Park"]
    assert st[0].quote is not None and st[0].quote.startswith("The vote was rigged")
    assert st[0].kind == "accuse"  # "rigged"


def test_two_speech_acts_in_one_sentence() -> None:
    r = extract_text(
        "Officials in Kordovia slammed the report as biased and dismissed its findings as lies.\n"
    )
    kinds = sorted(s.kind for s in by_sentence(r, "slammed the report"))
    assert kinds == ["accuse", "deny"]


def test_participial_speaker_and_target() -> None:
    text = (
        "The panel's findings were leaked in May.\n\n"
        "Speaking to parliament on Thursday, Foreign Minister Ana Silva called on the Halvorsen Commission "
        "to publish the findings.\n"
    )
    r = extract_text(text, published="2024-06-14")  # a Friday
    st = by_sentence(r, "called on")
    assert [(s.kind, s.speaker_name, s.target_name) for s in st] == [
        ("demand", "Ana Silva", "Halvorsen Commission")
    ]
    assert st[0].date == "2024-06-13"


def test_partial_date_without_publication() -> None:
    r = extract_text("Ana Silva said on March 8 that the talks would resume.\n")
    assert by_sentence(r, "talks would resume")[0].date == "--03-08"


def test_counter_account_by_the_accused_is_a_denial() -> None:
    text = (
        "Human Rights Watch accused Kordovia of detaining thousands of people without trial.\n\n"
        "Kordovia says the centres are schools that teach trades.\n"
    )
    r = extract_text(text)
    st = by_sentence(r, "centres are schools")
    assert [s.kind for s in st] == ["deny"]


def test_spokesman_for_a_named_person_speaks_for_them() -> None:
    r = extract_text("A spokesman for Prime Minister Jan Kowal said his government would send aid.\n")
    st = by_sentence(r, "would send aid")
    assert [(s.kind, s.speaker_name) for s in st] == [("commit", "Jan Kowal")]


def test_a_colon_after_a_speaker_is_a_cue() -> None:
    r = extract_text(
        "Protests went on.\n\nRights Centre director Jane Doe: “The authorities must free every detained protester now.”\n"
    )
    st = by_sentence(r, "Jane Doe:")
    assert [(s.kind, s.speaker_name, s.cue) for s in st] == [("demand", "Jane Doe", ":")]


def test_expressions_of_concern_and_welcome() -> None:
    r = extract_text(
        "The UN human rights office expressed concern over the detention of two journalists.\n\n"
        "Amnesty International welcomed the release of the activists on Friday.\n"
    )
    assert [s.kind for s in by_sentence(r, "expressed concern")] == ["accuse"]
    assert [s.kind for s in by_sentence(r, "welcomed the release")] == ["assert"]


def test_according_to_needs_a_source_not_a_procedure() -> None:
    r = extract_text(
        "The Hague court can issue warrants, according to the court's own rules.\n\n"
        "Ten people died, according to figures from the Example Health Ministry.\n"
    )
    assert by_sentence(r, "own rules") == []
    st = by_sentence(r, "Ten people died")
    assert len(st) == 1 and st[0].speaker_name is not None and "Ministry" in st[0].speaker_name


def test_hosting_and_offering_comment_are_not_promises() -> None:
    r = extract_text(
        "Freedonia welcomed the president, Ana Silva, for a state visit.\n\n"
        "The bloc has offered only tepid criticism of the Freedonian government.\n\n"
        "Kordovia offered to send two hundred doctors.\n"
    )
    assert by_sentence(r, "welcomed the president") == []
    assert [s.kind for s in by_sentence(r, "tepid criticism")] in ([], ["assert"], ["accuse"])
    assert [s.kind for s in by_sentence(r, "two hundred doctors")] == ["commit"]


def test_a_relative_clause_does_not_name_the_speaker() -> None:
    r = extract_text(
        "“The old schools worked well,” said the scholar, who grew up in Freedonia.\n\n"
        "Lena Park's neighbours received leaflets urging them to report her.\n"
    )
    assert by_sentence(r, "said the scholar") == []
    assert by_sentence(r, "received leaflets") == []


def test_she_skips_a_man_named_more_recently() -> None:
    text = (
        "Maria Okafor, a nurse, described the night of the raid.\n\n"
        "Colonel Dmitry Volkov ordered his soldiers into the ward at midnight.\n\n"
        "She said the soldiers had taken three patients away.\n"
    )
    r = extract_text(text)
    assert [s.speaker_name for s in by_sentence(r, "She said the soldiers")] == ["Maria Okafor"]


def test_refusals_are_not_denials() -> None:
    r = extract_text(
        "Prison officials denied the lawyers access to their client.\n\n"
        "The court rejected the appeal on Monday.\n\n"
        "The Kenyan interior ministry denied that prisoners had been beaten.\n"
    )
    assert by_sentence(r, "denied the lawyers access") == []
    assert by_sentence(r, "rejected the appeal") == []
    assert [s.kind for s in by_sentence(r, "denied that prisoners")] == ["deny"]


def test_we_will_in_an_organisations_own_release() -> None:
    text = (
        "---\ntitle: Example Rights Centre welcomes verdict\nauthor: Example Rights Centre\n---\n"
        "The Example Rights Centre welcomed the verdict in the case of the detained journalists.\n\n"
        "We will keep supporting the families until every journalist is free.\n"
    )
    r = extract_text(text)
    assert [(s.kind, s.speaker_name) for s in by_sentence(r, "We will keep")] == [
        ("commit", "Example Rights Centre")
    ]
    plain = extract_text("The court adjourned.\n\nWe will keep supporting the families.\n")
    assert by_sentence(plain, "We will keep") == []

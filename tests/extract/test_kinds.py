"""The kind of a statement comes from the act its content performs, not from the words it mentions.

Each test is one construction class of vigil.extract.kinds, on short
articles written for these tests (invented people and states).
"""

from __future__ import annotations

from vigil.extract.pipeline import extract_bytes
from vigil.model import Extraction


def read(text: str) -> Extraction:
    return extract_bytes(text.encode())


def kind_of(result: Extraction, fragment: str) -> str:
    """The kind of the one statement whose sentence holds `fragment`."""
    found = [s.kind for s in result.statements if fragment in s.text]
    assert len(found) == 1, (fragment, [(s.kind, s.text) for s in result.statements])
    return found[0]


ACCUSED = """Freedonia denies beating protesters

Kordovian rights group Free Voices accused interior minister Pavel Ortiz of ordering the police to beat protesters in Morvan on Sunday.

“Our officers did not arrest, beat or kill anyone,” said Anton Berek, a spokesman for the interior ministry.

Ortiz said the officers had acted lawfully.

Ortiz said the march was not dispersed.

The minister dismissed the report as lies.

“I do not consider myself a criminal,” Marek Ilves said after the verdict.

Kordovia's foreign minister, Ilse Varga, described the sentence as a travesty.

Varga called the trial a sham.

Varga dismissed the Freedonian government as a corrupt and broken regime.

Valdoria's president, Tomas Eller, described the visit as a success.

Detainees told Free Voices they were beaten and denied water, said Lena Marsh, the group's director.

Marsh said the detentions were not just arbitrary but cruel.
"""


def test_negation_scope_turns_wrongdoing_into_denial() -> None:
    r = read(ACCUSED)
    assert kind_of(r, "did not arrest, beat or kill") == "deny"  # the conjuncts share the negation
    assert kind_of(r, "do not consider myself a criminal") == "deny"  # negation raised from "consider"
    assert kind_of(r, "not just arbitrary but cruel") == "accuse"  # "not just" affirms


def test_counter_account_by_the_accused_is_a_denial() -> None:
    r = read(ACCUSED)
    assert kind_of(r, "had acted lawfully") == "deny"
    assert kind_of(r, "march was not dispersed") == "deny"
    assert kind_of(r, "they were beaten and denied water") == "accuse"  # passive "denied water" is abuse


def test_evaluative_description_by_its_polarity() -> None:
    r = read(ACCUSED)
    assert kind_of(r, "described the sentence as a travesty") == "accuse"
    assert kind_of(r, "called the trial a sham") == "accuse"
    assert kind_of(r, "as a corrupt and broken regime") == "accuse"  # dismissing a party, not an allegation
    assert kind_of(r, "dismissed the report as lies") == "deny"
    assert kind_of(r, "described the visit as a success") == "assert"


MODALS = """Valdoria and Kordovia sign water accord

“We must fulfil our obligations under the accord,” said Tomas Eller, Valdoria's president.

“The government must release the detained journalists,” said Ilse Varga, director of the Kordovian rights group Free Voices.

Varga said Valdoria should open the border crossings.

“We have to rebuild the bridges before winter,” Eller said.

“It had to be done,” Eller said of the curfew.

Varga said the ministry does not need to publish the report.
"""


def test_modal_by_person_commits_the_speaker_or_demands_of_others() -> None:
    r = read(MODALS)
    assert kind_of(r, "We must fulfil our obligations") == "commit"
    assert kind_of(r, "We have to rebuild the bridges") == "commit"
    assert kind_of(r, "The government must release") == "demand"
    assert kind_of(r, "Valdoria should open") == "demand"
    assert kind_of(r, "It had to be done") == "assert"  # a past necessity narrates
    assert kind_of(r, "does not need to publish") == "assert"


TOLLS = """Floods and unrest leave Valdoria counting its dead

“Too many of our people have been killed,” said Anna Rusk, a Valdorian nurse.

Marek Ilves, who has published research on repression in Kordovia, said the new law was popular.

Ilse Varga said the inquiry into the killings would report in May.

Varga said the floods had killed 40 people.

Rusk said her brother had been beaten by the guards.
"""


def test_topic_words_in_findings_and_tolls_accuse_no_one() -> None:
    r = read(TOLLS)
    assert kind_of(r, "Too many of our people have been killed") == "assert"  # a toll: no agent, no party
    assert kind_of(r, "published research on repression") == "assert"  # a study's topic
    assert kind_of(r, "inquiry into the killings") == "assert"
    assert kind_of(r, "the floods had killed 40 people") == "assert"  # nobody's doing
    assert kind_of(r, "beaten by the guards") == "accuse"


PROMISES = """Kordovian opposition doubts reform pledge

“The government's repeated promises to free the prisoners have proven empty,” said Ilse Varga, director of the Kordovian rights group Free Voices.

Varga said the men who will lead the new council had served in the army.

Tomas Eller, Valdoria's president, said his government would reopen the border next week.

Eller said he was ready to resume talks.

“We are not ready to sign anything,” said Marek Ilves, Kordovia's negotiator.
"""


def test_other_parties_words_are_not_the_speakers_promise() -> None:
    r = read(PROMISES)
    assert kind_of(r, "repeated promises to free") == "assert"  # someone else's promises
    assert kind_of(r, "the men who will lead") == "assert"  # a future in a relative clause about others
    assert kind_of(r, "his government would reopen") == "commit"
    assert kind_of(r, "he was ready to resume talks") == "commit"
    assert kind_of(r, "We are not ready to sign") == "assert"

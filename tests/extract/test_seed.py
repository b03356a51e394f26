"""The founding example, read as the extraction guide says an analyst would."""

from tests.conftest import by_sentence
from vigil.model import Extraction


def test_seed_statements(seed: Extraction) -> None:
    want = [
        ("Michelle Bachelet, the U.N.", "Michelle Bachelet", "commit", "--03-08"),
        ("She said the Chinese government", "Michelle Bachelet", "commit", None),
        ("published an open letter", "Human Rights Watch", "demand", "--03-08"),
        ("The HRW denounces", "Human Rights Watch", "accuse", None),
        ("Beijing says", "Chinese government", "deny", None),
        ("The U.N. office based in Geneva", None, "assert", None),
        ("Annalena Baerbock called on", "Annalena Baerbock", "demand", None),
        ("said Kenneth Roth", "Kenneth Roth", "accuse", None),
    ]
    for fragment, speaker, kind, date in want:
        got = by_sentence(seed, fragment)
        assert len(got) == 1, fragment
        if speaker:
            assert got[0].speaker_name == speaker, fragment
        assert got[0].kind == kind, fragment
        assert got[0].date == date, fragment


def test_seed_office_is_one_actor(seed: Extraction) -> None:
    office = [a for a in seed.actors if "Office" in a.name or "office" in a.name]
    assert len(office) == 1
    assert {"U.N. office", "her office"} <= set(office[0].aliases)
    st = by_sentence(seed, "The U.N. office based in Geneva")[0]
    assert st.speaker == office[0].id
    baerbock = by_sentence(seed, "Annalena Baerbock called on")[0]
    assert baerbock.target == office[0].id


def test_seed_page_furniture(seed: Extraction) -> None:
    src = seed.source
    assert src.title == "U.N. Human Rights to visit Xinjiang"
    assert src.subtitle is not None and src.subtitle.startswith("The U.N. Human Rights will visit")
    assert [(c.text, c.credit) for c in src.captions] == [
        ("Michelle Bachelet", "UN Women/Catianne Tijerina, 2013")
    ]
    for line in ("Discover news about China", "Related Articles", "Back to top button"):
        assert line in src.removed and line not in src.text
    assert "hasn’t released" in src.text  # curly apostrophe kept
    names = {a.name for a in seed.actors}
    assert "Catianne Tijerina" not in " ".join(names)

from tests.conftest import extract_text

TEXT = """Human Rights Watch said on Monday that the Chinese government had detained activists.

The HRW report named three camps. Beijing says the camps are schools.

China's government rejected the report. Kenneth Roth, executive director of Human Rights Watch, said Roth's team stood by it.

Michelle Bachelet, the U.N. High Commissioner for Human Rights, said Bachelet would visit. Police in Belarus detained 100 people, and the Belarusian police said the rally was illegal.
"""


def actors_by_name(text: str) -> dict[str, object]:
    return {a.name: a for a in extract_text(text).actors}


def test_acronyms_articles_and_metonyms_fold() -> None:
    r = extract_text(TEXT)
    names = [a.name for a in r.actors]
    hrw = [a for a in r.actors if a.name == "Human Rights Watch"]
    assert len(hrw) == 1 and "HRW" in hrw[0].aliases
    china = [a for a in r.actors if a.kind == "state" and ("China" in a.aliases or a.name == "China")]
    assert len(china) == 1
    assert {"Beijing", "China’s government", "China's government"} & set(china[0].aliases)
    assert "Chinese government" in [china[0].name, *china[0].aliases]
    assert "Beijing" not in names


def test_surnames_fold_into_the_full_name_with_titles() -> None:
    r = extract_text(TEXT)
    people = [a for a in r.actors if a.kind == "person"]
    roth = [a for a in people if "Roth" in a.name]
    assert len(roth) == 1 and roth[0].name == "Kenneth Roth"
    assert "executive director of Human Rights Watch" in roth[0].titles
    bachelet = [a for a in people if "Bachelet" in a.name]
    assert len(bachelet) == 1
    assert any("High Commissioner" in t for t in bachelet[0].titles)


def test_institutions_named_by_noun_phrases() -> None:
    r = extract_text(TEXT)
    police = [a for a in r.actors if "police" in a.name.lower()]
    assert len(police) == 1
    assert police[0].kind == "organization"
    assert {"Police in Belarus", "Belarusian police"} <= set([police[0].name, *police[0].aliases])


def test_byline_and_credit_names_are_not_actors() -> None:
    text = (
        "## Flood relief stalls\n\nBy Jonah Fisher, Example News\n\n"
        "Lena Park | Photo Agency/Tom Baker, 2020\n\n"
        "The mayor, Ana Silva, said aid would arrive on Friday.\n"
    )
    r = extract_text(text)
    names = {a.name for a in r.actors}
    assert "Ana Silva" in names
    assert not names & {"Jonah Fisher", "Tom Baker", "Lena Park"}
    assert "Jonah Fisher" in r.source.authors


def test_mentions_point_at_the_names() -> None:
    r = extract_text(TEXT)
    for a in r.actors:
        for s, e in a.mentions:
            assert r.source.text[s:e].strip() != ""


def test_tagger_slips_are_repaired() -> None:
    text = (
        "Schools must now teach in Mandarin Chinese, the education bureau said.\n\n"
        "Foreign ministry spokeswoman Hua Chunying said the policy was lawful.\n"
    )
    r = extract_text(text)
    names = {a.name: a.kind for a in r.actors}
    assert "Mandarin Chinese" not in names
    assert names.get("Hua Chunying") == "person"

"""Extraction never raises, whatever text it is given."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vigil.extract.pipeline import extract_article
from vigil.extract.text import structure

WORDS = st.sampled_from(
    [
        "said",
        "says",
        "“",
        "”",
        '"',
        "'",
        "‘",
        "’",
        "She",
        "he",
        "They",
        "Beijing",
        "China's",
        "government",
        "accused",
        "denied",
        "urged",
        "promised",
        "according",
        "to",
        "Mr",
        "Ms",
        "Lukashenko",
        "on",
        "Monday",
        "March",
        "8",
        "last",
        "week",
        "the",
        "U.N.",
        "office",
        "—",
        ":",
        ",",
        ".",
        "\n",
        "\n\n",
        "#",
        "![](x)",
        "[a](b)",
        "---",
        "By",
        "Human",
        "Rights",
        "Watch",
        "HRW",
        "police",
        "in",
        "Belarus",
        "66-year-old",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=400), st.lists(WORDS, max_size=80).map(" ".join)))
def test_extraction_never_raises(text: str) -> None:
    result = extract_article(structure(text), sha256="0" * 64)
    for s in result.statements:
        a, b = s.span
        assert result.source.text[a:b] == s.text
        assert s.kind in ("accuse", "deny", "demand", "commit", "assert")

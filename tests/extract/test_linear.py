"""The linear-time rewrites read exactly what the patterns and scans they replace read.

Each reference below is the code as it was before extraction was made
near-linear; hypothesis compares the two on short inputs (where the old
code is quick), and the long pathological inputs only have to finish.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc

from vigil.extract import nlp as nlp_module
from vigil.extract import text as text_module
from vigil.extract.nlp import pipeline, safe_cut, tokenize
from vigil.extract.reader import read
from vigil.extract.statements import Quotes, quote_spans, single_quotes
from vigil.extract.text import heading, sentences, strip_links, structure

OLD_LINK = re.compile(r"!?\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]*)(?:\s+\"[^\"]*\")?\)")
OLD_HEADING = re.compile(r"^\s*(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
OLD_FRONT = re.compile(r"^\s*([\w -]+?)\s*:\s*(.*?)\s*$")
OLD_SINGLE = re.compile(r"(?<![\w])[‘'](?=\w)(.{2,}?)(?<=[\w.,!?])[’'](?![\w])")
OLD_CAPTION = re.compile(
    r"^(?:media playback is unsupported on your device\s*)?(?:image (?:copyright|source)\s+(?P<credit>.*?)\s+)?"
    r"(?:media|image|photo|video) caption\s*:?\s*",
    re.I,
)
OLD_HEADER_VALUE = re.compile(r"^\s*(?P<key>title|author|authors|date)\s*:\s*(?P<value>.*?)\s*$", re.I)

SETTINGS = settings(max_examples=300, deadline=None)


def pieces(*parts: str, size: int = 16) -> st.SearchStrategy[str]:
    """Strings glued from a few pieces: dense in the cases a pattern turns on."""
    return st.lists(st.sampled_from(parts), max_size=size).map("".join)


@SETTINGS
@given(pieces("[", "]", "(", ")", "!", " ", '"', "a", "\t", "](", "[a](b)", "\n"))
def test_links_as_the_pattern(line: str) -> None:
    old = OLD_LINK.sub(lambda m: "" if m.group(0).startswith("!") else m.group("text"), line)
    assert strip_links(line) == old
    assert text_module.has_link(line) == bool(OLD_LINK.search(line))


@SETTINGS
@given(pieces("#", "##", " ", "\t", "a", "\u00a0", "x y", "\n"))
def test_heading_as_the_pattern(line: str) -> None:
    m = OLD_HEADING.match(line)
    h = heading(line)
    assert ((h.hashes, h.text) if h else None) == ((m.group("hashes"), m.group("text")) if m else None)


@SETTINGS
@given(pieces(" ", "\t", "a", ":", "-", "b c", "é", "!", "\u00a0", "\n"))
def test_front_matter_line_as_the_pattern(line: str) -> None:
    m = OLD_FRONT.match(line)
    assert text_module._front_line(line) == (m.groups() if m else None)


@SETTINGS
@given(pieces("title", "author", "s", ":", " ", "\t", "x", "date", size=10))
def test_header_value_as_the_pattern(line: str) -> None:
    m = OLD_HEADER_VALUE.match(line)
    new = re.compile(r"^\s*(?P<key>title|author|authors|date)\s*:(?P<value>.*)$", re.I).match(line)
    assert ((new.group("key"), new.group("value").strip()) if new else None) == (
        (m.group("key"), m.group("value")) if m else None
    )


@SETTINGS
@given(
    pieces(
        "image ",
        "Image ",
        "copyright",
        "source",
        " ",
        "  ",
        "\t",
        "caption",
        "media ",
        "photo ",
        "x",
        ":",
        "media playback is unsupported on your device",
        size=10,
    )
)
def test_caption_prefix_as_the_pattern(line: str) -> None:
    m = OLD_CAPTION.match(line) or re.match(r"^(?:caption|photo|image|picture)\s*:\s*", line, re.I)
    old = None
    if m:
        credit = m.groupdict().get("credit")
        old = (line[m.end() :].strip(), credit.strip() if credit else None)
    cap = text_module._caption_from_prefix(line)
    assert ((cap.text, cap.credit) if cap else None) == old


def old_sentences(text: str) -> list[str]:
    out: list[str] = []
    for piece in text_module.SENTENCE_SPLIT.split(text):
        if out and text_module.ABBREVIATION.search(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


@SETTINGS
@given(pieces("Mr.", " ", "Dr.", "Sept.", "a.", "A", "b", "?", '"', "x.", "No.", "Mr", "\n"))
def test_sentences_as_before(text: str) -> None:
    assert sentences(text) == old_sentences(text)


@SETTINGS
@given(pieces("'", "‘", "’", "a", "b", " ", ".", "!", "\n", "'a", "x'", size=20))
def test_single_quotes_as_the_pattern(para: str) -> None:
    assert list(single_quotes(para)) == [m.span(1) for m in OLD_SINGLE.finditer(para)]


@SETTINGS
@given(
    pieces("“", "”", '"', "'", "‘", "’", "a", " ", "\n\n", "b.", size=30),
    st.integers(0, 40),
    st.integers(0, 40),
)
def test_quote_index_as_a_scan(text: str, a: int, b: int) -> None:
    spans = quote_spans(text)
    quotes = Quotes(spans)
    for i in range(len(text) + 1):
        assert quotes.inside(i) == any(x <= i < y for x, y in spans)
    start, end = min(a, b), max(a, b) + 1
    assert quotes.meeting(start, end) == [(x, y) for x, y in spans if x < end and y > start]


def old_paragraphs(doc: Doc) -> Doc:
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if prev.is_space and "\n" in prev.text and not tok.is_space:
            tok.is_sent_start = True
    return doc


@settings(max_examples=60, deadline=None)
@given(pieces("Word", " ", "\n", "\n\n", "said.", "  ", "\t", "“", size=30))
def test_paragraph_starts_as_before(text: str) -> None:
    nlp = pipeline()
    new = nlp.get_pipe("vigil_paragraphs")(nlp.make_doc(text))
    old = old_paragraphs(nlp.make_doc(text))
    assert [t.is_sent_start for t in new] == [t.is_sent_start for t in old]


def token_view(doc: Doc) -> list[tuple[str, str, str, bool | None]]:
    return [(t.text, t.whitespace_, t.norm_, t.is_sent_start) for t in doc]


WORDS = [
    "said",
    "a.m.",
    "p.m.",
    ":)",
    "(:",
    "(",
    ")",
    "'s",
    "don't",
    "Mr.",
    "U.S.",
    "e.g.",
    "—",
    "“",
    "”",
    "'",
    "10km",
    "°C",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([*WORDS, " ", "  ", "\n", "\n\n", "\t", "x", "."]), max_size=40).map("".join))
def test_a_safe_cut_keeps_the_tokens(text: str) -> None:
    nlp = pipeline()
    junctions = nlp_module._junctions(nlp.tokenizer)
    whole = token_view(nlp.tokenizer(text))
    for m in nlp_module.BOUNDARY.finditer(text):
        p = m.start()
        if safe_cut(text, p, junctions):
            joined = nlp_module._join([nlp.tokenizer(text[:p]), nlp.tokenizer(text[p:])])
            assert token_view(joined) == whole, p


def test_tokenizing_in_pieces_gives_the_tokens_of_one_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nlp_module, "SEGMENT", 300)
    words = [
        "Ms Ortiz",
        "said",
        "the U.S.",
        "army",
        "denied",
        "it",
        "at 9 a.m.",
        "(AFP)",
        "“no”",
        ":)",
        "she's",
        "\n\n",
    ]
    text = " ".join(words[(i * 7) % len(words)] for i in range(3000))
    nlp = pipeline()
    doc = tokenize(text)
    assert len(nlp_module._cuts(text, nlp_module._junctions(nlp.tokenizer))) > 20
    assert token_view(doc) == token_view(nlp.tokenizer(text))
    assert doc.text == text


def test_an_overlong_run_is_tokenized_in_pieces() -> None:
    text = "Before it. " + "(" * 5_000 + ")" * 5_000 + " after."
    doc = tokenize(text)
    assert doc.text == text
    assert doc[0].text == "Before" and doc[-1].text == "."


@pytest.mark.parametrize(
    "line",
    [
        "(" * 100_000 + ")" * 100_000,
        "[" * 200_000,
        "![" * 100_000,
        "[a](" * 50_000,
        "# a" + " " * 200_000 + "b",
        "title: a" + " " * 200_000 + "b",
        "image copyright " + " " * 200_000 + "x",
        "a" * 150 + " " * 100_000 + "|" + " " * 100_000 + "bb",
        "'a " * 70_000,
        "Mr. " * 50_000,
        "a" * 200_000,
    ],
    ids=[
        "parens",
        "brackets",
        "images",
        "links",
        "heading",
        "header",
        "caption",
        "pipe",
        "quotes",
        "abbrev",
        "run",
    ],
)
def test_a_long_line_is_read_in_linear_time(line: str) -> None:
    """200 KB lines on which the old patterns backtracked for minutes or hours."""
    art = read(line.encode())
    assert isinstance(art.text, str)
    quotes = Quotes(quote_spans(line))
    assert quotes.inside(len(line) // 2) in (True, False)


def test_many_short_lines_are_read_in_linear_time() -> None:
    art = structure("a\n" * 50_000 + "Ab.\n\n" * 25_000)
    assert isinstance(art.text, str)

"""Plain-text articles: separate the story from the page around it.

Scraped text arrives as a tool's dump: front matter, header lines, markdown
images and links, captions, bylines, share buttons and link farms. Each
line is classified once, by patterns kept as data (`data/text.yaml`), so a
new site's furniture is a new pattern, not new code. Body lines keep their
characters exactly, except markdown link syntax, which is reduced to the
link text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

import yaml

from vigil.extract.dates import MONTHS
from vigil.extract.resources import load_yaml
from vigil.model import Caption

if TYPE_CHECKING:
    from vigil.extract.budget import Budget

TERMINAL = tuple(".!?\"'”’)]…:;")
MD_IMAGE = re.compile(r"^\s*!\[[^\]]*\]\([^)]*\)\s*$")
MD_LINK_LINE = re.compile(r"^\s*(?:[-*+]\s+)?\[(?P<text>[^\]]*)\]\((?P<url>[^)]*)\)\s*$")
MD_HEADING = re.compile(r"^\s*(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")  # reference; see heading()
HEADING_START = re.compile(r"^\s*(?P<hashes>#{1,6})\s+(?P<rest>.+)$")
LINK_CLOSE = re.compile(r"[)\s]")
FRONT_KEY = re.compile(r"[\w -]+")
FRONT_LINE = re.compile(r"^\s*([\w -]+?)\s*:\s*(.*?)\s*$")  # reference; see _front_line()
MD_BULLET = re.compile(r"^\s*[-*+•]\s+")
META_BULLET = re.compile(r"^\s*[-*]\s+\*\*(?P<key>[^*]+)\*\*\s*:\s*(?P<value>.*)$")
PIPE_CAPTION = re.compile(r"^(?P<text>[^|]{1,200}?)\s+\|\s+(?P<credit>[^|]{2,120})$")
CREDIT_LINE = re.compile(r"^(?:credit|photo|photograph|image|picture)\s*[:|]?\s+(?P<credit>.{2,120})$", re.I)
URL_TEXT = re.compile(r"^(?:https?://|www\.)\S+$")
SENTENCE_SPLIT = re.compile(r"(?:(?<=[a-z0-9%)][.!?])|(?<=[.!?][\"'’”]))[\s\u00a0]+(?=[A-Z“\"‘'])")
ABBREVIATION = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|St|No|Gen|Col|Lt|Sgt|Prof|Rev|Jr|Sr|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.$"
)
DATE_LINE = re.compile(r"^[\W\d]*(?:\d{1,2}\s+\w+|\w+\s+\d{1,2}),?\s+\d{4}\b[\W\d:apm]*$", re.I)
DUMP_SECTIONS = {"metadata", "page structure", "links", "images", "navigation", "footer", "related"}
CONTENT_SECTIONS = {"content", "article", "text", "body", "main content"}


@dataclass
class Article:
    """An article's parts as read from a page, before any NLP."""

    text: str
    title: str | None = None
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    url: str | None = None
    captions: list[Caption] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass
class _Patterns:
    boilerplate: re.Pattern[str]
    stamps: list[re.Pattern[str]]
    header: re.Pattern[str]
    caption_prefix: list[re.Pattern[str]]
    caption_marker: list[re.Pattern[str]]
    byline: re.Pattern[str]
    credit_line: re.Pattern[str]
    stopwords: frozenset[str]
    link_label: re.Pattern[str]
    list_heading: re.Pattern[str]
    stamp_label: re.Pattern[str]
    appeal_start: re.Pattern[str]


@cache
def patterns() -> _Patterns:
    data: dict[str, Any] = load_yaml("text.yaml")
    keys = "|".join(re.escape(k) for k in data["header_keys"])
    return _Patterns(
        boilerplate=re.compile("(?:" + "|".join(data["boilerplate"]) + r")\s*[.:!]?", re.I),
        stamps=[re.compile(p, re.I) for p in data["stamps"]],
        header=re.compile(rf"^\s*(?P<key>{keys})\s*:(?P<value>.*)$", re.I),  # value stripped by header()
        caption_prefix=[re.compile(p, re.I) for p in data["caption_prefix"]],
        caption_marker=[re.compile(p, re.I) for p in data["caption_marker"]],
        byline=re.compile(data["byline"]),
        credit_line=re.compile(data["credit_line"]),
        stopwords=frozenset(data["stopwords"].split()),
        link_label=re.compile(rf"^(?:{data['link_label']})\s*[:|»›>]\s*(?P<rest>\S.*)$", re.I),
        list_heading=re.compile(rf"(?:{data['list_heading']})\s*[:.]?", re.I),
        stamp_label=re.compile(rf"^(?:{data['stamp_label']})\s*[:|]?\s*", re.I),
        appeal_start=re.compile(rf"(?:{data['appeal_start']})\b", re.I),
    )


def is_boilerplate(line: str) -> bool:
    """Whether a whole line is page furniture (share buttons, related links, stamps)."""
    s = line.strip()
    p = patterns()
    return bool(p.boilerplate.fullmatch(s)) or any(r.search(s) for r in p.stamps)


class Heading(NamedTuple):
    hashes: str
    text: str


def heading(line: str) -> Heading | None:
    """A markdown heading, as `MD_HEADING` reads it but in linear time.

    The pattern's lazy text followed by `\\s*#*\\s*$` backtracks cubically
    over a long run of spaces; the text is instead the rest of the line less
    its longest tail of spaces, closing hashes and spaces (one character at
    least, as `.+?` takes).
    """
    if "\n" in line:  # `$` and `.` treat a newline specially; lines never hold one
        m = MD_HEADING.match(line)
        return Heading(m.group("hashes"), m.group("text")) if m else None
    m = HEADING_START.match(line)
    if m is None:
        return None
    rest = m.group("rest")
    body = rest.rstrip().rstrip("#").rstrip()
    return Heading(m.group("hashes"), rest[: max(1, len(body))])


def header(line: str) -> tuple[str, str] | None:
    """A front-matter style `key: value` line near the top of a dump."""
    m = patterns().header.match(line)
    return (m.group("key"), m.group("value").strip()) if m else None


def _front_line(s: str) -> tuple[str, str] | None:
    """`key: value` as `FRONT_LINE` reads it, without its quadratic backtracking over spaces.

    The key runs from the first non-space to the first colon, less trailing
    spaces, and must be word characters, spaces and hyphens; when the colon
    comes first, the pattern backs off into the leading spaces for a one-space key.
    """
    if "\n" in s:
        m = FRONT_LINE.match(s)
        return (m.group(1), m.group(2)) if m else None
    colon = s.find(":")
    if colon < 0:
        return None
    lead = len(s) - len(s.lstrip())
    key = s[lead:colon].rstrip()
    if not key:
        key = " " if " " in s[:lead] and colon == lead else ""
    elif not FRONT_KEY.fullmatch(key):
        key = ""
    return (key, s[colon + 1 :].strip()) if key else None


class _Stops:
    """The next `)` or space at or after a position, remembered so that rising queries cost linear time."""

    def __init__(self, line: str) -> None:
        self.line = line
        self.asked = -1
        self.found = -1

    def after(self, k: int) -> int:
        if not (self.asked <= k <= self.found):
            m = LINK_CLOSE.search(self.line, k)
            self.asked, self.found = k, m.start() if m else len(self.line)
        return self.found


def _title_end(line: str, k: int) -> int | None:
    """The end of `\\s+"title")` starting at k, or None."""
    q = k
    while q < len(line) and line[q].isspace():
        q += 1
    if q == k or q >= len(line) or line[q] != '"':
        return None
    close = line.find('"', q + 1)
    return close + 2 if close >= 0 and line.startswith(")", close + 1) else None


def links(line: str) -> Iterator[tuple[int, int, int, int]]:
    """Markdown links, `!?[text](url "title")`: (start, end, text start, text end), in linear time.

    A match is fixed by the first `]` after its `[`, so every `[` before
    that `]` succeeds or fails with it; the regex instead rescans to the
    `]` from each `[`, quadratic in "[[[[…".
    """
    pos = 0
    stops = _Stops(line)
    titles: dict[int, int | None] = {}
    while (i := line.find("[", pos)) >= 0 and (j := line.find("]", i + 1)) >= 0:
        end: int | None = None
        if line.startswith("(", j + 1):
            e = stops.after(j + 2)
            if e < len(line) and line[e] == ")":
                end = e + 1
            elif e < len(line):
                end = titles[e] if e in titles else titles.setdefault(e, _title_end(line, e))
        if end is None:
            pos = j + 1
            continue
        start = i - 1 if i > pos and line[i - 1] == "!" else i
        yield start, end, i + 1, j
        pos = end


def strip_links(line: str) -> str:
    """`[text](url)` becomes `text`; an inline image disappears."""
    out: list[str] = []
    last = 0
    for start, end, a, b in links(line):
        out.append(line[last:start])
        out.append("" if line[start] == "!" else line[a:b])
        last = end
    if not out:
        return line
    out.append(line[last:])
    return "".join(out)


def has_link(line: str) -> bool:
    return next(links(line), None) is not None


def sentences(text: str) -> list[str]:
    """A quick split for line classification (spaCy does the real one later)."""
    out: list[list[str]] = []
    for piece in SENTENCE_SPLIT.split(text):
        if out and _abbreviated(out[-1]):
            out[-1].append(piece)
        else:
            out.append([piece])
    return [" ".join(parts) for parts in out]


def _abbreviated(parts: list[str]) -> bool:
    """Whether the joined parts end with "Mr." or the like, reading only a tail so that merging stays linear.

    A match is at most six characters from the end; searching from seven
    before it keeps `\\b` true to the character in front.
    """
    tail = parts[-1]
    k = len(parts) - 2
    while len(tail) < 8 and k >= 0:
        tail = f"{parts[k][-8:]} {tail}"
        k -= 1
    return bool(ABBREVIATION.search(tail, max(0, len(tail) - 7)))


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.replace("\u00a0", " ")).strip().lower()


def _ends_sentence(s: str) -> bool:
    return s.rstrip().endswith(TERMINAL)


def _word_count(s: str) -> int:
    return len(s.split())


# --- The shape of a line -------------------------------------------------------------
# Boilerplate is told from prose by its shape, as jusText does, not by the words of a
# known site: prose is long, ends its sentences and is dense in function words; menus,
# site names, widgets, stamps and headline lists are short, unpunctuated and sparse in
# them. A line of uncertain shape takes the class of the prose or furniture around it.

WEEKDAY = re.compile(r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?", re.I)
ZONE = re.compile(r"utc|gmt|[ecmp][sd]t|bst|ces?t|ees?t|ist|hkt|sgt|jst|kst|wib|msk", re.I)
STAMP_TOKEN = re.compile(
    r"\d{1,2}(?:st|nd|rd|th)?|(?:19|20)\d{2}|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:t[\d:.]+(?:z|[+-]\d{2}:?\d{2})?)?"
    r"|\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\s*[ap]\.?m\.?)?|[ap]\.?m\.?|[+-]\d{2}:?\d{2}|at|on|of|the|and",
    re.I,
)
NUMERIC_DATE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")
WORD = re.compile(r"[^\W\d_][\w'’-]*")
SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]*_]*$")
WIDGET = re.compile(r"\d\s*°|℃|℉")
QUOTES = '"“”«»„'
HEADER_LINES = 60  # how far down a headline is looked for; this also bounds `_printed_twice`'s pairs
SIGN_OFF = re.compile(
    r"^[a-z]{1,4}(?:/[a-z]{1,4})+\s*(?:\([^()]{1,80}\))?$"
)  # "ab/cd (Agency)": editors' initials


def date_stamp(line: str) -> str | None:
    """The date of a line that is nothing but a date ("Tue Nov 14, 2017 06:53PM", "Posted: 12 March 2021").

    Such a line is a page stamp, never a sentence of the story; its date is metadata.
    """
    s = line.strip().strip("*_ ")
    m = patterns().stamp_label.match(s)
    rest = s[m.end() :] if m and m.end() else s
    tokens = [t.strip(".,") for t in re.split(r"[\s,|·•()–—]+", rest) if t.strip(".,-")]
    if not tokens or len(tokens) > 10:
        return None
    month = any(t.lower() in MONTHS for t in tokens)
    for t in tokens:
        low = t.lower()
        if low not in MONTHS and not any(rx.fullmatch(t) for rx in (WEEKDAY, ZONE, STAMP_TOKEN)):
            return None
    year = any(re.fullmatch(r"(?:19|20)\d{2}", t) for t in tokens)
    numeric = any(NUMERIC_DATE.fullmatch(t) or NUMERIC_DATE.match(t) for t in tokens)
    return rest.strip() if (month and year) or numeric else None


def _words(s: str) -> list[str]:
    return WORD.findall(s)


def _sentence_end(s: str) -> bool:
    """A full stop, question or exclamation mark, before any closing quotes: ":" or ";" end no sentence."""
    return bool(SENTENCE_END.search(s.rstrip()))


def _stop_density(words: list[str]) -> float:
    stops = patterns().stopwords
    return sum(w.lower() in stops for w in words) / len(words) if words else 0.0


def _capitalised(words: list[str]) -> float:
    return sum(w[:1].isupper() for w in words) / len(words) if words else 0.0


def _classify(text: str) -> str:
    """jusText's context-free class of a paragraph: good, near (near-good), short or bad."""
    s = text.strip().strip("*_ ")
    tokens = s.split()
    words = _words(s)
    density = _stop_density(words)
    ends = _sentence_end(s)
    if WIDGET.search(s) and len(tokens) <= 12:
        return "bad"  # "Lagos 31°C Partly cloudy": a weather widget
    if tokens and len(words) < 0.5 * len(tokens) and not ends and len(tokens) <= 12:
        return "bad"  # mostly figures: a ticker or a score line
    if len(words) >= 6 and density == 0 and _capitalised(words) >= 0.8 and not ends:
        return "bad"  # "Home News World Sport Business": a menu run together
    if (ends and len(words) >= 10 and density >= 0.15) or (len(words) >= 30 and density >= 0.2):
        return "good"
    if s.endswith("!") and not any(q in s for q in QUOTES + "'’"):
        return "short"  # "Find a job!": a call to action, unless someone is quoted
    if (ends and len(words) >= 3 and (density > 0 or any(q in s for q in QUOTES))) or (
        len(words) >= 10 and density >= 0.2
    ):
        return "near"
    return "short"


def _nearest(classes: list[str], step: int, skip_near: bool) -> list[str]:
    """For each paragraph, the class of the nearest one in a direction that is not short (edges count as bad).

    Computed in one sweep, so that a long run of short lines costs linear time.
    """
    out = ["bad"] * len(classes)
    last = "bad"
    order = range(len(classes)) if step > 0 else range(len(classes) - 1, -1, -1)
    for i in order:
        out[i] = last
        c = classes[i]
        if c in ("good", "bad") or (c == "near" and not skip_near):
            last = c
    return out


def in_context(classes: list[str]) -> list[bool]:
    """Which paragraphs are kept once short and near-good ones take the class of their neighbours.

    jusText's rules: a short line goes with prose on both sides and with furniture on
    both, and between the two it is kept only when a near-good line stands by it on the
    furniture side; a near-good line falls only between furniture on both sides.
    """
    prev, nxt = _nearest(classes, 1, True), _nearest(classes, -1, True)
    prev_near, next_near = _nearest(classes, 1, False), _nearest(classes, -1, False)
    keep: list[bool] = []
    for i, c in enumerate(classes):
        if c == "short" and prev[i] == nxt[i]:
            keep.append(prev[i] == "good")
        elif c == "short":
            keep.append(
                (prev[i] == "bad" and prev_near[i] == "near") or (nxt[i] == "bad" and next_near[i] == "near")
            )
        elif c == "near":
            keep.append(not (prev[i] == "bad" == nxt[i]))
        else:
            keep.append(c == "good")
    return keep


READER = re.compile(r"\b(?:you|your)\b", re.I)
OURS = re.compile(r"\b(?:we|us|our)\b", re.I)


def _addresses_reader(text: str, strict: bool) -> bool:
    """The publisher speaking to the reader ("Your donations keep our reporters…"), not quoting anyone.

    Strict asks for both "you" and "we" and a first word that turns to the reader ("Your",
    "Subscribe"): an explainer may say "you" and "we" too, but opens on its subject.
    """
    if any(q in text for q in QUOTES) or not OURS.search(text) or _word_count(text) > 60:
        return False
    return not strict or (
        bool(READER.search(text)) and bool(patterns().appeal_start.match(text.strip("*_ ")))
    )


def _boxes(lines: list[_Line]) -> None:
    """A heading over a paragraph in which the publisher addresses the reader is a box set into the story.

    A newsletter heading (already removed as boilerplate) takes any "our" paragraph under
    it; another heading only one that says both "you" and "we". A crosshead opens prose
    that reports, which neither does.
    """
    for h, ln in enumerate(lines):
        if not ln.heading or ln.role not in ("body", "removed"):
            continue
        strict = ln.role == "body"
        box: list[int] = []
        for i in range(h + 1, len(lines)):
            if lines[i].heading or len({lines[k].block for k in box}) > 2:
                break
            if lines[i].role != "body":
                continue
            if not _addresses_reader(lines[i].text, strict):
                break
            box.append(i)
        if box:
            for i in (h, *box):
                lines[i].role = "removed"


def _emphasised_blocks(lines: list[_Line]) -> None:
    """A paragraph set wholly in italics is a caption, credit or editor's note beside the story.

    A note in brackets ("(Update: …)") is read as part of the story; bold lines are crossheads.
    """
    by_block: dict[int, list[_Line]] = {}
    for ln in lines:
        if ln.role == "body":
            by_block.setdefault(ln.block, []).append(ln)
    marked = [block for block in by_block.values() if _emphasised(block)]
    if len(marked) > 0.3 * len(by_block):
        return  # a page set mostly in italics says nothing by it
    for block in marked:
        for ln in block:
            ln.role = "removed"


def _emphasised(block: list[_Line]) -> bool:
    """Whether a block opens and closes on one emphasis mark, so that the mark spans it whole."""
    first, last = block[0].text.strip(), block[-1].text.strip()
    if len(first) < 2 or first[0] not in "*_" or first[1] in "*_ " or not last.endswith(first[0]):
        return False
    inner = strip_links(" ".join(ln.text.strip() for ln in block)).strip("*_ ")
    return not inner.startswith("(") and bool(_words(inner))


def _link_line(s: str) -> bool:
    """ "Read more: <another page's headline>": a label and a headline that ends no sentence."""
    m = patterns().link_label.match(s)
    if m is None:
        return False
    rest = m.group("rest")
    return _word_count(rest) <= 20 and (not _sentence_end(rest) or rest.rstrip().endswith("?"))


def _trailing_credit(s: str) -> tuple[str, str] | None:
    """A caption that ends on its photographer's name, unpunctuated: "… on August 16. Jane Roe, Agency"."""
    if _sentence_end(s):
        return None
    parts = sentences(s)
    if len(parts) < 2 or not _sentence_end(parts[-2]):
        return None
    credit = parts[-1].strip()
    words = _words(credit)
    if not 2 <= len(words) <= 6 or _stop_density(words) > 0 or _capitalised(words) < 1:
        return None
    return s[: len(s) - len(credit)].strip(), credit


def _title_candidates(lines: list[_Line]) -> list[_Line]:
    """Body lines above the first sentence of prose that could be a headline (within a header's length)."""
    out: list[_Line] = []
    for ln in [ln for ln in lines if ln.role == "body"][:HEADER_LINES]:
        t = ln.text.strip()
        if _sentence_end(t) and _word_count(t) >= 8:
            break
        if not _ends_sentence(t) and 2 <= _word_count(t) <= 25 and not DATE_LINE.match(t):
            out.append(ln)
    return out


def _first_line_title(lines: list[_Line]) -> str | None:
    """The page's first line is its headline when it reads like one, past a menu, widget or site name.

    A site name is told by being printed again further down (a headline printed twice
    was already taken by `_printed_twice`). When nothing past such lines reads like a
    headline, the first line is taken after all: a headline in title case can look
    like a menu.
    """
    body = [ln for ln in lines if ln.role == "body"][:HEADER_LINES]
    counts: dict[str, int] = {}
    for ln in body:
        counts[_norm(ln.text)] = counts.get(_norm(ln.text), 0) + 1
    k = 0
    while (
        k < len(body)
        and not _ends_sentence(body[k].text)
        and (_classify(body[k].text) == "bad" or counts[_norm(body[k].text)] > 1)
    ):
        k += 1
    for at in (k, 0):
        if _headline_at(body, at):
            body[at].role = "title"
            return body[at].text.strip()
    return None


def _headline_at(body: list[_Line], k: int) -> bool:
    """Whether body line k could be a headline: short, unpunctuated, not a date, not continued below."""
    first = body[k] if k < len(body) else None
    if (
        first is None
        or _ends_sentence(first.text)
        or _word_count(first.text) > 25
        or DATE_LINE.match(first.text)
    ):
        return False
    nxt = body[k + 1] if k + 1 < len(body) else None
    return nxt is None or nxt.block != first.block or not nxt.text[:1].islower()


def _longest_candidate(lines: list[_Line]) -> str | None:
    """Above the first prose, the headline is the longest line that reads like one: site names are shorter."""
    cands = [
        ln
        for ln in _title_candidates(lines)
        if _word_count(ln.text) >= 5 and _stop_density(_words(ln.text)) > 0
    ]
    if not cands:
        return None
    best = max(cands, key=lambda ln: _word_count(ln.text))
    best.role = "title"
    return best.text.strip()


def _repeats(a: str, b: str) -> bool:
    """Whether one line prints the other again, give or take a counter or a label ("Headline 1")."""
    x, y = _norm(a), _norm(b)
    if len(x) > len(y):
        x, y = y, x
    if x == y:
        return bool(x)
    return _word_count(x) >= 3 and y.startswith(x + " ") and _word_count(y[len(x) :]) <= 2


def _printed_twice(lines: list[_Line]) -> str | None:
    """A headline the header prints twice (page title and heading) is the title; a site name is too short."""
    cands = _title_candidates(lines)
    for i, ln in enumerate(cands):
        if _word_count(ln.text) >= 4 and any(_repeats(ln.text, o.text) for o in cands[i + 1 :]):
            ln.role = "title"
            return ln.text.strip()
    return None


def _shape_pass(lines: list[_Line]) -> None:
    """Drop the paragraphs whose shape, in the context of their neighbours, is not prose."""
    body = [ln for ln in lines if ln.role == "body"]
    runs = _runs(body)
    texts = [strip_links(" ".join(body[k].text.strip() for k in run)) for run in runs]
    classes = [_classify(t) for t in texts]
    _repeated_runs(texts, classes)
    _headline_lists(texts, classes)
    if "good" not in classes:
        return  # no prose to measure against: a short note is kept whole
    for run, keep in zip(runs, in_context(classes), strict=True):
        if not keep:
            for k in run:
                body[k].role = "removed"


def _repeated_runs(texts: list[str], classes: list[str]) -> None:
    """A label the page prints twice is furniture (a site name); prose printed twice is kept once.

    A short sentence said twice ("No.") is left alone: a story may well repeat it.
    """
    seen: dict[str, int] = {}
    for i, t in enumerate(texts):
        key = _norm(t)
        if key not in seen:
            seen[key] = i
        elif _word_count(t) >= 10:
            classes[i] = "bad"
        elif not _sentence_end(t):
            classes[i] = classes[seen[key]] = "bad"


def _headline_lists(texts: list[str], classes: list[str]) -> None:
    """A heading that opens a list of other pages ("Latest Headlines"), and the headlines under it."""
    heading_rx = patterns().list_heading
    i = 0
    while i < len(texts):
        if classes[i] != "good" and heading_rx.fullmatch(texts[i].strip().strip("*_#: ")):
            classes[i] = "bad"
            j = i + 1
            while j < len(texts) and classes[j] in ("short", "near", "bad") and not _sentence_end(texts[j]):
                classes[j] = "bad"
                j += 1
            i = j
        else:
            i += 1


@dataclass
class _Line:
    text: str
    role: str = "body"  # body | removed | caption | title | subtitle | byline | header
    block: int = 0
    heading: bool = False


def _front_matter(lines: list[str], meta: dict[str, str]) -> int:
    """YAML front matter between `---` lines at the top: returns lines consumed."""
    first = next((i for i, s in enumerate(lines) if s.strip()), None)
    if first is None or lines[first].strip() != "---":
        return 0
    for j in range(first + 1, min(len(lines), first + 200)):
        if lines[j].strip() == "---":
            block = lines[first + 1 : j]
            try:
                data = yaml.safe_load("\n".join(block))
            except yaml.YAMLError:
                data = None
            if isinstance(data, dict):
                _flatten_meta(data, meta)
            else:
                for s in block:
                    kv = _front_line(s)
                    if kv:
                        meta.setdefault(kv[0].lower(), kv[1])
            return j + 1
    return 0


META_ALIASES = {
    "headline": "title",
    "source_url": "url",
    "original_source": "url",
    "canonical_url": "url",
    "datepublished": "published",
    "date_published": "published",
    "summary": "description",
}


def _flatten_meta(data: dict[str, Any], meta: dict[str, str], depth: int = 0) -> None:
    """Front-matter fields, nested ones too, under the names the rest of this module reads."""
    for key, value in data.items():
        k = str(key).lower()
        k = META_ALIASES.get(k, k)
        if isinstance(value, dict) and depth < 2:
            _flatten_meta(value, meta, depth + 1)
        elif isinstance(value, (str, int, float)) or hasattr(value, "isoformat"):
            text = " ".join(str(value).split())
            if text and text not in ("''", '""'):
                meta.setdefault(k, text)
        elif isinstance(value, list) and k in ("authors", "author") and value:
            meta.setdefault(k, ", ".join(str(v) for v in value if v))


def _dump_sections(lines: list[_Line], meta: dict[str, str]) -> None:
    """Scraper dumps with `## Metadata` / `## Page Structure` / `## Content` sections."""
    section: str | None = None
    heads = [heading(ln.text) for ln in lines]
    if not any(h and h.text.strip().lower() in CONTENT_SECTIONS for h in heads):
        return
    for ln, h in zip(lines, heads, strict=True):
        if h and len(h.hashes) <= 2:
            name = h.text.strip().lower()
            if name in DUMP_SECTIONS or name in CONTENT_SECTIONS or section is None:
                section = name
                ln.role = "removed"
                continue
        if section in CONTENT_SECTIONS:
            continue
        ln.role = "removed"
        mb = META_BULLET.match(ln.text)
        if mb:
            meta.setdefault(mb.group("key").strip().lower(), mb.group("value").strip())


def _caption_from_prefix(s: str) -> Caption | None:
    for rx in patterns().caption_prefix:
        m = rx.match(s)
        if m:
            text = s[m.end() :].strip()
            credit = m.groupdict().get("credit")
            return Caption(text=text, credit=credit.strip() if credit else None)
    return None


def _is_marked_caption(s: str) -> bool:
    return not _ends_sentence(s) and any(rx.search(s) for rx in patterns().caption_marker)


def _densest_region(lines: list[_Line]) -> None:
    """In a page dump, keep the run of prose and drop the menus and link lists around it."""
    body = [i for i, ln in enumerate(lines) if ln.role == "body" and ln.text.strip()]
    if len(body) < 30:
        return
    runs = _runs([lines[i] for i in body])  # lines wrapped mid-sentence are judged as one paragraph
    words_of: dict[int, int] = {}  # a line's paragraph's words, and whether that paragraph ends a sentence
    ends_of: dict[int, bool] = {}
    for run in runs:  # once a paragraph: per line is quadratic in a long soft-wrapped one
        members = [body[k] for k in run]
        joined = " ".join(lines[j].text for j in members)
        words, ends = _word_count(joined), _ends_sentence(joined)
        for i in members:
            words_of[i], ends_of[i] = words, ends
    short = {i for i in body if words_of[i] < 8 or not ends_of[i]}
    if len(short) < 0.4 * len(body):
        return
    good = [i for i in body if i not in short]
    best: tuple[int, int, int] = (0, 0, 0)  # words, first line, last line
    start = 0
    while start < len(good):
        end, words = start, _word_count(lines[good[start]].text)
        for k in range(start + 1, len(good)):
            if bisect_left(body, good[k]) - bisect_right(body, good[k - 1]) > 4:  # body lines between
                break
            end, words = k, words + _word_count(lines[good[k]].text)
        if words > best[0]:
            best = (words, good[start], good[end])
        start = end + 1
    _, lo, hi = best
    for i in body:
        if i < lo or i > hi or (i in short and words_of[i] <= 3):
            lines[i].role = "removed"


def structure(raw: str, budget: Budget | None = None) -> Article:
    """Split a plain-text page into title, subtitle, captions, removed lines and body."""
    p = patterns()
    meta: dict[str, str] = {}
    src = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    skip = _front_matter(src, meta)
    lines: list[_Line] = []
    block = 0
    for i, s in enumerate(src):
        if not s.strip():
            block += 1
            continue
        lines.append(_Line(text=s.rstrip(), role="removed" if i < skip else "body", block=block))
    _dump_sections(lines, meta)
    _emphasised_blocks(lines)

    art = Article(text="")
    title: str | None = None
    seen_body = False
    seen_prose = False  # a stamp above the story dates the page; one inside it may date an event
    for idx, ln in enumerate(lines):
        if budget is not None:
            budget.check()
        if ln.role != "body":
            continue
        s = ln.text.strip()
        hm = heading(s)
        if not seen_body and (h := header(s)) and not hm:
            meta.setdefault(h[0].lower(), h[1])
            ln.role = "header"
            continue
        if not hm and (stamp := date_stamp(s)) is not None:
            ln.role = "removed"  # a page stamp: its date is metadata, the line no part of the story
            if not seen_prose or p.stamp_label.match(s.strip("*_ ")):
                meta.setdefault("date stamp", stamp)
            continue
        if hm:
            ln.heading = True
            if title is None and not seen_body:
                title = strip_links(hm.text).strip()
                ln.role = "title"
            else:
                ln.text = strip_links(hm.text).strip()
                if is_boilerplate(ln.text):
                    ln.role = "removed"
            continue
        if MD_IMAGE.match(s) or URL_TEXT.match(s):
            ln.role = "removed"
            continue
        lm = MD_LINK_LINE.match(s)
        if lm and _inline(lines, idx):
            ln.text = strip_links(ln.text)  # a link the dump wrapped onto a line of its own
            seen_body = True
            continue
        if lm:
            ln.role = "removed"
            if "original" in lm.group("text").lower() and lm.group("url").startswith("http"):
                meta.setdefault("url", lm.group("url"))
            continue
        if MD_BULLET.match(s) and has_link(s) and _word_count(strip_links(s)) <= 12:
            ln.role = "removed"
            continue
        cap = _caption_from_prefix(s)
        if cap is not None:
            ln.role = "caption"
            art.captions.append(cap)
            continue
        plain = MD_BULLET.sub("", strip_links(s), count=1)
        if is_boilerplate(plain) or _link_line(plain) or SIGN_OFF.match(plain):
            ln.role = "removed"
            continue
        if p.credit_line.match(s) and not URL_TEXT.match(s):
            ln.role = "caption"  # "UNICEF/Ashley Gilbertson VII": a photo credit on its own line
            art.captions.append(Caption(text="", credit=s))
            continue
        pm = PIPE_CAPTION.match(s)
        if pm and not _ends_sentence(s):
            ln.role = "caption"
            art.captions.append(Caption(text=pm.group("text").strip(), credit=pm.group("credit").strip()))
            prev = lines[idx - 1] if idx else None
            if prev is not None and prev.role == "body" and _alt_duplicate(prev.text, pm.group("text")):
                prev.role = "removed"
            continue
        cm = CREDIT_LINE.match(s)
        if cm and not _ends_sentence(s) and art.captions and art.captions[-1].credit is None:
            art.captions[-1].credit = cm.group("credit").strip()
            ln.role = "caption"
            continue
        if _is_marked_caption(s):
            ln.role = "caption"
            art.captions.append(Caption(text=s))
            continue
        last_of_block = idx + 1 == len(lines) or lines[idx + 1].block != ln.block
        if last_of_block and (tc := _trailing_credit(strip_links(s))) is not None:
            ln.role = "caption"
            art.captions.append(Caption(text=tc[0], credit=tc[1]))
            continue
        bm = p.byline.match(MD_BULLET.sub("", s, count=1))
        if bm and _word_count(s) <= 14:
            ln.role = "byline"
            art.authors.append(bm.group("names").strip())
            continue
        seen_body = True
        seen_prose = seen_prose or (_sentence_end(s) and _word_count(s) >= 8)
        ln.text = strip_links(ln.text)

    _duplicate_captions(lines, art)
    _boxes(lines)
    _densest_region(lines)

    title = _title(lines, title or meta.get("title") or None)
    _shape_pass(lines)
    _subtitle(lines, art)
    if art.subtitle is None and meta.get("description"):
        art.subtitle = meta["description"].strip()

    art.title = title.strip() if title else None
    art.text = "\n\n".join(_paragraphs([ln for ln in lines if ln.role == "body"]))
    art.removed = [ln.text.strip() for ln in lines if ln.role in ("removed", "header", "caption", "byline")]
    art.url = meta.get("url") or meta.get("original_url") or None
    for key in ("authors", "author", "byline"):
        if meta.get(key):
            art.authors = [a.strip() for a in re.split(r",|;| and ", meta[key]) if a.strip()] + art.authors
            break
    art.authors = _dedupe_names(art.authors)
    for key in ("publish date", "published", "date", "timestamp", "scraped at", "date stamp"):
        if meta.get(key) and key != "scraped at":
            art.published = meta[key]
            break
    return art


def _title(lines: list[_Line], title: str | None) -> str | None:
    """The headline, looked for in the header when no heading or metadata gave it; its reprints go."""
    title = title or _printed_twice(lines) or _first_line_title(lines) or _longest_candidate(lines)
    if title is not None:
        for ln in lines:
            if ln.role == "body" and _repeats(ln.text, title):
                ln.role = "removed"  # the headline printed again over the story: page furniture
    return title


def _inline(lines: list[_Line], i: int) -> bool:
    """Whether line i sits inside a paragraph: its block goes on around it mid-sentence."""
    prev = lines[i - 1] if i > 0 else None
    nxt = lines[i + 1] if i + 1 < len(lines) else None
    before = (
        prev is not None
        and prev.block == lines[i].block
        and prev.role == "body"
        and not _ends_sentence(prev.text)
    )
    after = (
        nxt is not None and nxt.block == lines[i].block and (nxt.text[:1].islower() or nxt.text[:1] in ",.;:")
    )
    return before or after


def _paragraphs(body: list[_Line]) -> list[str]:
    """Body lines as paragraphs: a line broken mid-sentence joins the next line of its block."""
    out: list[str] = []
    for run in _runs(body):
        parts: list[str] = []  # joined once: growing a string line by line is quadratic in a long paragraph
        started = False  # whether any text is in yet
        for k in run:
            piece = body[k].text.strip()
            if started and piece[:1] not in ",.;:)]”’":
                parts.append(" ")
            parts.append(piece)
            started = started or bool(piece)
        out.append("".join(parts))
    return out


def _runs(body: list[_Line]) -> list[list[int]]:
    """Indexes of body lines grouped into paragraphs (soft-wrapped lines together)."""
    runs: list[list[int]] = []
    for k, ln in enumerate(body):
        text = ln.text.strip()
        prev = body[k - 1] if k else None
        soft = (
            prev is not None
            and prev.block == ln.block
            and (
                (not _ends_sentence(prev.text) and not _looks_like_heading(prev.text))
                or text[:1].islower()
                or text[:1] in ",.;:)]”’"
            )
        )
        if soft and runs:
            runs[-1].append(k)
        else:
            runs.append([k])
    return runs


def _looks_like_heading(s: str) -> bool:
    words = s.split()
    return len(words) <= 8 and sum(w[:1].isupper() for w in words) >= max(1, len(words) - 2)


def _alt_duplicate(prev: str, caption: str) -> bool:
    """An image's alt text printed just before its caption ("MIchelle Bachelet")."""
    a, b = _norm(prev), _norm(caption)
    return (
        _word_count(prev) <= 12 and not _ends_sentence(prev) and SequenceMatcher(None, a, b).ratio() >= 0.85
    )


def _duplicate_captions(lines: list[_Line], art: Article) -> None:
    """A caption that repeats a body sentence and then describes the picture."""
    seen: dict[str, int] = {}
    for i, ln in enumerate(lines):
        if ln.role == "body":
            for sent in sentences(ln.text):
                seen.setdefault(_norm(sent), i)
    for i, ln in enumerate(lines):
        if ln.role != "body" or _ends_sentence(ln.text):
            continue
        parts = sentences(ln.text.replace("\u00a0", " "))
        if len(parts) < 2:
            continue
        first = _norm(parts[0])
        if seen.get(first, i) != i:
            ln.role = "caption"
            art.captions.append(Caption(text=ln.text.strip()))


def _subtitle(lines: list[_Line], art: Article) -> None:
    """The standfirst: the first paragraph after the headline when a picture follows it."""
    order = [ln for ln in lines if ln.role in ("body", "caption", "removed", "title", "byline", "header")]
    try:
        t = next(i for i, ln in enumerate(order) if ln.role == "title")
    except StopIteration:
        return
    nxt = next((i for i in range(t + 1, len(order)) if order[i].role == "body"), None)
    if nxt is None or _word_count(order[nxt].text) > 60 or len(sentences(order[nxt].text)) > 1:
        return
    if any(order[i].role == "caption" for i in range(t + 1, nxt)):
        return
    after = next((order[i] for i in range(nxt + 1, len(order)) if order[i].role != "removed"), None)
    following = order[nxt + 1] if nxt + 1 < len(order) else None
    if (after is not None and after.role == "caption") or (
        following is not None
        and following.role == "removed"
        and after is not None
        and after.role == "caption"
    ):
        order[nxt].role = "subtitle"
        art.subtitle = order[nxt].text.strip()


def _dedupe_names(names: list[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for n in names:
        n = n.strip()
        if n and _norm(n) not in seen:
            out.append(n)
            seen.add(_norm(n))
    return out

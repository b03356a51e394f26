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


@dataclass
class _Line:
    text: str
    role: str = "body"  # body | removed | caption | title | subtitle | byline | header
    block: int = 0


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

    art = Article(text="")
    title: str | None = None
    seen_body = False
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
        if hm:
            if title is None and not seen_body:
                title = strip_links(hm.text).strip()
                ln.role = "title"
            else:
                ln.text = strip_links(hm.text).strip()
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
        if is_boilerplate(strip_links(s)):
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
        bm = p.byline.match(s)
        if bm and _word_count(s) <= 14:
            ln.role = "byline"
            art.authors.append(bm.group("names").strip())
            continue
        seen_body = True
        ln.text = strip_links(ln.text)

    _duplicate_captions(lines, art)
    _densest_region(lines)

    body = [ln for ln in lines if ln.role == "body"]
    title = title or meta.get("title") or None
    if (
        title is None
        and body
        and not _ends_sentence(body[0].text)
        and _word_count(body[0].text) <= 25
        and not DATE_LINE.match(body[0].text)
    ):
        nxt = body[1] if len(body) > 1 else None
        if nxt is None or nxt.block != body[0].block or not nxt.text[:1].islower():
            body[0].role = "title"
            title = body[0].text.strip()
    # repeated headline lines inside the body are page furniture
    norm_title = _norm(title) if title else None
    for ln in lines:
        if ln.role == "body" and norm_title is not None and _norm(ln.text) == norm_title:
            ln.role = "removed"
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
    for key in ("publish date", "published", "date", "timestamp", "scraped at"):
        if meta.get(key) and key != "scraped at":
            art.published = meta[key]
            break
    return art


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

"""Throughput of the full extraction against a bare `nlp.pipe` of the same spaCy pipeline.

Runs both on the same texts in one process and prints docs/s, tokens/s, their
ratio and the peak resident memory. Uses ../shared/corpus when it is there,
else the seed article and texts in tests/data. Then times one extraction of
generated articles of 40, 200 and 1,000 KB, to show that time grows with
the length and not its square. Figures only; nothing asserts.
"""

from __future__ import annotations

import hashlib
import random
import resource
import sys
import time
from pathlib import Path

from vigil.extract.budget import Budget
from vigil.extract.nlp import pipeline
from vigil.extract.pipeline import extract_bytes, extract_many
from vigil.extract.reader import read

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 3
SIZES_KB = (40, 200, 1000)

PEOPLE = [
    "Maria Okafor",
    "Pavel Ortiz",
    "Lena Park",
    "Tomas Reyes",
    "Ana Duarte",
    "Idris Bello",
    "Wen Li",
    "Sara Holm",
]
GROUPS = [
    ("Amnesty International", "Amnesty"),
    ("Human Rights Watch", "HRW"),
    ("the Orun River Council", "the council"),
]
STATES = ["Freedonia", "Kordovia", "Vesnia", "Norland", "Ostrava"]
VERBS = ["said", "accused", "denied", "urged", "promised", "called on", "rejected", "condemned", "warned"]
WHEN = ["on Monday", "last week", "on 12 March", "in April", "yesterday", "two days ago", ""]
TOPICS = [
    "the arrests of protesters",
    "torture in detention",
    "the closure of newspapers",
    "attacks on journalists",
]


def sentence(rng: random.Random) -> str:
    """One sentence of a made-up rights story: a speaker, a cue verb, a target, a date."""
    who, (org, short), state = rng.choice(PEOPLE), rng.choice(GROUPS), rng.choice(STATES)
    verb, when, topic = rng.choice(VERBS), rng.choice(WHEN), rng.choice(TOPICS)
    last = who.split()[-1]
    forms = [
        f"{who}, a spokesperson for {org}, {verb} the government of {state} {when} over {topic}.",
        f"“We will not accept {topic},” {who} {verb} {when}.",
        f"The police in {state} {verb} that {topic} had been exaggerated, according to {short}.",
        f"Mr {last} told reporters {when}: “The world must act on {topic} now.”",
        f"Officials in {state} {verb} the report; they said {topic} never happened.",
        f"She {verb} {when} that {short} would investigate {topic}.",
        f"The foreign ministry of {state} {verb} the claims about {topic} as lies.",
    ]
    return " ".join(rng.choice(forms).split())


def article(kb: int, seed: int = 1) -> bytes:
    """A generated article of about `kb` kilobytes: paragraphs of two to five sentences."""
    rng = random.Random(seed)
    paras, size = ["Rights groups raise alarm over crackdown"], 0
    while size < kb * 1024:
        para = " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))
        paras.append(para)
        size += len(para.encode()) + 2
    return "\n\n".join(paras).encode()


def scaling() -> None:
    """Seconds for one extraction of each generated size, under a budget too large to interrupt it."""
    for kb in SIZES_KB:
        data = article(kb)
        t0 = time.perf_counter()
        result = extract_bytes(data, budget=Budget(24 * 3600))
        took = time.perf_counter() - t0
        print(
            f"generated {len(data) / 1024:6.0f} KB  {took:8.1f} s  {len(data) / 1024 / took:6.1f} KB/s"
            f"  ({len(result.statements)} statements)"
        )


def corpus() -> list[Path]:
    shared = ROOT.parent / "shared" / "corpus"
    files = sorted(p for p in shared.glob("*") if p.suffix in (".txt", ".html")) if shared.is_dir() else []
    return files or sorted((ROOT / "tests" / "data").glob("*.txt"))


def machine() -> str:
    """The machine the figures come from, with a pure-Python speed figure: benches on different
    machines compare only through it (the same code ran about twice as fast on one as on another)."""
    import os
    import platform
    import timeit

    model = next(
        (ln.split(":", 1)[1].strip() for ln in _cpuinfo() if ln.startswith("model name")),
        platform.processor(),
    )
    loop = min(timeit.repeat("sum(range(10**6))", number=5, repeat=5)) / 5 * 1000
    speed = f"sum(range(10**6)) {loop:.1f} ms (lower is faster)"
    return f"machine             {os.cpu_count()} cores, {model}; {speed}"


def _cpuinfo() -> list[str]:
    try:
        return Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return []


def main() -> int:
    print(machine())
    files = corpus()
    raw = [f.read_bytes() for f in files]
    articles = [read(b) for b in raw]
    shas = [hashlib.sha256(b).hexdigest() for b in raw]
    nlp = pipeline()
    texts = [a.text for a in articles]
    tokens = sum(len(d) for d in nlp.pipe(texts))  # warm-up and token count

    t0 = time.perf_counter()
    for _ in range(ROUNDS):
        for _doc in nlp.pipe(texts, batch_size=16):
            pass
    bare = time.perf_counter() - t0

    t0 = time.perf_counter()
    statements = 0
    for _ in range(ROUNDS):
        for ex in extract_many(zip(articles, shas, [None] * len(articles), strict=True)):
            statements += len(ex.statements)
    full = time.perf_counter() - t0

    n = len(texts) * ROUNDS
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"texts               {len(texts)} ({tokens:,} tokens) x {ROUNDS} rounds, model {nlp.meta['name']}")
    print(f"bare nlp.pipe       {n / bare:8.2f} docs/s  {tokens * ROUNDS / bare:10,.0f} tokens/s")
    print(
        f"full extraction     {n / full:8.2f} docs/s  {tokens * ROUNDS / full:10,.0f} tokens/s"
        f"  ({statements // ROUNDS} statements a round)"
    )
    print(f"ratio full/bare     {bare / full:8.2f}")
    print(f"peak RSS            {rss:8.0f} MiB")
    scaling()
    return 0


if __name__ == "__main__":
    sys.exit(main())

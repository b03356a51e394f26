"""Throughput of the full extraction against a bare `nlp.pipe` of the same spaCy pipeline.

Runs both on the same texts in one process and prints docs/s, tokens/s, their
ratio and the peak resident memory. Uses ../shared/corpus when it is there,
else the seed article and texts in tests/data. Figures only; nothing asserts.
"""

from __future__ import annotations

import hashlib
import resource
import sys
import time
from pathlib import Path

from vigil.extract.nlp import pipeline
from vigil.extract.pipeline import extract_many
from vigil.extract.reader import read

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 3


def corpus() -> list[Path]:
    shared = ROOT.parent / "shared" / "corpus"
    files = sorted(p for p in shared.glob("*") if p.suffix in (".txt", ".html")) if shared.is_dir() else []
    return files or sorted((ROOT / "tests" / "data").glob("*.txt"))


def main() -> int:
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
    return 0


if __name__ == "__main__":
    sys.exit(main())

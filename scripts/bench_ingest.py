"""Ingest throughput with one and two Dask workers on the same generated corpus, into fresh stores.

Prints docs/s for each and their ratio. The articles come from scripts/bench.py's templates; the
workers are local processes, as `vigil ingest --workers N` starts them. Figures only; nothing asserts.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import article

from vigil.capture import sources
from vigil.capture.ingest import Settings, cluster, ingest
from vigil.store.db import open_store

DOCS = int(sys.argv[1]) if len(sys.argv) > 1 else 200


def corpus(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for i in range(DOCS):
        (folder / f"a{i:04}.txt").write_bytes(article(2, seed=i))
    return folder


def rate(folder: Path, home: Path, workers: int) -> float:
    """Docs/s of the ingest proper: the cluster is started, and its workers warmed, first."""
    store = open_store(home)
    with cluster(workers, None) as client:
        client.run(lambda: __import__("vigil.extract.nlp", fromlist=["pipeline"]).pipeline() and None)
        started = time.perf_counter()
        got = ingest(store, sources.entries([(str(folder), None)], None), client, Settings())
        took = time.perf_counter() - started
    print(f"{workers} worker(s): {got.captured} docs in {took:.1f} s = {got.captured / took:.1f} docs/s")
    return got.captured / took


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = corpus(Path(tmp) / "corpus")
        one = rate(folder, Path(tmp) / "one", 1)
        two = rate(folder, Path(tmp) / "two", 2)
    print(f"two workers / one: {two / one:.2f}x")


if __name__ == "__main__":
    main()

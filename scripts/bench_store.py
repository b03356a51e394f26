"""Store figures: captures per second for local files, and search latency on 10,000 generated documents.

SQLite and PostgreSQL side by side (PostgreSQL from VIGIL_BENCH_POSTGRES, default the local server; a
throwaway database is created and dropped). Figures only; nothing asserts.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

from vigil.capture.intake import Options, capture_file
from vigil.model import Actor, Extraction, Source, Statement
from vigil.store.db import Store, open_store
from vigil.store.records import save_extraction
from vigil.store.search import search

DOCS = int(os.environ.get("VIGIL_BENCH_DOCS", "10000"))
BIG = int(os.environ.get("VIGIL_BENCH_BIG", "100000"))  # then grown to this many, searched again
FILES = 40
QUERIES = ["report", "police detained", "release", "inquiry", "torture", "election", "sanctions", "visit"]
WORDS = [
    "ministry",
    "police",
    "report",
    "release",
    "inquiry",
    "torture",
    "election",
    "sanctions",
    "visit",
    "detained",
    "protest",
    "court",
    "journalist",
    "activist",
    "border",
    "camp",
    "village",
    "army",
    "rebels",
    "aid",
    "water",
    "school",
    "hospital",
]
GIVEN = [
    "Ana",
    "Omar",
    "Hana",
    "Yusuf",
    "Mira",
    "Lev",
    "Sara",
    "Idris",
    "Noor",
    "Pavel",
    "Lina",
    "Tomas",
    "Aziz",
    "Eva",
    "Karim",
    "Rosa",
    "Jonas",
    "Leila",
    "Milan",
    "Ines",
]
FAMILY = [
    "Silva",
    "Lind",
    "Berg",
    "Okafor",
    "Haddad",
    "Novak",
    "Rahman",
    "Costa",
    "Ivanova",
    "Sato",
    "Moreau",
    "Kaya",
    "Mensah",
    "Petrov",
    "Duarte",
    "Nakamura",
    "Osei",
    "Larsen",
    "Aziz",
    "Quinn",
    "Varga",
    "Ortiz",
    "Bauer",
    "Kowalski",
    "Demir",
]
BODIES = ["Watch", "Rights Centre", "Legal Aid", "Observatory", "Press Union", "Monitoring Mission"]
PLACES = ["Freedonia", "Kordovia", "Valdoria", "Ostmark", "Lunaria", "Serrania", "Tessaly", "Borvia"]
# 500 people, 48 bodies, 8 states: a case of one situation names a few thousand actors in all
PEOPLE = [f"{g} {f}" for g in GIVEN for f in FAMILY]
ORGS = [f"{p} {b}" for p in PLACES for b in BODIES]
KINDS = ("accuse", "deny", "demand", "commit", "assert")


def _cast(rng: random.Random) -> list[Actor]:
    """Three or four actors of one story: people, a body, a state; sometimes a person's surname alone."""
    people = rng.sample(PEOPLE, 2)
    cast = [
        Actor(id="a1", name=people[0], kind="person", aliases=[people[0].split()[-1]]),
        Actor(id="a2", name=people[1], kind="person", titles=["spokesperson"]),
        Actor(id="a3", name=rng.choice(ORGS), kind="organization"),
        Actor(id="a4", name=rng.choice(PLACES), kind="state"),
    ]
    return cast[: rng.choice((3, 4))]


def fake(i: int, rng: random.Random) -> Extraction:
    sents = []
    statements = []
    pos = 0
    cast = _cast(rng)
    for k in range(5):
        words = " ".join(rng.choice(WORDS) for _ in range(14))
        who, whom = rng.sample(cast, 2)
        s = f"{who.name} said the {words}."
        sents.append(s)
        statements.append(
            Statement(
                id=f"s{k}",
                kind=rng.choice(KINDS),
                speaker=who.id,
                speaker_name=who.name,
                target=whom.id,
                target_name=whom.name,
                text=s,
                span=(pos, pos + len(s)),
                quote=None,
                cue="said",
                date=f"20{rng.randint(10, 25)}-0{rng.randint(1, 9)}",
                confidence=0.8,
                action="release" if k == 0 else None,
                object="the report" if k == 0 else None,
            )
        )
        pos += len(s) + 2
    src = Source(sha256=f"{i:064x}", text="\n\n".join(sents), title=f"Generated story {i}")
    return Extraction("0.1.0", src, cast, statements)


def fill(store: Store, first: int = 0, last: int = DOCS) -> float:
    """Generated documents `first` to `last` (ids go on from where an earlier fill stopped)."""
    rng = random.Random(7 + first)
    t0 = time.perf_counter()
    batch = 500
    for start in range(first, last, batch):
        with store.sessions.begin() as session:
            from vigil.store.records import ensure_blob

            for i in range(start, min(last, start + batch)):
                ex = fake(i, rng)
                ensure_blob(session, ex.source.sha256, len(ex.source.text), "text/plain")
                save_extraction(session, ex.source.sha256, ex)
    took = time.perf_counter() - t0
    settle(store)
    return took


def settle(store: Store) -> None:
    """Statistics as a running PostgreSQL has them: autovacuum analyzes a table within a minute of
    a bulk load; the bench does it at once, so that it measures the plans a server would choose."""
    if store.engine.dialect.name == "postgresql":
        with store.engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def measure(name: str, store: Store, files: list[Path]) -> None:
    opts = Options()
    t0 = time.perf_counter()
    for f in files:
        capture_file(store, f, opts)
    with_extraction = len(files) / (time.perf_counter() - t0)
    opts = Options(extract=False)
    copies = []
    for f in files:
        c = f.with_suffix(".copy")
        c.write_bytes(f.read_bytes() + b"\n" + uuid.uuid4().hex.encode())
        copies.append(c)
    t0 = time.perf_counter()
    for c in copies:
        capture_file(store, c, opts)
    bytes_only = len(copies) / (time.perf_counter() - t0)
    filled = fill(store)
    p50, p95 = search_latency(store)
    print(
        f"{name:<11} captures/s {with_extraction:7.1f} with extraction, {bytes_only:7.1f} bytes only | "
        f"{DOCS:,} docs loaded in {filled:5.1f} s | "
        f"search p50 {p50:6.1f} ms  p95 {p95:6.1f} ms"
    )
    if BIG > DOCS:
        grown = fill(store, DOCS, BIG)
        p50, p95 = search_latency(store)
        print(
            f"{name:<11} {BIG:,} docs (the other {BIG - DOCS:,} loaded in {grown:5.0f} s) | "
            f"search p50 {p50:6.1f} ms  p95 {p95:6.1f} ms"
        )


def search_latency(store: Store) -> tuple[float, float]:
    """p50 and p95 of `vigil search`'s query over the bench's words, plain and filtered."""
    lat = []
    with store.reads() as session:
        for _ in range(5):
            for q in QUERIES:
                t0 = time.perf_counter()
                search(session, q, limit=20)
                lat.append((time.perf_counter() - t0) * 1000)
        for q in QUERIES:
            t0 = time.perf_counter()
            search(session, q, kind="demand", since="2015", limit=20)
            lat.append((time.perf_counter() - t0) * 1000)
    lat.sort()
    return statistics.median(lat), lat[int(len(lat) * 0.95) - 1]


@contextmanager
def throwaway_postgres() -> Iterator[str | None]:
    """A new PostgreSQL database (on VIGIL_BENCH_POSTGRES, default the local server) for one bench,
    dropped after; None, said on one line, when there is no server."""
    admin_url = os.environ.get(
        "VIGIL_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    name = f"vigil_bench_{uuid.uuid4().hex[:8]}"
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server: say so and carry on
        print(f"postgresql  not measured: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
        yield None
        return
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files = []
        for i in range(FILES):
            f = root / f"in{i}.txt"
            f.write_text(
                f"Story {i}\n\nThe interior ministry said on Monday that {i} protesters were detained.\n\n"
                f"Human Rights Watch urged the authorities to release them, its director said.\n"
            )
            files.append(f)
        measure("sqlite", open_store(root / "sqlite"), files)
        with throwaway_postgres() as url:
            if url is None:
                return 0
            store = open_store(root / "pg", url)
            measure("postgresql", store, [f for f in files])
            store.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())

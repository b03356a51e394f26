"""Register, tracker and contested-claims build time at 1,000 and 10,000 documents (make bench).

The records are generated (the shapes extraction stores: about 3 actors, 4 statements and 2
events a document, over 300 speakers, 40 states and 500 acts), then built in one process with the
shipped gazetteer; the figures are the pure build, not the database reads.
"""

from __future__ import annotations

import random
import time

from vigil.connect import contested, register, tracker
from vigil.model import EventRecord, NameRecord, SourceRef, StatementRecord

STATES = [
    "China",
    "Russia",
    "Myanmar",
    "Ethiopia",
    "Belarus",
    "Iran",
    "Syria",
    "Sudan",
    "Nicaragua",
    "Eritrea",
] * 4
VERBS = ["release", "free", "publish", "allow", "open", "visit", "lift"]
WORDS = [f"w{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}{chr(97 + i // 676)}" for i in range(3000)]
OBJECTS = [" ".join(random.Random(i).sample(WORDS, 3)) for i in range(2000)]  # distinct matters


def records(
    n_docs: int, rnd: random.Random
) -> tuple[list[NameRecord], list[StatementRecord], list[EventRecord]]:
    names, sts, evs = [], [], []
    row = 0
    for d in range(n_docs):
        src = SourceRef(
            d,
            f"{d:064x}",
            f"https://news.example/{d}",
            f"Story {d}",
            f"2024-{1 + d % 12:02d}-{1 + d % 28:02d}",
        )
        people = [f"Person{rnd.randrange(300)} Surname{rnd.randrange(300)}" for _ in range(2)]
        state = rnd.choice(STATES)
        for nm, kind in [(people[0], "person"), (people[1], "person"), (state, "state")]:
            row += 1
            names.append(NameRecord(row, d, nm, kind, [nm.split()[-1]], []))
        for k in range(4):
            kind = rnd.choice(["accuse", "deny", "demand", "commit", "assert"])
            verb, obj = rnd.choice(VERBS), rnd.choice(OBJECTS)
            sts.append(
                StatementRecord(
                    d * 10 + k,
                    kind,
                    None,
                    people[k % 2],
                    None,
                    state,
                    f"{people[k % 2]} said {state} must {verb} the {obj}.",
                    None,
                    src,
                    verb,
                    obj,
                    None,
                    speaker_row=row - 2 + k % 2,
                    target_row=row,
                )
            )
        for k in range(2):
            evs.append(
                EventRecord(
                    d * 10 + k,
                    None,
                    state,
                    rnd.choice(VERBS),
                    rnd.choice(OBJECTS),
                    False,
                    src.published,
                    f"{state} acted.",
                    src,
                    actor_row=row,
                )
            )
    return names, sts, evs


def main() -> None:
    print("cross-source build (generated records, pure build)")
    print(f"{'documents':>10} {'register s':>11} {'tracker s':>10} {'contested s':>12} {'items':>7}")
    for n in (1_000, 10_000):
        names, sts, evs = records(n, random.Random(7))
        t0 = time.perf_counter()
        reg = register.build(names)
        for s in sts:
            s.speaker, s.target = reg.key_of_row(s.speaker_row), reg.key_of_row(s.target_row)
        for e in evs:
            e.actor = reg.key_of_row(e.actor_row)
        t1 = time.perf_counter()
        items = tracker.build(sts, evs)
        t2 = time.perf_counter()
        contested.build(sts)
        t3 = time.perf_counter()
        print(f"{n:>10,} {t1 - t0:>11.2f} {t2 - t1:>10.2f} {t3 - t2:>12.2f} {len(items):>7,}")


if __name__ == "__main__":
    main()

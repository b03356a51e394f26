#!/usr/bin/env python3
"""Score extraction on every corpus file that has gold, in one process.

The model loads once for all documents; each output is exactly what
`vigil extract --json` would print, and ../shared/tools/score.py scores it.
Usage: scripts/eval.py [-v] [--json]   (needs ../shared; says so and exits 0 without it)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from vigil.errors import VigilError
from vigil.extract.pipeline import extract_bytes

HERE = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("VIGIL_SHARED", HERE.parent / "shared"))


def main(args: list[str]) -> int:
    gold_dir = SHARED / "corpus" / "gold"
    if not gold_dir.is_dir():
        print(f"eval: no {gold_dir} beside this checkout; nothing to score")
        return 0
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        golds = sorted(gold_dir.glob("*.json"))
        for g in golds:
            gold = json.loads(g.read_text())
            data = (SHARED / "corpus" / gold["file"]).read_bytes()
            try:
                result = extract_bytes(data, published=gold.get("published") or None)
            except VigilError as exc:
                print(f"eval: extraction failed on {gold['file']}: {exc}", file=sys.stderr)
                continue
            (Path(out) / g.name).write_text(json.dumps(result.to_dict(), ensure_ascii=False))
        took = time.perf_counter() - start
        score = [sys.executable, str(SHARED / "tools" / "score.py"), str(gold_dir), out, *args]
        code = subprocess.run(score, check=False).returncode
    print(f"extraction of {len(golds)} documents took {took:.1f} s in one process")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

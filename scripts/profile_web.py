"""Server CPU per page of the workbench, one request at a time, on a store bench_web built.

The load check (bench_web) says how long pages take under 20 clients; this says where that time
goes: it serves the store with one worker, asks each page REPEAT times in turn, ROUNDS times
over, and prints per page the mean wall time and the worker's CPU time (user + system, from
/proc) of its least costly round. Under load the CPU per request is what bounds the throughput
of the cores. Figures only; nothing asserts.

    VIGIL_BENCH_REUSE=DIR [VIGIL_BENCH_REUSE_URL=URL] [REPEAT=20] [ROUNDS=3] [ONLY=name,…] \
        python scripts/profile_web.py

With PY_SPY=path-to-py-spy (not a dependency: `pip install py-spy` anywhere) it also samples the
worker while it answers and writes the folded stacks to profile_web.folded.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import bench_web

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system time of `pid` (the worker: `vigil serve --workers 1` serves in its own process)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def _spy(pid: int) -> subprocess.Popen[bytes] | None:
    exe = os.environ.get("PY_SPY")
    if not exe:
        return None
    out = "profile_web.folded"
    cmd = [exe, "record", "--pid", str(pid), "--rate", "250", "--nonblocking", "--format", "raw", "-o", out]
    spy = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)  # attached before the first timed request
    return spy


def main() -> int:
    root = os.environ.get("VIGIL_BENCH_REUSE")
    if not root:
        raise SystemExit("set VIGIL_BENCH_REUSE to a store bench_web built (VIGIL_BENCH_KEEP=DIR builds one)")
    url = os.environ.get("VIGIL_BENCH_REUSE_URL") or f"sqlite:///{root}/vigil.db"
    repeat = int(os.environ.get("REPEAT", "20"))
    only = [n for n in os.environ.get("ONLY", "").split(",") if n]
    bench_web.WORKERS = 1
    bench_web.CLIENTS = 1
    proc, base = bench_web.serve(Path(root), url)
    try:
        client = bench_web.clients(base)[0]
        actors = client.get("/api/cases/1/actors?limit=1").json()
        actor = actors[0]["key"] if actors else "none"
        rng = random.Random(1)
        names = only or list(bench_web.PAGES)
        for name in names:  # once each, so that aggregates and caches are warm
            client.get(bench_web.fill_in(bench_web.PAGES[name], 1, actor, rng))
        spy = _spy(proc.pid)
        rounds = int(os.environ.get("ROUNDS", "3"))
        best: dict[str, tuple[float, float]] = {}
        for _ in range(rounds):  # the least of several rounds: a shared machine's noise only adds
            for name in names:
                wall = 0.0
                c0 = cpu_seconds(proc.pid)
                for _ in range(repeat):
                    t = time.perf_counter()
                    client.get(bench_web.fill_in(bench_web.PAGES[name], 1, actor, rng))
                    wall += time.perf_counter() - t
                cpu = (cpu_seconds(proc.pid) - c0) / repeat
                if name not in best or cpu < best[name][1]:
                    best[name] = (wall / repeat, cpu)
        for name, (wall, cpu) in best.items():
            print(f"  {name:<20} wall {wall * 1000:6.1f} ms  cpu {cpu * 1000:6.1f} ms")
        mean = sum(cpu for _, cpu in best.values()) / len(best)
        print(f"mean server CPU per request (least of {rounds} rounds of {repeat}): {mean * 1000:.1f} ms")
        if spy is not None:
            spy.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
            spy.wait(60)
    finally:
        proc.terminate()
        proc.wait(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Timing helpers shared by the benchmark scripts (run them as ``python benchmarks/bench_x.py``,
which puts this folder on ``sys.path``)."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of(f: Callable[[], object], repeats: int) -> float:
    """The shortest of ``repeats`` wall-clock times of ``f()``, in seconds."""
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def print_speedups(rows: list[tuple[str, float, float]], ref: str = "numpy ref", width: int = 10):
    """A table of (case, reference seconds, memsim seconds) with the speed-up reference/memsim."""
    print(f"{'case':<{width}} {ref + ' (ms)':>15} {'memsim (ms)':>12} {'speed-up':>9}")
    for name, tr, tm in rows:
        print(f"{name:<{width}} {tr * 1e3:>15.2f} {tm * 1e3:>12.2f} {tr / tm:>8.1f}x")

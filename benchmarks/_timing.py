"""Timing helpers shared by the benchmark scripts (run them as ``python benchmarks/bench_x.py``,
which puts this folder on ``sys.path``).

Standard library only: benchmarks/peer_attention_torch.py imports it from the peers' own
interpreter, where memsim, numba (and perhaps numpy) are not installed.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable, Sequence
from typing import Any


def interleaved(
    funcs: Sequence[Callable[[], object]],
    repeats: int,
    *,
    warmup: int = 0,
    number: int = 1,
    reduce: Callable[[list[float]], float] = min,
    result: bool = False,
    settle: float = 0.0,
) -> Any:
    """Wall-clock time of each function, the functions called in turn (noise hits all alike).

    Parameters
    ----------
    funcs : sequence of callables without arguments
        The functions to time.
    repeats : int
        Timed rounds; in each round every function runs ``number`` times.
    warmup : int, default 0
        Untimed calls of each function first (compilation, caches).
    number : int, default 1
        Calls per timed round; the round's time is divided by ``number``.
    reduce : callable, default min
        What summarises the ``repeats`` times of a function: ``min`` (best of) or
        ``statistics.median``.
    result : bool, default False
        Also return the value of each function's last call.
    settle : float, default 0
        Seconds of untimed calls of each function right before its timed calls in every round.
        Two BLAS thread pools in one process (numpy's OpenBLAS, and SciPy's, which Numba code
        calls) slow each other down: after a call, OpenBLAS worker threads keep spinning for
        about 0.1 s (measured: 105 ms of CPU time after one 1000 x 64 x 10^4 product), so a
        function timed right after another one's multithreaded product shares the cores with
        those threads. An idle pause does not settle it either: on the 2-core virtual machine
        an idle core is slow to come back (memsim read-outs were 1.5-3x slower for several
        calls after a 0.15 s sleep). Settled (0.15 s is enough), each function is timed as it
        runs in a loop of its own; unsettled, as it runs when mixed with the other.
    Returns
    -------
    list of float, or (list of float, list)
        Seconds per call for each function (and the last results when ``result``).
    """
    for f in funcs:
        for _ in range(warmup):
            f()
    times: list[list[float]] = [[] for _ in funcs]
    outs: list[object] = [None for _ in funcs]
    for _ in range(repeats):
        for i, f in enumerate(funcs):
            if settle:
                end = time.perf_counter() + settle
                while time.perf_counter() < end:
                    f()
            t0 = time.perf_counter()
            for _ in range(number):
                outs[i] = f()
            times[i].append((time.perf_counter() - t0) / number)
    best = [reduce(t) for t in times]
    return (best, outs) if result else best


def best_of(f: Callable[[], object], repeats: int, *, result: bool = False, **options: Any) -> Any:
    """The shortest (or, with ``reduce``, the median) of ``repeats`` wall-clock times of ``f()``.

    :func:`interleaved` for one function; ``options`` are its ``warmup``, ``number`` and
    ``reduce``. Returns seconds, or ``(seconds, last value of f())`` when ``result``.
    """
    t, out = interleaved([f], repeats, result=True, **options)
    return (t[0], out[0]) if result else t[0]


def peak_bytes(f: Callable[[], object]) -> int:
    """Peak of the memory allocated by Python and numpy during ``f()`` (tracemalloc), in bytes."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    f()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak

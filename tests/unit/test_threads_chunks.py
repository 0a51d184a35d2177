"""memsim._threads.run_chunks: every item exactly once, errors raised, and no wait for a helper
thread that cannot run (the reason it exists: Numba's parallel regions wait for it)."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading

import numpy as np
import pytest

from memsim import _threads


@pytest.mark.parametrize(
    "items,chunk,threads", [(0, 3, 2), (1, 4, 2), (10, 3, 2), (10, 3, 1), (97, 8, 4)]
)
def test_every_item_once(items, chunk, threads):
    hits = np.zeros(items, dtype=np.int64)
    lock = threading.Lock()

    def fn(lo, hi):
        assert 0 <= lo < hi <= items and (hi - lo <= chunk or threads == 1)
        with lock:
            hits[lo:hi] += 1

    _threads.run_chunks(fn, items, chunk, threads)
    assert (hits == 1).all()


def test_first_error_is_raised_and_no_chunk_starts_after_it():
    started = []

    def fn(lo, hi):
        started.append(lo)
        if lo == 6:
            raise ValueError("chunk 6")

    with pytest.raises(ValueError, match="chunk 6"):
        _threads.run_chunks(fn, 60, 3, 1 + 1)
    assert len(started) < 20  # stopped soon after the failing chunk, not all 20 chunks


def test_caller_does_all_the_work_when_the_helper_cannot_run():
    """The pool's only thread is busy elsewhere: the caller takes every chunk and returns
    without waiting for it."""
    pool = _threads._pool(1)
    release = threading.Event()
    busy = pool.submit(release.wait, 30)
    try:
        done = []
        _threads.run_chunks(lambda lo, hi: done.append((lo, hi)), 20, 2, 2)
        assert sorted(done) == [(i, i + 2) for i in range(0, 20, 2)]
        assert not busy.done()  # the helper never got to run
    finally:
        release.set()
        busy.result(timeout=30)


def test_chunk_size():
    assert _threads.chunk_size(100, 1e7, target_ns=2.5e5) == 2  # 1e5 ns per item
    assert _threads.chunk_size(100, 1e7, target_ns=2.5e5, multiple=4) == 4
    assert _threads.chunk_size(100, 1e3) == 100  # cheap: one chunk
    assert _threads.chunk_size(9, 1e3, multiple=2) == 8
    assert _threads.chunk_size(7, 0.0) == 7


_INTERRUPTS = """
import random, signal
import numba  # loaded as in every real use (it may start threads that take the signal)
import memsim.hopfield  # noqa: F401
from memsim._threads import run_chunks
def ki(*a):
    raise KeyboardInterrupt
signal.signal(signal.SIGALRM, ki)
def fn(lo, hi):
    sum(range(20))
random.seed(1)
caught = 0
for it in range(1500):
    try:
        signal.setitimer(signal.ITIMER_REAL, random.uniform(1e-5, 2e-3))
        try:
            run_chunks(fn, 2000, 1, 2)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except KeyboardInterrupt:
        caught += 1
print("done", caught)
"""


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs POSIX interval timers")
def test_interrupts_at_any_moment_never_hang():
    """A KeyboardInterrupt landing anywhere in run_chunks (here from SIGALRM at random
    moments, 1500 times) is raised, and never leaves a lock, a count or a pool thread behind,
    so the process also exits (the first version hung within a few hundred calls: hostile
    review; a signal mask, the second, did not hold once numba was imported)."""
    out = subprocess.run(
        [sys.executable, "-c", _INTERRUPTS], capture_output=True, text=True, timeout=240
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.startswith("done"), out.stdout
    assert int(out.stdout.split()[1]) >= 10  # the interrupts did land


def test_recall_threads_1_never_wakes_a_helper(monkeypatch):
    """threads=1 holds for every threaded step of recall, the initial fields included."""
    import memsim.hopfield.classical as C

    seen = []
    real = _threads.run_chunks

    def spy(fn, items, chunk, threads):
        seen.append(threads)
        return real(fn, items, chunk, threads)

    monkeypatch.setattr(_threads, "run_chunks", spy)
    monkeypatch.setattr(_threads, "MIN_NS", 0.0)
    rng = np.random.default_rng(0)
    xi = rng.choice(np.array([-1, 1], np.int8), size=(30, 300))
    C.recall(C.store(xi), xi[:9].copy(), threads=1, max_sweeps=5, warn=False)
    assert seen and max(seen) == 1


def test_a_handler_raising_during_the_restore_leaves_no_recorder(monkeypatch):
    """signal.signal() first runs the handlers of signals already received; when one raises
    (a Ctrl-C arriving while the handlers are put back), that setting did not happen. It is
    tried again, so every handler is back and the exception is raised afterwards."""
    from memsim import _threads as T

    class Stop(BaseException):
        pass

    class FakeSignal:
        def __init__(self):
            self.table = {}
            self.raised = False

        def signal(self, sig, handler):
            if sig == 12 and not self.raised:  # the received signal's handler raises
                self.raised = True
                raise Stop
            self.table[sig] = handler

    fake = FakeSignal()
    monkeypatch.setattr(T, "_sig", fake)
    originals = {10: lambda s, f: None, 12: lambda s, f: None, 15: lambda s, f: None}
    with pytest.raises(Stop):
        T._restore_signals(dict(originals), [])
    assert fake.table == originals

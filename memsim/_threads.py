"""Work sharing over chunks of independent items (cues) on Python threads.

Numba's parallel regions (``prange``) split the items statically between the threads and end
with a barrier: when another process holds one of the cores, the region waits for the
descheduled thread, and a 2 ms recall can take 15 ms (measured on 2 cores beside one busy
process). Here the items are cut into small chunks that the calling thread and up to
``threads - 1`` pool threads take one at a time, each running a serial ``nogil`` Numba kernel on
its chunk. A thread that is not scheduled takes no chunk, and the caller waits only for chunks
that were started, so the work degrades to the serial time instead of stalling. Each item is
computed by the same serial code whichever thread runs it, so the numbers do not depend on the
thread count or on the scheduling.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import numba

_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()

#: the handlers of Python-handled signals (Ctrl-C's KeyboardInterrupt) are deferred while
#: the chunks run: a handler raising in the middle of the lock handling below (or inside the
#: thread pool's own) could leave a lock or a count behind and hang the call, and CPython runs
#: it in the main thread whichever thread the signal reached, so a signal mask cannot stop it.
#: Deferred, it runs as soon as the chunks are done (a Numba kernel cannot be interrupted
#: anyway, so the wait is at most the work itself).


try:  # the C module under :mod:`signal`: the same functions without the enum wrapping of
    # every signal number and handler, which made a call of run_chunks cost 0.15 ms
    import _signal as _sig
except ImportError:  # pragma: no cover - another Python implementation
    _sig = signal

#: the signal numbers of this platform (fixed for the process)
_SIGNALS = tuple(sorted(int(s) for s in _sig.valid_signals()))


def _defer_signals() -> tuple[dict, list]:
    """Replace every Python signal handler by one that only records the signal; returns the
    old handlers and the record (main thread only)."""
    pending: list = []
    old: dict = {}
    try:
        for sig in _SIGNALS:
            try:
                handler = _sig.getsignal(sig)
            except (ValueError, OSError):
                continue
            if callable(handler):
                _sig.signal(sig, lambda signum, frame: pending.append((signum, frame)))
                old[sig] = handler
    except BaseException:  # a handler not yet replaced raised: undo, and let it propagate
        _restore_signals(old, [])
        raise
    return old, pending


def _restore_signals(old: dict, pending: list) -> None:
    """Put the handlers back, then run them for the signals that came meanwhile.

    ``signal.signal`` first runs the handlers of signals already received; when one of them
    (one put back a moment ago) raises, the new handler is not set: the setting is tried again
    until it holds, so no recorder is ever left in place (a Ctrl-C recorded into a list nobody
    reads would be lost for the rest of the process)."""
    first: BaseException | None = None
    for sig, handler in old.items():
        for _ in range(100):  # (a setting that fails for another reason is not tried for ever)
            try:
                _sig.signal(sig, handler)
                break
            except BaseException as exc:  # noqa: BLE001 - a restored handler ran and raised
                first = first or exc
    for signum, frame in pending:
        try:
            old[signum](signum, frame)
        except BaseException as exc:  # noqa: BLE001 - raised once every handler is back
            first = first or exc
    if first is not None:
        raise first


#: work whose estimated time is at least this (ns) is shared between the calling thread and
#: helper threads (:func:`share`); below it, it runs in the calling thread, because waking a
#: thread costs tens of microseconds. Unlike a Numba parallel region (measured on 2 cores
#: beside other jobs: regions of 1-10 ms took 20-100 times their serial time, waiting for a
#: descheduled thread), the chunks do not wait for a thread that another process keeps off its
#: core, so the threshold can be low. The numbers are the same either way.
MIN_NS = 1e6


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Defer Python signal handlers (Ctrl-C's KeyboardInterrupt) for the block: a signal that
    comes meanwhile is recorded and its handler runs when the block ends (in the main thread;
    other threads do not receive signals, and the block runs as it is). Blocks may nest.

    Yields
    ------
    None

    Raises
    ------
    Whatever a deferred handler raises (KeyboardInterrupt), once the block is done and every
    handler is back in place.
    """
    main = threading.current_thread() is threading.main_thread()
    deferred = _defer_signals() if main else None
    try:
        yield
    finally:
        if deferred is not None:
            _restore_signals(*deferred)  # a deferred KeyboardInterrupt is raised here


def _pool(workers: int) -> ThreadPoolExecutor:
    """The process's helper threads (created on first use, grown when more are asked for)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None or _POOL._max_workers < workers:
            old, _POOL = (
                _POOL,
                ThreadPoolExecutor(workers, thread_name_prefix="memsim"),
            )
            if old is not None:
                old.shutdown(wait=False)
        return _POOL


def chunk_size(items: int, cost_ns: float, target_ns: float = 2.5e5, multiple: int = 1) -> int:
    """Items per chunk so that one chunk takes about ``target_ns`` (at least ``multiple`` items,
    and a multiple of it)."""
    per_item = cost_ns / max(items, 1)
    size = min(items, int(target_ns / per_item)) if per_item > 0 else items
    return max(multiple, size - size % multiple)


def run_chunks(fn: Callable[[int, int], None], items: int, chunk: int, threads: int) -> None:
    """Call ``fn(lo, hi)`` for the consecutive chunks ``[lo, hi)`` of ``range(items)``.

    The calling thread and up to ``threads - 1`` helper threads take the next chunk whenever
    they are free. ``fn`` must release the GIL (a ``nogil`` Numba kernel) to run in parallel,
    and chunks must be independent. Returns when every chunk has run; the first exception
    raised by any chunk (or a ``KeyboardInterrupt`` in the caller) is raised here after the
    chunks already running have finished, and no new chunk is started after it. While the
    chunks run on several threads, Python signal handlers are deferred and run when they are
    done, so a Ctrl-C raises ``KeyboardInterrupt`` right after the work instead of during the
    threads' bookkeeping.
    """
    n_chunks = -(-items // chunk) if items > 0 else 0
    helpers = min(threads, n_chunks) - 1
    if helpers <= 0:
        if items > 0:
            fn(0, items)
        return
    lock = threading.Lock()
    idle = threading.Condition(lock)
    # chunks taken and not yet finished by the helper threads; the caller waits only for
    # these. Its own chunks are not counted: a KeyboardInterrupt (delivered to the calling
    # thread only) between taking a chunk and finishing it can then never leave a count behind.
    state = {"next": 0, "helping": 0}
    errors: list[BaseException] = []

    def take(helper: bool) -> int | None:
        with lock:
            i = state["next"]
            if i >= n_chunks or errors:
                return None
            state["next"] = i + 1
            state["helping"] += helper
            return i

    def work(helper: bool) -> None:
        while (i := take(helper)) is not None:
            try:
                fn(i * chunk, min(items, (i + 1) * chunk))
            except BaseException as exc:  # noqa: BLE001 - re-raised by the caller
                with lock:
                    errors.append(exc)
            finally:
                if helper:
                    with lock:
                        state["helping"] -= 1
                        idle.notify_all()

    with signals_deferred():
        pool = _pool(helpers)
        for _ in range(helpers):
            pool.submit(work, True)
        try:
            work(False)
        finally:
            with lock:
                state["next"] = n_chunks  # after an error: start no more
                while state["helping"] > 0:
                    idle.wait()
    if errors:
        raise errors[0]


def share(fn: Callable[[int, int], None], items: int, cost_ns: float, multiple: int = 1) -> None:
    """Run ``fn(lo, hi)`` over ``range(items)`` whose work is estimated at ``cost_ns``: in
    chunks of about 0.25 ms (:func:`chunk_size`, whole multiples of ``multiple`` items) shared
    by Numba's thread count of threads (:func:`run_chunks`) from :data:`MIN_NS` of work, in
    the calling thread below it."""
    threads = numba.get_num_threads() if cost_ns >= MIN_NS else 1
    run_chunks(fn, items, chunk_size(items, cost_ns, multiple=multiple), threads)

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
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()

#: signals are held back while the chunks run (POSIX): a Python signal handler (Ctrl-C's
#: KeyboardInterrupt) raising in the middle of the lock handling below could leave a lock or a
#: count behind and hang the call; held back, it is raised as soon as the chunks are done
#: (a Numba kernel cannot be interrupted anyway, so the wait is at most the work itself)
_MASKABLE = hasattr(signal, "pthread_sigmask")
#: signals a fault raises in the faulting thread, never held back
_SYNCHRONOUS = {
    getattr(signal, name)
    for name in ("SIGSEGV", "SIGBUS", "SIGFPE", "SIGILL", "SIGABRT", "SIGTRAP", "SIGSYS")
    if hasattr(signal, name)
}


def _held_signals() -> set:
    return set(signal.valid_signals()) - _SYNCHRONOUS if _MASKABLE else set()


def _helper_start() -> None:
    """Helper threads never take a signal: the calling thread gets it after the chunks."""
    if _MASKABLE:
        signal.pthread_sigmask(signal.SIG_BLOCK, _held_signals())


def _pool(workers: int) -> ThreadPoolExecutor:
    """The process's helper threads (created on first use, grown when more are asked for)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None or _POOL._max_workers < workers:
            old, _POOL = (
                _POOL,
                ThreadPoolExecutor(workers, thread_name_prefix="memsim", initializer=_helper_start),
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
    chunks run on several threads, signals are held back (POSIX) and delivered when they are
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

    main = _MASKABLE and threading.current_thread() is threading.main_thread()
    saved = signal.pthread_sigmask(signal.SIG_BLOCK, _held_signals()) if main else None
    try:
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
    finally:
        if saved is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, saved)  # a held signal is raised here
    if errors:
        raise errors[0]

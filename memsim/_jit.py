"""The one place for Numba options.

Every compiled kernel in memsim is decorated with :func:`jit` (serial) or :func:`pjit`
(parallel over independent items: cues, trials, queries). Both cache compiled code on disk
(``cache=True``) so a second run starts without compilation (where the cache goes, and when it
is off, is decided in :mod:`memsim._cache`), and both use
``error_model="numpy"`` so that division by zero gives inf/NaN as in numpy instead of raising.

The fastmath set deliberately leaves out ``nnan`` and ``ninf`` (as stumpy does): kernels check for
NaN and inf (masked keys, all-zero memory rows), and those checks must keep working.
"""

from __future__ import annotations

import functools

import numba

from memsim import _cache, _checks

if _cache.CACHE_DIR is not None and numba.config.CACHE_DIR != _cache.CACHE_DIR:
    # numba was imported before memsim: it read NUMBA_CACHE_DIR too early
    numba.config.CACHE_DIR = _cache.CACHE_DIR

#: fastmath flags used by kernels that opt in: reassociation and contraction, but NaN/inf kept.
FASTMATH = frozenset({"contract", "reassoc", "arcp", "nsz", "afn"})

#: fastmath flags of the exponential kernels: contraction into fused multiply-adds only (no
#: reassociation, so a Cody-Waite range reduction keeps its accuracy; NaN/inf kept).
CONTRACT = frozenset({"contract"})

#: cache=False only when no cache folder is writable (memsim._cache warns once at import)
_COMMON = {"cache": _cache.CACHE_ENABLED, "error_model": "numpy", "nogil": True}


def jit(*args, fastmath: bool | frozenset = False, **kwargs):
    """Serial ``numba.njit`` with memsim's options.

    Use as ``@jit``, ``@jit(fastmath=True)`` (the :data:`FASTMATH` set) or
    ``@jit(fastmath=CONTRACT)`` (a named flag set from this module). Extra keyword arguments go
    to ``numba.njit``.
    """
    opts = dict(_COMMON)
    if fastmath is True:
        opts["fastmath"] = set(FASTMATH)
    elif fastmath:
        opts["fastmath"] = set(fastmath)
    opts.update(kwargs)
    if args and callable(args[0]) and len(args) == 1:
        return numba.njit(**opts)(args[0])
    return numba.njit(*args, **opts)


def pjit(*args, fastmath: bool | frozenset = False, **kwargs):
    """Parallel ``numba.njit(parallel=True)`` with memsim's options.

    Only for loops (``numba.prange``) over independent items, each with its own random stream,
    so results do not depend on the thread count.
    """
    kwargs.setdefault("parallel", True)
    return jit(*args, fastmath=fastmath, **kwargs)


def keeps_thread_count(func):
    """Decorator: the Numba thread count a public function sets through its ``threads`` argument
    holds for that call only; the caller's setting is restored when it returns or raises."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        before = numba.get_num_threads()
        try:
            return func(*args, **kwargs)
        finally:
            if numba.get_num_threads() != before:
                numba.set_num_threads(before)

    return wrapper


def set_threads(threads: int | None) -> int:
    """Set the number of Numba threads (``None`` keeps the current setting); return it."""
    if threads is not None:
        threads = _checks.integer(threads, "threads", 1)
        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    return numba.get_num_threads()

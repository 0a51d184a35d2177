"""Hold the BLAS libraries to one thread while memsim's own threads call them.

Numba's ``np.dot`` calls the BLAS that SciPy links (through ``scipy.linalg.cython_blas``). A
kernel that cuts a large product into tiles and runs the tiles on several threads of its own
(the tiled attention read-out, :mod:`memsim.attention.readouts`) wants each tile's product to
run in the thread that asked for it. A multithreaded BLAS called from two threads at once
instead hands both calls to one pool of its own threads: measured on the 2-core development
machine 10-100x slower. Below a size threshold (OpenBLAS: 65536 x 4 multiply-adds per GEMM)
OpenBLAS runs in the calling thread anyway, but tiles that small run BLAS at half its speed.

:func:`one_thread` sets every loaded BLAS library to one thread for the duration of a block and
restores the previous counts afterwards, through threadpoolctl (the library that scikit-learn
and NumPy's own documentation use for this; it knows OpenBLAS, MKL and BLIS). A multithreaded
BLAS product can round some entries differently from a one-thread product (measured: 1 ulp in
about half the entries of a float64 read-out), so memsim holds BLAS whenever it uses its large
tiles, whatever its own thread count: the numbers then depend on the shapes only.

While a block runs, every other thread of the process also sees one-thread BLAS (the setting is
per library, not per thread); blocks may nest and may run in several threads at once (a count
keeps the outermost restore).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_LOCK = threading.Lock()
_DEPTH = 0
_SAVED: list[tuple[Any, int]] = []
_HELD = False
_LIBRARIES: list[Any] | None = None


def _libraries() -> list[Any]:
    """The BLAS libraries of the process as threadpoolctl controllers (found once, after
    loading the BLAS that Numba calls); empty when threadpoolctl finds none it can set."""
    global _LIBRARIES
    if _LIBRARIES is None:
        found: list[Any] = []
        try:
            import scipy.linalg.cython_blas  # noqa: F401 - loads the BLAS Numba calls
            from threadpoolctl import ThreadpoolController

            found = list(ThreadpoolController().select(user_api="blas").lib_controllers)
        except Exception:  # noqa: BLE001 - no controllable BLAS: callers use small tiles
            found = []
        _LIBRARIES = found
    return _LIBRARIES


def available() -> bool:
    """True when the BLAS libraries can be held to one thread (threadpoolctl found them).

    Returns
    -------
    bool
        Whether :func:`one_thread` has an effect; callers choose their tile sizes by it.
    """
    return bool(_libraries())


def _set(lib: Any, n: int) -> None:
    """Set ``lib`` to ``n`` threads from whichever thread memsim runs in. threadpoolctl (3.6
    and later) lets only one "controlling" Python thread set an OpenBLAS that has its own thread
    pool, and ignores the others; memsim's own lock orders its holds, so it frees the control
    before and after each setting (otherwise a hold taken in a worker thread did nothing, and
    a restore from a worker thread left BLAS at one thread)."""
    release = getattr(type(lib), "clear_controlling_thread", None)
    if release is not None:
        release(force=True)
    try:
        lib.set_num_threads(n)
    finally:
        if release is not None:
            release(force=True)


@contextmanager
def one_thread() -> Iterator[bool]:
    """Run the block with every loaded BLAS library set to one thread, then restore.

    Yields
    ------
    bool
        True when every library is held to one thread (``False``: none can be set, or one
        refused; the caller then keeps its products below the library's own threading
        threshold).

    Raises
    ------
    Nothing of its own; an exception of the block propagates after the restore.
    """
    global _DEPTH, _SAVED, _HELD
    with _LOCK:
        if _DEPTH == 0:
            saved: list[tuple[Any, int]] = []
            ok = bool(_libraries())
            try:
                for lib in _libraries():
                    n = lib.get_num_threads()
                    if n is not None and n != 1:
                        _set(lib, 1)
                        saved.append((lib, n))
                        ok = ok and lib.get_num_threads() == 1
            finally:
                _SAVED = saved
            _HELD = ok
        _DEPTH += 1
        held = _HELD
    try:
        yield held
    finally:
        with _LOCK:
            _DEPTH -= 1
            if _DEPTH == 0:
                saved, _SAVED = _SAVED, []
                for lib, n in saved:
                    _set(lib, n)

"""NTM memory: initialisation, reading and writing.

Graves, Wayne & Danihelka (2014), section 3.1 (reading, eq. 2) and 3.2 (writing, eqs. 3-4).
Memory is an (N, M) float64 array: N slots (rows) of width M. float64 because the scripted
tasks rely on exact statements (a one-hot erase with e = 1 clears a slot exactly, a one-hot read
returns the stored row bit for bit).

Conventions
-----------
* Several write heads: every head's erase is applied first (the products commute), then every
  head's add (the sums commute), as the paper prescribes in section 3.2, so the result does not
  depend on the order of the heads.
* Memory initialisation (``init_memory``): the papers leave it unspecified. ``"constant"`` (every
  entry 1e-6; the default, found best by Collier & Beel 2018, "Implementing Neural Turing
  Machines"), ``"uniform"`` (i.i.d. uniform on +-1/sqrt(N + M)), ``"zero"``.
"""

from __future__ import annotations

import numpy as np

from memsim import _checks as C
from memsim._rng import generator
from memsim.errors import MemsimError
from memsim.ntm import _kernels as K

#: accepted memory initialisations; the first is the default
MEMORY_INITS = ("constant", "uniform", "zero")

#: value of every entry under the "constant" initialisation
CONSTANT_INIT = 1e-6

_INIT_KEY = 7_001  # stream key for the "uniform" initialisation


def init_memory(
    slots: int,
    width: int,
    method: str = "constant",
    *,
    value: float = CONSTANT_INIT,
    seed: int = 0,
    trial: int = 0,
) -> np.ndarray:
    """A fresh (slots, width) memory.

    Parameters
    ----------
    slots, width : int, >= 1
        N and M.
    method : {"constant", "uniform", "zero"}, default "constant"
        ``"constant"``: every entry ``value`` (default 1e-6). ``"uniform"``: i.i.d. uniform on
        [-1/sqrt(N+M), 1/sqrt(N+M)] from the stream (seed, trial). ``"zero"``: all zeros.
    value : float, finite, default 1e-6
        The constant for ``"constant"`` (ignored otherwise).
    seed, trial : int, >= 0, default 0
        Random stream for ``"uniform"`` (ignored otherwise).

    Returns
    -------
    (N, M) numpy.ndarray of float64
        The memory.

    Raises
    ------
    MemsimError
        If ``slots`` or ``width`` is not an integer >= 1, ``method`` is not one of the accepted
        names, ``value`` is not a finite number (``"constant"``), or ``seed`` or ``trial`` is not
        an integer >= 0 (``"uniform"``).

    References
    ----------
    Graves, A., Wayne, G. & Danihelka, I. (2014). Neural Turing Machines. arXiv:1410.5401,
    section 3 (memory matrix; its initialisation is unspecified).
    Collier, M. & Beel, J. (2018). Implementing Neural Turing Machines. ICANN 2018
    (constant initialisation).
    """
    n = C.integer(slots, "slots", 1)
    m = C.integer(width, "width", 1)
    C.choice(method, "method", MEMORY_INITS)
    if method == "constant":
        return np.full((n, m), C.real(value, "value"))
    if method == "zero":
        return np.zeros((n, m))
    bound = 1.0 / np.sqrt(n + m)
    return generator(seed, _INIT_KEY, trial).uniform(-bound, bound, size=(n, m))


def read(memory, w) -> np.ndarray:
    """Read vector ``r = sum_i w(i) M(i)`` (Graves et al. 2014, eq. 2).

    Parameters
    ----------
    memory : (N, M) array_like of float
        Memory, N >= 1 slots of width M >= 1; finite.
    w : (N,) array_like of float, or (H, N) for H read heads
        Read weighting(s); finite (a distribution for NTM heads, not checked).

    Returns
    -------
    (M,) or (H, M) numpy.ndarray of float64
        Read vector(s).

    Raises
    ------
    MemsimError
        If ``memory`` is not a finite 2-D array with at least one slot and width >= 1, or ``w``
        is not a finite 1-D or 2-D array with N entries per head.

    References
    ----------
    Graves, A., Wayne, G. & Danihelka, I. (2014). Neural Turing Machines. arXiv:1410.5401,
    section 3.1, eq. 2.
    """
    mem = C.memory(memory)
    wa = C.float_array(w, "w", (1, 2))
    if wa.shape[-1] != mem.shape[0]:
        raise MemsimError(
            f"w must have {mem.shape[0]} entries (one per memory slot), got shape {wa.shape}"
        )
    w2 = wa.reshape(-1, mem.shape[0])
    out = np.empty((w2.shape[0], mem.shape[1]))
    for h in range(w2.shape[0]):
        K.read(mem, w2[h], out[h])
    return out if wa.ndim == 2 else out[0]


def write(memory, w, erase, add) -> np.ndarray:
    """Memory after a write: erase then add (Graves et al. 2014, eqs. 3-4).

    ``M~(i) = M(i) [1 - w(i) e]``, then ``M(i) = M~(i) + w(i) a``. With several heads every
    erase is applied before any add. The input memory is not modified.

    Parameters
    ----------
    memory : (N, M) array_like of float
        Memory before the write; N >= 1, M >= 1, finite.
    w : (N,) array_like of float, or (H, N) for H write heads
        Write weighting(s); finite and non-negative.
    erase : (M,) or (H, M) array_like of float, entries in [0, 1]
        Erase vector(s) e; same number of dimensions as ``w``.
    add : (M,) or (H, M) array_like of float
        Add vector(s) a; finite, same number of dimensions as ``w``.

    Returns
    -------
    (N, M) numpy.ndarray of float64
        The new memory.

    Raises
    ------
    MemsimError
        If any argument is not finite, or: ``memory`` is not 2-D with at least one slot and
        width >= 1; ``w`` is not 1-D or 2-D with N entries per head or has negative entries;
        ``erase`` or ``add`` does not have shape (M,) (or (H, M) for a 2-D ``w``); ``erase``
        has entries outside [0, 1].

    References
    ----------
    Graves, A., Wayne, G. & Danihelka, I. (2014). Neural Turing Machines. arXiv:1410.5401,
    section 3.2, eqs. 3-4.
    """
    mem = C.memory(memory)
    n, m = mem.shape
    wa = C.float_array(w, "w", (1, 2))
    heads = wa.shape[0] if wa.ndim == 2 else 1
    if wa.shape[-1] != n:
        raise MemsimError(f"w must have {n} entries (one per memory slot), got shape {wa.shape}")
    C.nonneg(wa, "w")
    e = C.float_array(erase, "erase", (wa.ndim,))
    a = C.float_array(add, "add", (wa.ndim,))
    for name, v in (("erase", e), ("add", a)):
        want = (heads, m) if wa.ndim == 2 else (m,)
        if v.shape != want:
            raise MemsimError(f"{name} must have shape {want}, got {v.shape}")
    C.in_range(e, "erase", 0.0, 1.0)
    out = mem.copy()
    K.write(
        out,
        np.ascontiguousarray(wa.reshape(heads, n)),
        np.ascontiguousarray(e.reshape(heads, m)),
        np.ascontiguousarray(a.reshape(heads, m)),
    )
    return out

"""Differentiable Neural Computer memory: usage, allocation, temporal links, read modes.

Graves et al. (2016), "Hybrid computing using a neural network with dynamic external memory",
Nature 538, 471-476, Methods ("dynamic memory allocation", "write weighting", "temporal memory
linkage", "read weighting"). With t-1 quantities on the right:

* retention ``psi = prod_i (1 - f_i w^(r,i)_(t-1))``; usage
  ``u_t = (u + w^w - u o w^w)_(t-1) o psi``;
* allocation: ``phi`` = slots sorted by ascending usage,
  ``a[phi_j] = (1 - u[phi_j]) prod_(i<j) u[phi_i]``;
* write weighting ``w^w = g^w (g^a a + (1 - g^a) c^w)``, ``c^w = C(M_(t-1), k^w, beta^w)``;
  memory ``M_t = M_(t-1) o (1 - w^w e^T) + w^w v^T`` (:func:`memsim.ntm.write`);
* precedence ``p_t = (1 - sum_i w^w_i) p_(t-1) + w^w``; link matrix
  ``L_t[i, j] = (1 - w^w_i - w^w_j) L_(t-1)[i, j] + w^w_i p_(t-1)[j]``, ``L_t[i, i] = 0``;
* forward ``f = L_t w^r_(t-1)``, backward ``b = L_t^T w^r_(t-1)``;
* read weighting ``w^r = pi[0] b + pi[1] c + pi[2] f`` with modes in the paper's order
  (backward, content, forward), ``c = C(M_t, k^r, beta^r)``.

Choices where the paper is silent: usage is evaluated as ``(u - u w) + w`` so a full write
(``w_i = 1``) gives exactly 1; ties in usage are broken by slot index (stable sort).
"""

from __future__ import annotations

import numpy as np

from memsim import _checks as C
from memsim._docstrings import fill_doc
from memsim.errors import MemsimError
from memsim.ntm import _kernels as K

#: index of each read mode in a read-mode vector (the paper's order)
READ_MODES = ("backward", "content", "forward")


def _vec(name: str, x, n: int | None = None) -> np.ndarray:
    a = C.float_array(x, name, (1,))
    if n is not None and a.shape[0] != n:
        raise MemsimError(f"{name} must have {n} entries, got shape {a.shape}")
    return a


def _reads(name: str, x, n: int) -> tuple[np.ndarray, bool]:
    a = C.float_array(x, name, (1, 2))
    single = a.ndim == 1
    a = a.reshape(-1, a.shape[-1])
    if a.shape[1] != n:
        raise MemsimError(f"{name} must have {n} entries per read head, got shape {a.shape}")
    C.nonneg(a, name)
    return np.ascontiguousarray(a), single


def update_usage(usage, write_w, read_ws, free_gates) -> np.ndarray:
    """Usage after the previous step's write and this step's frees (Graves et al. 2016, Methods).

    ``u_t = (u + w^w - u o w^w)_(t-1) o prod_i (1 - f_i w^(r,i)_(t-1))``.

    Parameters
    ----------
    usage : (N,) array_like of float, in [0, 1]
        u_(t-1).
    write_w : (N,) array_like of float, in [0, 1]
        Previous write weighting w^w_(t-1).
    read_ws : (R, N) array_like of float in [0, 1], or (N,) for one read head
        Previous read weightings w^(r,i)_(t-1).
    free_gates : (R,) array_like of float in [0, 1], or a scalar (applied to every read head)
        Free gates f^i_t.

    Returns
    -------
    (N,) numpy.ndarray of float64
        Usage u_t. A full write (w^w_i = 1) gives exactly 1; a full free (f = 1 and
        w^r_i = 1) gives exactly 0.

    Raises
    ------
    MemsimError
        If any argument is not finite; ``usage`` is not 1-D; ``write_w`` is not 1-D with N
        entries; ``read_ws`` is not 1-D or 2-D with N entries per head; ``free_gates`` is neither
        a scalar nor one value per read head; or any entry of ``usage``, ``write_w``,
        ``read_ws`` or ``free_gates`` lies outside [0, 1].

    References
    ----------
    Graves, A. et al. (2016). Hybrid computing using a neural network with dynamic external
    memory. Nature 538, 471-476. Methods, "Dynamic memory allocation" (memory usage vector).
    """
    u = _vec("usage", usage)
    n = u.shape[0]
    C.in_range(u, "usage", 0.0, 1.0)
    ww = _vec("write_w", write_w, n)
    C.in_range(ww, "write_w", 0.0, 1.0)
    wr, _ = _reads("read_ws", read_ws, n)
    C.in_range(wr, "read_ws", 0.0, 1.0)
    f = C.per_head(free_gates, "free_gates", wr.shape[0])
    C.in_range(f, "free_gates", 0.0, 1.0)
    out = np.empty(n)
    K.update_usage(u, ww, wr, f, out)
    return out


def _usage(usage, ndim: int) -> np.ndarray:
    """``usage`` checked: a finite ``ndim``-D array with entries in [0, 1]."""
    u = C.float_array(usage, "usage", (ndim,))
    C.in_range(u, "usage", 0.0, 1.0)
    return u


def _allocation_tail(shape: str) -> str:
    """Raises and References of an allocation weighting computed from a ``shape`` usage array."""
    return f"""Raises
------
MemsimError
    If ``usage`` is not a finite {shape} array or has entries outside [0, 1].

References
----------
Graves, A. et al. (2016). Hybrid computing using a neural network with dynamic external
memory. Nature 538, 471-476. Methods, "Dynamic memory allocation" (allocation weighting)."""


@fill_doc(allocation_tail=_allocation_tail("1-D"))
def allocation(usage) -> np.ndarray:
    """Allocation weighting from usage (Graves et al. 2016, Methods, "dynamic memory allocation").

    ``a[phi_j] = (1 - u[phi_j]) prod_(i<j) u[phi_i]`` with phi the slots in ascending order of
    usage, ties broken by slot index. A slot with usage 0 gets weight exactly 1 if it is the first
    such slot; all slots fully used give the zero vector.

    Parameters
    ----------
    usage : (N,) array_like of float, in [0, 1]
        Usage vector u_t.

    Returns
    -------
    (N,) numpy.ndarray of float64
        Allocation weighting a_t (non-negative, sum <= 1).

    {allocation_tail}
    """
    u = _usage(usage, 1)
    out = np.empty(u.shape[0])
    K.allocation(u, out)
    return out


def write_weighting(alloc_w, content_w, alloc_gate: float, write_gate: float) -> np.ndarray:
    """``w^w = g^w (g^a a + (1 - g^a) c^w)`` (Graves et al. 2016, Methods, "write weighting").

    Parameters
    ----------
    alloc_w : (N,) array_like of float
        Allocation weighting a_t (see :func:`allocation`).
    content_w : (N,) array_like of float
        Write content weighting c^w_t = C(M_(t-1), k^w, beta^w).
    alloc_gate : float, in [0, 1]
        Allocation gate g^a (1: allocate, 0: write by content).
    write_gate : float, in [0, 1]
        Write gate g^w (0: no write).

    Returns
    -------
    (N,) numpy.ndarray of float64
        Write weighting w^w_t.

    Raises
    ------
    MemsimError
        If ``alloc_w`` or ``content_w`` is not a finite 1-D array, their lengths differ, or
        ``alloc_gate`` or ``write_gate`` is not a finite number in [0, 1].

    References
    ----------
    Graves, A. et al. (2016). Hybrid computing using a neural network with dynamic external
    memory. Nature 538, 471-476. Methods, "Write weighting".
    """
    a = _vec("alloc_w", alloc_w)
    c = _vec("content_w", content_w, a.shape[0])
    ga = C.real(alloc_gate, "alloc_gate", 0.0, 1.0)
    gw = C.real(write_gate, "write_gate", 0.0, 1.0)
    return gw * (ga * a + (1.0 - ga) * c)


def update_links(links, precedence, write_w) -> tuple[np.ndarray, np.ndarray]:
    """Temporal link matrix and precedence after a write (Graves et al. 2016, Methods).

    ``L[i, j] <- (1 - w_i - w_j) L[i, j] + w_i p_j`` using the *previous* precedence, with
    ``L[i, i] = 0``; then ``p <- (1 - sum_i w_i) p + w``. ``L[i, j]`` is the degree to which slot
    i was written right after slot j. Inputs are not modified.

    Parameters
    ----------
    links : (N, N) array_like of float
        Link matrix L_(t-1).
    precedence : (N,) array_like of float
        Precedence weighting p_(t-1).
    write_w : (N,) array_like of float
        Write weighting w^w_t (non-negative, sum <= 1).

    Returns
    -------
    links : (N, N) numpy.ndarray of float64
        L_t, with a zero diagonal.
    precedence : (N,) numpy.ndarray of float64
        p_t.

    Raises
    ------
    MemsimError
        If any argument is not finite; ``write_w`` is not 1-D, has negative entries or sums to
        more than 1 (beyond 1e-6); ``precedence`` is not 1-D with N entries; or ``links`` does
        not have shape (N, N).

    References
    ----------
    Graves, A. et al. (2016). Hybrid computing using a neural network with dynamic external
    memory. Nature 538, 471-476. Methods, "Temporal memory linkage".
    """
    ww = _vec("write_w", write_w)
    n = ww.shape[0]
    C.distribution(ww, "write_w", exact_sum=False)
    p = _vec("precedence", precedence, n)
    lk = C.float_array(links, "links", (2,))
    if lk.shape != (n, n):
        raise MemsimError(f"links must have shape {(n, n)}, got {lk.shape}")
    lk = lk.copy()
    p = p.copy()
    K.update_links(lk, p, ww)
    return lk, p


def directional_reads(links, read_ws) -> tuple[np.ndarray, np.ndarray]:
    """Forward ``f = L w^r`` and backward ``b = L^T w^r`` weightings per read head.

    Parameters
    ----------
    links : (N, N) array_like of float
        Link matrix L_t.
    read_ws : (R, N) array_like of float, or (N,) for one head
        Previous read weightings w^(r,i)_(t-1); non-negative.

    Returns
    -------
    forward : numpy.ndarray of float64, shaped like ``read_ws``
    backward : numpy.ndarray of float64, shaped like ``read_ws``

    Raises
    ------
    MemsimError
        If ``links`` is not a finite, square 2-D array, or ``read_ws`` is not a finite,
        non-negative 1-D or 2-D array with N entries per head.

    References
    ----------
    Graves, A. et al. (2016). Hybrid computing using a neural network with dynamic external
    memory. Nature 538, 471-476. Methods, "Temporal memory linkage"
    (forward and backward weightings).
    """
    lk = C.float_array(links, "links", (2,))
    n = lk.shape[0]
    if lk.shape != (n, n):
        raise MemsimError(f"links must be square, got {lk.shape}")
    wr, single = _reads("read_ws", read_ws, n)
    fwd = np.empty_like(wr)
    bwd = np.empty_like(wr)
    K.directional(lk, wr, fwd, bwd)
    if single:
        return fwd[0], bwd[0]
    return fwd, bwd


def read_weighting(content_ws, forward, backward, read_modes) -> np.ndarray:
    """``w^r = pi[0] b + pi[1] c + pi[2] f`` (Graves et al. 2016, Methods, "read weighting").

    Parameters
    ----------
    content_ws : (R, N) array_like of float, or (N,) for one head
        Read content weightings c^(r,i)_t; non-negative.
    forward : array_like of float, same shape as ``content_ws``
        Forward weightings f^i_t; non-negative.
    backward : array_like of float, same shape as ``content_ws``
        Backward weightings b^i_t; non-negative.
    read_modes : (R, 3) array_like of float, or (3,) for one head
        Read-mode distributions pi^i_t (non-negative, each summing to 1) in the paper's order
        (backward, content, forward).

    Returns
    -------
    numpy.ndarray of float64, shaped like ``content_ws``
        Read weightings w^(r,i)_t.

    Raises
    ------
    MemsimError
        If any argument is not finite; ``content_ws``, ``forward`` or ``backward`` is not a
        non-negative 1-D or 2-D array or their shapes differ; ``read_modes`` does not have 3
        entries per head, one row per head, or is not a distribution (sums differing from 1 by
        more than 1e-6).

    References
    ----------
    Graves, A. et al. (2016). Hybrid computing using a neural network with dynamic external
    memory. Nature 538, 471-476. Methods, "Read weighting".
    """
    c, single = _reads("content_ws", content_ws, np.shape(content_ws)[-1])
    n = c.shape[1]
    f, _ = _reads("forward", forward, n)
    b, _ = _reads("backward", backward, n)
    pi = C.float_array(read_modes, "read_modes", (1, 2))
    if pi.shape[-1] != 3:
        raise MemsimError(f"read_modes must have 3 entries per head, got shape {pi.shape}")
    pi = pi.reshape(-1, 3)
    if not (f.shape == b.shape == c.shape) or pi.shape != (c.shape[0], 3):
        raise MemsimError(
            "content_ws, forward and backward must have the same shape and read_modes one row of "
            f"3 per head; got {c.shape}, {f.shape}, {b.shape}, {pi.shape}"
        )
    C.distribution(pi, "read_modes")
    out = np.empty_like(c)
    for r in range(c.shape[0]):
        K.mix_read(c[r], f[r], b[r], pi[r], out[r])
    return out[0] if single else out

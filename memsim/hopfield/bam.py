"""Bidirectional associative memory (Kosko 1988): hetero-association of pattern pairs.

Pairs (x^mu, y^mu), x in {-1,+1}^Nx, y in {-1,+1}^Ny, are stored in the correlation matrix
``W = sum_mu y^mu (x^mu)^T`` (Ny x Nx; Kosko 1988, eq. 4). Recall alternates
``y <- sgn(W x)`` and ``x <- sgn(W^T y)`` (eqs. 5-6); the energy ``E(x, y) = -y^T W x`` (eq. 7)
never increases under either half-step, so every run ends in a stable pair. sgn(0) keeps the
current state (as in the classical network).

Either side can cue: the other side starts from a random state (drawn from the cue's own stream;
it matters only for neurons whose first field is exactly zero), or from a given state when both
sides are passed.

References
----------
Kosko, B. (1988). Bidirectional associative memories. IEEE Trans. Systems, Man, and
Cybernetics 18, 49-60.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from memsim import _checks as A
from memsim._jit import keeps_thread_count, set_threads
from memsim._rng import generator
from memsim.errors import ConvergenceWarning, MemsimError
from memsim.hopfield import _bam_kernels as K

__all__ = ["BAMRecall", "crosstalk_bit_error", "recall", "store"]

STOP_REASONS = ("fixed_point", "limit")


def store(X: Any, Y: Any) -> np.ndarray:
    """Correlation matrix of the pairs (X[mu], Y[mu]).

    Parameters
    ----------
    X : array_like, (P, Nx), entries -1/+1
        Input-side patterns, one per row.
    Y : array_like, (P, Ny), entries -1/+1
        Output-side patterns, same number of rows.

    Returns
    -------
    ndarray, (Ny, Nx) int32
        ``W = sum_mu y^mu (x^mu)^T``, exact integers (no normalisation: the dynamics use signs
        only).

    Raises
    ------
    MemsimError
        ``X`` or ``Y`` not a 2-D array of -1/+1, or different numbers of rows.

    References
    ----------
    Kosko (1988), IEEE Trans. SMC 18, 49, eq. 4.
    """
    x = A.spins(X, "X")
    y = A.spins(Y, "Y")
    if x.shape[0] != y.shape[0]:
        raise MemsimError(f"X and Y must have the same number of rows, got {x.shape} and {y.shape}")
    # sums of +-1 of magnitude <= P: exact in float64, then stored as int32
    w = y.T.astype(np.float64) @ x.astype(np.float64)
    return np.rint(w).astype(np.int32)


@dataclass(frozen=True)
class BAMRecall:
    """Outcome of :func:`recall` (arrays read-only).

    Attributes
    ----------
    x : (B, Nx) int8
        Final input-side states.
    y : (B, Ny) int8
        Final output-side states.
    steps : (B,) int64
        Half-steps performed, including the one that confirmed the stable pair.
    stop : (B,) str
        ``"fixed_point"`` or ``"limit"``.
    energy : (B, 2 max_steps + 1) float64
        ``-y^T W x`` before the first half-step (column 0) and after each half-step; NaN after
        the run stopped.
    """

    x: np.ndarray
    y: np.ndarray
    steps: np.ndarray
    stop: np.ndarray
    energy: np.ndarray

    @property
    def converged(self) -> np.ndarray:
        return self.stop == "fixed_point"


def _side(v, name, n):
    a = A.array(v, name)
    single = a.ndim == 1
    return A.spins(a[None, :] if single else a, name, 2, n), single


@keeps_thread_count
def recall(
    weights: Any,
    x: Any = None,
    y: Any = None,
    max_steps: int = 100,
    seed: int = 0,
    *,
    stream: tuple[int, ...] = (),
    threads: int | None = None,
    warn: bool = True,
) -> BAMRecall:
    """Alternate ``y <- sgn(W x)`` and ``x <- sgn(W^T y)`` until the pair is stable.

    Parameters
    ----------
    weights : (Ny, Nx) array of integers or reals
        From :func:`store` (any finite real matrix works).
    x : (B, Nx) or (Nx,) array of -1/+1, optional
        Input-side cue. When only ``x`` is given the first half-step updates y.
    y : (B, Ny) or (Ny,) array of -1/+1, optional
        Output-side cue. When only ``y`` is given the first half-step updates x; when both are
        given the first half-step updates y from x.
    max_steps : int >= 1
        Limit on full steps (2 half-steps each).
    seed : int
        The uncued side of cue b starts from the random stream ``(seed, *stream, b)``.
    stream : tuple of int
        Extra stream keys.
    threads : int, optional
        Numba thread count for this call.
    warn : bool
        Issue a :class:`~memsim.errors.ConvergenceWarning` when a run hits the limit.

    Returns
    -------
    BAMRecall

    Raises
    ------
    MemsimError
        ``weights`` not a finite 2-D array; neither ``x`` nor ``y`` given; a cue not -1/+1 or
        with the wrong number of columns; ``x`` and ``y`` with different batch sizes;
        ``max_steps`` not an integer >= 1.

    References
    ----------
    Kosko (1988), IEEE Trans. SMC 18, 49, eqs. 5-7 (recall and the energy).
    """
    W = A.array(weights, "weights")
    if W.ndim != 2 or W.shape[0] < 1 or W.shape[1] < 1:
        raise MemsimError(f"weights must be a 2-D (Ny, Nx) array, got shape {W.shape}")
    ny, nx = W.shape
    if x is None and y is None:
        raise MemsimError("recall needs a cue: pass x, y or both")
    max_steps = A.integer(max_steps, "max_steps", low=1)
    seed = A.integer(seed, "seed")
    if threads is not None:
        set_threads(A.integer(threads, "threads", low=1))
    X = Y = None
    single = False
    if x is not None:
        X, single = _side(x, "x", nx)
    if y is not None:
        Y, single_y = _side(y, "y", ny)
        single = single_y if X is None else single and single_y
    b = (X if X is not None else Y).shape[0]
    if X is not None and Y is not None and X.shape[0] != Y.shape[0]:
        raise MemsimError(f"x and y must have the same number of rows, got {b} and {Y.shape[0]}")
    g = generator(seed, 0xBA, *stream)
    if X is None:
        X = np.where(g.random((b, nx)) < 0.5, 1, -1).astype(np.int8)
    else:
        X = X.copy()
    y_first = x is not None
    if Y is None:
        Y = np.where(g.random((b, ny)) < 0.5, 1, -1).astype(np.int8)
    else:
        Y = Y.copy()
    integral = W.dtype.kind in "iub" or bool((W == np.rint(W)).all() and np.abs(W).max() < 2**31)
    if integral:
        Wk = np.ascontiguousarray(W, dtype=np.int64)
    else:
        Wk = np.ascontiguousarray(W, dtype=np.float64)
    WT = np.ascontiguousarray(Wk.T)
    max_half = 2 * max_steps
    e = np.zeros((b, max_half + 1), dtype=Wk.dtype)
    half = np.zeros(b, dtype=np.int64)
    stop = np.zeros(b, dtype=np.int64)
    K.recall_batch(Wk, WT, X, Y, y_first, max_half, e, half, stop)
    energy = e.astype(np.float64)
    for i in range(b):
        energy[i, half[i] + 1 :] = np.nan
    if warn and (stop == K.LIMIT).any():
        import warnings

        warnings.warn(
            f"{int((stop == K.LIMIT).sum())} of {b} cues reached max_steps={max_steps} "
            "without a stable pair",
            ConvergenceWarning,
            stacklevel=2,
        )
    names = np.asarray(STOP_REASONS)[stop]
    if single:
        X, Y = X[0], Y[0]
    A.readonly(X, Y, half, names, energy)
    return BAMRecall(x=X, y=Y, steps=half, stop=names, energy=energy)


def crosstalk_bit_error(nx: int, pairs: int) -> float:
    """Exact probability that a y bit is wrong after one half-step ``y <- sgn(W x^mu)`` from a
    clean stored x, for random pairs.

    The field is ``Nx y_i + C`` with crosstalk ``C = (P - 1) Nx - 2 B``,
    ``B ~ Binomial((P - 1) Nx, 1/2)``; the bit is wrong iff ``B > P Nx / 2`` (a zero field keeps
    the stored bit, as in :func:`recall` started from the stored pair). This is the
    ``bit_error`` of :func:`memsim.experiments.studies.bam.capacity_curve` in expectation.

    Parameters
    ----------
    nx : int >= 1
        Size of the x layer.
    pairs : int >= 1
        Number of stored pairs P.

    Returns
    -------
    float
        Probability in [0, 1/2] (0 for P = 1).

    Raises
    ------
    MemsimError
        If ``nx`` or ``pairs`` is not an integer >= 1.

    References
    ----------
    Kosko, B. (1988). Bidirectional associative memories. IEEE Trans. Systems, Man, and
    Cybernetics 18, 49-60 (correlation matrix, eq. 4; forward half-step, eq. 5).
    """
    from scipy import stats

    nx = A.integer(nx, "nx", low=1)
    p = A.integer(pairs, "pairs", low=1)
    if p == 1:
        return 0.0
    return float(stats.binom.sf(np.floor(p * nx / 2), (p - 1) * nx, 0.5))


#: the capacity study, now in :mod:`memsim.experiments.studies.bam`; still importable from here
_STUDIES = ("BAMCapacity", "capacity_curve")


def __getattr__(name: str) -> Any:
    if name in _STUDIES:
        from memsim.experiments.studies import bam as studies

        return getattr(studies, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

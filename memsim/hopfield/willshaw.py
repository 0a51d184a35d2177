"""Willshaw's sparse binary associative memory (clipped Hebbian synapses).

K-of-N binary patterns (0/1), auto- or hetero-associative. Storage clips the Hebbian sum to one
bit per synapse (Willshaw, Buneman & Longuet-Higgins 1969)::

    W_ij = min(1, sum_mu y_i^mu x_j^mu)        (N_out x N_in)

Recall computes the dendritic sums ``d_i = sum_j W_ij x_j`` and fires ``y_i = 1`` where
``d_i >= theta``. For a clean cue theta = number of active cue units finds every stored unit
(no misses); a silent unit fires falsely when all its synapses from the K_in active inputs are
set. After M random associations the fraction of set synapses is
``p1 = 1 - (1 - K_in K_out / (N_in N_out))^M`` and the false-positive probability is about
``p1^K_in``. Measured in mutual information, the memory stores up to ln 2 bits per synapse in
the sparse limit, at p1 = 1/2 (Palm 1980).

References
----------
Willshaw, D. J., Buneman, O. P. & Longuet-Higgins, H. C. (1969). Non-holographic associative
memory. Nature 222, 960-962.
Palm, G. (1980). On associative memory. Biol. Cybern. 36, 19-31.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from memsim import _checks as A
from memsim._jit import keeps_thread_count, set_threads
from memsim.errors import MemsimError
from memsim.hopfield import _willshaw_kernels as K

__all__ = [
    "THRESHOLDS",
    "WillshawRecall",
    "false_positive_rate",
    "fraction_set",
    "information_per_synapse",
    "recall",
    "sparse_patterns",
    "store",
]

#: threshold strategies by name (a number is a fixed threshold)
THRESHOLDS = {"active": K.ACTIVE, "max": K.MAX, "kwta": K.KWTA}


def store(X_in: Any, X_out: Any = None) -> np.ndarray:
    """Clipped Hebbian storage of binary patterns.

    Parameters
    ----------
    X_in : array_like, (M, N_in), entries 0/1
        Input (address) patterns, one per row.
    X_out : array_like, (M, N_out), entries 0/1, optional
        Output patterns; ``None`` stores ``X_in`` auto-associatively (N_out = N_in; the
        diagonal synapses of active units are set, as in Willshaw et al.).

    Returns
    -------
    ndarray, (N_out, N_in) uint8
        ``W_ij = min(1, sum_mu y_i^mu x_j^mu)``.

    Raises
    ------
    MemsimError
        A pattern array not 2-D 0/1 (NaN included) or empty; different numbers of rows.

    References
    ----------
    Willshaw, Buneman & Longuet-Higgins (1969), Nature 222, 960.
    """
    x = A.bits(X_in, "X_in")
    y = x if X_out is None else A.bits(X_out, "X_out")
    if y.shape[0] != x.shape[0]:
        raise MemsimError(
            f"X_in and X_out must have the same number of rows, got {x.shape} and {y.shape}"
        )
    # counts up to M: exact in float32 up to 2**24 rows, float64 beyond
    ft = np.float32 if x.shape[0] < 2**24 else np.float64
    return (y.T.astype(ft) @ x.astype(ft) > 0).astype(np.uint8)


@dataclass(frozen=True)
class WillshawRecall:
    """Outcome of :func:`recall` (arrays read-only).

    Attributes
    ----------
    output : (B, N_out) uint8
        Recalled patterns.
    sums : (B, N_out) int32
        Dendritic sums ``d = W x``.
    theta : (B,) float64
        Threshold used for each cue.
    """

    output: np.ndarray
    sums: np.ndarray
    theta: np.ndarray


@keeps_thread_count
def recall(
    weights: Any,
    cues: Any,
    threshold: str | float = "active",
    *,
    k: int | None = None,
    threads: int | None = None,
) -> WillshawRecall:
    """One-step recall ``y_i = [d_i >= theta]`` with ``d = W x``.

    Parameters
    ----------
    weights : (N_out, N_in) array of 0/1
        From :func:`store`.
    cues : (B, N_in) or (N_in,) array of 0/1
        Input cues.
    threshold : {"active", "max", "kwta"} or float >= 0
        ``"active"``: theta = number of active cue units (Willshaw's rule for clean or
        incomplete cues: no stored unit is missed). ``"max"``: theta = the largest dendritic sum
        (at least 1; robust to missing and added cue units). ``"kwta"``: the ``k`` units with the
        largest sums (theta = the k-th largest sum, at least 1; ties fire too). A number: a fixed
        threshold.
    k : int >= 1, optional
        Active output units for ``"kwta"`` (required there, refused otherwise).
    threads : int, optional
        Numba thread count for this call.

    Returns
    -------
    WillshawRecall
        A single cue gives (N_out,) output and sums and a scalar theta.

    Raises
    ------
    MemsimError
        ``weights`` not a 2-D 0/1 array; ``cues`` not 0/1 with N_in columns; unknown
        ``threshold`` name, negative or NaN threshold; ``k`` missing, < 1 or > N_out for
        ``"kwta"``, or given for another strategy.

    References
    ----------
    Willshaw et al. (1969); Palm (1980), Biol. Cybern. 36, 19 (threshold strategies).
    """
    W = A.bits(weights, "weights")
    n_out, n_in = W.shape
    c = A.array(cues, "cues")
    single = c.ndim == 1
    X = A.bits(c[None, :] if single else c, "cues", 2, n_in)
    if isinstance(threshold, str):
        if threshold not in THRESHOLDS:
            raise MemsimError(
                f"unknown threshold {threshold!r}; allowed: {', '.join(THRESHOLDS)} or a number"
            )
        strategy = THRESHOLDS[threshold]
        value = 0.0
    else:
        strategy = K.FIXED
        value = A.real(threshold, "threshold", low=0.0)
    if strategy == K.KWTA:
        if k is None:
            raise MemsimError('k (active output units) is required with threshold="kwta"')
        value = float(A.integer(k, "k", low=1, high=n_out))
    elif k is not None:
        raise MemsimError('k is used only with threshold="kwta"')
    if threads is not None:
        set_threads(A.integer(threads, "threads", low=1))
    WT = np.ascontiguousarray(W.T)  # uint8: columns of W as rows
    b = X.shape[0]
    sums = np.empty((b, n_out), dtype=np.int32)
    out = np.empty((b, n_out), dtype=np.uint8)
    theta = np.empty(b, dtype=np.float64)
    K.recall_batch(WT, X, strategy, value, sums, out, theta)
    if single:
        return WillshawRecall(A.readonly(out[0]), A.readonly(sums[0]), float(theta[0]))
    return WillshawRecall(A.readonly(out), A.readonly(sums), A.readonly(theta))


def sparse_patterns(count: int, n: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` random 0/1 patterns of length ``n`` with exactly ``k`` ones each.

    Parameters
    ----------
    count : int >= 1
        Number of patterns.
    n : int >= 1
        Pattern length (units).
    k : int, 1 <= k <= n
        Active units per pattern.
    rng : numpy.random.Generator
        Source of randomness (e.g. ``memsim._rng.generator(seed, ...)``).

    Returns
    -------
    ndarray of uint8, shape (count, n)
        Each row has exactly ``k`` ones at uniformly random positions.

    Raises
    ------
    MemsimError
        If ``count`` or ``n`` is not an integer >= 1, or ``k`` not an integer in [1, n].

    References
    ----------
    Willshaw, D. J., Buneman, O. P. & Longuet-Higgins, H. C. (1969). Non-holographic
    associative memory. Nature 222, 960-962 (random K-of-N patterns).
    """
    count = A.integer(count, "count", low=1)
    n = A.integer(n, "n", low=1)
    k = A.integer(k, "k", low=1, high=n)
    keys = rng.random((count, n))
    idx = np.argpartition(keys, k - 1, axis=1)[:, :k]
    out = np.zeros((count, n), dtype=np.uint8)
    np.put_along_axis(out, idx, 1, axis=1)
    return out


def fraction_set(m: Any, k_in: int, k_out: int, n_in: int, n_out: int) -> np.ndarray:
    """``p1 = 1 - (1 - K_in K_out / (N_in N_out))^M`` (Willshaw et al. 1969), for each M.

    Parameters
    ----------
    m : array_like of float
        Numbers of stored associations M (any shape).
    k_in, k_out : int
        Active units per input / output pattern.
    n_in, n_out : int
        Layer sizes.

    Returns
    -------
    ndarray of float64, shape of ``m``
        Expected fraction of set synapses p1, in [0, 1].

    Raises
    ------
    Nothing beyond numpy's and Python's own errors: the arguments are not validated (e.g.
    ``n_in`` or ``n_out`` = 0 raises ZeroDivisionError; non-numeric ``m`` raises numpy's
    ValueError).

    References
    ----------
    Willshaw, D. J., Buneman, O. P. & Longuet-Higgins, H. C. (1969). Non-holographic
    associative memory. Nature 222, 960-962.
    Palm, G. (1980). On associative memory. Biol. Cybern. 36, 19-31.
    """
    m = np.asarray(m, dtype=np.float64)
    q = k_in * k_out / (n_in * n_out)
    return 1.0 - (1.0 - q) ** m


def false_positive_rate(p1: Any, k_in: int) -> np.ndarray:
    """Probability ``p1^K_in`` that a silent output unit fires for a clean cue.

    The approximation treats the K_in synapses from the active cue units as independent.

    Parameters
    ----------
    p1 : array_like of float
        Fraction of set synapses, in [0, 1] (any shape).
    k_in : int
        Active units per input pattern (the threshold theta = K_in).

    Returns
    -------
    ndarray of float64, shape of ``p1``
        False-positive probability per silent output unit, in [0, 1].

    Raises
    ------
    Nothing beyond numpy's own errors (``p1`` and ``k_in`` are not validated; non-numeric
    ``p1`` raises numpy's ValueError).

    References
    ----------
    Willshaw, D. J., Buneman, O. P. & Longuet-Higgins, H. C. (1969). Non-holographic
    associative memory. Nature 222, 960-962.
    Palm, G. (1980). On associative memory. Biol. Cybern. 36, 19-31.
    """
    return np.asarray(p1, dtype=np.float64) ** k_in


def _h(p):
    p = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = -p * np.log2(p) - (1 - p) * np.log2(1 - p)
    return np.nan_to_num(v)


def information_per_synapse(
    m: Any, k_in: int, k_out: int, n_in: int, n_out: int, fp: Any = None
) -> np.ndarray:
    """Stored information in bits per synapse, ``M I_unit / N_in``, for each M.

    ``I_unit = h(q + (1 - q) f) - (1 - q) h(f)`` is the mutual information between a stored
    output bit (1 with probability q = K_out / N_out) and its recall with no misses and false
    positives with probability f (default ``p1^K_in``); M N_out such bits over N_in N_out
    synapses. The maximum over M tends to ln 2 = 0.69 bit for sparse patterns at large N
    (Palm 1980).

    Parameters
    ----------
    m, k_in, k_out, n_in, n_out
        As in :func:`fraction_set`.
    fp : array_like of float, optional
        False-positive probabilities f in [0, 1], broadcastable with ``m`` (e.g. measured
        ones); default :func:`false_positive_rate` of :func:`fraction_set`.

    Returns
    -------
    ndarray of float64, shape of ``m`` (broadcast with ``fp``)
        Information in bits per synapse (>= 0).

    Raises
    ------
    Nothing beyond numpy's and Python's own errors, as :func:`fraction_set` (the arguments are
    not validated).

    References
    ----------
    Palm, G. (1980). On associative memory. Biol. Cybern. 36, 19-31 (information per
    synapse, ln 2 bound); the model of Willshaw et al. (1969), see :func:`fraction_set`.
    """
    m = np.asarray(m, dtype=np.float64)
    q = k_out / n_out
    f = false_positive_rate(fraction_set(m, k_in, k_out, n_in, n_out), k_in) if fp is None else fp
    f = np.asarray(f, dtype=np.float64)
    unit = _h(q + (1 - q) * f) - (1 - q) * _h(f)
    return m * unit / n_in


#: the capacity study, now in :mod:`memsim.experiments.studies.willshaw`; still importable from here
_STUDIES = ("WillshawCapacity", "capacity_curve")


def __getattr__(name: str) -> Any:
    if name in _STUDIES:
        from memsim.experiments.studies import willshaw as studies

        return getattr(studies, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

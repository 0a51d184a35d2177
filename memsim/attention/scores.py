"""Score functions s(q, k) for a batch of queries against a set of keys.

Queries are rows of a B x d_q array (or one d_q-vector), keys rows of a K x d_k array; the result
is B x K (or K for a single query), float64. Every score is multiplied by the strength ``beta``
(default 1): for cosine it is the key strength of the Neural Turing Machine (Graves et al. 2014,
eq. 5), for dot products it is the inverse temperature of the modern Hopfield network
(Ramsauer et al. 2020, ``softmax(beta X^T xi)``).

======================  ==========================================  ==============================
kind                    s(q, k)                                     reference
======================  ==========================================  ==============================
``"dot"``               ``q . k``                                   Luong et al. 2015, eq. 8
``"scaled_dot"``        ``q . k / sqrt(d)``                         Vaswani et al. 2017, eq. 1
``"cosine"``            ``q . k / (|q| |k|)``                       Graves et al. 2014, eq. 6
``"general"``           ``q^T W k``, W: d_q x d_k                   Luong et al. 2015, eq. 8
``"additive"``          ``v^T tanh(W1 q + W2 k)``                   Bahdanau et al. 2015, app. A.1.2
``"neg_sq_distance"``   ``-|q - k|^2``                              (Gaussian-kernel attention)
======================  ==========================================  ==============================

The registry :data:`SCORES` maps each name to a function ``f(queries, keys, **options)`` on 2-D
arrays; add an entry to add a score.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from memsim._checks import (
    attention_array as float_array,
)
from memsim._checks import (
    lookup,
    registry_options,
)
from memsim._checks import (
    strict_real as real,
)
from memsim.errors import MemsimError

__all__ = ["ADDITIVE_CHUNK_ENTRIES", "SCORES", "score"]

#: The additive score evaluates tanh on at most this many (query, key, hidden) entries at once.
ADDITIVE_CHUNK_ENTRIES = 1 << 21


def _same_dim(q: np.ndarray, k: np.ndarray, kind: str) -> None:
    if q.shape[1] != k.shape[1]:
        raise MemsimError(
            f"score '{kind}' needs queries and keys of the same dimension, got queries of "
            f"dimension {q.shape[1]} and keys of dimension {k.shape[1]}"
        )


def _dot(q: np.ndarray, k: np.ndarray) -> np.ndarray:
    _same_dim(q, k, "dot")
    return q @ k.T


def _scaled_dot(q: np.ndarray, k: np.ndarray) -> np.ndarray:
    _same_dim(q, k, "scaled_dot")
    return (q @ k.T) / math.sqrt(q.shape[1]) if q.shape[1] else q @ k.T


#: squared row norms inside [NORM_SAFE_LO, NORM_SAFE_HI] are used as computed; rows outside
#: (entries below about 1e-140 or above 1e140) are rescaled by their largest entry first
NORM_SAFE_LO = 1e-280
NORM_SAFE_HI = 1e280
#: the same range for float32 rows (entries below about 1e-15 or above 1e15 are rescaled)
NORM_SAFE_LO32 = np.float32(1e-30)
NORM_SAFE_HI32 = np.float32(1e30)


def row_norms(x: np.ndarray) -> np.ndarray:
    """Euclidean norms along the last axis, without overflow or underflow at any scale.

    ``sqrt(sum x^2)`` directly where that sum stays in [NORM_SAFE_LO, NORM_SAFE_HI] (one pass,
    the common case); other rows are divided by their largest entry first (``max |x| *
    sqrt(sum (x / max |x|)^2)``), so norms of rows with entries from 1e-300 to 1e300 are
    accurate to a few ulp. An all-zero row has norm 0.
    """
    ss = np.einsum("...i,...i->...", x, x)
    norms = np.sqrt(ss)
    if ss.dtype == np.float32:  # float32 limits (a float64 bound would overflow in the cast)
        lo, hi = NORM_SAFE_LO32, NORM_SAFE_HI32
    else:
        lo, hi = NORM_SAFE_LO, NORM_SAFE_HI
    with np.errstate(over="ignore"):  # an overflowing sum of squares is what `bad` catches
        bad = ~((ss >= lo) & (ss <= hi)) & (ss != 0.0)
    bad |= (ss == 0.0) & np.any(x != 0.0, axis=-1)
    if np.any(bad):
        rows = x[bad]
        top = np.max(np.abs(rows), axis=-1)
        scaled = rows / top[:, None]
        norms = np.array(norms, dtype=norms.dtype)  # a 0-d result from one row is read-only
        norms[bad] = top * np.sqrt(np.einsum("ij,ij->i", scaled, scaled))
    return norms


def unit_rows(x: np.ndarray, eps: float) -> np.ndarray:
    """Rows (last axis) divided by ``max(|row|, eps)``; an all-zero row stays zero (no NaN).

    Norms from :func:`row_norms` (no overflow or underflow at any scale). ``eps = 0`` is
    allowed: rows are then exactly unit length at any scale, zero rows stay zero.
    """
    norms = np.maximum(row_norms(x), eps)
    safe = np.where(norms > 0.0, norms, 1.0)
    return x / safe[..., None]


def _cosine(q: np.ndarray, k: np.ndarray, eps: float = 1e-8) -> np.ndarray:
    _same_dim(q, k, "cosine")
    e = real(eps, "eps", low=0.0)
    return np.clip(unit_rows(q, e) @ unit_rows(k, e).T, -1.0, 1.0)


def _general(q: np.ndarray, k: np.ndarray, weight: Any) -> np.ndarray:
    w = float_array(weight, "weight", (2,))
    if w.shape != (q.shape[1], k.shape[1]):
        raise MemsimError(
            f"weight must have shape (d_q, d_k) = ({q.shape[1]}, {k.shape[1]}), got {w.shape}"
        )
    return (q @ w) @ k.T


def _additive(q: np.ndarray, k: np.ndarray, w_query: Any, w_key: Any, v: Any) -> np.ndarray:
    wq = float_array(w_query, "w_query", (2,))
    wk = float_array(w_key, "w_key", (2,))
    vv = float_array(v, "v", (1,))
    h = vv.shape[0]
    if wq.shape != (h, q.shape[1]):
        raise MemsimError(
            f"w_query must have shape (h, d_q) = ({h}, {q.shape[1]}) (h = len(v)), got {wq.shape}"
        )
    if wk.shape != (h, k.shape[1]):
        raise MemsimError(
            f"w_key must have shape (h, d_k) = ({h}, {k.shape[1]}) (h = len(v)), got {wk.shape}"
        )
    qp = q @ wq.T
    kp = k @ wk.T
    out = np.empty((q.shape[0], k.shape[0]))
    rows = max(1, ADDITIVE_CHUNK_ENTRIES // max(1, k.shape[0] * h))
    for b0 in range(0, q.shape[0], rows):
        b1 = min(q.shape[0], b0 + rows)
        out[b0:b1] = np.tanh(qp[b0:b1, None, :] + kp[None, :, :]) @ vv
    return out


def _neg_sq_distance(q: np.ndarray, k: np.ndarray) -> np.ndarray:
    _same_dim(q, k, "neg_sq_distance")
    qq = np.einsum("ij,ij->i", q, q)
    kk = np.einsum("ij,ij->i", k, k)
    d2 = qq[:, None] + kk[None, :] - 2.0 * (q @ k.T)
    return -np.maximum(d2, 0.0)


#: Registry of score functions: name -> f(queries (B, d_q), keys (K, d_k), **options) -> (B, K).
SCORES: dict[str, Callable[..., np.ndarray]] = {
    "dot": _dot,
    "scaled_dot": _scaled_dot,
    "cosine": _cosine,
    "general": _general,
    "additive": _additive,
    "neg_sq_distance": _neg_sq_distance,
}


def score(
    queries: Any,
    keys: Any,
    kind: str = "dot",
    *,
    beta: float = 1.0,
    weight: Any = None,
    w_query: Any = None,
    w_key: Any = None,
    v: Any = None,
    eps: float = 1e-8,
) -> np.ndarray:
    """Scores of every query against every key.

    Parameters
    ----------
    queries : array_like, (B, d_q) or (d_q,)
        Queries as rows; a single 1-D query gives a 1-D result.
    keys : array_like, (K, d_k)
        Keys as rows.
    kind : str
        One of :data:`SCORES`: ``"dot"``, ``"scaled_dot"`` (divided by sqrt(d)), ``"cosine"``,
        ``"general"`` (needs ``weight``), ``"additive"`` (needs ``w_query``, ``w_key``, ``v``),
        ``"neg_sq_distance"``.
    beta : float
        Strength: every score is multiplied by beta (NTM key strength for cosine, inverse
        temperature of a modern Hopfield network for dot products).
    weight : array_like, (d_q, d_k)
        W of the bilinear score ``q^T W k`` (Luong et al. 2015, eq. 8, "general").
    w_query, w_key, v : array_like, (h, d_q), (h, d_k), (h,)
        W1, W2 and v of the additive score ``v^T tanh(W1 q + W2 k)`` (Bahdanau et al. 2015,
        appendix A.1.2). Computed in query chunks of at most ``ADDITIVE_CHUNK_ENTRIES``
        tanh arguments (numpy's vectorised tanh beat a Numba pair kernel by about 3x, see
        benchmarks/bench_attention.py), so no full B x K x h array is held.
    eps : float >= 0
        Cosine only: norms are floored at eps, so an all-zero query or key scores 0, never NaN
        (with ``eps=0`` too). With ``eps=0`` cosine scores are scale invariant at every scale.

    Returns
    -------
    numpy.ndarray
        (B, K) float64, or (K,) for a single query.

    Raises
    ------
    MemsimError
        If ``kind`` is not a name in :data:`SCORES`; ``beta`` or ``eps`` is not a finite real
        (``eps`` < 0); an option the score needs is missing (``weight`` for ``"general"``;
        ``w_query``, ``w_key``, ``v`` for ``"additive"``) or one it does not take is given;
        ``queries`` is not a finite numeric 1-D or 2-D array, or ``keys`` not a finite 2-D one;
        ``keys`` has no rows; queries and keys differ in dimension (``"dot"``,
        ``"scaled_dot"``, ``"cosine"``, ``"neg_sq_distance"``); ``weight``, ``w_query``,
        ``w_key`` or ``v`` is not finite or has the wrong shape; or a score overflows (is not
        finite).

    References
    ----------
    Luong, Pham & Manning (2015), "Effective approaches to attention-based neural machine
    translation", eq. 8 (dot and general scores). Vaswani et al. (2017), "Attention is all you
    need", eq. 1 (scaled dot product). Bahdanau, Cho & Bengio (2015), "Neural machine
    translation by jointly learning to align and translate", appendix A.1.2 (additive score).
    Graves, Wayne & Danihelka (2014), "Neural Turing machines", eq. 6 (cosine with key
    strength beta, eq. 5).

    Notes
    -----
    ``neg_sq_distance`` is computed as ``-(|q|^2 + |k|^2 - 2 q.k)`` floored at 0 distance (BLAS
    speed; absolute error about ``1e-16 (|q|^2 + |k|^2)``). Cosine values are clipped to [-1, 1]
    before beta is applied; cosine norms are computed without overflow or underflow for entries
    from 1e-300 to 1e300.

    Numerical contract: inputs must be finite (NaN or inf in queries, keys or weights raise
    :class:`memsim.errors.MemsimError`). If a score overflows (is not finite, e.g. ``beta=1e308``
    or keys near 1e300), MemsimError names the score and beta instead of returning inf or NaN.
    Read-outs (:func:`memsim.attention.attend`) compute scores internally and ignore overflow
    in masked keys.
    """
    func = lookup(SCORES, kind, "score", "kind")
    b = real(beta, "beta")
    given = {
        name: val
        for name, val in (("weight", weight), ("w_query", w_query), ("w_key", w_key), ("v", v))
        if val is not None
    }
    if "eps" in inspect.signature(func).parameters:
        given["eps"] = eps
    opts = registry_options(func, 2, kind, "score", given)
    q = float_array(queries, "queries", (1, 2))
    k = float_array(keys, "keys", (2,))
    single = q.ndim == 1
    q2 = q[None, :] if single else q
    if k.shape[0] == 0:
        raise MemsimError("keys must contain at least one key (got 0 rows)")
    s = raw_scores(func, q2, k, b, opts)
    if not np.isfinite(s).all():
        raise MemsimError(
            f"score '{kind}' with beta={b!r}: some scores are not finite (overflow beyond "
            "1.8e308); reduce beta or the size of the queries and keys"
        )
    return s[0] if single else s


def raw_scores(
    func: Callable[..., np.ndarray], q: np.ndarray, k: np.ndarray, beta: float, opts: dict
) -> np.ndarray:
    """(B, K) scores of validated 2-D inputs; overflow is left as inf/NaN for the caller.

    Read-outs use this and check only the scores of available (unmasked) keys.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        s = func(q, k, **opts)
        if beta != 1.0:
            s = s * beta
    return np.asarray(s, dtype=np.float64)


def checked_scores(queries: np.ndarray, keys: np.ndarray, kind: str, **options: Any) -> np.ndarray:
    """Like :func:`score` on validated 2-D inputs, but overflow is not checked (private)."""
    func = lookup(SCORES, kind, "score")
    given = {name: val for name, val in options.items() if val is not None}
    b = real(given.pop("beta", 1.0), "beta")
    eps = given.pop("eps", 1e-8)  # as in score(): eps only matters for cosine
    if "eps" in inspect.signature(func).parameters:
        given["eps"] = eps
    opts = registry_options(func, 2, kind, "score", given)
    q = float_array(queries, "queries", (1, 2))
    k = float_array(keys, "keys", (2,))
    q2 = q[None, :] if q.ndim == 1 else q
    if k.shape[0] == 0:
        raise MemsimError("keys must contain at least one key (got 0 rows)")
    return raw_scores(func, q2, k, b, opts)

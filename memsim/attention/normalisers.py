"""Normalisers: map a score vector z to attention weights p on the probability simplex.

All functions work along one ``axis`` of an array of any shape, return float64 of the same
shape (softmax: float32 for a float32 array; the sort-based and threshold normalisers compute
float32 input in float64, which their exactness contract needs) and accept ``-inf`` entries
as masked keys (their weight is exactly 0). A slice that is entirely
``-inf`` (every key masked) raises :class:`memsim.errors.MemsimError`; NaN and ``+inf`` are
refused. Every normaliser is invariant to adding a constant to a slice; each slice is shifted by
its maximum first, so scores as large as 1e300 neither overflow nor lose the answer. (A
difference larger than the float range, e.g. 1e308 against -1e308, becomes -inf, which is the
limit the weight tends to anyway.)

References
----------
* softmax with temperature T: ``p_i = exp(z_i / T) / sum_j exp(z_j / T)`` (Bridle 1990; the
  attention of Bahdanau et al. 2015, eq. 6, and Vaswani et al. 2017, eq. 1).
* sparsemax: Euclidean projection of z onto the simplex, ``p = [z - tau]_+``
  (Martins & Astudillo 2016, eq. 2; closed form by sorting, their Proposition 1 / Algorithm 1).
* alpha-entmax: ``p = [(alpha - 1) z - tau]_+^(1/(alpha - 1))`` with tau such that sum p = 1
  (Peters, Niculae & Martins 2019, "Sparse sequence-to-sequence models", section 3: the
  threshold form of alpha-entmax, the exact sort-based algorithm for alpha = 1.5 and bisection
  for general alpha). alpha -> 1 is softmax, alpha = 2 is
  sparsemax.
* hard attention: one-hot at the argmax (Xu et al. 2015 use sampling; memsim uses the
  deterministic argmax). top-k: softmax restricted to the k largest scores.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from memsim._checks import (
    axis_index,
    lookup,
    registry_options,
    score_array,
)
from memsim._checks import (
    strict_integer as integer,
)
from memsim._checks import (
    strict_real as real,
)
from memsim._docstrings import fill_doc
from memsim.attention import _kernels as K
from memsim.errors import MemsimError

__all__ = [
    "NORMALISERS",
    "NormaliserOutcome",
    "compare_normalisers",
    "entmax15",
    "entmax_bisect",
    "hard",
    "normalise",
    "normaliser_spec",
    "softmax",
    "sparsemax",
    "topk",
]

#: Newton / bisection steps allowed in :func:`entmax_bisect` per row (it stops at machine
#: precision first, usually after fewer than 20).
ENTMAX_MAX_ITER = 200


#: the Parameters section of the normalisers that take only scores and an axis
_SCORES_AXIS = """Parameters
----------
z : array_like, any shape (at least 1-D)
    Scores; ``-inf`` marks a masked key.
axis : int
    Axis to normalise over."""

#: the Returns section of the normalisers that always compute in float64
_FLOAT64_WEIGHTS = """Returns
-------
numpy.ndarray
    float64, same shape as z."""

#: the start of the Raises section of every normaliser (the scores' errors; the axis's and the
#: options' follow)
_SCORE_ERRORS = """Raises
------
MemsimError
    If ``z`` is not a real numeric array, is a scalar, contains NaN or ``+inf``, has no
    entries along ``axis``, or has a slice along ``axis`` that is entirely ``-inf`` (every
    key masked)"""

#: the papers of all the normalisers, for the functions that apply any of them
_NORMALISER_PAPERS = """References
----------
Softmax: Bahdanau, Cho & Bengio (2015), eq. 6; Vaswani et al. (2017), eq. 1. Sparsemax:
Martins & Astudillo (2016), eq. 2 and Proposition 1. Entmax: Peters, Niculae & Martins
(2019), "Sparse sequence-to-sequence models", section 3 and eq. 11; Blondel, Martins &
Niculae (2019). Hard attention: Xu et al. (2015), section 4.1."""

#: the range of normal float32 numbers: a scale or temperature outside it is applied in float64
_TINY32 = float(np.finfo(np.float32).tiny)
_HUGE32 = float(np.finfo(np.float32).max)


def _rows(
    z: Any, axis: Any, who: str, shift: bool = True
) -> tuple[np.ndarray, Callable[[np.ndarray], np.ndarray]]:
    """Validated scores as C-contiguous rows (R, n), shifted so each row's max is 0 (``shift``).

    Returns the rows and a function that puts an (R, n) result back into z's shape.
    """
    arr = score_array(z)
    ax = axis_index(axis, arr.ndim)
    moved = np.moveaxis(arr, ax, -1)
    shape = moved.shape
    n = shape[-1]
    if n == 0:
        raise MemsimError(f"{who}: z has no entries along axis {axis} (shape {arr.shape})")
    rows = np.ascontiguousarray(moved.reshape(-1, n))
    top = rows.max(axis=1) if rows.shape[0] else np.zeros(0)
    dead = top == -np.inf
    if dead.any():
        r = int(np.flatnonzero(dead)[0])
        idx = list(np.unravel_index(r, shape[:-1])) if len(shape) > 1 else []
        idx.insert(ax, slice(None))
        where = ", ".join(":" if isinstance(i, slice) else str(int(i)) for i in idx)
        raise MemsimError(
            f"{who}: every entry of z[{where}] is -inf (all keys masked); "
            "at least one score along the normalised axis must be finite"
        )
    if shift:
        with np.errstate(over="ignore", invalid="ignore"):
            rows = rows - top[:, None]

    def restore(out: np.ndarray) -> np.ndarray:
        return np.moveaxis(out.reshape(shape), -1, ax)

    return rows, restore


@fill_doc(score_errors=_SCORE_ERRORS)
def softmax(z: Any, axis: int = -1, temperature: float = 1.0) -> np.ndarray:
    """Softmax with temperature: ``p_i = exp(z_i / T) / sum_j exp(z_j / T)``.

    Computed as ``exp((z_i - max z) / T)`` over its sum, so no overflow for any finite z.

    Parameters
    ----------
    z : array_like, any shape (at least 1-D)
        Scores; ``-inf`` marks a masked key (weight 0).
    axis : int
        Axis to normalise over.
    temperature : float > 0
        T; small T sharpens towards :func:`hard` (ties share the weight), large T flattens.

    Returns
    -------
    numpy.ndarray
        Same shape as z; each slice along ``axis`` sums to 1. float32 for a float32 array
        (computed in float32 with exact row sums: relative error of each weight a few
        float32 ulp plus ``eps32 * |z_i - max z|`` from the rounding of the inputs'
        differences, tests/unit/test_attention_softmax_speed.py; with a temperature ``z / T`` is
        rounded to float32 first, and float64 is returned in the rare case that it overflows
        float32), float64 otherwise.

    {score_errors}; if ``axis`` is not an integer in range for ``z``; or if
        ``temperature`` is not a finite real > 0.

    Notes
    -----
    float32/float64 arrays with ``temperature=1`` (float32 also with another temperature, as
    ``z / T`` rounded to float32) take a Numba kernel over rows (in parallel from
    :data:`SOFTMAX_PARALLEL_MIN_ENTRIES` entries): per row one vectorised pass finds the maximum
    and any NaN/+inf on integer keys of the float bits, one writes ``exp(z - max)`` and sums it
    exactly in fixed point (integers, so the same numbers in any order and for any thread
    count), one scales the row while it is in cache; each weight is rounded once, also where it
    is subnormal. Along another axis the same steps run across the columns that follow it,
    without a transposed copy and with the same numbers. Nothing else scans the input.

    References
    ----------
    Bridle (1990), "Probabilistic interpretation of feedforward classification network
    outputs"; as the attention normaliser: Bahdanau, Cho & Bengio (2015), eq. 6, and
    Vaswani et al. (2017), "Attention is all you need", eq. 1.
    """
    if type(temperature) is float and temperature == 1.0:  # the default: nothing to check
        t = 1.0
    else:
        t = real(temperature, "temperature", low=0.0, low_open=True)
    if isinstance(z, np.ndarray) and z.dtype in (np.float32, np.float64) and z.size:
        if t == 1.0:
            zt = z
        elif z.dtype == np.float32 and not _TINY32 <= t <= _HUGE32:
            # T is not a normal float32 number (a subnormal one keeps a few bits only): divided
            # in float64, the weights (in [0, 1]) returned in float32
            return softmax(z.astype(np.float64), axis, temperature=t).astype(np.float32)
        elif z.dtype == np.float32:  # float32 stays float32: z / T rounded once to float32
            with np.errstate(over="ignore", under="ignore"):
                zt = z / np.float32(t)
        else:
            zt = None
        out = None if zt is None else _softmax_kernel(zt, axis)
        if out is not None:
            return out
    # the general path: other inputs, float64 with a temperature, and every error message
    rows, restore = _rows(z, axis, "softmax")  # a new array (shifted): safe to work in place
    with np.errstate(over="ignore", under="ignore"):
        if t != 1.0:
            rows /= t
        np.exp(rows, out=rows)
    rows /= rows.sum(axis=1, keepdims=True)
    return restore(rows)


#: arrays with at least this many entries are normalised in parallel Numba (over rows, the same
#: numbers); None (the default): serially. Measured on the 2-core development machine (AMD EPYC
#: Zen 4, numba's OpenMP layer, numpy's OpenBLAS), 1000 x 1000 scores, times in microseconds:
#:
#: ==========================  ===========  ===========  ============  ============
#: situation                   f32 serial   f32 parallel f64 serial    f64 parallel
#: ==========================  ===========  ===========  ============  ============
#: idle process, best of 30    545-565      275-290      1135-1175     575-615
#: right after a 1000x64 @     610-770      385-555      1245-1420     715-890
#: 64x10000 product, best
#: alternating product and     615 (+18.9   540 (+24.7   1270 (+21.5   1760 (+25.4
#: softmax, medians            ms product)  ms product)  ms product)   ms product)
#: ==========================  ===========  ===========  ============  ============
#:
#: Parallel wins alone and right after a product (from about 3e5 entries; below 1e5 it loses
#: after a product), but in the alternation attention code runs (scores from BLAS, softmax,
#: BLAS again) the OpenMP workers spinning after the parallel region keep a core from
#: OpenBLAS and the next product takes 25-30% longer, more than the softmax saves (and the
#: OpenBLAS workers, spinning with sched_yield after the product, delay the region: softmax
#: medians of 2.9 ms instead of 0.55 ms were seen). With ``OMP_WAIT_POLICY=passive`` the
#: alternation is neutral and the idle gain stays, but that is a process-wide setting; a
#: Python helper thread instead of Numba's pool was also slower than serial in the
#: alternation (softmax median 0.84 against 0.61 ms). So serial by default.
SOFTMAX_PARALLEL_MIN_ENTRIES: int | None = None


#: softmax along an axis with at least this many entries after it (per step along the axis)
#: runs the column kernel on z as it lies (also any z of at most 512 entries); fewer, and the
#: slices are moved to rows first (measured: 1000 x 4 along axis 0, 13 us as rows, 23 us as
#: columns; 1000 x 16, 49 us as rows, 39 us as columns)
_COLUMNS_MIN = 8


def _softmax_kernel(z: np.ndarray, axis: Any) -> np.ndarray | None:
    """Softmax of a float32/float64 array by the Numba row kernel (last axis, or slices moved
    to rows) or column kernel (an axis with at least :data:`_COLUMNS_MIN` entries after it), in
    z's precision, the same numbers either way; None when a slice is flagged (NaN, +inf, all
    -inf) or there is nothing to normalise: the general path then gives the documented error
    (or, for a float32 ``z / T`` that overflowed, the float64 result)."""
    ax = axis_index(axis, z.ndim) if z.ndim else 0
    if z.ndim == 0:
        score_array(z)  # raises: a scalar
    inner = math.prod(z.shape[ax + 1 :])
    # the usual case, the last axis (or only size-1 axes after it): rows as they lie (no
    # np.moveaxis, which costs microseconds)
    last = inner == 1
    lim = SOFTMAX_PARALLEL_MIN_ENTRIES
    par = lim is not None and z.size >= lim
    if not last and (inner >= _COLUMNS_MIN or z.size <= 512) and z.shape[ax] > 0:
        # along a middle axis: the column kernel, no transposed copy (same numbers)
        z2 = np.ascontiguousarray(z).reshape(-1, inner)
        out = np.empty_like(z2)
        flags = np.empty(z2.shape[0] // z.shape[ax] * inner, np.int64)
        if (K.softmax_cols_out if par else K.softmax_cols_out_serial)(z2, out, z.shape[ax], flags):
            return None
        return out.reshape(z.shape)
    moved = z if last else np.moveaxis(z, ax, -1)
    n = z.shape[ax]
    if n == 0 or z.size == 0:
        return None
    rows = np.ascontiguousarray(moved.reshape(-1, n))  # no copy for the usual last axis
    out = np.empty_like(rows)
    flags = np.empty(rows.shape[0], np.int64)
    if (K.softmax_rows_out if par else K.softmax_rows_out_serial)(rows, out, flags):
        return None
    return out.reshape(z.shape) if last else np.moveaxis(out.reshape(moved.shape), -1, ax)


@fill_doc(scores_axis=_SCORES_AXIS, float64_weights=_FLOAT64_WEIGHTS, score_errors=_SCORE_ERRORS)
def sparsemax(z: Any, axis: int = -1) -> np.ndarray:
    """Sparsemax: the Euclidean projection of z onto the probability simplex.

    ``p = [z - tau]_+`` (Martins & Astudillo 2016, eq. 2). Exact sort-based threshold: with
    ``z_(1) >= z_(2) >= ...`` the support size is
    ``k* = max{k : 1 + k z_(k) > sum_{j<=k} z_(j)}`` and
    ``tau = (sum_{j<=k*} z_(j) - 1) / k*`` (their Proposition 1). Weights are exactly zero
    outside the support; ``sparsemax(z + c) == sparsemax(z)``.

    {scores_axis}

    {float64_weights}

    {score_errors}; or if ``axis`` is not an integer in range for ``z``.

    References
    ----------
    Martins & Astudillo (2016), "From softmax to sparsemax: a sparse model of attention and
    multi-label classification", eq. 2, Proposition 1 and Algorithm 1.

    Examples
    --------
    >>> sparsemax([-2.0, 0.0, 0.5])
    array([0.  , 0.25, 0.75])
    """
    rows, restore = _rows(z, axis, "sparsemax")
    n = rows.shape[1]
    zs = -np.sort(-rows, axis=1)  # descending; -inf last
    ks = np.arange(1, n + 1, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        cs = np.cumsum(zs, axis=1)
        cond = 1.0 + ks * zs > cs
    kstar = n - np.argmax(cond[:, ::-1], axis=1)  # last k where the condition holds
    tau = (np.take_along_axis(cs, (kstar - 1)[:, None], axis=1)[:, 0] - 1.0) / kstar
    p = np.maximum(rows - tau[:, None], 0.0)
    return restore(p)


@fill_doc(scores_axis=_SCORES_AXIS, float64_weights=_FLOAT64_WEIGHTS, score_errors=_SCORE_ERRORS)
def entmax15(z: Any, axis: int = -1) -> np.ndarray:
    """1.5-entmax, exact and sort-based (Peters, Niculae & Martins 2019, section 3).

    ``p_i = [z_i / 2 - tau]_+^2`` with tau such that ``sum_i p_i = 1``. With
    ``x = z / 2`` sorted descending, a support of the k largest gives
    ``tau_k = mean_k - sqrt((1 - k (ms_k - mean_k^2)) / k)`` (mean and mean square of the k
    largest; the smaller root of ``sum_{j<=k} (x_(j) - tau)^2 = 1``), and the support size is the
    largest k with ``tau_k <= x_(k)``.

    {scores_axis}

    {float64_weights}

    {score_errors}; or if ``axis`` is not an integer in range for ``z``.

    References
    ----------
    Peters, Niculae & Martins (2019), "Sparse sequence-to-sequence models", section 3 (the
    threshold form of alpha-entmax and the exact sort-based algorithm for alpha = 1.5).
    Blondel, Martins & Niculae (2019), "Learning classifiers with Fenchel-Young losses:
    generalized entropies, margins, and algorithms".

    Examples
    --------
    >>> entmax15([-2.0, 0.0, 0.5]).round(4)
    array([0.   , 0.326, 0.674])
    """
    rows, restore = _rows(z, axis, "entmax15")
    n = rows.shape[1]
    x = rows / 2.0
    xs = -np.sort(-x, axis=1)
    ks = np.arange(1, n + 1, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        mean = np.cumsum(xs, axis=1) / ks
        mean_sq = np.cumsum(xs * xs, axis=1) / ks
        delta = (1.0 - ks * (mean_sq - mean * mean)) / ks
        tau = mean - np.sqrt(np.maximum(delta, 0.0))
        cond = (delta >= 0.0) & (tau <= xs)
    kstar = n - np.argmax(cond[:, ::-1], axis=1)
    t = np.take_along_axis(tau, (kstar - 1)[:, None], axis=1)
    p = np.maximum(x - t, 0.0) ** 2
    return restore(p)


@fill_doc(float64_weights=_FLOAT64_WEIGHTS, score_errors=_SCORE_ERRORS)
def entmax_bisect(z: Any, alpha: float, axis: int = -1) -> np.ndarray:
    """alpha-entmax for any ``alpha >= 1``, accurate for every weight, however small.

    ``p_i = [(alpha - 1) z_i - tau]_+^(1/(alpha - 1))`` with tau such that ``sum_i p_i = 1``
    (Peters, Niculae & Martins 2019, "Sparse sequence-to-sequence models", eq. 11 and
    section 3; Blondel et al. 2019). alpha = 1 is softmax (computed by :func:`softmax`),
    alpha = 1.5 equals :func:`entmax15`, alpha = 2 equals :func:`sparsemax`; larger alpha gives
    sparser weights. (The name is historical: the threshold is now found by safeguarded Newton
    steps inside a bisection bracket.)

    Subtracting a threshold from O(1) numbers, as the formula above does, cannot resolve a
    weight whose ``p^(alpha-1)`` is below the rounding error of tau (at alpha = 10 a weight of
    0.0116 has ``p^9 = 4e-18``). The kernel (:func:`memsim.attention._kernels.entmax_rows`)
    sorts the scores, finds the support size exactly, and writes every support weight relative
    to the smallest one, ``p_i^(alpha-1) = p_k^(alpha-1) + (alpha-1) (z_i - z_k)``, in the log
    domain: a sum of non-negative terms.

    Parameters
    ----------
    z : array_like, any shape (at least 1-D)
        Scores; ``-inf`` marks a masked key. float32 input is computed in float64.
    alpha : float >= 1
        Entmax parameter.
    axis : int
        Axis to normalise over.

    {float64_weights}

    {score_errors}; if ``axis`` is not an integer in range for ``z``; or if
        ``alpha`` is not a finite real >= 1.

    Notes
    -----
    Numerical contract: for any finite alpha >= 1 (tested up to 50) and any finite scores
    (tested 1e300 apart) every weight is within about 1e-16 absolute (a few 1e-16 relative for
    weights above 1e-6) of the exact entmax of the given floats, and the weights satisfy the
    threshold equation ``p_i^(alpha-1) - p_j^(alpha-1) = (alpha-1) (z_i - z_j)`` on the support
    to rounding. Scores are shifted by their maximum first, so the result is invariant to
    adding a constant. NaN and ``+inf`` scores, and slices with every key masked, raise
    :class:`memsim.errors.MemsimError`.

    References
    ----------
    Peters, Niculae & Martins (2019), "Sparse sequence-to-sequence models", eq. 11 and
    section 3. Blondel, Martins & Niculae (2019), "Learning classifiers with Fenchel-Young
    losses: generalized entropies, margins, and algorithms" (Tsallis alpha-entmax and its
    bisection).
    """
    a = real(alpha, "alpha", low=1.0)
    if a == 1.0:
        return softmax(z, axis=axis)
    rows, restore = _rows(z, axis, "entmax_bisect")
    out = np.empty_like(rows)
    if rows.shape[0]:
        K.entmax_rows(rows, a - 1.0, ENTMAX_MAX_ITER, out)
    return restore(out)


@fill_doc(scores_axis=_SCORES_AXIS, score_errors=_SCORE_ERRORS)
def hard(z: Any, axis: int = -1) -> np.ndarray:
    """Hard attention: one-hot at the largest score.

    **Ties: the first maximum** (lowest index along ``axis``) gets the weight 1, as
    ``numpy.argmax``. Masked keys (-inf) are never chosen.

    {scores_axis}

    Returns
    -------
    numpy.ndarray
        float64, same shape as z, one 1.0 per slice.

    {score_errors}; or if ``axis`` is not an integer in range for ``z``.

    References
    ----------
    Xu et al. (2015), "Show, attend and tell", section 4.1 (stochastic hard attention; memsim
    takes the deterministic argmax).
    """
    rows, restore = _rows(z, axis, "hard")
    out = np.zeros_like(rows)
    out[np.arange(rows.shape[0]), np.argmax(rows, axis=1)] = 1.0
    return restore(out)


@fill_doc(float64_weights=_FLOAT64_WEIGHTS, score_errors=_SCORE_ERRORS)
def topk(z: Any, k: int, axis: int = -1, temperature: float = 1.0) -> np.ndarray:
    """Top-k attention: keep the k largest scores, renormalise them with a softmax.

    ``p_i = exp(z_i / T) / sum_{j in top k} exp(z_j / T)`` for the k largest scores and 0
    elsewhere. Ties at the k-th place go to the lower index. If k exceeds the number of unmasked
    keys, all unmasked keys are kept (so k >= n is plain softmax).

    Parameters
    ----------
    z : array_like, any shape (at least 1-D)
        Scores; ``-inf`` marks a masked key.
    k : int >= 1
        Number of keys kept.
    axis : int
        Axis to normalise over.
    temperature : float > 0
        Softmax temperature among the kept keys.

    {float64_weights}

    {score_errors}; if ``axis`` is not an integer in range for ``z``; or if
        ``k`` is not an integer >= 1 or ``temperature`` not a finite real > 0.

    References
    ----------
    Top-k masking of the scores followed by the softmax of Vaswani et al. (2017),
    "Attention is all you need", eq. 1 (Bahdanau, Cho & Bengio 2015, eq. 6).
    """
    kk = integer(k, "k", low=1)
    t = real(temperature, "temperature", low=0.0, low_open=True)
    rows, restore = _rows(z, axis, "topk", shift=False)  # rank before shifting: the shift
    n = rows.shape[1]  # can round distinct small scores to ties
    if kk < n:
        order = np.argsort(-rows, axis=1, kind="stable")
        keep = np.zeros(rows.shape, dtype=bool)
        np.put_along_axis(keep, order[:, :kk], True, axis=1)
        rows = np.where(keep, rows, -np.inf)
    with np.errstate(over="ignore", invalid="ignore"):
        rows = rows - rows.max(axis=1, keepdims=True)
    with np.errstate(over="ignore", under="ignore"):
        e = np.exp(rows / t if t != 1.0 else rows)
    e /= e.sum(axis=1, keepdims=True)
    return restore(e)


#: Registry of normalisers: name -> function(z, axis=-1, **options).
NORMALISERS: dict[str, Callable[..., np.ndarray]] = {
    "softmax": softmax,
    "sparsemax": sparsemax,
    "entmax15": entmax15,
    "entmax_bisect": entmax_bisect,
    "hard": hard,
    "topk": topk,
}


@fill_doc(normaliser_papers=_NORMALISER_PAPERS)
def normalise(z: Any, kind: str = "softmax", axis: int = -1, **options: Any) -> np.ndarray:
    """Apply the normaliser ``kind`` from :data:`NORMALISERS` along ``axis``.

    Options are passed on: ``temperature`` (softmax, topk), ``alpha`` (entmax_bisect, required),
    ``k`` (topk, required). An option the normaliser does not take raises MemsimError.

    Parameters
    ----------
    z : array_like, any shape (at least 1-D)
        Scores; ``-inf`` marks a masked key.
    kind : str
        A name in :data:`NORMALISERS`: ``"softmax"``, ``"sparsemax"``, ``"entmax15"``,
        ``"entmax_bisect"``, ``"hard"``, ``"topk"``.
    axis : int
        Axis to normalise over.
    **options
        Options of that normaliser: ``temperature`` (softmax, topk), ``alpha``
        (entmax_bisect, required), ``k`` (topk, required).

    Returns
    -------
    numpy.ndarray
        Weights, same shape as z; each slice along ``axis`` sums to 1. float64 (softmax of a
        float32 array: float32).

    Raises
    ------
    MemsimError
        If ``kind`` is not a name in :data:`NORMALISERS`; an option is one the normaliser does
        not take or a required one (``alpha``, ``k``) is missing; or the normaliser rejects
        ``z``, ``axis`` or an option value (see :func:`softmax`, :func:`sparsemax`,
        :func:`entmax15`, :func:`entmax_bisect`, :func:`hard`, :func:`topk`).

    {normaliser_papers}

    Examples
    --------
    >>> normalise([1.0, 2.0, 5.0], "topk", k=2).round(3)
    array([0.   , 0.047, 0.953])
    """
    func = lookup(NORMALISERS, kind, "normaliser")
    opts = registry_options(func, 1, kind, "normaliser", options)
    return func(z, axis=axis, **opts)


@dataclass(frozen=True)
class NormaliserOutcome:
    """Weights produced by one normaliser spec in :func:`compare_normalisers` (read-only).

    Attributes
    ----------
    kind : str
        Normaliser name.
    options : dict
        Options passed to it.
    weights : numpy.ndarray
        Same shape as the scores.
    support : numpy.ndarray
        int64, shape of the scores without the last axis: number of keys with weight > 0
        (the selected keys) per query.
    """

    kind: str
    options: dict
    weights: np.ndarray
    support: np.ndarray


@fill_doc(normaliser_papers=_NORMALISER_PAPERS)
def normaliser_spec(spec: Any, what: str = "normaliser") -> tuple[str, dict[str, Any], str]:
    """Split a normaliser spec (a name, or a dict with a ``"kind"``, its options and optionally
    a ``"label"``) into its parts.

    Parameters
    ----------
    spec : str or mapping
        ``"sparsemax"`` or ``{"kind": "entmax_bisect", "alpha": 1.2, "label": "a=1.2"}``.
    what : str, default "normaliser"
        How the errors name the spec (``"specs[2]"``).

    Returns
    -------
    kind : str
        The ``"kind"`` (a name; :func:`normalise` checks that it is a registered one).
    options : dict
        The other entries but ``"label"``: options the normaliser takes (checked by name).
    label : str
        The ``"label"``, else the kind followed by its options in name order, e.g.
        ``"entmax_bisect(alpha=1.2)"``.

    Raises
    ------
    MemsimError
        A mapping without ``"kind"`` or with a ``"kind"`` that is not a str; an option name that
        is not a str, or one the normaliser does not take (``"axis"`` included: the caller sets
        it); a required option missing; a spec that is neither a str nor a mapping.

    {normaliser_papers}
    """
    if isinstance(spec, str):
        return spec, {}, spec
    if not isinstance(spec, Mapping):
        raise MemsimError(
            f"{what} must be a name (one of {sorted(NORMALISERS)}) or a dict with a 'kind' like "
            f"{{'kind': 'softmax', 'temperature': 0.1}}, got {spec!r}"
        )
    options = dict(spec)
    if "kind" not in options:
        raise MemsimError(f"{what} needs a 'kind' (one of {sorted(NORMALISERS)}), got {spec!r}")
    kind = options.pop("kind")
    label = options.pop("label", None)
    if not isinstance(kind, str):
        raise MemsimError(f"{what}: 'kind' must be one of {sorted(NORMALISERS)}, got {kind!r}")
    odd = [k for k in options if not isinstance(k, str)]
    if odd:
        raise MemsimError(f"{what}: option names must be strings, got {odd!r}")
    if kind in NORMALISERS:  # (an unknown kind is refused where it is used, with the names)
        where = "normaliser" if what == "normaliser" else f"{what}: normaliser"
        registry_options(NORMALISERS[kind], 1, kind, where, options)
    if label is None:
        inner = ", ".join(f"{k}={v}" for k, v in sorted(options.items()))
        label = f"{kind}({inner})" if inner else kind
    return kind, options, str(label)


@fill_doc(normaliser_papers=_NORMALISER_PAPERS)
def compare_normalisers(
    scores: Any, specs: Sequence[str | Mapping[str, Any]]
) -> dict[str, NormaliserOutcome]:
    """Normalise the same scores with several normalisers (over the last axis).

    Parameters
    ----------
    scores : array_like, (K,) or (B, K) or any leading shape
        Scores of B queries against K keys; -inf = masked.
    specs : sequence of str or dict
        Each spec is a normaliser name (``"sparsemax"``) or a dict with a ``"kind"`` and its
        options, optionally a ``"label"``: ``{"kind": "entmax_bisect", "alpha": 1.2}``.

    Returns
    -------
    dict
        label -> :class:`NormaliserOutcome`, in the order of ``specs``. The default label is the
        name followed by its options, e.g. ``"entmax_bisect(alpha=1.2)"``.

    Raises
    ------
    MemsimError
        If a dict in ``specs`` has no ``"kind"``; an entry of ``specs`` is neither a str nor a
        dict; two specs get the same label; or :func:`normalise` rejects a spec's kind, its
        options or ``scores`` (NaN, ``+inf``, a scalar, a row with every key masked).

    {normaliser_papers}

    Examples
    --------
    >>> out = compare_normalisers([[-2.0, 0.0, 0.5]], ["softmax", "sparsemax"])
    >>> out["sparsemax"].support
    array([2])
    """
    if isinstance(specs, (str, bytes, Mapping)):
        specs = [specs]
    result: dict[str, NormaliserOutcome] = {}
    for i, spec in enumerate(specs):
        kind, options, label = normaliser_spec(spec, f"specs[{i}]")
        weights = normalise(scores, kind, axis=-1, **options)
        if label in result:
            raise MemsimError(f"two specs have the label {label!r}; give one a 'label'")
        support = np.count_nonzero(weights > 0.0, axis=-1).astype(np.int64)
        weights.setflags(write=False)
        support.setflags(write=False)
        result[label] = NormaliserOutcome(kind, options, weights, support)
    return result

"""Kanerva's sparse distributed memory (SDM).

M hard locations with random binary addresses in {0,1}^n, each with a counter per data bit
(Kanerva 1988, ch. 6-7). Writing the pair (address a, data d) adds ``2 d - 1`` (binary data) or
``d`` (+-1 data) to the counters of every location within Hamming radius r of a; reading at a cue
q sums the counters of the locations within r of q and thresholds the sums at 0 (a sum > 0 gives
1, or +1; otherwise 0, or -1). A location is activated with probability
``p = P(Binomial(n, 1/2) <= r)``.

The read weight of a stored item is the number of hard locations in the intersection of the two
Hamming balls around the cue and the item's address; its expectation is M times the fraction of
{0,1}^n in both balls, an exact combinatorial count (:func:`intersection_size`). That count decays
about exponentially in the cosine similarity of the (+-1) addresses, so the SDM read is close to
softmax attention ``softmax(beta cos(q, a_k))`` with a beta fixed by n and r (Bricken & Pehlevan
2021; :func:`softmax_beta`, :func:`attention_weights`).

References
----------
Kanerva, P. (1988). Sparse Distributed Memory. MIT Press.
Bricken, T. & Pehlevan, C. (2021). Attention approximates sparse distributed memory. NeurIPS 34.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from memsim import _checks as A
from memsim._jit import keeps_thread_count, set_threads
from memsim._rng import generator
from memsim.errors import MemsimError
from memsim.sdm import _kernels as K

__all__ = [
    "activation_probability",
    "attention_weights",
    "intersection_size",
    "intersection_weights",
    "locations",
    "read",
    "softmax_beta",
    "write",
]

#: stream key of the hard-location addresses
LOCATION_STREAM_KEY = 0x5D3


def pack(bits: np.ndarray) -> np.ndarray:
    """(R, n) 0/1 -> (R, ceil(n / 64)) uint64, bit i of a row in word i // 64 (zero padding)."""
    r, n = bits.shape
    words = (n + 63) // 64
    by = np.packbits(bits.astype(np.uint8), axis=1, bitorder="little")
    pad = np.zeros((r, words * 8), dtype=np.uint8)
    pad[:, : by.shape[1]] = by
    return np.ascontiguousarray(pad.view("<u8").astype(np.uint64))


def locations(M: int, n: int, seed: int = 0) -> np.ndarray:
    """Random hard-location addresses, uniform on {0,1}^n.

    Parameters
    ----------
    M : int >= 1
        Number of hard locations.
    n : int >= 1
        Address length in bits.
    seed : int >= 0, default 0
        Stream ``(seed, LOCATION_STREAM_KEY, M, n)``.

    Returns
    -------
    ndarray, (M, n) uint8 of 0/1

    Raises
    ------
    MemsimError
        ``M`` or ``n`` not an integer >= 1, or ``seed`` not an integer >= 0.

    References
    ----------
    Kanerva, P. (1988). Sparse Distributed Memory. MIT Press, ch. 6 (hard locations).
    """
    M = A.integer(M, "M", low=1)
    n = A.integer(n, "n", low=1)
    seed = A.integer(seed, "seed")
    g = generator(seed, LOCATION_STREAM_KEY, M, n)
    return (g.random((M, n)) < 0.5).astype(np.uint8)


def _radius(radius: Any, n: int) -> int:
    return A.integer(radius, "radius", low=0, high=n)


def _data(data: Any, name: str, rows: int | None = None) -> tuple[np.ndarray, bool]:
    """(+-1 int8 increments, bipolar?) from 0/1 or -1/+1 data."""
    a = A.array(data, name)
    if a.ndim != 2 or a.size == 0:
        raise MemsimError(f"{name} must be a non-empty 2-D array (items x bits), got {a.shape}")
    if rows is not None and a.shape[0] != rows:
        raise MemsimError(f"{name} must have {rows} rows (one per address), got {a.shape[0]}")
    if np.isin(a, (0, 1)).all():
        return np.ascontiguousarray(2 * a.astype(np.int8) - 1), False
    if np.isin(a, (-1, 1)).all():
        return np.ascontiguousarray(a, dtype=np.int8), True
    raise MemsimError(f"{name} must contain only 0/1 (binary) or only -1/+1 (bipolar) values")


def _locations(loc: Any) -> np.ndarray:
    return A.bits(loc, "locations")


@keeps_thread_count
def write(
    locations: Any,
    addresses: Any,
    data: Any,
    radius: int,
    *,
    counters: Any = None,
    threads: int | None = None,
) -> np.ndarray:
    """Write (address, data) pairs into the counters of the hard locations.

    Parameters
    ----------
    locations : (M, n) array of 0/1
        Hard-location addresses (:func:`locations`).
    addresses : (K, n) array of 0/1
        Write addresses, one per item.
    data : (K, d) array of 0/1 or of -1/+1
        Data words; binary data add ``2 d - 1``, bipolar data add ``d``. (An all-ones array is
        read as binary.)
    radius : int, 0 <= radius <= n
        Hamming radius of activation.
    counters : (M, d) integer array, optional
        Counters to add to (a copy is returned); default zeros.
    threads : int >= 1, optional
        Numba thread count for this call.

    Returns
    -------
    ndarray, (M, d) int32
        The counters after writing.

    Raises
    ------
    MemsimError
        ``locations`` or ``addresses`` not a non-empty 2-D array of 0/1, different address
        lengths, ``data`` not a non-empty 2-D array of only 0/1 or only -1/+1 with one row per
        address, ``radius`` not an integer in [0, n], ``counters`` of the wrong shape or not
        integers, or ``threads`` not an integer >= 1.

    References
    ----------
    Kanerva, P. (1988). Sparse Distributed Memory. MIT Press, ch. 7 (storage by counters).
    """
    loc = _locations(locations)
    m, n = loc.shape
    addr = A.bits(addresses, "addresses", 2, n)
    inc, _ = _data(data, "data", addr.shape[0])
    r = _radius(radius, n)
    d = inc.shape[1]
    if counters is None:
        c = np.zeros((m, d), dtype=np.int32)
    else:
        c0 = A.array(counters, "counters")
        if c0.shape != (m, d) or c0.dtype.kind not in "iu":
            raise MemsimError(
                f"counters must be an integer array of shape ({m}, {d}), got {c0.dtype} {c0.shape}"
            )
        c = np.ascontiguousarray(c0, dtype=np.int32).copy()
    if threads is not None:
        set_threads(A.integer(threads, "threads", low=1))
    K.write(pack(loc), pack(addr), inc, r, c)
    return c


@keeps_thread_count
def read(
    counters: Any,
    locations: Any,
    cues: Any,
    radius: int,
    *,
    bipolar: bool = False,
    return_counts: bool = False,
    return_sums: bool = False,
    threads: int | None = None,
):
    """Read at each cue: sum the counters of the activated locations, threshold at 0.

    Parameters
    ----------
    counters : (M, d) integer array
        From :func:`write`.
    locations : (M, n) array of 0/1
        The hard-location addresses used for writing.
    cues : (B, n) or (n,) array of 0/1
        Read addresses.
    radius : int, 0 <= radius <= n
        Hamming radius of activation.
    bipolar : bool, default False
        Return -1/+1 instead of 0/1.
    return_counts : bool, default False
        Also return the number of activated locations per cue, (B,) int64.
    return_sums : bool, default False
        Also return the counter sums, (B, d) int64 (after the counts if both are asked for).
    threads : int >= 1, optional
        Numba thread count for this call.

    Returns
    -------
    data : (B, d) uint8 (0/1) or int8 (-1/+1)
        1 (+1) where the sum is > 0, else 0 (-1); a single cue gives (d,).
    counts, sums : optional, see above.

    Raises
    ------
    MemsimError
        ``locations`` not a non-empty 2-D array of 0/1; ``counters`` not an integer 2-D array
        with M rows; ``cues`` not a 1-D or 2-D array of 0/1 with n columns; ``radius`` not an
        integer in [0, n]; ``threads`` not an integer >= 1.

    References
    ----------
    Kanerva, P. (1988). Sparse Distributed Memory. MIT Press, ch. 7 (reading by pooling counters).
    """
    loc = _locations(locations)
    m, n = loc.shape
    c = A.array(counters, "counters")
    if c.ndim != 2 or c.shape[0] != m or c.dtype.kind not in "iu":
        raise MemsimError(
            f"counters must be an integer array with {m} rows (one per location), got "
            f"{c.dtype} {c.shape}"
        )
    q = A.array(cues, "cues")
    single = q.ndim == 1
    Q = A.bits(q[None, :] if single else q, "cues", 2, n)
    r = _radius(radius, n)
    if threads is not None:
        set_threads(A.integer(threads, "threads", low=1))
    b, d = Q.shape[0], c.shape[1]
    sums = np.empty((b, d), dtype=np.int64)
    counts = np.empty(b, dtype=np.int64)
    K.read(pack(loc), pack(Q), r, np.ascontiguousarray(c, dtype=np.int64), sums, counts)
    out = np.where(sums > 0, 1, -1 if bipolar else 0).astype(np.int8 if bipolar else np.uint8)
    if single:
        out, sums, counts = out[0], sums[0], counts[0]
    extra = ([counts] if return_counts else []) + ([sums] if return_sums else [])
    return (out, *extra) if extra else out


def activation_probability(n: int, radius: int) -> float:
    """``P(Binomial(n, 1/2) <= r)``: the chance that a random location is activated.

    Parameters
    ----------
    n : int >= 1
        Address length in bits.
    radius : int, 0 <= radius <= n
        Hamming radius of activation r.

    Returns
    -------
    float
        The probability, in (0, 1].

    Raises
    ------
    MemsimError
        ``n`` not an integer >= 1, or ``radius`` not an integer in [0, n].

    References
    ----------
    Kanerva, P. (1988). Sparse Distributed Memory. MIT Press, ch. 6
    (activation probability of a hard location).
    """
    n = A.integer(n, "n", low=1)
    r = _radius(radius, n)
    return math.fsum(math.comb(n, k) for k in range(r + 1)) / 2.0**n


def intersection_size(n: int, radius: int, d: Any) -> np.ndarray:
    """Number of points of {0,1}^n within ``radius`` of both of two addresses ``d`` apart.

    Exact count: of the d bits where the addresses differ a point matches the first in i and the
    second in d - i; of the n - d bits where they agree it differs from both in j. Its distances
    are (d - i) + j and i + j, so the count is the sum of C(d, i) C(n - d, j) over the (i, j)
    with both distances <= r. Returned as float64 (exact below 2**53). Divide by 2**n and
    multiply by M for the expected number of hard locations in the intersection.

    Parameters
    ----------
    n : int >= 1
        Address length in bits.
    radius : int, 0 <= radius <= n
        Hamming radius r of both balls.
    d : int or integer array_like, entries in [0, n]
        Hamming distance(s) between the two addresses.

    Returns
    -------
    float or ndarray of float64, shaped like ``d``
        The intersection size(s).

    Raises
    ------
    MemsimError
        ``n`` not an integer >= 1, ``radius`` not an integer in [0, n], or ``d`` not of integer
        dtype with entries in [0, n].

    References
    ----------
    Kanerva, P. (1988). Sparse Distributed Memory. MIT Press, ch. 6-7
    (intersection of access circles).
    Bricken, T. & Pehlevan, C. (2021). Attention approximates sparse distributed memory.
    NeurIPS 34 (read weight as the intersection size).
    """
    n = A.integer(n, "n", low=1)
    r = _radius(radius, n)
    ds = np.atleast_1d(np.asarray(d))
    if ds.dtype.kind not in "iu" or (ds < 0).any() or (ds > n).any():
        raise MemsimError(f"d must be integers in [0, {n}], got {d!r}")
    out = np.empty(ds.shape, dtype=np.float64)
    for idx, dd in np.ndenumerate(ds):
        dd = int(dd)
        total = 0
        for i in range(dd + 1):
            jmax = r - max(dd - i, i)
            if jmax < 0:
                continue
            ci = math.comb(dd, i)
            for j in range(min(jmax, n - dd) + 1):
                total += ci * math.comb(n - dd, j)
        out[idx] = float(total)
    return out if np.ndim(d) else out[0]


def _distances(cues: np.ndarray, addresses: np.ndarray) -> np.ndarray:
    c = cues.astype(np.int64)
    a = addresses.astype(np.int64)
    return c @ (1 - a).T + (1 - c) @ a.T


def intersection_weights(cues: Any, addresses: Any, radius: int) -> np.ndarray:
    """Normalised expected read weights of stored items: ``I(d(q, a_k)) / sum_k I(...)``.

    Parameters
    ----------
    cues : (B, n) or (n,) array of 0/1
        Read addresses (a single cue is treated as B = 1).
    addresses : (K, n) array of 0/1
        Write addresses of the stored items.
    radius : int in [0, n]
        Hamming radius of activation.

    Returns
    -------
    ndarray, (B, K) float64
        Rows sum to 1 (a row of zeros when no stored address is within 2 r of the cue).

    Raises
    ------
    MemsimError
        ``cues`` not a non-empty 1-D or 2-D array of 0/1, ``addresses`` not a non-empty 2-D
        array of 0/1 with n columns, or ``radius`` not an integer in [0, n].

    References
    ----------
    Kanerva, P. (1988). Sparse Distributed Memory. MIT Press, ch. 7.
    Bricken, T. & Pehlevan, C. (2021). Attention approximates sparse distributed memory.
    NeurIPS 34 (SDM read weights).
    """
    Q = A.bits(np.atleast_2d(A.array(cues, "cues")), "cues")
    n = Q.shape[1]
    Ad = A.bits(addresses, "addresses", 2, n)
    r = _radius(radius, n)
    table = intersection_size(n, r, np.arange(n + 1))
    w = table[_distances(Q, Ad)]
    s = w.sum(axis=1, keepdims=True)
    return np.divide(w, s, out=np.zeros_like(w), where=s > 0)


def softmax_beta(n: int, radius: int) -> float:
    """beta of the softmax that best matches the SDM intersection weights (Bricken & Pehlevan).

    Least-squares fit of ``ln I(d) = c + beta cos`` with ``cos = 1 - 2 d / n`` the cosine
    similarity of +-1 addresses d bits apart, over the distances 0 <= d <= min(2 r, n / 2) with
    I(d) > 0: from identical addresses to unrelated ones (distance about n / 2), the range a
    read's weights come from. ``ln I`` is concave in d, so the fit is an approximation (Bricken &
    Pehlevan 2021 fit the same exponential form).

    Parameters
    ----------
    n, radius
        As in :func:`activation_probability`, with ``radius`` >= 1.

    Returns
    -------
    float
        The fitted beta.

    Raises
    ------
    MemsimError
        As :func:`activation_probability`, and for ``radius`` = 0.

    References
    ----------
    Bricken, T. & Pehlevan, C. (2021). Attention approximates sparse distributed memory.
    NeurIPS 34.
    """
    n = A.integer(n, "n", low=1)
    r = _radius(radius, n)
    if r < 1:
        raise MemsimError("radius must be >= 1 to fit a softmax beta")
    d = np.arange(min(2 * r, n // 2) + 1)
    size = intersection_size(n, r, d)
    ok = size > 0
    cos = 1.0 - 2.0 * d[ok] / n
    return float(np.polyfit(cos, np.log(size[ok]), 1)[0])


def attention_weights(
    cues: Any, addresses: Any, radius: int, beta: float | None = None
) -> np.ndarray:
    """Softmax attention ``softmax(beta cos(q, a_k))`` over stored addresses (as +-1 vectors).

    ``beta`` defaults to :func:`softmax_beta` ``(n, radius)``; the softmax is
    :func:`memsim.attention.softmax`.

    Parameters
    ----------
    cues, addresses
        As in :func:`intersection_weights`.
    radius : int in [0, n]
        Hamming radius of activation (>= 1 when ``beta`` is None).
    beta : float >= 0, optional
        Inverse temperature; default :func:`softmax_beta` ``(n, radius)``.

    Returns
    -------
    ndarray, (B, K) float64, rows summing to 1.

    Raises
    ------
    MemsimError
        ``cues`` not a non-empty 1-D or 2-D array of 0/1, ``addresses`` not a non-empty 2-D
        array of 0/1 with n columns, ``radius`` not an integer in [0, n] (or 0 with ``beta``
        None), or ``beta`` not a finite number >= 0.

    References
    ----------
    Bricken, T. & Pehlevan, C. (2021). Attention approximates sparse distributed memory.
    NeurIPS 34.
    """
    from memsim.attention import softmax

    Q = A.bits(np.atleast_2d(A.array(cues, "cues")), "cues")
    n = Q.shape[1]
    Ad = A.bits(addresses, "addresses", 2, n)
    r = _radius(radius, n)
    b = softmax_beta(n, r) if beta is None else A.real(beta, "beta", low=0.0)
    cos = 1.0 - 2.0 * _distances(Q, Ad) / n
    return softmax(b * cos, axis=1)

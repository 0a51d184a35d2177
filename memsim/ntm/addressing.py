"""NTM addressing: content, interpolation, circular shift, sharpening.

Graves, Wayne & Danihelka (2014), "Neural Turing Machines", arXiv:1410.5401, section 3.3.
For memory ``M`` (N slots x M width) and one head at time t:

* content (eq. 5, 6): ``w_c(i) = softmax_i(beta K[k, M(i)])`` with cosine similarity
  ``K[u, v] = u.v / (||u|| ||v|| + eps)``, beta >= 0;
* interpolation (eq. 7): ``w_g = g w_c + (1 - g) w_(t-1)``, g in [0, 1];
* shift (eq. 8): ``w~(i) = sum_j w_g(j) s(i - j mod N)``, s a distribution over offsets -R..R;
* sharpening (eq. 9): ``w(i) = w~(i)^gamma / sum_j w~(j)^gamma``, gamma >= 1.

Conventions (each a named option; defaults follow the paper)
------------------------------------------------------------
``shift_order``
    How the 2R+1 entries of a shift distribution map to offsets. ``"-R..R"`` (default, the
    paper's: entry k is offset k - R, so ``[0, 0, 1]`` with R = 1 moves the focus one slot
    *forward*, i -> i + 1); ``"+R..-R"`` (reversed); ``"roll"`` (numpy roll / FFT order
    ``0, +1, .., +R, -R, .., -1``; alias ``"0,+1..,-R..-1"``).
``cosine_eps``
    Added to the product of the norms (default 1e-6; the paper has none). An all-zero key or
    memory row has similarity 0 (never NaN); with ``cosine_eps=0`` a zero denominator also gives 0.

Numerical contract
------------------
Every finite input is handled without overflow or underflow. Cosines are computed from
vectors rescaled by powers of two when their squared norms would leave the float range, so
``cosine_similarity`` is the formula above for entries from 1e-300 to 1e300 and, with
``cosine_eps=0``, exactly scale invariant (two equal vectors give 1 at any scale).
Sharpening divides by the largest weight before the power, so it is scale invariant
(``sharpen([1e-310], 1) == [1]``). The softmax of the content stage is shifted by its maximum.
NaN or inf in any argument raises :class:`memsim.errors.MemsimError` naming the argument.

Every function accepts one head (1-D key/shift/w_prev, scalars) or H heads at once (2-D with a
leading head axis; scalars broadcast) and returns (N,) or (H, N) respectively.
"""

from __future__ import annotations

import warnings

import numpy as np

from memsim import _checks as C
from memsim._docstrings import fill_doc
from memsim.errors import MemsimError, MemsimWarning
from memsim.ntm import _kernels as K

#: accepted names for the shift-order option (the first is the default, the paper's)
SHIFT_ORDERS = ("-R..R", "+R..-R", "roll", "0,+1..,-R..-1")

DEFAULT_COSINE_EPS = 1e-6


def _canonical_perm(size: int, order: str) -> np.ndarray:
    """Indices p with canonical[k] = given[p[k]] (canonical k = offset k - R)."""
    r = (size - 1) // 2
    offsets = np.arange(-r, r + 1)
    if order == "-R..R":
        return np.arange(size)
    if order == "+R..-R":
        return size - 1 - np.arange(size)
    # roll order: entry e holds offset e for e <= R, offset e - size for e > R
    return np.mod(offsets, size)


def _shift_array(shift, shift_order: str) -> tuple[np.ndarray, int]:
    """``shift`` as float64 and its length 2R+1, with ``shift_order`` and the length checked."""
    C.choice(shift_order, "shift_order", SHIFT_ORDERS)
    s = np.asarray(shift, dtype=np.float64)
    size = s.shape[-1]
    if size % 2 != 1:
        raise MemsimError(f"shift must have an odd length 2R+1, got length {size}")
    return s, size


#: Raises and References of the shift reorderings
_SHIFT_ORDER_TAIL = """Raises
------
MemsimError
    If ``shift_order`` is not one of the accepted names, or ``shift`` has an even length.

References
----------
Graves, A., Wayne, G. & Danihelka, I. (2014). Neural Turing Machines. arXiv:1410.5401,
section 3.3.2, eq. 8 (location-based addressing, rotational shift)."""


@fill_doc(shift_order_tail=_SHIFT_ORDER_TAIL)
def shift_to_canonical(shift, shift_order: str = "-R..R") -> np.ndarray:
    """Reorder shift distribution(s) (last axis, length 2R+1) from ``shift_order`` to -R..R.

    Parameters
    ----------
    shift : (2R+1,) or (..., 2R+1) array_like of float
        Shift distribution(s) with entries ordered as ``shift_order`` says. Not validated as a
        distribution here (see :func:`circular_shift`).
    shift_order : {"-R..R", "+R..-R", "roll", "0,+1..,-R..-1"}, default "-R..R"
        Order of the given entries; "-R..R" (the paper's) returns a copy.

    Returns
    -------
    numpy.ndarray of float64, same shape as ``shift``
        Entry k of the last axis holds the weight of offset k - R.

    {shift_order_tail}
    """
    s, size = _shift_array(shift, shift_order)
    return np.ascontiguousarray(s[..., _canonical_perm(size, shift_order)])


@fill_doc(shift_order_tail=_SHIFT_ORDER_TAIL)
def shift_from_canonical(shift, shift_order: str = "-R..R") -> np.ndarray:
    """Inverse of :func:`shift_to_canonical`: reorder from -R..R to ``shift_order``.

    Parameters
    ----------
    shift : (2R+1,) or (..., 2R+1) array_like of float
        Shift distribution(s) in canonical order (entry k is offset k - R).
    shift_order : {"-R..R", "+R..-R", "roll", "0,+1..,-R..-1"}, default "-R..R"
        Order wanted for the result.

    Returns
    -------
    numpy.ndarray of float64, same shape as ``shift``
        The entries reordered as ``shift_order`` says.

    {shift_order_tail}
    """
    s, size = _shift_array(shift, shift_order)
    out = np.empty_like(s)
    out[..., _canonical_perm(size, shift_order)] = s
    return out


def one_hot_shift(offset: int, shift_range: int = 1, shift_order: str = "-R..R") -> np.ndarray:
    """The shift distribution that moves the focus by exactly ``offset`` slots.

    Parameters
    ----------
    offset : int, in [-shift_range, shift_range]
        Number of slots to move the focus (positive: forward, i -> i + offset).
    shift_range : int, >= 0, default 1
        R: the distribution has 2R+1 entries, for offsets -R..R.
    shift_order : {"-R..R", "+R..-R", "roll", "0,+1..,-R..-1"}, default "-R..R"
        Order of the entries of the result.

    Returns
    -------
    (2R+1,) numpy.ndarray of float64
        One-hot distribution with 1 at the entry for ``offset``.

    Raises
    ------
    MemsimError
        If ``shift_range`` is not an integer >= 0, ``offset`` is not an integer in [-R, R], or
        ``shift_order`` is not one of the accepted names.

    References
    ----------
    Graves, A., Wayne, G. & Danihelka, I. (2014). Neural Turing Machines. arXiv:1410.5401,
    section 3.3.2, eq. 8 (location-based addressing, rotational shift).
    """
    r = C.integer(shift_range, "shift_range", 0)
    if not isinstance(offset, (int, np.integer)) or abs(offset) > r:
        raise MemsimError(f"offset must be an integer in [-{r}, {r}], got {offset!r}")
    s = np.zeros(2 * r + 1)
    s[offset + r] = 1.0
    return shift_from_canonical(s, shift_order)


# --------------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------------


def _heads(key: np.ndarray) -> tuple[bool, int]:
    return (key.ndim == 2, key.shape[0] if key.ndim == 2 else 1)


def _weights(name: str, w, n: int, batched: bool, heads: int) -> np.ndarray:
    a = C.float_array(w, name, (2,) if batched else (1,))
    shape = (heads, n) if batched else (n,)
    if a.shape != shape:
        raise MemsimError(f"{name} must have shape {shape}, got {a.shape}")
    C.nonneg(a, name)
    return a.reshape(heads, n)


def _shift(shift, batched: bool, heads: int, shift_order: str, n: int) -> np.ndarray:
    s = C.float_array(shift, "shift", (1, 2))
    if s.ndim == 1:
        s = np.broadcast_to(s, (heads, s.shape[0]))
    elif not batched or s.shape[0] != heads:
        raise MemsimError(
            f"shift must be 1-D or have one row per head ({heads}), got shape {s.shape}"
        )
    C.distribution(s, "shift")
    s = shift_to_canonical(s, shift_order)
    if s.shape[1] > n:
        warnings.warn(
            f"shift has {s.shape[1]} offsets but memory has only {n} slots: offsets that are "
            "equal modulo N act on the same slot",
            MemsimWarning,
            stacklevel=3,
        )
    return s


def _key(key, width: int) -> np.ndarray:
    k = C.float_array(key, "key", (1, 2))
    if k.shape[-1] != width:
        raise MemsimError(f"key must have length {width} (the memory width), got {k.shape[-1]}")
    return k


# --------------------------------------------------------------------------------------------
# public stages
# --------------------------------------------------------------------------------------------


#: Parameters entries of the content-addressing stages: the memory and the key(s)
_MEMORY_KEY = """memory : (N, M) array_like of float
    Memory, N >= 1 slots of width M >= 1; finite.
key : (M,) or (H, M) array_like of float
    One key, or one per head; finite."""


@fill_doc(memory_key=_MEMORY_KEY)
def cosine_similarity(memory, key, *, cosine_eps: float = DEFAULT_COSINE_EPS) -> np.ndarray:
    """Cosine similarity of key(s) with every memory row (Graves et al. 2014, eq. 6).

    ``K[k, M(i)] = k . M(i) / (||k|| ||M(i)|| + cosine_eps)``; 0 for a zero key or row.
    Computed at any scale without overflow or underflow (vectors rescaled by powers of two
    when needed); with ``cosine_eps=0`` the result is scale invariant.

    Parameters
    ----------
    {memory_key}
    cosine_eps : float, >= 0, default 1e-6
        Added to the product of the norms.

    Returns
    -------
    (N,) or (H, N) numpy.ndarray of float64
        Similarities in [-1, 1].

    Raises
    ------
    MemsimError
        If ``memory`` is not a finite 2-D array with at least one slot and width >= 1, ``key`` is
        not a finite 1-D or 2-D array of length M, or ``cosine_eps`` is not a finite number >= 0.

    References
    ----------
    Graves, A., Wayne, G. & Danihelka, I. (2014). Neural Turing Machines. arXiv:1410.5401,
    section 3.3.1, eq. 6.
    """
    mem = C.memory(memory)
    k = _key(key, mem.shape[1])
    e = C.eps(cosine_eps)
    ks = k.reshape(-1, mem.shape[1])
    out = np.empty((ks.shape[0], mem.shape[0]))
    for h in range(ks.shape[0]):
        K.cosine(mem, ks[h], e, out[h])
    return out if k.ndim == 2 else out[0]


@fill_doc(memory_key=_MEMORY_KEY)
def content_weighting(memory, key, beta, *, cosine_eps: float = DEFAULT_COSINE_EPS) -> np.ndarray:
    """Content-based weighting ``w_c(i) = softmax_i(beta K[k, M(i)])`` (eq. 5).

    Also the DNC's ``C(M, k, beta)`` (Graves et al. 2016, Methods, "content-based addressing").

    Parameters
    ----------
    {memory_key}
    beta : float or (H,) array_like, >= 0
        Key strength (beta = 0 gives the uniform weighting); a scalar applies to every head.
    cosine_eps : float, >= 0, default 1e-6
        Added to the product of the norms in the cosine similarity.

    Returns
    -------
    (N,) or (H, N) numpy.ndarray of float64
        Distribution(s) over the N slots.

    Raises
    ------
    MemsimError
        If ``memory`` is not a finite 2-D array with at least one slot and width >= 1, ``key`` is
        not a finite 1-D or 2-D array of length M, ``beta`` is not finite, negative, or neither a
        scalar nor one value per head, or ``cosine_eps`` is not a finite number >= 0.

    References
    ----------
    Graves, A., Wayne, G. & Danihelka, I. (2014). Neural Turing Machines. arXiv:1410.5401,
    section 3.3.1, eqs. 5-6.
    Graves, A. et al. (2016). Hybrid computing using a neural network with dynamic external
    memory. Nature 538, 471-476. Methods, "Content-based addressing".
    """
    mem = C.memory(memory)
    k = _key(key, mem.shape[1])
    batched, heads = _heads(k)
    b = C.per_head(beta, "beta", heads)
    C.nonneg(b, "beta")
    e = C.eps(cosine_eps)
    ks = k.reshape(heads, -1)
    out = np.empty((heads, mem.shape[0]))
    for h in range(heads):
        K.content_weighting(mem, ks[h], b[h], e, out[h])
    return out if batched else out[0]


def interpolate(w_content, w_prev, gate) -> np.ndarray:
    """Interpolation gate ``w_g = g w_c + (1 - g) w_prev`` (eq. 7), g in [0, 1].

    Parameters
    ----------
    w_content : (N,) or (H, N) array_like of float
        Content weighting(s); finite.
    w_prev : array_like of float, same shape as ``w_content``
        Weighting(s) of the previous time step; finite.
    gate : float or (H,) array_like, in [0, 1]
        Interpolation gate g (1: content only, 0: previous weighting only); a scalar applies to
        every head.

    Returns
    -------
    numpy.ndarray of float64, same shape as ``w_content``
        The gated weighting(s).

    Raises
    ------
    MemsimError
        If ``w_content`` or ``w_prev`` is not a finite 1-D or 2-D array, their shapes differ, or
        ``gate`` is not finite, outside [0, 1], or neither a scalar nor one value per head.

    References
    ----------
    Graves, A., Wayne, G. & Danihelka, I. (2014). Neural Turing Machines. arXiv:1410.5401,
    section 3.3.2, eq. 7.
    """
    wc = C.float_array(w_content, "w_content", (1, 2))
    wp = C.float_array(w_prev, "w_prev", (1, 2))
    if wc.shape != wp.shape:
        raise MemsimError(f"w_content {wc.shape} and w_prev {wp.shape} must have the same shape")
    heads = wc.shape[0] if wc.ndim == 2 else 1
    g = C.per_head(gate, "gate", heads)
    C.in_range(g, "gate", 0.0, 1.0)
    wc2 = wc.reshape(heads, -1)
    wp2 = wp.reshape(heads, -1)
    out = np.empty_like(wc2)
    for h in range(heads):
        K.interpolate(wc2[h], wp2[h], g[h], out[h])
    return out.reshape(wc.shape)


def circular_shift(w, shift, *, shift_order: str = "-R..R") -> np.ndarray:
    """Rotation by a shift distribution, ``w~(i) = sum_j w(j) s(i - j mod N)`` (eq. 8).

    Parameters
    ----------
    w : (N,) or (H, N) array_like of float
        Weighting(s) to rotate; finite and non-negative.
    shift : (2R+1,) or (H, 2R+1) array_like of float
        Distribution(s) over offsets -R..R (non-negative, summing to 1), ordered as
        ``shift_order`` says; a 1-D shift applies to every head.
    shift_order : {"-R..R", "+R..-R", "roll", "0,+1..,-R..-1"}, default "-R..R"
        Order of the shift entries (the default is the paper's).

    Returns
    -------
    (N,) or (H, N) numpy.ndarray of float64
        The shifted weighting(s), same shape as ``w``.

    Raises
    ------
    MemsimError
        If ``shift_order`` is not an accepted name; ``w`` is not a finite, non-negative 1-D or
        2-D array; or ``shift`` is not a finite 1-D or 2-D array (2-D only with one row per
        head of a 2-D ``w``), has an even length, or is not a distribution (negative entries or
        sums differing from 1 by more than 1e-6).

    Warns
    -----
    MemsimWarning
        If ``shift`` has more offsets (2R+1) than ``w`` has slots.

    References
    ----------
    Graves, A., Wayne, G. & Danihelka, I. (2014). Neural Turing Machines. arXiv:1410.5401,
    section 3.3.2, eq. 8 (location-based addressing, rotational shift).
    """
    C.choice(shift_order, "shift_order", SHIFT_ORDERS)
    wa = C.float_array(w, "w", (1, 2))
    C.nonneg(wa, "w")
    batched = wa.ndim == 2
    heads = wa.shape[0] if batched else 1
    n = wa.shape[-1]
    s = _shift(shift, batched, heads, shift_order, n)
    w2 = wa.reshape(heads, n)
    out = np.empty_like(w2)
    for h in range(heads):
        K.circular_shift(w2[h], s[h], out[h])
    return out if batched else out[0]


def sharpen(w, gamma) -> np.ndarray:
    """Sharpening ``w(i) = w(i)^gamma / sum_j w(j)^gamma`` (eq. 9), gamma >= 1.

    Computed as ``(w / max w)^gamma`` normalised: scale invariant and finite for any finite
    non-negative w (subnormal included) and any finite gamma. An all-zero weighting is returned
    unchanged (all zero), never NaN.

    Parameters
    ----------
    w : (N,) or (H, N) array_like of float
        Weighting(s) to sharpen; finite and non-negative.
    gamma : float or (H,) array_like, >= 1
        Sharpening exponent; a scalar applies to every head.

    Returns
    -------
    numpy.ndarray of float64, same shape as ``w``
        Sharpened distribution(s) (all zero where ``w`` is all zero).

    Raises
    ------
    MemsimError
        If ``w`` is not a finite, non-negative 1-D or 2-D array, or ``gamma`` is not finite,
        smaller than 1, or neither a scalar nor one value per head.

    References
    ----------
    Graves, A., Wayne, G. & Danihelka, I. (2014). Neural Turing Machines. arXiv:1410.5401,
    section 3.3.2, eq. 9.
    """
    wa = C.float_array(w, "w", (1, 2))
    C.nonneg(wa, "w")
    heads = wa.shape[0] if wa.ndim == 2 else 1
    g = C.per_head(gamma, "gamma", heads)
    if g.size and g.min() < 1.0:
        raise MemsimError(f"gamma must be >= 1 (Graves et al. 2014, eq. 9), got {g.min()!r}")
    w2 = wa.reshape(heads, -1)
    out = np.empty_like(w2)
    for h in range(heads):
        K.sharpen(w2[h], g[h], out[h])
    return out.reshape(wa.shape)


def address(
    memory,
    key,
    beta,
    gate,
    shift,
    gamma,
    w_prev,
    *,
    shift_order: str = "-R..R",
    cosine_eps: float = DEFAULT_COSINE_EPS,
) -> np.ndarray:
    """The full NTM addressing mechanism (Graves et al. 2014, section 3.3, eqs. 5-9).

    Content weighting, interpolation with the previous weighting, circular shift, sharpening.

    Parameters
    ----------
    memory : (N, M) array_like of float
        Memory the content stage compares the key with; N >= 1, M >= 1, finite.
    key : (M,) array_like of float, or (H, M) for H heads addressed at once
    beta : float or (H,), >= 0
        Key strength.
    gate : float or (H,), in [0, 1]
        Interpolation gate g (1: content only, 0: previous weighting only).
    shift : (2R+1,) or (H, 2R+1) array_like of float
        Shift distribution over offsets, ordered as ``shift_order`` says (default -R..R).
    gamma : float or (H,), >= 1
        Sharpening exponent.
    w_prev : (N,) or (H, N) array_like of float, non-negative
        Previous weighting (a distribution for NTM heads; all zero is allowed and stays zero
        when the gate is 0).
    shift_order : {"-R..R", "+R..-R", "roll", "0,+1..,-R..-1"}, default "-R..R"
    cosine_eps : float, >= 0, default 1e-6

    Returns
    -------
    (N,) or (H, N) numpy.ndarray of float64
        The weighting, one row per head when ``key`` is 2-D.

    Raises
    ------
    MemsimError
        If any argument is not finite, or: ``shift_order`` is not an accepted name; ``memory``
        is not 2-D with at least one slot and width >= 1; ``key`` is not 1-D or 2-D of length
        M; ``beta`` is negative, ``gate`` outside [0, 1] or ``gamma`` below 1 (or any of them
        neither a scalar nor one value per head); ``shift`` has an even length, is not a
        distribution, or is 2-D without one row per head of a 2-D ``key``; ``w_prev`` does not
        have shape (N,) (or (H, N) for a 2-D key) or has negative entries; ``cosine_eps`` < 0.

    Warns
    -----
    MemsimWarning
        If ``shift`` has more offsets (2R+1) than memory has slots.

    References
    ----------
    Graves, A., Wayne, G. & Danihelka, I. (2014). Neural Turing Machines. arXiv:1410.5401,
    section 3.3, eqs. 5-9.
    """
    C.choice(shift_order, "shift_order", SHIFT_ORDERS)
    mem = C.memory(memory)
    n, m = mem.shape
    k = _key(key, m)
    batched, heads = _heads(k)
    b = C.per_head(beta, "beta", heads)
    C.nonneg(b, "beta")
    g = C.per_head(gate, "gate", heads)
    C.in_range(g, "gate", 0.0, 1.0)
    gm = C.per_head(gamma, "gamma", heads)
    if gm.min() < 1.0:
        raise MemsimError(f"gamma must be >= 1 (Graves et al. 2014, eq. 9), got {gm.min()!r}")
    s = _shift(shift, batched, heads, shift_order, n)
    wp = _weights("w_prev", w_prev, n, batched, heads)
    e = C.eps(cosine_eps)
    out = np.empty((heads, n))
    K.address_heads(
        mem,
        np.ascontiguousarray(k.reshape(heads, m)),
        b,
        g,
        s,
        gm,
        np.ascontiguousarray(wp),
        e,
        out,
    )
    return out if batched else out[0]

"""Numba kernels for dense associative memory (Krotov & Hopfield 2016; Demircigil et al. 2017).

Private module: the public functions in :mod:`memsim.hopfield.dense` validate and allocate; these
kernels compute and never validate (stumpy style).

Every kernel keeps, for each cue, the P overlaps ``m_mu = xi^mu . s`` (int64) and updates them in
O(P) when a neuron flips. The exact update of neuron i (Krotov & Hopfield 2016) is

    s_i <- sgn( sum_mu [ F(xi_i^mu + h_mu) - F(-xi_i^mu + h_mu) ] ),   h_mu = m_mu - xi_i^mu s_i.

Because ``xi_i^mu`` and ``s_i`` are +-1, each term depends on ``t = xi_i^mu s_i`` only through
``F(m + 1 - t) - F(m - 1 - t)``; writing it as an even and an odd part in ``xi_i^mu`` gives, for
every interaction F,

    2 drive_i = sum_mu xi_i^mu A(m_mu) - s_i sum_mu B(m_mu),
    A(m) = F(m + 2) - F(m - 2),   B(m) = F(m + 2) - 2 F(m) + F(m - 2).

So a neuron check is one dot product of the int8 row ``xi_i`` with the vector ``g_mu = A(m_mu)``
minus ``s_i G`` with ``G = sum_mu B(m_mu)``; ``g`` and ``G`` change only when a neuron flips and
are then refilled from tables indexed by the integer overlap (O(P), like the overlap update).
The check is a single vectorised multiply-add per pattern, whatever the interaction.

* Polynomial and rectified F: ``tab_a[m + N] = A(m)``, ``tab_b[m + N] = B(m)`` are exact integers,
  held as float64 when every partial sum of the drive is below 2^53 (exact in any summation
  order, and the fastest), as int64 when below 2^62, and beyond that as float64 scaled by a
  common power of two (approximate; the sign is all that matters).
* Exponential ``F(x) = exp(x)``: ``A(m) = 2 sinh(2) e^m`` and ``B(m) = 2 (cosh(2) - 1) e^m``, so
  ``drive ~ sum_mu xi_i^mu e^(m_mu - a) - s_i tanh(1) sum_mu e^(m_mu - a)`` with the
  log-sum-exp shift ``a = max_mu m_mu`` (nothing overflows, whatever N). ``a - m`` is an integer
  in 0..2N, so ``e^(m - a)`` comes from ``tab_a[k] = exp(-k)``; ``tab_b[0] = tanh(1)``.

sgn(0) keeps the current state (memsim convention).
"""

from __future__ import annotations

import numpy as np
from numba import prange

from memsim._jit import jit, pjit
from memsim._rng import shuffle
from memsim.hopfield._common_kernels import sgn_keep as _decide

POLYNOMIAL = 0
RECTIFIED = 1
EXPONENTIAL = 2

#: how the drive vector is refilled (chosen by :func:`memsim.hopfield.dense._tables`)
HORNER = 0  # polynomial F, exact: A and B evaluated by Horner's rule (vectorised)
RECT_HORNER = 1  # rectified F, exact: Horner plus the three tabulated values near m = 0
TABLE = 2  # polynomial kinds beyond 2^62: scaled float64 tables, gathered by overlap
EXP_MUL = 3  # exponential F: multiplicative updates, resynchronised from the table
#: exponential kind: g is refilled from the exact table after this many flips. Between refills
#: an exponent moves by at most 4 per flip (m up 2, max down 2), so a term that was below
#: e^-700 (underflow) at the last refill stays below e^-100 -- far beneath the float64
#: resolution of the drive -- and g stays below e^600 (no overflow).
EXP_RESYNC = 150

FIXED_POINT = 0
CYCLE = 1
LIMIT = 2


@jit(fastmath=True)
def _dot(row, g):
    """sum_mu row[mu] g[mu] (int8 row). fastmath lets it vectorise; exact for integer-valued
    float64 below 2^53 and for int64, and deterministic (independent of the thread count)."""
    acc = g[0] - g[0]
    for mu in range(g.shape[0]):
        acc += row[mu] * g[mu]
    return acc


@jit
def _vmax(m):
    a = m[0]
    for mu in range(1, m.shape[0]):
        if m[mu] > a:
            a = m[mu]
    return a


@jit(fastmath=True)
def _horner(coef, r, m, out):
    """out[mu] = sum_j coef[r, j] m_mu^j, one vectorised pass per coefficient (any degree).

    The coefficients of A and B are non-negative, so every partial value is bounded by the
    polynomial at |m| <= N: exact for integer-valued float64 below 2^53 and for int64.
    """
    deg = coef.shape[1] - 1
    c = coef[r, deg]
    for mu in range(m.shape[0]):
        out[mu] = c
    for j in range(deg - 1, -1, -1):
        c = coef[r, j]
        for mu in range(m.shape[0]):
            out[mu] = out[mu] * m[mu] + c


@jit(fastmath=True)
def _poly_fill(coef, m, g, w):
    """g = A(m), return G = sum B(m): one fused vectorised pass for n <= 5 (the usual orders),
    :func:`_horner` passes otherwise. Same exactness argument as :func:`_horner`."""
    n = coef.shape[1]
    tot = coef[1, 0] - coef[1, 0]
    if n == 2:
        a0, a1, b0 = coef[0, 0], coef[0, 1], coef[1, 0]
        for mu in range(m.shape[0]):
            g[mu] = a1 * m[mu] + a0
        return b0 * m.shape[0]
    if n == 3:
        a0, a2, b1 = coef[0, 0], coef[0, 2], coef[1, 1]
        for mu in range(m.shape[0]):
            x = m[mu]
            g[mu] = a2 * x * x + a0
            tot += b1 * x
        return tot
    if n == 4:
        a1, a3, b0, b2 = coef[0, 1], coef[0, 3], coef[1, 0], coef[1, 2]
        for mu in range(m.shape[0]):
            x = m[mu]
            x2 = x * x
            g[mu] = (a3 * x2 + a1) * x
            tot += b2 * x2 + b0
        return tot
    if n == 5:
        a0, a2, a4, b1, b3 = coef[0, 0], coef[0, 2], coef[0, 4], coef[1, 1], coef[1, 3]
        for mu in range(m.shape[0]):
            x = m[mu]
            x2 = x * x
            g[mu] = (a4 * x2 + a2) * x2 + a0
            tot += (b3 * x2 + b1) * x
        return tot
    _horner(coef, 0, m, g)
    _horner(coef, 1, m, w)
    return _sum(w)


@jit(fastmath=True)
def _sum(v):
    acc = v[0] - v[0]
    for mu in range(v.shape[0]):
        acc += v[mu]
    return acc


@jit(fastmath=True)
def _rectify(tab_a, tab_b, big_n, m, g, w):
    """Rectified F: A and B equal the polynomial ones for m >= 2, vanish for m <= -2, and take
    the tabulated values at m = -1, 0, 1."""
    a_m, a_0, a_p = tab_a[big_n - 1], tab_a[big_n], tab_a[big_n + 1]
    b_m, b_0, b_p = tab_b[big_n - 1], tab_b[big_n], tab_b[big_n + 1]
    zero = a_0 - a_0
    for mu in range(m.shape[0]):
        x = m[mu]
        if x < 2:
            g[mu] = a_p if x == 1 else (a_0 if x == 0 else (a_m if x == -1 else zero))
            w[mu] = b_p if x == 1 else (b_0 if x == 0 else (b_m if x == -1 else zero))


@jit(fastmath=True)
def _refill(method, tab_a, tab_b, coef, big_n, m, g, w):
    """Set g[mu] = A(m_mu) from the overlaps and return G = sum_mu B(m_mu) (module doc).

    Exponential: ``g = exp(m - a)`` with ``a = max m`` from the table and ``G = tanh(1) sum g``.
    """
    if method == EXP_MUL:
        a = _vmax(m)
        tot = tab_b[0] - tab_b[0]
        for mu in range(m.shape[0]):
            v = tab_a[a - m[mu]]
            g[mu] = v
            tot += v
        return tot * tab_b[0]
    if method == TABLE:
        tot = tab_b[0] - tab_b[0]
        for mu in range(m.shape[0]):
            j = m[mu] + big_n
            g[mu] = tab_a[j]
            tot += tab_b[j]
        return tot
    if method == HORNER:
        return _poly_fill(coef, m, g, w)
    _horner(coef, 0, m, g)
    _horner(coef, 1, m, w)
    _rectify(tab_a, tab_b, big_n, m, g, w)
    return _sum(w)


@jit(fastmath=True)
def _exp_flip(tab_b, row, new, m, g):
    """Exponential kind after neuron i flips to ``new``: m += 2 new xi_i and g *= e^(+-2)
    elementwise (no table gather); returns the new G."""
    up = tab_b[1]
    down = tab_b[2]
    tot = up - up
    if new > 0:
        for mu in range(m.shape[0]):
            r = row[mu]
            m[mu] += 2 * r
            v = g[mu] * (up if r > 0 else down)
            g[mu] = v
            tot += v
    else:
        for mu in range(m.shape[0]):
            r = row[mu]
            m[mu] -= 2 * r
            v = g[mu] * (down if r > 0 else up)
            g[mu] = v
            tot += v
    return tot * tab_b[0]


@jit
def _fval(kind, n, x):
    """F(x) as float64 (energy only)."""
    xf = np.float64(x)
    if kind == EXPONENTIAL:
        return np.exp(xf)
    if kind == RECTIFIED and xf <= 0.0:
        return 0.0
    r = 1.0
    for _ in range(n):
        r *= xf
    return r


@jit
def _energy_parts(kind, n, m):
    """Return (E, log(-E)) for overlaps m; E = -sum_mu F(m_mu).

    For the exponential kind ``log(-E) = lse(m)`` is computed with a max shift (finite for any N);
    ``E = -exp(lse)`` may overflow to -inf. For the polynomial kinds log(-E) is NaN unless -E > 0.
    """
    p = m.shape[0]
    if kind == EXPONENTIAL:
        a = np.float64(_vmax(m))
        s = 0.0
        for mu in range(p):
            s += np.exp(m[mu] - a)
        lg = a + np.log(s)
        return -np.exp(lg), lg
    tot = 0.0
    for mu in range(p):
        tot += _fval(kind, n, m[mu])
    if tot > 0.0:
        return -tot, np.log(tot)
    return -tot, np.nan


@jit
def _record(kind, n_pow, m, energy, logneg, k):
    """Store E and log(-E) of the overlaps ``m`` as entry ``k`` of ``energy`` and ``logneg``."""
    energy[k], logneg[k] = _energy_parts(kind, n_pow, m)


@jit
def _overlaps(xiT, s, m):
    """m[mu] = sum_i xi_i^mu s_i (xiT is N x P)."""
    n, p = xiT.shape
    for mu in range(p):
        m[mu] = 0
    for i in range(n):
        row = xiT[i]
        if s[i] > 0:
            for mu in range(p):
                m[mu] += row[mu]
        else:
            for mu in range(p):
                m[mu] -= row[mu]


@jit
def _flip(xiT, m, i, new):
    row = xiT[i]
    if new > 0:
        for mu in range(m.shape[0]):
            m[mu] += 2 * row[mu]
    else:
        for mu in range(m.shape[0]):
            m[mu] -= 2 * row[mu]


@jit
def _async_one(net, s, m, gw, order, random_order, max_sweeps, rng, energy, logneg, flips_out):
    """Asynchronous sweeps for one cue; returns (sweeps used, stop code).

    ``m`` (length P, int64) receives the overlaps ``xi^mu . s``; ``gw`` is (2, P) scratch for the
    drive vector g and the B values.

    Update order: ``order`` starts as 0..N-1; with ``random_order`` it is shuffled in place at the
    start of every sweep with the cue's own xoshiro256** stream (the same protocol as the
    classical engine, so n = 2 reproduces it update for update).
    """
    kind, n_pow, method, tab_a, tab_b, coef, xiT = net
    n = s.shape[0]
    g = gw[0]
    w = gw[1]
    _overlaps(xiT, s, m)
    _record(kind, n_pow, m, energy, logneg, 0)
    big_g = _refill(method, tab_a, tab_b, coef, n, m, g, w)
    since = 0
    for sweep in range(max_sweeps):
        if random_order:
            shuffle(rng, order)
        flips = 0
        for k in range(n):
            i = order[k]
            old = s[i]
            new = _decide(_dot(xiT[i], g) - old * big_g, old)
            if new != old:
                s[i] = new
                flips += 1
                if method == EXP_MUL:
                    since += 1
                    if since < EXP_RESYNC:
                        big_g = _exp_flip(tab_b, xiT[i], new, m, g)
                        continue
                    since = 0
                _flip(xiT, m, i, new)
                big_g = _refill(method, tab_a, tab_b, coef, n, m, g, w)
        _record(kind, n_pow, m, energy, logneg, sweep + 1)
        flips_out[sweep] = flips
        if flips == 0:
            return sweep + 1, FIXED_POINT
    return max_sweeps, LIMIT


@jit
def _scratch(net, M):
    """The (2, P) scratch of one cue: drive vector g and the B values (dtype of ``coef``)."""
    return np.empty((2, M.shape[1]), dtype=net[5].dtype)


@jit
def _async_cue(b, net, S, M, gw, random_order, max_sweeps, rngs, out):
    """Asynchronous run of cue ``b`` of a batch: the body of :func:`async_batch` and its serial
    twin. ``net`` and ``out`` are the tuples described in :func:`async_batch`."""
    energy, logneg, flips, sweeps, stop = out
    order = np.arange(S.shape[1])
    sweeps[b], stop[b] = _async_one(net, S[b], M[b], gw, order, random_order, max_sweeps, rngs[b],
                                    energy[b], logneg[b], flips[b])  # fmt: skip


@pjit
def async_batch(net, S, M, random_order, max_sweeps, rngs, out):
    """Asynchronous dynamics for a batch of cues, parallel over cues (each its own stream).

    ``net`` is ``(kind, n_pow, method, tab_a, tab_b, coef, xiT)`` (the interaction, its tables
    and the N x P patterns), ``S`` (B, N) the states (updated in place), ``M`` (B, P) int64 the
    overlaps, ``rngs`` one stream state per cue and ``out`` the outputs ``(energy, logneg,
    flips, sweeps, stop)``, shapes (B, max_sweeps + 1) twice, (B, max_sweeps), (B,), (B,).
    """
    for b in prange(S.shape[0]):
        _async_cue(b, net, S, M, _scratch(net, M), random_order, max_sweeps, rngs, out)


@jit
def async_batch_serial(net, S, M, random_order, max_sweeps, rngs, out):
    """Serial twin of :func:`async_batch` (small batches: no fork-join cost; one scratch)."""
    gw = _scratch(net, M)
    for b in range(S.shape[0]):
        _async_cue(b, net, S, M, gw, random_order, max_sweeps, rngs, out)


@jit
def _sync_one(net, s, m, gw, max_sweeps, energy, logneg, flips_out, new, prev):
    """Synchronous (parallel) updates for one cue; detects fixed points and 2-cycles.

    ``m`` (length P, int64) receives the overlaps; ``gw`` is (2, P) scratch.
    """
    kind, n_pow, method, tab_a, tab_b, coef, xiT = net
    n = s.shape[0]
    _overlaps(xiT, s, m)
    _record(kind, n_pow, m, energy, logneg, 0)
    for i in range(n):
        prev[i] = s[i]
    for sweep in range(max_sweeps):
        big_g = _refill(method, tab_a, tab_b, coef, n, m, gw[0], gw[1])
        for i in range(n):
            new[i] = _decide(_dot(xiT[i], gw[0]) - s[i] * big_g, s[i])
        flips = 0
        cycle = sweep > 0
        for i in range(n):
            if new[i] != prev[i]:
                cycle = False
        for i in range(n):
            prev[i] = s[i]
            if new[i] != s[i]:
                flips += 1
                s[i] = new[i]
                _flip(xiT, m, i, new[i])
        _record(kind, n_pow, m, energy, logneg, sweep + 1)
        flips_out[sweep] = flips
        if flips == 0:
            return sweep + 1, FIXED_POINT
        if cycle:
            return sweep + 1, CYCLE
    return max_sweeps, LIMIT


@jit
def _sync_cue(b, net, S, M, gw, new, prev, max_sweeps, out):
    """Synchronous run of cue ``b`` of a batch: the body of :func:`sync_batch` and its serial
    twin (``new``, ``prev``: length-N scratch)."""
    energy, logneg, flips, sweeps, stop = out
    sweeps[b], stop[b] = _sync_one(net, S[b], M[b], gw, max_sweeps, energy[b], logneg[b],
                                   flips[b], new, prev)  # fmt: skip


@pjit
def sync_batch(net, S, M, max_sweeps, out):
    """Synchronous dynamics for a batch of cues, parallel over cues (arguments as in
    :func:`async_batch`)."""
    n = S.shape[1]
    for b in prange(S.shape[0]):
        new = np.empty(n, dtype=S.dtype)
        prev = np.empty(n, dtype=S.dtype)
        _sync_cue(b, net, S, M, _scratch(net, M), new, prev, max_sweeps, out)


@jit
def sync_batch_serial(net, S, M, max_sweeps, out):
    """Serial twin of :func:`sync_batch` (one set of scratch arrays)."""
    new = np.empty(S.shape[1], dtype=S.dtype)
    prev = np.empty_like(new)
    gw = _scratch(net, M)
    for b in range(S.shape[0]):
        _sync_cue(b, net, S, M, gw, new, prev, max_sweeps, out)


@pjit
def energy_batch(kind, n_pow, xiT, S, M, energy, logneg):
    """Energy E = -sum_mu F(xi^mu . s) and log(-E) for each row of S."""
    for b in prange(S.shape[0]):
        _overlaps(xiT, S[b], M[b])
        energy[b], logneg[b] = _energy_parts(kind, n_pow, M[b])


@pjit
def unstable_batch(method, tab_a, tab_b, coef, xiT, S, M, out):
    """out[b] = number of neurons the update rule would flip in state S[b] (one-step check)."""
    n = S.shape[1]
    for b in prange(S.shape[0]):
        s = S[b]
        m = M[b]
        gw = np.empty((2, m.shape[0]), dtype=coef.dtype)
        _overlaps(xiT, s, m)
        big_g = _refill(method, tab_a, tab_b, coef, n, m, gw[0], gw[1])
        cnt = 0
        for i in range(n):
            if _decide(_dot(xiT[i], gw[0]) - s[i] * big_g, s[i]) != s[i]:
                cnt += 1
        out[b] = cnt

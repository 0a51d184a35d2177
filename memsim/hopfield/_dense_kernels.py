"""Numba kernels for dense associative memory (Krotov & Hopfield 2016; Demircigil et al. 2017).

Private module: the public functions in :mod:`memsim.hopfield.dense` validate and allocate; these
kernels compute and never validate (stumpy style).

Every kernel keeps, for each cue, the P overlaps ``m_mu = xi^mu . s`` and updates them in O(P)
when a neuron flips. The exact update of neuron i (THEORY.md section 2) is

    s_i <- sgn( sum_mu [ F(xi_i^mu + h_mu) - F(-xi_i^mu + h_mu) ] ),   h_mu = m_mu - xi_i^mu s_i,

and because ``xi_i^mu = +-1`` each term equals ``xi_i^mu D(h_mu)`` with
``D(h) = F(h + 1) - F(h - 1)``. A neuron check therefore costs O(P).

* Polynomial ``F(x) = x^n``: ``D(h) = 2 sum_{k odd} C(n, k) h^(n-k)``, a polynomial of degree
  n - 1 with coefficients ``cpoly`` (index = power of h), evaluated by Horner's rule. No
  cancellation between two large powers.
* Rectified ``F(x) = max(x, 0)^n``: overlaps are integers, so ``D(h)`` is the polynomial value for
  ``h >= 1``, ``F(1) - F(-1) = 1`` for ``h = 0`` and 0 for ``h <= -1``.
* Exponential ``F(x) = exp(x)``: the sign of ``sum_mu xi_i^mu exp(h_mu)`` is computed as the sign of
  ``sum_mu xi_i^mu exp(h_mu - A)`` with ``A = max_mu m_mu + 1 >= max_mu h_mu`` (log-sum-exp
  shift), so nothing overflows whatever N; at least one term is >= exp(-2). ``A - h_mu`` is an
  integer in 0..2N+1, so ``exp(-(A - h))`` comes from a table ``exptab[k] = exp(-k)`` (correctly
  rounded values, no libm call in the loop).

The overlap array decides the arithmetic. The public function picks float64 when every value
is an integer below 2^53 (exact, and the fastest: vectorised fused multiply-adds), int64 when
below 2^62 (exact), and float64 beyond that (approximate, documented). sgn(0) keeps the
current state (memsim convention).
"""

from __future__ import annotations

import numpy as np
from numba import prange

from memsim._jit import jit, pjit
from memsim._rng import shuffle

POLYNOMIAL = 0
RECTIFIED = 1
EXPONENTIAL = 2

FIXED_POINT = 0
CYCLE = 1
LIMIT = 2


@jit(fastmath=True)
def _drive_exp(xcol, m, si, mmax, exptab):
    """sum_mu xi_i^mu exp(h_mu - A), A = max(m) + 1; exp of the integer A - h from a table.

    fastmath lets the sum vectorise: the summation order (fixed for a given build, independent
    of the thread count) differs from a left-to-right loop, which can only matter for drives
    within rounding of zero.
    """
    a = mmax + 1
    acc = 0.0
    for mu in range(xcol.shape[0]):
        x = np.int64(xcol[mu])
        h = m[mu] - x * si
        acc += x * exptab[np.int64(a - h)]
    return acc


@jit(fastmath=True)
def _drive_plain(xcol, m, si, cpoly):
    """sum_mu xi_i^mu D(h_mu) for F(x) = x^n: branch-free inner loops by degree of D.

    fastmath lets float64 sums vectorise; the caller uses float64 only where every partial sum
    is an integer below 2^53 (exact in any order) or where it has opted into approximate sums.
    """
    p = xcol.shape[0]
    deg = cpoly.shape[0] - 1
    one = cpoly[0] - cpoly[0] + 1
    acc = one - one
    c0 = cpoly[0]
    if deg == 1:
        c1 = cpoly[1]
        for mu in range(p):
            x = xcol[mu] * one
            h = m[mu] - x * si
            acc += x * (c1 * h + c0)
    elif deg == 2:
        c1 = cpoly[1]
        c2 = cpoly[2]
        for mu in range(p):
            x = xcol[mu] * one
            h = m[mu] - x * si
            acc += x * ((c2 * h + c1) * h + c0)
    elif deg == 3:
        c1 = cpoly[1]
        c2 = cpoly[2]
        c3 = cpoly[3]
        for mu in range(p):
            x = xcol[mu] * one
            h = m[mu] - x * si
            acc += x * (((c3 * h + c2) * h + c1) * h + c0)
    else:
        for mu in range(p):
            x = xcol[mu] * one
            h = m[mu] - x * si
            d = cpoly[deg]
            for j in range(deg - 1, -1, -1):
                d = d * h + cpoly[j]
            acc += x * d
    return acc


@jit(fastmath=True)
def _drive_rectified(xcol, m, si, cpoly):
    """Same for F(x) = max(x, 0)^n: D(h) = polynomial for h >= 1, 1 at h = 0, 0 for h <= -1."""
    p = xcol.shape[0]
    deg = cpoly.shape[0] - 1
    one = cpoly[0] - cpoly[0] + 1
    zero = one - one
    acc = zero
    for mu in range(p):
        x = xcol[mu] * one
        h = m[mu] - x * si
        d = cpoly[deg]
        for j in range(deg - 1, -1, -1):
            d = d * h + cpoly[j]
        acc += x * (d if h >= 1 else (one if h == 0 else zero))
    return acc


@jit
def _delta(kind, cpoly, xcol, m, si, mmax, exptab):
    """Update drive of one neuron: >0 means set +1, <0 set -1, 0 keep (sign only matters).

    ``xcol[mu] = xi_i^mu`` (int8), ``m`` the overlaps with the current state, ``si`` the current
    state of the neuron, ``mmax = max(m)`` and ``exptab[k] = exp(-k)`` (exponential kind only).
    """
    if kind == EXPONENTIAL:
        return _drive_exp(xcol, m, si, mmax, exptab)
    if kind == RECTIFIED:
        d = _drive_rectified(xcol, m, si, cpoly)
    else:
        d = _drive_plain(xcol, m, si, cpoly)
    if d > 0:
        return 1.0
    if d < 0:
        return -1.0
    return 0.0


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
        a = np.float64(m[0])
        for mu in range(1, p):
            if m[mu] > a:
                a = np.float64(m[mu])
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
def _overlaps(xiT, s, m):
    """m[mu] = sum_i xi_i^mu s_i (xiT is N x P)."""
    n, p = xiT.shape
    for mu in range(p):
        m[mu] = m[mu] - m[mu]
    for i in range(n):
        row = xiT[i]
        if s[i] > 0:
            for mu in range(p):
                m[mu] += row[mu]
        else:
            for mu in range(p):
                m[mu] -= row[mu]


@jit
def _vmax(m):
    a = m[0]
    for mu in range(1, m.shape[0]):
        if m[mu] > a:
            a = m[mu]
    return a


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
def _async_one(
    kind,
    n_pow,
    cpoly,
    exptab,
    xiT,
    s,
    m,
    order,
    random_order,
    max_sweeps,
    rng,
    energy,
    logneg,
    flips_out,
):
    """Asynchronous sweeps for one cue; returns (sweeps used, stop code).

    ``m`` must hold the overlaps ``xi^mu . s`` of the cue on entry (the caller computes them for
    the whole batch with one matrix product).

    Update order: ``order`` starts as 0..N-1; with ``random_order`` it is shuffled in place at the
    start of every sweep with the cue's own xoshiro256** stream (the same protocol as the
    classical engine, so n = 2 reproduces it update for update).
    """
    n = s.shape[0]
    e, lg = _energy_parts(kind, n_pow, m)
    energy[0] = e
    logneg[0] = lg
    is_exp = kind == EXPONENTIAL
    mmax = _vmax(m) if is_exp else m[0] - m[0]
    for sweep in range(max_sweeps):
        if random_order:
            shuffle(rng, order)
        flips = 0
        for k in range(n):
            i = order[k]
            old = s[i]
            d = _delta(kind, cpoly, xiT[i], m, old, mmax, exptab)
            if d > 0:
                new = 1
            elif d < 0:
                new = -1
            else:
                new = old
            if new != old:
                s[i] = new
                flips += 1
                _flip(xiT, m, i, new)
                if is_exp:
                    mmax = _vmax(m)
        e, lg = _energy_parts(kind, n_pow, m)
        energy[sweep + 1] = e
        logneg[sweep + 1] = lg
        flips_out[sweep] = flips
        if flips == 0:
            return sweep + 1, FIXED_POINT
    return max_sweeps, LIMIT


@pjit
def async_batch(
    kind,
    n_pow,
    cpoly,
    exptab,
    xiT,
    S,
    M,
    random_order,
    max_sweeps,
    rngs,
    energy,
    logneg,
    flips,
    sweeps,
    stop,
):
    """Asynchronous dynamics for a batch of cues, parallel over cues (each its own stream)."""
    b_count, n = S.shape
    for b in prange(b_count):
        order = np.arange(n)
        nsw, code = _async_one(
            kind,
            n_pow,
            cpoly,
            exptab,
            xiT,
            S[b],
            M[b],
            order,
            random_order,
            max_sweeps,
            rngs[b],
            energy[b],
            logneg[b],
            flips[b],
        )
        sweeps[b] = nsw
        stop[b] = code


@jit
def async_batch_serial(
    kind,
    n_pow,
    cpoly,
    exptab,
    xiT,
    S,
    M,
    random_order,
    max_sweeps,
    rngs,
    energy,
    logneg,
    flips,
    sweeps,
    stop,
):
    """Serial twin of :func:`async_batch` (small batches: no fork-join cost)."""
    b_count, n = S.shape
    for b in range(b_count):
        order = np.arange(n)
        nsw, code = _async_one(
            kind,
            n_pow,
            cpoly,
            exptab,
            xiT,
            S[b],
            M[b],
            order,
            random_order,
            max_sweeps,
            rngs[b],
            energy[b],
            logneg[b],
            flips[b],
        )
        sweeps[b] = nsw
        stop[b] = code


@jit
def _sync_one(
    kind, n_pow, cpoly, exptab, xiT, s, m, max_sweeps, energy, logneg, flips_out, new, prev
):
    """Synchronous (parallel) updates for one cue; detects fixed points and 2-cycles.

    ``m`` must hold the overlaps of the cue on entry.
    """
    n = s.shape[0]
    e, lg = _energy_parts(kind, n_pow, m)
    energy[0] = e
    logneg[0] = lg
    is_exp = kind == EXPONENTIAL
    for i in range(n):
        prev[i] = s[i]
    for sweep in range(max_sweeps):
        mmax = _vmax(m) if is_exp else m[0] - m[0]
        for i in range(n):
            d = _delta(kind, cpoly, xiT[i], m, s[i], mmax, exptab)
            if d > 0:
                new[i] = 1
            elif d < 0:
                new[i] = -1
            else:
                new[i] = s[i]
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
        e, lg = _energy_parts(kind, n_pow, m)
        energy[sweep + 1] = e
        logneg[sweep + 1] = lg
        flips_out[sweep] = flips
        if flips == 0:
            return sweep + 1, FIXED_POINT
        if cycle:
            return sweep + 1, CYCLE
    return max_sweeps, LIMIT


@pjit
def sync_batch(
    kind, n_pow, cpoly, exptab, xiT, S, M, max_sweeps, energy, logneg, flips, sweeps, stop
):
    """Synchronous dynamics for a batch of cues, parallel over cues."""
    b_count, n = S.shape
    for b in prange(b_count):
        new = np.empty(n, dtype=S.dtype)
        prev = np.empty(n, dtype=S.dtype)
        nsw, code = _sync_one(
            kind,
            n_pow,
            cpoly,
            exptab,
            xiT,
            S[b],
            M[b],
            max_sweeps,
            energy[b],
            logneg[b],
            flips[b],
            new,
            prev,
        )
        sweeps[b] = nsw
        stop[b] = code


@jit
def sync_batch_serial(
    kind, n_pow, cpoly, exptab, xiT, S, M, max_sweeps, energy, logneg, flips, sweeps, stop
):
    """Serial twin of :func:`sync_batch`."""
    b_count, n = S.shape
    for b in range(b_count):
        new = np.empty(n, dtype=S.dtype)
        prev = np.empty(n, dtype=S.dtype)
        nsw, code = _sync_one(
            kind,
            n_pow,
            cpoly,
            exptab,
            xiT,
            S[b],
            M[b],
            max_sweeps,
            energy[b],
            logneg[b],
            flips[b],
            new,
            prev,
        )
        sweeps[b] = nsw
        stop[b] = code


@pjit
def energy_batch(kind, n_pow, xiT, S, M, energy, logneg):
    """Energy E = -sum_mu F(xi^mu . s) and log(-E) for each row of S."""
    for b in prange(S.shape[0]):
        _overlaps(xiT, S[b], M[b])
        e, lg = _energy_parts(kind, n_pow, M[b])
        energy[b] = e
        logneg[b] = lg


@pjit
def unstable_batch(kind, cpoly, exptab, xiT, S, M, out):
    """out[b] = number of neurons the update rule would flip in state S[b] (one-step check)."""
    n = S.shape[1]
    for b in prange(S.shape[0]):
        s = S[b]
        m = M[b]
        _overlaps(xiT, s, m)
        mmax = _vmax(m) if kind == EXPONENTIAL else m[0] - m[0]
        cnt = 0
        for i in range(n):
            d = _delta(kind, cpoly, xiT[i], m, s[i], mmax, exptab)
            if (d > 0 and s[i] < 0) or (d < 0 and s[i] > 0):
                cnt += 1
        out[b] = cnt

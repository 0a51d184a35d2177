"""Numba kernels for classical Hopfield dynamics.

Kernels compute and never validate; :mod:`memsim.hopfield.classical` validates and allocates.

Fields are kept incrementally (Hertz, Krogh & Palmer 1991, ch. 2): checking a
neuron costs O(1), a flip of neuron j costs O(N) (``h += 2 s_j_new W[:, j]``) and changes the
energy by ``-2 s_j_new (h_j - W_jj s_j_old - theta_j)``, so energy traces cost nothing extra.

``J`` holds the couplings in *integer units* when the weights are integer multiples of ``1/scale``
(Hebbian: ``J = N W`` exactly), so fields are exact integers and the dynamics are bit-exact and
independent of summation order; for real-valued rules ``J = W`` and ``scale = 1``. Columns are read
as rows (``J[j]``), which is the same thing for symmetric couplings; callers pass ``J.T`` for
non-symmetric couplings.

sgn(0) convention: a neuron whose field equals its threshold keeps its current state.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from memsim._jit import jit, pjit
from memsim._rng import shuffle, uniform

# stop reasons (codes stored in the result; names in classical.STOP_REASONS)
FIXED_POINT = 0
CYCLE = 1
LIMIT = 2


@jit(fastmath=True)
def _lowrank_field(xiT, i, m, p, s_i):
    """h_i = sum_mu xi_i^mu m_mu - P s_i (Hebbian, J = Xi^T Xi - P I, in integer units).

    ``m`` holds the P overlaps (unnormalised, exact integers) in the arithmetic type (float32
    while N P < 2**24, else float64), ``xiT`` (N, P') the transposed patterns in the same
    type (or int8); ``P' >= P`` columns, the extra ones zero in ``xiT`` and ``m`` (padding to
    a multiple of the SIMD width, so the loop has no scalar tail). Every partial sum is an
    integer of magnitude <= N P, so reassociation (SIMD) cannot change the result. (Row i is
    indexed in place: a view ``xiT[i]`` would cost reference-count updates per check.)
    """
    acc = m[0] - m[0]
    for mu in range(m.shape[0]):
        acc += xiT[i, mu] * m[mu]
    return acc - p * s_i


@jit
def _stable_until(hi, old, theta_i, step, inv_step, epoch):
    """The flip count up to which a neuron in state ``old`` with exact field ``hi`` (integer
    units) and threshold ``theta_i`` is known to keep its state, or -1 if it would flip now.

    Each later flip of another neuron changes the field by at most ``step`` (= 2 P for Hebbian
    couplings: 2 |J_ij| <= 2 P), so after k more flips the field lies between
    ``hi - step k`` and ``hi + step k``. The neuron keeps its state while
    ``old (hi - old step k - theta_i) >= 0``: ``hi - old step k`` is an exact integer and
    rounding ``x -> fl(x - theta_i)`` is monotone, so this bounds the test the dynamics will
    make, ``old fl(h - theta_i) >= 0``, rigorously. Returns ``epoch + k`` for a valid k
    (the largest, or one less when the margin is an exact multiple of ``step``).
    """
    margin = old * hi  # an exact integer
    if theta_i == 0.0:
        if margin < 0:
            return -1
        # k <= margin / step: ``inv_step`` is 1 / step shrunk by 2**-40, so the rounded
        # product stays below the true quotient
        return epoch + int(margin * inv_step)
    if old * (hi - theta_i) < 0:
        return -1
    k = int(old * (hi - theta_i) * inv_step)  # close to the answer; the loops make it exact
    while k > 0 and old * (hi - old * step * k - theta_i) < 0:
        k -= 1
    while old * (hi - old * step * (k + 1) - theta_i) >= 0:
        k += 1
    return epoch + k


@jit(fastmath=True)
def _lowrank_all_fields(xi, m, s, h):
    """All N low-rank fields at once, ``h = Xi^T m - P s``, four patterns per pass over N
    (exact: every partial sum is an integer of magnitude <= N P, see :func:`_init_pair`)."""
    p, n = xi.shape
    q = p - p % 4
    for j in range(n):
        h[j] = -p * s[j]
    for mu in range(0, q, 4):
        c0, c1, c2, c3 = m[mu], m[mu + 1], m[mu + 2], m[mu + 3]
        for j in range(n):
            h[j] += c0 * xi[mu, j] + c1 * xi[mu + 1, j] + c2 * xi[mu + 2, j] + c3 * xi[mu + 3, j]
    for mu in range(q, p):
        _add_row(h, xi, mu, m[mu])


@jit
def _lowrank_refresh(xi, m, s, h, theta_s, zero_theta, step, inv_step, until, epoch):
    """All N low-rank fields (:func:`_lowrank_all_fields`, P N multiply-adds in passes over
    N, faster than N separate checks) and from them each neuron's :func:`_stable_until`."""
    _lowrank_all_fields(xi, m, s, h)
    if zero_theta:
        for j in range(h.shape[0]):
            margin = s[j] * h[j]
            until[j] = epoch + int(margin * inv_step) if margin >= 0 else -1
    else:
        for j in range(h.shape[0]):
            until[j] = _stable_until(h[j], s[j], theta_s[j], step, inv_step, epoch)


@jit(fastmath=True)
def _lowrank_flip(xiT, i, m, d):
    """m_mu += d xi_i^mu (a flip of neuron i changes every overlap by 2 s_i_new xi_i^mu)."""
    for mu in range(m.shape[0]):
        m[mu] += d * xiT[i, mu]


@jit(fastmath=True)
def _add_row(h, J, i, d):
    """h += d * J[i]: one branch-free loop over contiguous memory (vectorised: float32 or
    integer fields, int16/float rows; row i is indexed in place, no view). Exact: every
    value is an integer (or the float64 arithmetic of a real-valued rule, whose element-wise
    update has no reassociation)."""
    for j in range(h.shape[0]):
        h[j] += d * J[i, j]


@jit
def _async_one(
    J,
    xi,
    xiT,
    m,
    two,
    scale,
    theta_s,
    diag,
    s,
    h,
    order,
    random_order,
    max_sweeps,
    temperature,
    rng,
    target,
    clamp,
    energy,
    overlap,
    flips_out,
    frames,
    until,
    refresh,
):
    """Asynchronous sweeps for one cue; returns (sweeps used, stop code).

    Two field schemes give the same integers (and so the same bits everywhere):

    * dense (``J`` has N rows): ``h`` holds all N fields; a check reads ``h_i`` (O(1)), a flip
      of neuron i adds ``2 s_i_new J[i]`` to ``h`` (O(N), one vectorised loop);
    * low rank (``J`` has 0 rows; Hebbian): ``m`` holds the P overlaps ``sum_j xi_j^mu s_j``;
      a check computes ``h_i = sum_mu xi_i^mu m_mu - P s_i`` from row i of ``xiT`` (O(P)),
      a flip adds ``2 s_i_new xi_i^mu`` to ``m`` (O(P)); ``h`` holds the cue's fields (read
      for the energy) and is overwritten by each refresh.

    At zero temperature a low-rank check is skipped, from the second sweep on, when its
    outcome is known: ``until[i]`` holds the flip count up to which neuron i, found stable
    at its last check or at the last refresh, must stay stable (:func:`_stable_until`: each
    flip moves another neuron's field by at most 2 P). The second sweep, and any later sweep
    after one with at least ``refresh`` flips, starts by recomputing all N fields and bounds
    (:func:`_lowrank_refresh`). Skipping changes no number, only the time of the later
    sweeps. (A neuron that flips gets no new bound: its ``until`` is already below the flip
    count.)

    ``two`` is a length-1 array holding 2 in the dtype of ``h`` (so the flip update stays in
    that dtype: float32 fields are exact integers while |h| < 2**24).

    ``frames`` (max_sweeps + 1, N), or (0, N) when not recorded, receives the state after each
    sweep (row 0: the cue).

    ``clamp`` (length N, or empty for none) marks neurons held at their cue value.

    ``h`` holds the fields in units of ``1/scale``; ``theta_s`` the thresholds in the same units.
    ``energy`` and ``overlap`` (length max_sweeps + 1) receive the trace; entry 0 is the cue.
    Zero temperature: deterministic sgn with the keep-state convention. Positive temperature:
    Glauber heat bath, P(s_i = +1) = 1 / (1 + exp(-2 (h_i - theta_i) / T)) (Glauber 1963;
    Hertz, Krogh & Palmer 1991, ch. 2).
    """
    n = s.shape[0]
    low_rank = J.shape[0] == 0
    p = xi.shape[0]  # P (xiT and m may carry zero padding columns)
    inv = 1.0 / scale
    e = 0.0
    for i in range(n):
        e += -0.5 * s[i] * h[i] * inv + theta_s[i] * inv * s[i]
    energy[0] = e
    mo = 0.0
    have_target = target.shape[0] == n
    have_clamp = clamp.shape[0] == n
    fast = temperature == 0.0 and not have_clamp
    record = frames.shape[0] > 0
    if record:
        frames[0, :] = s
    if have_target:
        for i in range(n):
            mo += target[i] * s[i]
        overlap[0] = mo / n
    # zero temperature, low rank: skip checks whose outcome is known (see the docstring),
    # from the second sweep on (the first checks every neuron: most flips happen there)
    skip = False
    step = 2.0 * p  # a flip changes any other field by 2 |J_ij| <= 2 P
    inv_step = (1.0 - 2.0**-40) / step
    zero_theta = True
    for i in range(n):
        if theta_s[i] != 0.0:
            zero_theta = False
            break
    epoch = 0  # flips so far
    flips = 0
    for sweep in range(max_sweeps):
        if random_order:
            shuffle(rng, order)
        if low_rank and temperature == 0.0 and (sweep == 1 or (sweep > 1 and flips >= refresh)):
            # all N fields in one pass (cheaper than N checks), and from them the bounds
            _lowrank_refresh(xi, m, s, h, theta_s, zero_theta, step, inv_step, until, epoch)
            skip = True
        flips = 0
        for k in range(n):
            i = order[k]
            if skip and until[i] >= epoch:
                continue
            if have_clamp and clamp[i]:
                continue
            old = s[i]
            if low_rank:
                hi = _lowrank_field(xiT, i, m, p, old)
            else:
                hi = h[i]
            x = hi - theta_s[i]
            if fast:
                # sgn with the keep-state tie rule flips exactly when old * x < 0
                new = -old if old * x < 0 else old
            elif temperature > 0.0:
                p_up = 1.0 / (1.0 + np.exp(-2.0 * x * inv / temperature))
                new = 1 if uniform(rng) < p_up else -1
            elif x > 0:
                new = 1
            elif x < 0:
                new = -1
            else:
                new = old
            if new == old:
                if skip:
                    until[i] = _stable_until(hi, old, theta_s[i], step, inv_step, epoch)
                continue
            s[i] = new
            flips += 1
            epoch += 1
            e += -2.0 * new * (hi - diag[i] * old - theta_s[i]) * inv
            d = two[0] if new > 0 else -two[0]
            if low_rank:
                _lowrank_flip(xiT, i, m, d)
            else:
                _add_row(h, J, i, d)
            if have_target:
                mo += 2 * new * target[i]
        energy[sweep + 1] = e
        flips_out[sweep] = flips
        if record:
            frames[sweep + 1, :] = s
        if have_target:
            overlap[sweep + 1] = mo / n
        if flips == 0 and temperature == 0.0:
            return sweep + 1, FIXED_POINT
    return max_sweeps, LIMIT


@jit
def async_batch(
    J,
    xi,
    xiT,
    M,
    scale,
    theta_s,
    diag,
    S,
    H,
    random_order,
    max_sweeps,
    temperature,
    rngs,
    targets,
    clamps,
    energy,
    overlap,
    flips,
    sweeps,
    stop,
    frames,
    refresh,
):
    """Asynchronous dynamics for a batch of cues in the calling thread (each cue its own
    stream). Threads share chunks of cues by calling it on slices of the batch
    (:func:`memsim._threads.share`): no Numba parallel region, whose barrier waits for a
    thread that another process keeps off its core.

    Dense fields: ``J`` (N, N) couplings (rows = columns of W), ``xi`` and ``xiT`` (0, 0),
    ``M`` (B, 0). Low-rank fields (Hebbian): ``J`` (0, N), ``xi`` (P, N) the patterns and
    ``xiT`` (N, P') the patterns transposed, both in the arithmetic type of the fields (or
    int8), and ``M`` (B, P') the unnormalised overlaps of each cue in that type (see
    :func:`_async_one`); P' >= P, the extra columns zero in ``xiT`` and ``M``.
    ``refresh``: flips in a sweep (after the first) from which the next sweep of a
    zero-temperature low-rank run starts by recomputing all N fields.
    ``targets`` and ``clamps`` are (B, N) or (B, 0) when not used.
    """
    b_count, n = S.shape
    two = np.full(1, 2, dtype=H.dtype)
    for b in range(b_count):
        order = np.arange(n)
        nsw, code = _async_one(
            J, xi, xiT, M[b], two, scale, theta_s, diag, S[b], H[b], order, random_order,
            max_sweeps, temperature, rngs[b], targets[b], clamps[b], energy[b], overlap[b],
            flips[b], frames[b], np.empty(n, np.int64), refresh,
        )  # fmt: skip
        sweeps[b] = nsw
        stop[b] = code


@jit
def sign_update(H, theta_s, S_old, S_new, temperature, scale, rngs, clamps):
    """Synchronous update s_new = sgn(h - theta) (keep state on ties) or Glauber at T > 0.

    Returns nothing; writes ``S_new``. Serial: O(B N) work is too small to pay for waking a
    thread pool between two BLAS calls (the pools then fight over the cores).
    """
    b_count, n = S_old.shape
    inv = 1.0 / scale
    have_clamp = clamps.shape[1] == n
    for b in range(b_count):
        for i in range(n):
            if have_clamp and clamps[b, i]:
                S_new[b, i] = S_old[b, i]
                continue
            x = H[b, i] - theta_s[i]
            if temperature > 0.0:
                p_up = 1.0 / (1.0 + np.exp(-2.0 * x * inv / temperature))
                S_new[b, i] = 1 if uniform(rngs[b]) < p_up else -1
            elif x > 0:
                S_new[b, i] = 1
            elif x < 0:
                S_new[b, i] = -1
            else:
                S_new[b, i] = S_old[b, i]


@jit
def energies(S, H, theta_s, scale, out):
    """E = -1/2 s.h + theta.s for each cue (h, theta in units of 1/scale)."""
    b_count, n = S.shape
    inv = 1.0 / scale
    for b in range(b_count):
        e = 0.0
        for i in range(n):
            e += (-0.5 * H[b, i] + theta_s[i]) * S[b, i]
        out[b] = e * inv


@jit(fastmath=True)
def _init_pair(xi, s0, s1, zero, m0, m1, h0, h1):
    """Exact Hebbian overlaps and fields of two states: ``m = Xi s``, ``h = Xi^T m - P s``
    (J = N W = Xi^T Xi - P I).

    ``xi`` (P, N) in the arithmetic type (float32 while N P <= 2**24, else float64) or int8
    (large pattern sets, converted on the fly); ``s0``, ``s1`` (N,) the states in the
    arithmetic type; ``zero`` is 0 in that type, also the dtype of ``m0``, ``m1`` (P,) and
    ``h0``, ``h1`` (N,). Tiles of 2 states x 4 patterns: each pattern element read serves two
    states and each state element four patterns (8 independent SIMD sums in the overlaps, 8
    multiply-adds per field update), at a cost of 2 P N multiply-adds per state.

    Exact whatever the order of the sums (SIMD reassociation, tiling, thread count): every
    partial sum of an overlap is an integer of magnitude <= N, and every partial sum of a field,
    a sum over any subset of {-P s_i} and the terms xi_i^mu m^mu = s_i + xi_i^mu sum_{j != i}
    xi_j^mu s_j, an integer of magnitude <= P N; float32 holds every integer up to 2**24,
    float64 up to 2**53.
    """
    p, n = xi.shape
    q = p - p % 4
    for mu in range(0, q, 4):
        r0 = xi[mu]
        r1 = xi[mu + 1]
        r2 = xi[mu + 2]
        r3 = xi[mu + 3]
        a0 = a1 = a2 = a3 = b0 = b1 = b2 = b3 = zero
        for j in range(n):
            x = s0[j]
            y = s1[j]
            a0 += r0[j] * x
            a1 += r1[j] * x
            a2 += r2[j] * x
            a3 += r3[j] * x
            b0 += r0[j] * y
            b1 += r1[j] * y
            b2 += r2[j] * y
            b3 += r3[j] * y
        m0[mu] = a0
        m0[mu + 1] = a1
        m0[mu + 2] = a2
        m0[mu + 3] = a3
        m1[mu] = b0
        m1[mu + 1] = b1
        m1[mu + 2] = b2
        m1[mu + 3] = b3
    for mu in range(q, p):
        r0 = xi[mu]
        a0 = b0 = zero
        for j in range(n):
            a0 += r0[j] * s0[j]
            b0 += r0[j] * s1[j]
        m0[mu] = a0
        m1[mu] = b0
    _fields_pair(xi, s0, s1, zero, m0, m1, h0, h1)


@jit(fastmath=True)
def _fields_pair(xi, s0, s1, zero, m0, m1, h0, h1):
    """The field half of :func:`_init_pair`: ``h = Xi^T m - P s`` for two states whose
    overlaps ``m0``, ``m1`` are known (same arithmetic, same exactness bound)."""
    p, n = xi.shape
    q = p - p % 4
    minus_p = zero - p
    for j in range(n):
        h0[j] = minus_p * s0[j]
        h1[j] = minus_p * s1[j]
    for mu in range(0, q, 4):
        r0 = xi[mu]
        r1 = xi[mu + 1]
        r2 = xi[mu + 2]
        r3 = xi[mu + 3]
        c0, c1, c2, c3 = m0[mu], m0[mu + 1], m0[mu + 2], m0[mu + 3]
        d0, d1, d2, d3 = m1[mu], m1[mu + 1], m1[mu + 2], m1[mu + 3]
        for j in range(n):
            x0 = r0[j]
            x1 = r1[j]
            x2 = r2[j]
            x3 = r3[j]
            h0[j] += c0 * x0 + c1 * x1 + c2 * x2 + c3 * x3
            h1[j] += d0 * x0 + d1 * x1 + d2 * x2 + d3 * x3
    for mu in range(q, p):
        r0 = xi[mu]
        c0 = m0[mu]
        d0 = m1[mu]
        for j in range(n):
            h0[j] += c0 * r0[j]
            h1[j] += d0 * r0[j]


@jit
def _init_rows(xi, S, zero, M, H, t, m_spare, h_spare):
    """:func:`_init_pair` for rows 2 t and 2 t + 1 of ``S`` (the spare buffers stand in for a
    missing last row of an odd batch)."""
    b = 2 * t
    if b + 1 < S.shape[0]:
        _init_pair(xi, S[b], S[b + 1], zero, M[b], M[b + 1], H[b], H[b + 1])
    else:
        _init_pair(xi, S[b], S[b], zero, M[b], m_spare, H[b], h_spare)


@jit
def lowrank_fields_serial(xi, S, zero, M, H):
    """Fields ``H`` (B, N) of the states ``S`` (B, N, arithmetic type) from their known
    overlaps ``M`` (B, P) (:func:`_fields_pair`), in the calling thread."""
    h_spare = np.empty(S.shape[1], H.dtype)
    for t in range((S.shape[0] + 1) // 2):
        b = 2 * t
        if b + 1 < S.shape[0]:
            _fields_pair(xi, S[b], S[b + 1], zero, M[b], M[b + 1], H[b], H[b + 1])
        else:
            _fields_pair(xi, S[b], S[b], zero, M[b], M[b], H[b], h_spare)


@jit
def update_overlaps(xiT, S_old, S_new, M):
    """``M[b] += (S_new[b] - S_old[b]) Xi^T`` touching only the changed neurons (each change
    adds ``2 s_new xi_i^mu``; exact integers). ``xiT`` (N, P) int8 or the arithmetic type."""
    for b in range(S_old.shape[0]):
        for i in range(S_old.shape[1]):
            if S_new[b, i] != S_old[b, i]:
                d = 2 * S_new[b, i]
                for mu in range(M.shape[1]):
                    M[b, mu] += d * xiT[i, mu]


@jit
def lowrank_overlaps_fields(xi, S, zero, M, H):
    """Exact overlaps ``M`` (B, P) and Hebbian fields ``H`` (B, N) of the states ``S`` (B, N,
    in the arithmetic type) by :func:`_init_pair`, pair of states after pair, in the calling
    thread (threads share chunks of states: :func:`memsim._threads.share`)."""
    m_spare = np.empty(M.shape[1], M.dtype)
    h_spare = np.empty(S.shape[1], H.dtype)
    for t in range((S.shape[0] + 1) // 2):
        _init_rows(xi, S, zero, M, H, t, m_spare, h_spare)


@pjit(fastmath=True)
def integer_fields(J, S, zero, out):
    """Exact integer fields h = J s for integer couplings J (rows = columns: J symmetric)."""
    b_count, n = S.shape
    for b in prange(b_count):
        s = S[b]
        for i in range(n):
            acc = zero
            row = J[i]
            for j in range(n):
                acc += row[j] * s[j]
            out[b, i] = acc


@pjit
def dense_fields(J, S, out):
    """out[b] = J @ S[b] in a fixed summation order (same numbers whatever the thread count)."""
    b_count, n = S.shape
    for b in prange(b_count):
        for i in range(n):
            acc = 0.0
            row = J[i]
            for j in range(n):
                acc += row[j] * S[b, j]
            out[b, i] = acc


@jit
def all_plus_minus_one(a):
    """True when every entry of the 1-D int8 array ``a`` is -1 or +1 (blocks of 4096 entries
    are checked without a branch, so the loop vectorises)."""
    n = a.shape[0]
    for start in range(0, n, 4096):
        bad = 0
        for j in range(start, min(start + 4096, n)):
            x = a[j]
            bad += (x != 1) & (x != -1)
        if bad:
            return False
    return True


@jit
def count_unstable(S, H, theta_s):
    """Number of entries with ``S[b, i] (H[b, i] - theta_s[i]) < 0`` (float64 arithmetic, as
    numpy's ``(S * (H - theta_s) < 0).sum()``, without its B x N temporaries)."""
    c = 0
    for b in range(S.shape[0]):
        for i in range(S.shape[1]):
            x = np.float64(H[b, i]) - theta_s[i]
            if S[b, i] * x < 0:
                c += 1
    return c


@jit
def rows_equal(A, B, out):
    """out[b] = all(A[b] == B[b])."""
    for b in range(A.shape[0]):
        eq = True
        for i in range(A.shape[1]):
            if A[b, i] != B[b, i]:
                eq = False
                break
        out[b] = eq

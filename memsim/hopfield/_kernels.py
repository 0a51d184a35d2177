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
def _add_column(h, col, d):
    """h += d * col: one branch-free loop over contiguous memory (vectorised: float32 or
    integer fields, int16/float columns). Exact: every value is an integer (or the float64
    arithmetic of a real-valued rule, whose element-wise update has no reassociation)."""
    for j in range(h.shape[0]):
        h[j] += d * col[j]


@jit(fastmath=True)
def _lowrank_field(xiT_i, m, p, s_i):
    """h_i = sum_mu xi_i^mu m_mu - P s_i (Hebbian, J = Xi^T Xi - P I, in integer units).

    ``m`` holds the P overlaps (unnormalised, exact integers in float64); every partial sum is
    an integer of magnitude <= N P < 2**53, so reassociation (SIMD) cannot change the result.
    """
    acc = 0.0
    for mu in range(p):
        acc += xiT_i[mu] * m[mu]
    return acc - p * s_i


@jit(fastmath=True)
def _lowrank_flip(xiT_i, m, d):
    """m_mu += d xi_i^mu (a flip of neuron i changes every overlap by 2 s_i_new xi_i^mu)."""
    for mu in range(m.shape[0]):
        m[mu] += d * xiT_i[mu]


@jit
def _async_one(
    J,
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
):
    """Asynchronous sweeps for one cue; returns (sweeps used, stop code).

    Two field schemes give the same integers (and so the same bits everywhere):

    * dense (``J`` has N rows): ``h`` holds all N fields; a check reads ``h_i`` (O(1)), a flip
      of neuron i adds ``2 s_i_new J[i]`` to ``h`` (O(N), one vectorised loop);
    * low rank (``J`` has 0 rows; Hebbian): ``m`` holds the P overlaps ``sum_j xi_j^mu s_j``;
      a check computes ``h_i = sum_mu xi_i^mu m_mu - P s_i`` from row i of ``xiT`` (O(P)),
      a flip adds ``2 s_i_new xi_i^mu`` to ``m`` (O(P)); ``h`` is only read for the energy.

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
    p = xiT.shape[1]
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
    for sweep in range(max_sweeps):
        if random_order:
            shuffle(rng, order)
        flips = 0
        for k in range(n):
            i = order[k]
            old = s[i]
            if low_rank:
                hi = _lowrank_field(xiT[i], m, p, old)
            else:
                hi = h[i]
            x = hi - theta_s[i]
            if fast:
                # sgn with the keep-state tie rule flips exactly when old * x < 0
                if old * x >= 0:
                    continue
                new = -old
            else:
                if have_clamp and clamp[i]:
                    continue
                if temperature > 0.0:
                    p_up = 1.0 / (1.0 + np.exp(-2.0 * x * inv / temperature))
                    new = 1 if uniform(rng) < p_up else -1
                elif x > 0:
                    new = 1
                elif x < 0:
                    new = -1
                else:
                    new = old
                if new == old:
                    continue
            s[i] = new
            flips += 1
            e += -2.0 * new * (hi - diag[i] * old - theta_s[i]) * inv
            d = two[0] if new > 0 else -two[0]
            if low_rank:
                _lowrank_flip(xiT[i], m, d)
            else:
                _add_column(h, J[i], d)
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


@pjit
def async_batch(
    J,
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
):
    """Asynchronous dynamics for a batch of cues, parallel over cues (each its own stream).

    Dense fields: ``J`` (N, N) couplings (rows = columns of W), ``xiT`` (0, 0), ``M`` (B, 0).
    Low-rank fields (Hebbian): ``J`` (0, N), ``xiT`` (N, P) the patterns transposed (int8) and
    ``M`` (B, P) float64 the unnormalised overlaps of each cue (see :func:`_async_one`).
    ``targets`` and ``clamps`` are (B, N) or (B, 0) when not used.
    """
    b_count, n = S.shape
    two = np.full(1, 2, dtype=H.dtype)
    for b in prange(b_count):
        order = np.arange(n)
        nsw, code = _async_one(
            J, xiT, M[b], two, scale, theta_s, diag, S[b], H[b], order, random_order,
            max_sweeps, temperature, rngs[b], targets[b], clamps[b], energy[b], overlap[b],
            flips[b], frames[b],
        )  # fmt: skip
        sweeps[b] = nsw
        stop[b] = code


@jit
def async_batch_serial(
    J,
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
):
    """:func:`async_batch` in the calling thread (small batches: no thread start-up), same
    bits. (A separate function, not a second dispatcher of the same one: Numba's on-disk
    cache is keyed by the function, so two dispatchers of one function would share entries.)
    """
    b_count, n = S.shape
    two = np.full(1, 2, dtype=H.dtype)
    for b in range(b_count):
        order = np.arange(n)
        nsw, code = _async_one(
            J, xiT, M[b], two, scale, theta_s, diag, S[b], H[b], order, random_order,
            max_sweeps, temperature, rngs[b], targets[b], clamps[b], energy[b], overlap[b],
            flips[b], frames[b],
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
def _lowrank_one(xi, s, zero, m, h):
    """Exact Hebbian fields of one state from the P overlaps: ``m = Xi s``, ``h = Xi^T m - P s``
    (J = N W = Xi^T Xi - P I).

    ``xi`` (P, N) int8 (or the same values in the arithmetic type, when small enough to keep a
    copy), ``s`` (N,) int8; ``zero`` is 0 in the arithmetic type (float32 while N P < 2**24,
    else float64), which is also the dtype of ``m`` (P,) and ``h`` (N,).
    Every partial sum is an integer of magnitude <= N (overlaps) or <= N P (fields), so the
    float sums are exact whatever their order (SIMD reassociation) and the thread count.
    Cost 2 P N; both passes stream the int8 patterns (no float copy of P N).
    """
    n = s.shape[0]
    p = xi.shape[0]
    for j in range(n):
        h[j] = zero + s[j]  # the state in the arithmetic type, so the dot products convert once
    for mu in range(p):
        acc = zero
        row = xi[mu]
        for j in range(n):
            acc += row[j] * h[j]
        m[mu] = acc
    for j in range(n):
        h[j] = (zero - p) * s[j]
    for mu in range(p):
        c = m[mu]
        row = xi[mu]
        for j in range(n):
            h[j] += c * row[j]


@pjit
def lowrank_overlaps_fields(xi, S, zero, M, H):
    """:func:`_lowrank_one` for every row of ``S`` (B, N), into ``M`` (B, P) and ``H`` (B, N);
    parallel over cues."""
    for b in prange(S.shape[0]):
        _lowrank_one(xi, S[b], zero, M[b], H[b])


@jit
def lowrank_overlaps_fields_serial(xi, S, zero, M, H):
    """:func:`lowrank_overlaps_fields` in the calling thread (small batches), same bits."""
    for b in range(S.shape[0]):
        _lowrank_one(xi, S[b], zero, M[b], H[b])


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
def rows_equal(A, B, out):
    """out[b] = all(A[b] == B[b])."""
    for b in range(A.shape[0]):
        eq = True
        for i in range(A.shape[1]):
            if A[b, i] != B[b, i]:
                eq = False
                break
        out[b] = eq

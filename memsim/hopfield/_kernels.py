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


@jit
def _async_one(
    J,
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
    inv = 1.0 / scale
    e = 0.0
    for i in range(n):
        e += -0.5 * s[i] * h[i] * inv + theta_s[i] * inv * s[i]
    energy[0] = e
    m = 0.0
    have_target = target.shape[0] == n
    have_clamp = clamp.shape[0] == n
    record = frames.shape[0] > 0
    if record:
        frames[0, :] = s
    if have_target:
        for i in range(n):
            m += target[i] * s[i]
        overlap[0] = m / n
    for sweep in range(max_sweeps):
        if random_order:
            shuffle(rng, order)
        flips = 0
        for k in range(n):
            i = order[k]
            if have_clamp and clamp[i]:
                continue
            x = h[i] - theta_s[i]
            old = s[i]
            if temperature > 0.0:
                p_up = 1.0 / (1.0 + np.exp(-2.0 * x * inv / temperature))
                new = 1 if uniform(rng) < p_up else -1
            elif x > 0:
                new = 1
            elif x < 0:
                new = -1
            else:
                new = old
            if new != old:
                s[i] = new
                flips += 1
                e += -2.0 * new * (h[i] - diag[i] * old - theta_s[i]) * inv
                col = J[i]
                if new > 0:
                    for j in range(n):
                        h[j] += 2 * col[j]
                else:
                    for j in range(n):
                        h[j] -= 2 * col[j]
                if have_target:
                    m += 2 * new * target[i]
        energy[sweep + 1] = e
        flips_out[sweep] = flips
        if record:
            frames[sweep + 1, :] = s
        if have_target:
            overlap[sweep + 1] = m / n
        if flips == 0 and temperature == 0.0:
            return sweep + 1, FIXED_POINT
    return max_sweeps, LIMIT


@pjit
def async_batch(
    J,
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

    ``targets`` and ``clamps`` are (B, N) or (B, 0) when not used.
    """
    b_count, n = S.shape
    for b in prange(b_count):
        order = np.arange(n)
        tgt = targets[b]
        nsw, code = _async_one(
            J,
            scale,
            theta_s,
            diag,
            S[b],
            H[b],
            order,
            random_order,
            max_sweeps,
            temperature,
            rngs[b],
            tgt,
            clamps[b],
            energy[b],
            overlap[b],
            flips[b],
            frames[b],
        )
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


@pjit(fastmath=True)
def lowrank_fields(xi, xiT, S, zero, out):
    """Exact integer fields from the P overlaps: h = N W s = xi^T (xi s) - P s (Hebbian, W_ii = 0).

    ``xi`` is P x N, ``xiT`` its transpose (contiguous), ``zero`` the accumulator type's zero
    (int32 when N P < 2**31, else int64). Cost 2 P N per cue instead of N**2. Parallel over cues;
    integer sums do not depend on order, so neither do the results.
    """
    b_count, n = S.shape
    p = xi.shape[0]
    for b in prange(b_count):
        s = S[b]
        m = np.empty(p, dtype=out.dtype)
        for mu in range(p):
            acc = zero
            row = xi[mu]
            for j in range(n):
                acc += row[j] * s[j]
            m[mu] = acc
        for i in range(n):
            acc = zero
            r = xiT[i]
            for mu in range(p):
                acc += r[mu] * m[mu]
            out[b, i] = acc - p * s[i]


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
def rows_equal(A, B, out):
    """out[b] = all(A[b] == B[b])."""
    for b in range(A.shape[0]):
        eq = True
        for i in range(A.shape[1]):
            if A[b, i] != B[b, i]:
                eq = False
                break
        out[b] = eq

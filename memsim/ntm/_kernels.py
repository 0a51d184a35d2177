"""Numba kernels for NTM heads and DNC memory (private: compute, never validate).

Every function here assumes float64, C-contiguous arrays of the right shapes; the public modules
(:mod:`memsim.ntm.addressing`, :mod:`memsim.ntm.heads`, :mod:`memsim.ntm.dnc`,
:mod:`memsim.ntm.engine`) validate and allocate. Shifts are always in canonical order, offsets
``-R..R`` (index ``k`` is offset ``k - R``).

Evaluation orders are chosen so that the exact statements of the papers hold in floating point:
a one-hot shift moves a one-hot weighting exactly, ``g = 0`` and ``g = 1`` reproduce the previous
and the content weighting exactly (those are skipped, with identical results), a full DNC write
drives usage to exactly 1 (``(u - u w) + w``) and a full free to exactly 0.
"""

from __future__ import annotations

import math

import numpy as np
from numba import prange

from memsim._jit import jit, pjit

# --------------------------------------------------------------------------------------------
# NTM addressing (Graves, Wayne & Danihelka 2014, section 3.3, eqs. 5-9)
# --------------------------------------------------------------------------------------------


#: squared norms inside [COS_SAFE_LO, COS_SAFE_HI] are computed directly; outside, the vectors
#: are first scaled by a power of two (exact), so no square underflows or overflows
COS_SAFE_LO = 1e-280
COS_SAFE_HI = 1e280


@jit
def _pow2_exponent(x):
    """e with 2^(e-1) <= max|x| < 2^e (e = 0 for an all-zero x); ``ldexp(x_j, -e)`` is then
    exact and at most 1 in magnitude, also for subnormal entries (e down to -1073), where the
    factor 2^-e itself would overflow."""
    mx = 0.0
    for j in range(x.shape[0]):
        a = abs(x[j])
        if a > mx:
            mx = a
    if mx == 0.0:
        return 0
    return math.frexp(mx)[1]


@jit
def _cosine_scaled(key, row, eps):
    """k . v / (||k|| ||v|| + eps) for vectors of any magnitude (both scaled by powers of two)."""
    ek = _pow2_exponent(key)
    ev = _pow2_exponent(row)
    dot = 0.0
    kk = 0.0
    vv = 0.0
    for j in range(key.shape[0]):
        a = math.ldexp(key[j], -ek)
        b = math.ldexp(row[j], -ev)
        dot += a * b
        kk += a * a
        vv += b * b
    # ||k|| ||v|| = 2^(ek+ev) sqrt(kk) sqrt(vv): divide numerator and denominator by 2^(ek+ev)
    # (eps scaled up may overflow to inf: then eps dominates and the similarity is 0, the limit)
    den = np.sqrt(kk) * np.sqrt(vv) + math.ldexp(eps, -(ek + ev))
    if den > 0.0:
        return dot / den
    return 0.0


@jit(fastmath=True)
def cosine(memory, key, eps, out):
    """out[i] = k . M(i) / (||k|| ||M(i)|| + eps); 0 when the denominator is 0 (eq. 6).

    fastmath (reassociation, no nnan/ninf) lets the length-M sums vectorise; cosine values may
    differ from a sequential sum in the last bits. A key or row whose squared norm leaves
    [COS_SAFE_LO, COS_SAFE_HI] (entries below about 1e-140 or above 1e140) is recomputed by
    :func:`_cosine_scaled`, so the result is the same formula at every scale: with eps = 0
    the cosine is exactly scale invariant, e.g. 1 for two equal vectors of entries 1e-170.
    """
    n, m = memory.shape
    kk = 0.0
    for j in range(m):
        kk += key[j] * key[j]
    kn = np.sqrt(kk)
    key_ok = COS_SAFE_LO <= kk <= COS_SAFE_HI
    for i in range(n):
        dot = 0.0
        mm = 0.0
        for j in range(m):
            v = memory[i, j]
            dot += key[j] * v
            mm += v * v
        if key_ok and COS_SAFE_LO <= mm <= COS_SAFE_HI:
            out[i] = dot / (kn * np.sqrt(mm) + eps)
        elif mm == 0.0 and _all_zero(memory[i]):
            out[i] = 0.0  # an all-zero row: similarity 0 (0 / eps, or 0 / 0 by convention)
        else:
            out[i] = _cosine_scaled(key, memory[i], eps)


@jit
def _all_zero(x):
    for j in range(x.shape[0]):
        if x[j] != 0.0:
            return False
    return True


@jit
def softmax_scaled(x, beta, out):
    """out = softmax(beta * x), max-subtracted (x and out may be the same array)."""
    n = x.shape[0]
    mx = -np.inf
    for i in range(n):
        z = beta * x[i]
        if z > mx:
            mx = z
    s = 0.0
    for i in range(n):
        e = np.exp(beta * x[i] - mx)
        out[i] = e
        s += e
    for i in range(n):
        out[i] = out[i] / s


@jit
def content_weighting(memory, key, beta, eps, out):
    """w_c = softmax_i(beta K[k, M(i)]) (eq. 5). beta = 0 gives exactly 1/N (no cosines)."""
    if beta == 0.0:
        n = memory.shape[0]
        for i in range(n):
            out[i] = 1.0 / n
        return
    cosine(memory, key, eps, out)
    softmax_scaled(out, beta, out)


@jit
def interpolate(wc, w_prev, g, out):
    """w_g = g w_c + (1 - g) w_prev (eq. 7)."""
    for i in range(wc.shape[0]):
        out[i] = g * wc[i] + (1.0 - g) * w_prev[i]


@jit
def circular_shift(wg, s, out):
    """out(i) = sum_o s[o] w_g(i - o mod N), offsets o = -R..R (eq. 8). out must not alias wg.

    Terms are added in increasing offset order for every i.
    """
    n = wg.shape[0]
    ns = s.shape[0]
    r = (ns - 1) // 2
    for i in range(n):
        out[i] = 0.0
    for k in range(ns):
        sk = s[k]
        if sk != 0.0:
            d = (r - k) % n  # source index j = i - (k - r) = i + d (mod n)
            for i in range(n - d):
                out[i] += sk * wg[i + d]
            for i in range(n - d, n):
                out[i] += sk * wg[i + d - n]


@jit
def sharpen(w, gamma, out):
    """out(i) = w(i)^gamma / sum_j w(j)^gamma (eq. 9), computed as (w / max w)^gamma.

    Dividing by the maximum first makes the result scale invariant and finite for any gamma and
    any magnitude (subnormal weights included: ``[1e-310]`` gives ``[1]``); an all-zero
    weighting stays all-zero instead of giving 0/0. No fastmath: its reciprocal
    approximation (``w * (1 / max)``) overflows for a subnormal maximum.
    """
    n = w.shape[0]
    mx = 0.0
    for i in range(n):
        if w[i] > mx:
            mx = w[i]
    if mx <= 0.0:
        for i in range(n):
            out[i] = 0.0
        return
    s = 0.0
    if gamma == 1.0 and 1e-290 <= mx <= 1e290:
        for i in range(n):  # w / sum w directly: no rounding from the division by the max
            out[i] = w[i]
            s += w[i]
    elif gamma == 1.0:
        for i in range(n):
            v = w[i] / mx
            out[i] = v
            s += v
    elif gamma == 2.0:
        for i in range(n):
            v = w[i] / mx
            v = v * v  # the same correctly rounded value as v ** 2.0, without a pow call
            out[i] = v
            s += v
    else:
        for i in range(n):
            v = (w[i] / mx) ** gamma
            out[i] = v
            s += v
    for i in range(n):
        out[i] = out[i] / s


@jit
def address(memory, key, beta, g, s, gamma, w_prev, eps, tmp1, tmp2, out):
    """All four NTM addressing stages for one head. out may be w_prev (read before written)."""
    n = memory.shape[0]
    if g == 0.0:
        for i in range(n):
            tmp1[i] = w_prev[i]
    else:
        content_weighting(memory, key, beta, eps, tmp1)
        if g != 1.0:
            interpolate(tmp1, w_prev, g, tmp1)
    circular_shift(tmp1, s, tmp2)
    sharpen(tmp2, gamma, out)


@jit
def address_heads(memory, keys, betas, gates, shifts, gammas, w_prev, eps, out):
    """address() for H heads on one memory; arrays have a leading head axis."""
    n = memory.shape[0]
    tmp1 = np.empty(n)
    tmp2 = np.empty(n)
    for h in range(keys.shape[0]):
        address(
            memory,
            keys[h],
            betas[h],
            gates[h],
            shifts[h],
            gammas[h],
            w_prev[h],
            eps,
            tmp1,
            tmp2,
            out[h],
        )


# --------------------------------------------------------------------------------------------
# Read and write (section 3.1 eq. 2; section 3.2 eqs. 3-4)
# --------------------------------------------------------------------------------------------


@jit
def read(memory, w, out):
    """r = sum_i w(i) M(i) (eq. 2)."""
    n, m = memory.shape
    for j in range(m):
        out[j] = 0.0
    for i in range(n):
        wi = w[i]
        if wi != 0.0:
            for j in range(m):
                out[j] += wi * memory[i, j]


@jit
def write(memory, ws, erase, add):
    """In place: all heads erase (multiplicative, order-free), then all heads add (eqs. 3-4)."""
    n, m = memory.shape
    nh = ws.shape[0]
    if nh == 1:  # one head: erase and add fused in one pass (same arithmetic)
        for i in range(n):
            wi = ws[0, i]
            if wi != 0.0:
                for j in range(m):
                    memory[i, j] = memory[i, j] * (1.0 - wi * erase[0, j]) + wi * add[0, j]
        return
    for i in range(n):
        for h in range(nh):
            wi = ws[h, i]
            if wi != 0.0:
                for j in range(m):
                    memory[i, j] *= 1.0 - wi * erase[h, j]
        for h in range(nh):
            wi = ws[h, i]
            if wi != 0.0:
                for j in range(m):
                    memory[i, j] += wi * add[h, j]


# --------------------------------------------------------------------------------------------
# fast validity checks (the public side re-checks in Python to name the problem)
# --------------------------------------------------------------------------------------------


@jit
def all_finite(a):
    for x in a.ravel():
        if not np.isfinite(x):
            return False
    return True


@jit
def all_in(a, lo, hi):
    for x in a.ravel():
        if not (x >= lo and x <= hi):  # also False for NaN
            return False
    return True


@jit
def rows_are_distributions(a, tol):
    """Every row along the last axis is non-negative, finite and sums to 1 within tol."""
    flat = a.reshape(-1, a.shape[-1])
    for r in range(flat.shape[0]):
        s = 0.0
        for x in flat[r]:
            if not (x >= 0.0 and x < np.inf):
                return False
            s += x
        if abs(s - 1.0) > tol:
            return False
    return True


# --------------------------------------------------------------------------------------------
# NTM: a whole scripted sequence in one compiled loop
# --------------------------------------------------------------------------------------------
# A program is the tuple (keys, betas, gates, shifts, gammas, erases, adds): keys (T, H, M),
# betas/gates/gammas (T, H), shifts (T, H, S), erases/adds (T, nw, M); the first ``nw`` of the H
# heads write, the others read. A batch holds the same arrays with a leading trial axis B.


@jit
def _ntm_trial(prog, b):
    """Trial ``b`` of a batched NTM program."""
    return (prog[0][b], prog[1][b], prog[2][b], prog[3][b], prog[4][b], prog[5][b], prog[6][b])


@jit
def _ntm_heads(memory, w, t, prog, lo, hi, eps, tmp1, tmp2, out_w, record_w):
    """Address heads lo..hi-1 at step t in place; record their weightings if ``record_w``."""
    keys, betas, gates, shifts, gammas = prog[0], prog[1], prog[2], prog[3], prog[4]
    for h in range(lo, hi):
        address(
            memory,
            keys[t, h],
            betas[t, h],
            gates[t, h],
            shifts[t, h],
            gammas[t, h],
            w[h],
            eps,
            tmp1,
            tmp2,
            w[h],
        )
        if record_w:
            out_w[h, t, :] = w[h]


@jit
def ntm_run(memory, w, prog, nw, read_first, eps, out_w, out_r, mem_hist, record_w):
    """Run T steps of an NTM with H heads (the first ``nw`` are write heads), in place.

    memory (N, M) and w (H, N) hold the state and are updated; ``prog`` is the program tuple
    above. Records weightings in out_w (H, T, N) when ``record_w``, read vectors in out_r
    (T, H - nw, M), memory after each step in mem_hist (T, N, M) when it is not empty.
    """
    n, nh = memory.shape[0], w.shape[0]
    tmp1 = np.empty(n)
    tmp2 = np.empty(n)
    for t in range(prog[0].shape[0]):
        for phase in range(2):
            if (phase == 0) == read_first:  # read heads: address, then read
                _ntm_heads(memory, w, t, prog, nw, nh, eps, tmp1, tmp2, out_w, record_w)
                for h in range(nw, nh):
                    read(memory, w[h], out_r[t, h - nw])
            else:  # write heads: address, then erase and add
                _ntm_heads(memory, w, t, prog, 0, nw, eps, tmp1, tmp2, out_w, record_w)
                if nw > 0:
                    write(memory, w[:nw], prog[5][t], prog[6][t])
        if mem_hist.shape[0] > 0:
            mem_hist[t, :, :] = memory


@pjit
def ntm_run_batch(memory, w, prog, nw, read_first, eps, out_w, out_r, record_w):
    """ntm_run over independent trials (leading axis B), in parallel."""
    for b in prange(memory.shape[0]):
        hist = np.empty((0, memory.shape[1], memory.shape[2]))
        ntm_run(
            memory[b], w[b], _ntm_trial(prog, b), nw, read_first, eps, out_w[b], out_r[b], hist,
            record_w,
        )  # fmt: skip


# --------------------------------------------------------------------------------------------
# DNC memory (Graves et al. 2016, Methods)
# --------------------------------------------------------------------------------------------


@jit
def update_usage(usage, ww, wr, free, out):
    """u = (u + w^w - u o w^w) o prod_i (1 - f_i w^(r,i)), with (u - u w) + w so w = 1 gives 1."""
    n = usage.shape[0]
    nr = wr.shape[0]
    for i in range(n):
        u = usage[i]
        w = ww[i]
        v = (u - u * w) + w
        psi = 1.0
        for r in range(nr):
            psi *= 1.0 - free[r] * wr[r, i]
        out[i] = v * psi


@jit
def allocation(usage, out):
    """a[phi_j] = (1 - u[phi_j]) prod_{i<j} u[phi_i], phi = stable ascending sort of u.

    If some slot has usage exactly 0, the first such slot comes first in phi and every later
    product contains that 0: the result is exactly one-hot there (found in O(N), no sort).
    """
    n = usage.shape[0]
    for k in range(n):
        if usage[k] == 0.0:
            for i in range(n):
                out[i] = 0.0
            out[k] = 1.0
            return
    phi = np.argsort(usage, kind="mergesort")
    prod = 1.0
    for j in range(usage.shape[0]):
        k = phi[j]
        out[k] = (1.0 - usage[k]) * prod
        prod *= usage[k]


@jit
def allocation_rows(usage, out):
    """allocation() for every row of a (T, N) usage history (a row equal to the previous one
    reuses its result)."""
    n = usage.shape[1]
    for t in range(usage.shape[0]):
        same = t > 0
        if same:
            for i in range(n):
                if usage[t, i] != usage[t - 1, i]:
                    same = False
                    break
        if same:
            out[t, :] = out[t - 1]
        else:
            allocation(usage[t], out[t])


@jit
def update_links(links, prec, ww):
    """In place: L[i,j] <- (1 - w_i - w_j) L[i,j] + w_i p_j with L[i,i] = 0 (old p);
    then p <- (1 - sum w) p + w.

    Rows with w_i = 0 only change in the columns with w_j != 0 (elsewhere the formula gives
    L[i,j] back exactly), so a sparse write costs O(N * nnz(w)) instead of O(N^2).
    """
    n = ww.shape[0]
    sw = 0.0
    nz = np.empty(n, np.int64)
    c = 0
    for i in range(n):
        sw += ww[i]
        if ww[i] != 0.0:
            nz[c] = i
            c += 1
    if c > 0:
        for i in range(n):
            wi = ww[i]
            if wi != 0.0:
                a = 1.0 - wi
                for j in range(n):
                    links[i, j] = (a - ww[j]) * links[i, j] + wi * prec[j]
            else:
                for k in range(c):
                    j = nz[k]
                    links[i, j] = (1.0 - ww[j]) * links[i, j]
            links[i, i] = 0.0
    else:
        for i in range(n):
            links[i, i] = 0.0
    for j in range(n):
        prec[j] = (1.0 - sw) * prec[j] + ww[j]


@jit(fastmath=True)
def forward_weighting(links, w, rows, out):
    """f(i) = sum_j L[i, j] w(j), computed only for rows i with rows[i] (others are all-zero
    rows of L, so f(i) = 0). Row dot products; fastmath lets them vectorise."""
    n = links.shape[0]
    for i in range(n):
        if rows[i]:
            acc = 0.0
            for j in range(n):
                acc += links[i, j] * w[j]
            out[i] = acc
        else:
            out[i] = 0.0


@jit
def backward_weighting(links, w, rows, out):
    """b(j) = sum_i L[i, j] w(i) over the rows i with rows[i] (the others are all zero)."""
    n = links.shape[0]
    for j in range(n):
        out[j] = 0.0
    for i in range(n):
        wi = w[i]
        if wi != 0.0 and rows[i]:
            for j in range(n):
                out[j] += links[i, j] * wi


@jit
def directional(links, wr, fwd, bwd):
    """f = L w^r and b = L^T w^r for each read head (rows of wr)."""
    rows = np.ones(links.shape[0], np.bool_)
    for r in range(wr.shape[0]):
        forward_weighting(links, wr[r], rows, fwd[r])
        backward_weighting(links, wr[r], rows, bwd[r])


@jit
def mix_read(c, f, b, modes, out):
    """w^r = pi[0] b + pi[1] c + pi[2] f (modes in the paper's order backward, content, forward)."""
    for i in range(c.shape[0]):
        out[i] = modes[0] * b[i] + modes[1] * c[i] + modes[2] * f[i]


# A DNC program is the tuple (wkey, wbeta, ga, gw, erase, wvec, rkeys, rbetas, free, modes):
# write key (T, M), write strength, allocation gate and write gate (T,), erase and write vectors
# (T, M), read keys (T, R, M), read strengths and free gates (T, R), read modes (T, R, 3).
# A batch holds the same arrays with a leading trial axis B.


@jit
def _dnc_trial(prog, b):
    """Trial ``b`` of a batched DNC program."""
    return (
        prog[0][b], prog[1][b], prog[2][b], prog[3][b], prog[4][b],
        prog[5][b], prog[6][b], prog[7][b], prog[8][b], prog[9][b],
    )  # fmt: skip


@jit
def dnc_buffers(n, m, nr, steps, link_steps, mem_steps):
    """Start state and record arrays of a DNC run with N slots of width M and R read heads.

    Returns ``(state, rec)``: state = (precedence (N,), links (N, N), write weighting (N,),
    read weightings (R, N)), all zero as in the paper; rec = (write weightings (T, N), read
    weightings (R, T, N), usage (T, N), precedence (T, N), links (link_steps, N, N), memory
    (mem_steps, N, M)), uninitialised (link_steps / mem_steps are T or 0: recorded or not).
    """
    state = (np.zeros(n), np.zeros((n, n)), np.zeros(n), np.zeros((nr, n)))
    rec = (
        np.empty((steps, n)),
        np.empty((nr, steps, n)),
        np.empty((steps, n)),
        np.empty((steps, n)),
        np.empty((link_steps, n, n)),
        np.empty((mem_steps, n, m)),
    )
    return state, rec


@jit
def _dnc_write_part(memory, usage, prec, links, ww, rows, t, prog, eps, alloc, cw, ww_mat, out_ww):
    n = memory.shape[0]
    g_a = prog[2][t]
    g_w = prog[3][t]
    # a term whose gate makes it irrelevant is not computed (it would be multiplied by 0)
    if g_w != 0.0 and g_a != 0.0:
        allocation(usage, alloc)
    else:
        alloc[:] = 0.0
    if g_w != 0.0 and g_a != 1.0:
        content_weighting(memory, prog[0][t], prog[1][t], eps, cw)
    else:
        cw[:] = 0.0
    for i in range(n):
        ww[i] = g_w * (g_a * alloc[i] + (1.0 - g_a) * cw[i])
    for i in range(n):
        ww_mat[0, i] = ww[i]
    write(memory, ww_mat, prog[4][t : t + 1], prog[5][t : t + 1])
    update_links(links, prec, ww)
    out_ww[t, :] = ww
    for i in range(n):
        if ww[i] != 0.0:
            rows[i] = True


@jit
def _dnc_read_part(memory, links, rows, wr, t, prog, eps, fwd, bwd, cr, out_wr, out_r):
    rkeys, rbetas, modes = prog[6], prog[7], prog[9]
    for r in range(wr.shape[0]):
        # only the modes in use are computed (a mode with weight 0 contributes exactly 0)
        if modes[t, r, 2] != 0.0:
            forward_weighting(links, wr[r], rows, fwd[r])
        else:
            fwd[r, :] = 0.0
        if modes[t, r, 0] != 0.0:
            backward_weighting(links, wr[r], rows, bwd[r])
        else:
            bwd[r, :] = 0.0
        if modes[t, r, 1] != 0.0:
            content_weighting(memory, rkeys[t, r], rbetas[t, r], eps, cr)
        else:
            cr[:] = 0.0
        mix_read(cr, fwd[r], bwd[r], modes[t, r], wr[r])
        out_wr[r, t, :] = wr[r]
        read(memory, wr[r], out_r[t, r])


@jit
def dnc_run(memory, usage, prog, read_first, eps, state, out_r, rec):
    """Run T steps of a DNC with one write head and R read heads, state updated in place.

    memory (N, M) and usage (N,) are updated; ``prog`` is the program tuple above; ``state`` and
    ``rec`` are as :func:`dnc_buffers` makes them (state updated, rec filled); reads go to out_r
    (T, R, M). Per step: usage from the previous step's weightings and this step's free gates;
    then either (write_first) allocation, write, links, reads on the new memory and links, or
    (read_first) reads on the old memory and links, then allocation, write, links.
    """
    prec, links, ww, wr = state
    out_ww, out_wr, out_usage, out_prec, link_hist, mem_hist = rec
    n = memory.shape[0]
    nr = wr.shape[0]
    alloc = np.empty(n)
    cw = np.empty(n)
    cr = np.empty(n)
    nu = np.empty(n)
    ww_mat = np.empty((1, n))
    fwd = np.empty((nr, n))
    bwd = np.empty((nr, n))
    # rows[i]: row i of L may be non-zero (slot i has been written, or L came in non-zero there)
    rows = np.zeros(n, np.bool_)
    for i in range(n):
        for j in range(n):
            if links[i, j] != 0.0:
                rows[i] = True
                break
    for t in range(prog[0].shape[0]):
        update_usage(usage, ww, wr, prog[8][t], nu)
        usage[:] = nu
        out_usage[t, :] = usage
        for phase in range(2):
            if (phase == 0) == read_first:
                _dnc_read_part(memory, links, rows, wr, t, prog, eps, fwd, bwd, cr, out_wr, out_r)
            else:
                _dnc_write_part(
                    memory, usage, prec, links, ww, rows, t, prog, eps, alloc, cw, ww_mat, out_ww
                )
        out_prec[t, :] = prec
        if link_hist.shape[0] > 0:
            link_hist[t, :, :] = links
        if mem_hist.shape[0] > 0:
            mem_hist[t, :, :] = memory


@pjit
def dnc_run_batch(memory, usage, prog, read_first, eps, out_r):
    """dnc_run over independent trials (leading axis B) from zero links/precedence/weightings,
    recording only the read vectors."""
    nb, n, m = memory.shape
    steps, nr = out_r.shape[1], out_r.shape[2]
    for b in prange(nb):
        state, rec = dnc_buffers(n, m, nr, steps, 0, 0)
        dnc_run(memory[b], usage[b], _dnc_trial(prog, b), read_first, eps, state, out_r[b], rec)

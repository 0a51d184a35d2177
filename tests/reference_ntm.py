"""Plain, obviously correct references for memsim.ntm (slow loops; tests only).

Written straight from the equations: Graves, Wayne & Danihelka (2014), "Neural Turing Machines",
section 3 (eqs. 2-9), and Graves et al. (2016), "Hybrid computing using a neural network with
dynamic external memory", Methods. Shift distributions here are dicts or arrays indexed by offset
-R..R in that order. Nothing here imports memsim.
"""

from __future__ import annotations

import math

import numpy as np

# ---------------------------------------------------------------------------------------------
# NTM
# ---------------------------------------------------------------------------------------------


def cosine(u, v, eps):
    dot = sum(a * b for a, b in zip(u, v, strict=True))
    nu = math.sqrt(sum(a * a for a in u))
    nv = math.sqrt(sum(b * b for b in v))
    den = nu * nv + eps
    return dot / den if den > 0 else 0.0


def content_weighting(memory, key, beta, eps=1e-6):
    """eq. 5: softmax_i(beta K[k, M(i)])."""
    sims = [beta * cosine(key, row, eps) for row in memory]
    top = max(sims)
    ex = [math.exp(s - top) for s in sims]
    tot = sum(ex)
    return np.array([e / tot for e in ex])


def interpolate(wc, w_prev, g):
    """eq. 7."""
    return np.array([g * a + (1 - g) * b for a, b in zip(wc, w_prev, strict=True)])


def shift(wg, s):
    """eq. 8: w~(i) = sum_j w_g(j) s(i - j), index arithmetic mod N; s[k] is offset k - R."""
    n = len(wg)
    r = (len(s) - 1) // 2
    out = np.zeros(n)
    for i in range(n):
        for j in range(n):
            d = (i - j) % n
            # s(d): every allowed offset o congruent to d modulo N contributes
            weight = sum(s[o + r] for o in range(-r, r + 1) if o % n == d)
            out[i] += wg[j] * weight
    return out


def sharpen(w, gamma):
    """eq. 9 (plain formula)."""
    p = [x**gamma for x in w]
    tot = sum(p)
    return np.array([x / tot for x in p])


def address(memory, key, beta, g, s, gamma, w_prev, eps=1e-6):
    wc = content_weighting(memory, key, beta, eps)
    wg = interpolate(wc, w_prev, g)
    return sharpen(shift(wg, s), gamma)


def roll_to_canonical(s_roll):
    """numpy-roll order (0, +1, .., +R, -R, .., -1) -> -R..R."""
    size = len(s_roll)
    r = (size - 1) // 2
    out = np.zeros(size)
    for e, val in enumerate(s_roll):
        offset = e if e <= r else e - size
        out[offset + r] = val
    return out


def read(memory, w):
    """eq. 2."""
    m = len(memory[0])
    return np.array([sum(w[i] * memory[i][j] for i in range(len(memory))) for j in range(m)])


def write(memory, ws, erases, adds):
    """eqs. 3-4 for several heads: every erase, then every add. Returns a new memory."""
    mem = [list(map(float, row)) for row in memory]
    n, m = len(mem), len(mem[0])
    for h in range(len(ws)):
        for i in range(n):
            for j in range(m):
                mem[i][j] = mem[i][j] * (1 - ws[h][i] * erases[h][j])
    for h in range(len(ws)):
        for i in range(n):
            for j in range(m):
                mem[i][j] = mem[i][j] + ws[h][i] * adds[h][j]
    return np.array(mem)


def run_ntm(memory, prog, read_first=False, eps=1e-6):
    """Step-by-step NTM with write heads then read heads (or read heads first).

    ``prog`` is a dict with the NTMProgram field names (shifts in -R..R order).
    Returns (write weightings (Hw,T,N), read weightings (Hr,T,N), reads (T,Hr,M), final memory).
    """
    mem = np.array(memory, dtype=float)
    steps, hw = prog["write_keys"].shape[:2]
    hr = prog["read_keys"].shape[1]
    n, m = mem.shape
    w_w = [np.array(w) for w in prog["write_w0"]]
    w_r = [np.array(w) for w in prog["read_w0"]]
    out_ww = np.zeros((hw, steps, n))
    out_wr = np.zeros((hr, steps, n))
    reads = np.zeros((steps, hr, m))

    def head(kind, t, h, mem, w_prev):
        """Address head h of ``kind`` ("read" or "write") at step t (eqs. 5-9)."""
        fields = ("keys", "betas", "gates", "shifts", "gammas")
        return address(mem, *(prog[f"{kind}_{f}"][t, h] for f in fields), w_prev, eps)

    def do_reads(t, mem):
        for h in range(hr):
            w_r[h] = head("read", t, h, mem, w_r[h])
            out_wr[h, t] = w_r[h]
            reads[t, h] = read(mem, w_r[h])

    def do_writes(t, mem):
        for h in range(hw):
            w_w[h] = head("write", t, h, mem, w_w[h])
            out_ww[h, t] = w_w[h]
        if hw:
            mem = write(mem, w_w, prog["erase"][t], prog["add"][t])
        return mem

    for t in range(steps):
        if read_first:
            do_reads(t, mem)
            mem = do_writes(t, mem)
        else:
            mem = do_writes(t, mem)
            do_reads(t, mem)
    return out_ww, out_wr, reads, mem


# ---------------------------------------------------------------------------------------------
# DNC
# ---------------------------------------------------------------------------------------------


def update_usage(usage, write_w, read_ws, free_gates):
    """u_t = (u + w^w - u o w^w) o prod_i (1 - f_i w^(r,i))."""
    n = len(usage)
    out = np.zeros(n)
    for k in range(n):
        psi = 1.0
        for i in range(len(read_ws)):
            psi *= 1 - free_gates[i] * read_ws[i][k]
        out[k] = (usage[k] + write_w[k] - usage[k] * write_w[k]) * psi
    return out


def allocation(usage):
    """a[phi_j] = (1 - u[phi_j]) prod_{i<j} u[phi_i]; ties by slot index."""
    phi = sorted(range(len(usage)), key=lambda i: (usage[i], i))
    out = np.zeros(len(usage))
    for j, slot in enumerate(phi):
        prod = 1.0
        for i in range(j):
            prod *= usage[phi[i]]
        out[slot] = (1 - usage[slot]) * prod
    return out


def update_links(links, precedence, write_w):
    n = len(write_w)
    new = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i != j:
                new[i][j] = (1 - write_w[i] - write_w[j]) * links[i][j] + write_w[i] * precedence[j]
    total = sum(write_w)
    prec = np.array([(1 - total) * precedence[j] + write_w[j] for j in range(n)])
    return new, prec


def directional(links, read_w):
    n = len(read_w)
    fwd = np.array([sum(links[i][j] * read_w[j] for j in range(n)) for i in range(n)])
    bwd = np.array([sum(links[j][i] * read_w[j] for j in range(n)) for i in range(n)])
    return fwd, bwd


def run_dnc(memory, prog, usage0=None, read_first=False, eps=1e-6):
    """Step-by-step DNC. ``prog`` is a dict with the DNCProgram field names.

    Returns dict with write_w (T,N), read_w (R,T,N), reads (T,R,M), usage (T,N),
    allocation (T,N), precedence (T,N), links (N,N), memory (N,M).
    """
    mem = np.array(memory, dtype=float)
    n, m = mem.shape
    steps, r = prog["read_keys"].shape[:2]
    u = np.zeros(n) if usage0 is None else np.array(usage0, dtype=float)
    prec = np.zeros(n)
    links = np.zeros((n, n))
    ww = np.zeros(n)
    wr = [np.zeros(n) for _ in range(r)]
    out = {
        "write_w": np.zeros((steps, n)),
        "read_w": np.zeros((r, steps, n)),
        "reads": np.zeros((steps, r, m)),
        "usage": np.zeros((steps, n)),
        "allocation": np.zeros((steps, n)),
        "precedence": np.zeros((steps, n)),
    }
    for t in range(steps):
        u = update_usage(u, ww, wr, prog["free_gates"][t])
        out["usage"][t] = u

        def reads(t, mem, links):
            for h in range(r):
                fwd, bwd = directional(links, wr[h])
                c = content_weighting(mem, prog["read_keys"][t, h], prog["read_betas"][t, h], eps)
                pi = prog["read_modes"][t, h]
                wr[h] = pi[0] * bwd + pi[1] * c + pi[2] * fwd
                out["read_w"][h, t] = wr[h]
                out["reads"][t, h] = read(mem, wr[h])

        if read_first:
            reads(t, mem, links)
        a = allocation(u)
        cw = content_weighting(mem, prog["write_keys"][t], prog["write_betas"][t], eps)
        gw, ga = prog["write_gates"][t], prog["alloc_gates"][t]
        ww = gw * (ga * a + (1 - ga) * cw)
        mem = write(mem, [ww], [prog["erase"][t]], [prog["write_vectors"][t]])
        links, prec = update_links(links, prec, ww)
        out["write_w"][t] = ww
        out["allocation"][t] = a
        out["precedence"][t] = prec
        if not read_first:
            reads(t, mem, links)
    out["links"] = links
    out["memory"] = mem
    return out

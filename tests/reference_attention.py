"""Plain, obviously-correct references for memsim.attention (slow loops on purpose).

Nothing here imports memsim. Each function works on Python lists / 1-D numpy vectors one query
at a time, following the paper formula literally.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq


def random_qkv(seed, b=4, k=7, d=5, dv=3):
    """Test data: b queries and k keys of size d, k values of size dv (standard normal), and the
    generator they came from (for more draws)."""
    rng = np.random.default_rng(seed)
    return (
        rng.standard_normal((b, d)),
        rng.standard_normal((k, d)),
        rng.standard_normal((k, dv)),
        rng,
    )


# --------------------------------------------------------------------------- normalisers


def softmax(z, temperature=1.0):
    z = [float(x) for x in z]
    m = max(z)
    e = [0.0 if x == -math.inf else math.exp((x - m) / temperature) for x in z]
    s = sum(e)
    return np.array([x / s for x in e])


def simplex_projection(z, iters=300):
    """Euclidean projection onto the simplex: p = max(z - tau, 0), tau by plain bisection."""
    z = [float(x) for x in z]
    m = max(z)
    lo, hi = m - 1.0, m  # sum(lo) >= 1, sum(hi) = 0

    def mass(t):
        return sum(max(x - t, 0.0) for x in z if x != -math.inf)

    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        if mass(mid) >= 1.0:
            lo = mid
        else:
            hi = mid
    return np.array([0.0 if x == -math.inf else max(x - lo, 0.0) for x in z])


def entmax(z, alpha):
    """alpha-entmax: p = [(alpha-1) z - tau]_+^(1/(alpha-1)), tau from scipy's brentq."""
    z = np.array(z, dtype=float)
    finite = z[np.isfinite(z)]
    x = (alpha - 1.0) * (z - finite.max())
    x[~np.isfinite(z)] = -np.inf
    expo = 1.0 / (alpha - 1.0)

    def p_of(tau):
        return np.where(x > tau, np.maximum(x - tau, 0.0) ** expo, 0.0)

    def f(tau):
        return p_of(tau).sum() - 1.0

    tau = brentq(f, -1.0, 0.0, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=2000)
    p = p_of(tau)
    return p / p.sum()


def hard(z):
    z = [float(x) for x in z]
    best = 0
    for i, x in enumerate(z):
        if x > z[best]:
            best = i
    out = np.zeros(len(z))
    out[best] = 1.0
    return out


def topk(z, k, temperature=1.0):
    z = [float(x) for x in z]
    order = sorted(range(len(z)), key=lambda i: (-z[i], i))[:k]
    kept = [z[i] if i in order else -math.inf for i in range(len(z))]
    return softmax(kept, temperature)


# --------------------------------------------------------------------------- scores


def dot(q, k):
    return sum(float(a) * float(b) for a, b in zip(q, k, strict=True))


def score(q, k, kind, beta=1.0, weight=None, w_query=None, w_key=None, v=None, eps=1e-8):
    """s(q, k) for one query and one key."""
    if kind == "dot":
        s = dot(q, k)
    elif kind == "scaled_dot":
        s = dot(q, k) / math.sqrt(len(k))
    elif kind == "cosine":
        nq = max(math.sqrt(dot(q, q)), eps)
        nk = max(math.sqrt(dot(k, k)), eps)
        s = min(max(dot(q, k) / (nq * nk), -1.0), 1.0)
    elif kind == "general":
        s = sum(
            float(q[i]) * float(weight[i][j]) * float(k[j])
            for i in range(len(q))
            for j in range(len(k))
        )
    elif kind == "additive":
        s = 0.0
        for j in range(len(v)):
            pre = dot(w_query[j], q) + dot(w_key[j], k)
            s += float(v[j]) * math.tanh(pre)
    elif kind == "neg_sq_distance":
        s = -sum((float(a) - float(b)) ** 2 for a, b in zip(q, k, strict=True))
    else:
        raise ValueError(kind)
    return beta * s


def score_matrix(Q, K, kind, **opts):
    return np.array([[score(q, k, kind, **opts) for k in K] for q in Q])


# --------------------------------------------------------------------------- read-outs


def normalise(z, kind, **opts):
    if kind == "softmax":
        return softmax(z, opts.get("temperature", 1.0))
    if kind == "sparsemax":
        return simplex_projection(z)
    if kind == "entmax15":
        return entmax(z, 1.5)
    if kind == "entmax_bisect":
        return softmax(z) if opts["alpha"] == 1.0 else entmax(z, opts["alpha"])
    if kind == "hard":
        return hard(z)
    if kind == "topk":
        return topk(z, opts["k"], opts.get("temperature", 1.0))
    raise ValueError(kind)


def attend(Q, K, V, kind="dot", normaliser="softmax", mask=None, score_opts=None, norm_opts=None):
    """Returns (reads (B, d_v), weights (B, K)) by loops."""
    score_opts = score_opts or {}
    norm_opts = norm_opts or {}
    reads, weights = [], []
    for b, q in enumerate(Q):
        z = [score(q, k, kind, **score_opts) for k in K]
        if mask is not None:
            row = mask if np.ndim(mask) == 1 else mask[b]
            z = [zz if row[i] else -math.inf for i, zz in enumerate(z)]
        w = normalise(z, normaliser, **norm_opts)
        r = np.zeros(len(V[0]))
        for i in range(len(K)):
            r += w[i] * np.asarray(V[i], dtype=float)
        reads.append(r)
        weights.append(w)
    return np.array(reads), np.array(weights)


def multi_head(Q, K, V, WQ, WK, WV, WO, kind="scaled_dot", mask=None):
    heads, maps = [], []
    for i in range(len(WQ)):
        r, w = attend(Q @ WQ[i], K @ WK[i], V @ WV[i], kind, "softmax", mask=mask)
        heads.append(r)
        maps.append(w)
    out = np.concatenate(heads, axis=1)
    if WO is not None:
        out = out @ WO
    return out, np.array(maps)


def local(Q, K, V, positions, window, gaussian, sigma, kind="dot"):
    reads, weights = [], []
    for b, q in enumerate(Q):
        p = positions[b]
        z = [score(q, K[s], kind) if abs(s - p) <= window else -math.inf for s in range(len(K))]
        w = softmax(z)
        if gaussian:
            w = np.array([w[s] * math.exp(-((s - p) ** 2) / (2 * sigma**2)) for s in range(len(K))])
        reads.append(sum(w[s] * V[s] for s in range(len(K))))
        weights.append(w)
    return np.array(reads), np.array(weights)


def predict_positions(Q, Wp, vp, S):
    out = []
    for q in Q:
        a = sum(vp[j] * math.tanh(dot(Wp[j], q)) for j in range(len(vp)))
        out.append(S / (1.0 + math.exp(-a)))
    return np.array(out)


# --------------------------------------------------------------------------- taxonomy


def position_encoding(length, d, base=10000.0):
    pe = np.zeros((length, d))
    for pos in range(length):
        for col in range(d):
            i2 = col - (col % 2)  # 2i
            ang = pos / base ** (i2 / d)
            pe[pos, col] = math.sin(ang) if col % 2 == 0 else math.cos(ang)
    return pe


def hierarchical(sentences, uw, us, Ww=None, bw=None, Ws=None, bs=None):
    def attend(hs, ctx, W, b):
        """Softmax of u_t . ctx with u_t = tanh(W h_t + b) (h_t itself without W); the sum."""
        z = []
        for h in hs:
            u = (
                h
                if W is None
                else np.array([math.tanh(dot(W[j], h) + b[j]) for j in range(len(ctx))])
            )
            z.append(dot(u, ctx))
        a = softmax(z)
        return sum(a[t] * hs[t] for t in range(len(hs))), a

    svecs, wws = [], []
    for sent in sentences:
        v, a = attend(np.asarray(sent, dtype=float), uw, Ww, bw)
        svecs.append(v)
        wws.append(a)
    doc, a = attend(svecs, us, Ws, bs)
    return doc, np.array(svecs), a, wws


def elu(x):
    return x if x > 0 else math.expm1(x)


def multidimensional(Q, K, V, W1, W2, W, b1, b):
    """DiSAN feature-wise attention; Q None = source2token. Returns reads, weights (B, K, d_v)."""
    queries = [None] if Q is None else list(Q)
    reads, weights = [], []
    for q in queries:
        f = np.zeros((len(K), len(V[0])))
        for i, k in enumerate(K):
            hidden = []
            for j in range(len(W1)):
                pre = dot(W1[j], k) + b1[j] + (0.0 if q is None else dot(W2[j], q))
                hidden.append(elu(pre))
            for c in range(len(V[0])):
                f[i, c] = sum(W[j][c] * hidden[j] for j in range(len(hidden))) + b[c]
        p = np.zeros_like(f)
        for c in range(f.shape[1]):
            p[:, c] = softmax(f[:, c])
        reads.append(
            np.array([sum(p[i, c] * V[i][c] for i in range(len(K))) for c in range(f.shape[1])])
        )
        weights.append(p)
    return np.array(reads), np.array(weights)


def coattention(A, B):
    """DCN coattention with L = A B^T (rows = items). Returns dict of arrays."""
    na, nb = len(A), len(B)
    L = np.array([[dot(A[i], B[j]) for j in range(nb)] for i in range(na)])
    wa = np.array([softmax(L[i, :]) for i in range(na)])  # a_i over B
    wb = np.array([softmax(L[:, j]) for j in range(nb)])  # b_j over A
    ca = np.array([sum(wa[i, j] * B[j] for j in range(nb)) for i in range(na)])
    cb = np.array([sum(wb[j, i] * A[i] for i in range(na)) for j in range(nb)])
    co = np.array(
        [sum(wa[i, j] * np.concatenate([B[j], cb[j]]) for j in range(nb)) for i in range(na)]
    )
    return {
        "affinity": L,
        "a_weights": wa,
        "b_weights": wb,
        "a_context": ca,
        "b_context": cb,
        "a_coattention": co,
    }


def entmax_exact(z, alpha, digits=50):
    """alpha-entmax of the given floats, exact to about ``digits`` significant digits.

    Plain high-precision Python (``fractions`` for the score differences, ``decimal`` for the
    powers), no numpy arithmetic. With ``c = alpha - 1`` and the scores sorted descending, the
    top m keys form the support when the threshold can sit below the m-th score, i.e.
    ``sum_{i<=m} (c (z_(i) - z_(m)))^(1/c) < 1``; the largest such m is taken. Then
    ``p_i^c = s^c + c (z_i - z_(m))`` with ``s = p_(m)`` (Peters et al. 2019 threshold form
    ``p_i = (c z_i - tau)^(1/c)`` with ``tau = c z_(m) - s^c``), and ``ln s^c`` is found by
    bisection to ``digits`` digits. The result is checked against the literal definition (the
    KKT conditions of every key, masked and out-of-support ones included) before it is returned.
    Returns a list of Decimal weights.
    """
    from decimal import MAX_EMAX, MIN_EMIN, Decimal, localcontext
    from fractions import Fraction

    zs = [float(x) for x in z]
    finite = [x for x in zs if x != -math.inf]
    zmax = max(finite)
    c = Fraction(alpha) - 1
    with localcontext() as ctx:
        ctx.prec = digits + 10
        ctx.Emax, ctx.Emin = MAX_EMAX, MIN_EMIN
        cd = Decimal(c.numerator) / Decimal(c.denominator)
        inv = 1 / cd

        def dec(fr):
            return Decimal(fr.numerator) / Decimal(fr.denominator)

        order = sorted((x for x in finite), reverse=True)

        def gaps(ref):  # c (z_i - ref) for the keys with z_i >= ref, exact, then Decimal
            return [dec(c * (Fraction(x) - Fraction(ref))) for x in order if x >= ref]

        def root(a):
            return Decimal(0) if a == 0 else a**inv

        m = 1
        for cand in range(2, len(order) + 1):
            ref = order[cand - 1]
            if c * (Fraction(zmax) - Fraction(ref)) >= 1:
                break
            if sum(root(a) for a in gaps(ref)) < 1:
                m = cand
            else:
                break
        ref = order[m - 1]
        a_s = gaps(ref)
        # bisection on w = ln(s^c) (relative precision for s^c of any size; a weight moves by
        # at most dw / c relative, so w is resolved to c 10^-digits)
        ctx.prec = digits + 20 + max(0, -cd.adjusted())

        def mass(w):
            u = w.exp()
            return sum(root(u + a) for a in a_s)

        hi = Decimal(0)  # s = 1: mass >= 1
        lo = Decimal(-1)
        while mass(lo) >= 1:
            hi, lo = lo, lo * 4
        tol = cd * Decimal(10) ** (-(digits + 2))
        while hi - lo > tol:
            mid = (lo + hi) / 2
            if mass(mid) > 1:
                hi = mid
            else:
                lo = mid
        s = ((lo + hi) / 2 / cd).exp()
        sc = s**cd
        # the literal check subtracts O(1) numbers to get p^c: carry enough digits for that
        ctx.prec = digits + 10 + max(0, -sc.adjusted()) + max(0, -cd.adjusted())
        # threshold of the literal definition, for the scores shifted by their maximum
        tau = dec(c * (Fraction(ref) - Fraction(zmax))) - sc
        out = []
        for x in zs:
            if x == -math.inf:
                out.append(Decimal(0))
                continue
            g = dec(c * (Fraction(x) - Fraction(zmax))) - tau
            out.append(root(g) if g > 0 else Decimal(0))
        total = sum(out)
        assert abs(total - 1) < Decimal(10) ** (-(digits - 5)), "reference did not converge"
        return out

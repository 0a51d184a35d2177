"""Plain, obviously-correct references for memsim.kv (slow loops on purpose).

Nothing here imports memsim. Every function follows the paper formula literally, one query /
one slot / one word at a time, in Python floats where that is simplest.
"""

from __future__ import annotations

import math

import numpy as np

# --------------------------------------------------------------------------- position encoding


def position_encoding(J, d, variant="paper"):
    """l[j-1][k-1] for 1-based j, k (Sukhbaatar et al. 2015 section 4.1 / released code)."""
    out = np.zeros((J, d))
    for j in range(1, J + 1):
        for k in range(1, d + 1):
            if variant == "paper":
                out[j - 1, k - 1] = (1 - j / J) - (k / d) * (1 - 2 * j / J)
            else:
                out[j - 1, k - 1] = 1 + 4 * (j - (J + 1) / 2) * (k - (d + 1) / 2) / (d * J)
    return out


def encode(words, vectors, encoding="position", variant="paper", J=None):
    """One sentence (list of word ids, -1 = padding) -> sum_j l_j * e(w_j)."""
    words = [int(w) for w in words]
    real = [w for w in words if w >= 0]
    d = len(vectors[0])
    out = np.zeros(d)
    if encoding == "bow":
        for w in real:
            out += np.asarray(vectors[w], dtype=float)
        return out
    length = len(real) if J is None else J
    l = position_encoding(length, d, variant) if length else None
    for j, w in enumerate(words):
        if w < 0:
            continue
        for k in range(d):
            out[k] += l[j, k] * vectors[w][k]
    return out


# --------------------------------------------------------------------------- scores


def score(q, k, kind="dot", beta=1.0, weight=None, eps=1e-8):
    q = [float(x) for x in q]
    k = [float(x) for x in k]
    dot = sum(a * b for a, b in zip(q, k, strict=True))
    if kind == "dot":
        s = dot
    elif kind == "scaled_dot":
        s = dot / math.sqrt(len(q))
    elif kind == "cosine":
        nq = max(math.sqrt(sum(a * a for a in q)), eps)
        nk = max(math.sqrt(sum(b * b for b in k)), eps)
        s = min(1.0, max(-1.0, dot / (nq * nk)))
    elif kind == "neg_sq_distance":
        s = -sum((a - b) ** 2 for a, b in zip(q, k, strict=True))
    elif kind == "general":
        s = sum(q[i] * weight[i][j] * k[j] for i in range(len(q)) for j in range(len(k)))
    else:
        raise ValueError(kind)
    return beta * s


# --------------------------------------------------------------------------- normalisers
# (applied to the scores of the present slots only)


def softmax(z, temperature=1.0):
    m = max(z)
    e = [math.exp((x - m) / temperature) for x in z]
    s = sum(e)
    return [x / s for x in e]


def sparsemax(z, iters=200):
    """Projection onto the simplex by bisection on tau: sum max(z - tau, 0) = 1."""
    lo, hi = max(z) - 1.0, max(z)
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        if sum(max(x - mid, 0.0) for x in z) >= 1.0:
            lo = mid
        else:
            hi = mid
    p = [max(x - lo, 0.0) for x in z]
    s = sum(p)
    return [x / s for x in p]


def entmax15(z, iters=200):
    """p_i = max(z_i / 2 - tau, 0)^2 with sum 1, tau by bisection."""
    x = [v / 2.0 for v in z]
    lo, hi = max(x) - 1.0, max(x)
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        if sum(max(v - mid, 0.0) ** 2 for v in x) >= 1.0:
            lo = mid
        else:
            hi = mid
    p = [max(v - lo, 0.0) ** 2 for v in x]
    s = sum(p)
    return [v / s for v in p]


def hard(z):
    best = 0
    for i, v in enumerate(z):
        if v > z[best]:
            best = i
    return [1.0 if i == best else 0.0 for i in range(len(z))]


def topk(z, k, temperature=1.0):
    order = sorted(range(len(z)), key=lambda i: (-z[i], i))[:k]
    kept = [z[i] for i in order]
    p = softmax(kept, temperature)
    out = [0.0] * len(z)
    for i, v in zip(order, p, strict=True):
        out[i] = v
    return out


def normalise(z, kind, **opts):
    if kind == "softmax":
        return softmax(z, opts.get("temperature", 1.0))
    if kind == "sparsemax":
        return sparsemax(z)
    if kind == "entmax15":
        return entmax15(z)
    if kind == "hard":
        return hard(z)
    if kind == "topk":
        return topk(z, opts["k"], opts.get("temperature", 1.0))
    raise ValueError(kind)


# --------------------------------------------------------------------------- reads


def read_one(q, keys, values, present, score_kind="dot", normaliser="softmax", **opts):
    """One query: weights over all slots (0 where absent) and the read-out."""
    score_opts = {k: v for k, v in opts.items() if k in ("beta", "weight", "eps")}
    norm_opts = {k: v for k, v in opts.items() if k in ("temperature", "k")}
    idx = [i for i in range(len(keys)) if present[i]]
    dv = len(values[0]) if len(values) else 0
    w = np.zeros(len(keys))
    out = np.zeros(dv)
    if not idx:
        return out, w
    z = [score(q, keys[i], score_kind, **score_opts) for i in idx]
    p = normalise(z, normaliser, **norm_opts)
    for i, pi in zip(idx, p, strict=True):
        w[i] = pi
        for c in range(dv):
            out[c] += pi * values[i][c]
    return out, w


def read(queries, keys, values, mask=None, score_kind="dot", normaliser="softmax", **opts):
    """Batch of queries; keys (S, d) shared or (B, S, d) per query; mask (S,) or (B, S)."""
    queries = np.asarray(queries, dtype=float)
    keys = np.asarray(keys, dtype=float)
    values = np.asarray(values, dtype=float)
    nb = queries.shape[0]
    s = keys.shape[-2]
    outs, ws = [], []
    for b in range(nb):
        kb = keys[b] if keys.ndim == 3 else keys
        vb = values[b] if values.ndim == 3 else values
        if mask is None:
            pres = [True] * s
        else:
            m = np.asarray(mask)
            pres = list(m[b]) if m.ndim == 2 else list(m)
        o, w = read_one(queries[b], kb, vb, pres, score_kind, normaliser, **opts)
        outs.append(o)
        ws.append(w)
    return np.array(outs), np.array(ws)


def hops(queries, keys, values, n_hops, Rs=None, mask=None, answers=None, **opts):
    """q_{j+1} = R_j (q_j + o_j); answer = argmax_i y_i . q_{H+1} (first maximum)."""
    q = np.asarray(queries, dtype=float)
    qs, reads = [q], []
    for j in range(n_hops):
        o, _ = read(qs[-1], keys, values, mask, **opts)
        reads.append(o)
        nxt = qs[-1] + o
        if Rs is not None and Rs[j] is not None:
            R = np.asarray(Rs[j])
            nxt = np.array(
                [
                    [sum(R[a, c] * row[c] for c in range(len(row))) for a in range(len(row))]
                    for row in nxt
                ]
            )
        qs.append(nxt)
    ans = None
    if answers is not None:
        ans = []
        for row in qs[-1]:
            sc = [float(np.dot(y, row)) for y in answers]
            best = 0
            for i, v in enumerate(sc):
                if v > sc[best]:
                    best = i
            ans.append(best)
    return qs, reads, ans


def hash_candidates(slot_features, present, query_features, max_frequency=None):
    """Sets: slots (present) sharing a usable feature with the query, sorted."""
    freq = {}
    for i, feats in enumerate(slot_features):
        if present[i]:
            for f in set(feats):
                freq[f] = freq.get(f, 0) + 1
    out = []
    for qf in query_features:
        usable = {
            f for f in qf if f in freq and (max_frequency is None or freq[f] <= max_frequency)
        }
        cand = sorted(
            i for i, feats in enumerate(slot_features) if present[i] and usable & set(feats)
        )
        out.append(cand)
    return out


# --------------------------------------------------------------------------- MemN2N


def memn2n(
    A, C, B, W, TA, TC, H, sentences, questions, encoding="position", variant="paper", J=None
):
    """Literal forward pass, one story at a time (Sukhbaatar et al. 2015).

    A, C: lists of K (V, d) arrays; TA, TC: lists of K (M, d) arrays or None; H or None.
    Slot i present if it has a word; its time index = number of present slots after it.
    """
    K = len(A)
    answers, probs, atts = [], [], []
    for story, question in zip(sentences, questions, strict=True):
        present = [any(w >= 0 for w in sent) for sent in story]
        u = encode(question, B, encoding, variant, J)
        att_story = []
        for k in range(K):
            ms, cs, idx = [], [], []
            for i, sent in enumerate(story):
                if not present[i]:
                    continue
                r = sum(present[i + 1 :])
                m = encode(sent, A[k], encoding, variant, J)
                c = encode(sent, C[k], encoding, variant, J)
                if TA is not None:
                    m = m + TA[k][r]
                    c = c + TC[k][r]
                ms.append(m)
                cs.append(c)
                idx.append(i)
            o = np.zeros(len(u))
            att = np.zeros(len(story))
            if idx:
                p = softmax([float(np.dot(u, m)) for m in ms])
                for pi, c, i in zip(p, cs, idx, strict=True):
                    o += pi * c
                    att[i] = pi
            att_story.append(att)
            hu = (
                u
                if H is None
                else np.array([sum(H[a][b] * u[b] for b in range(len(u))) for a in range(len(u))])
            )
            u = hu + o
        logits = [float(np.dot(wr, u)) for wr in W]
        p = softmax(logits)
        best = max(range(len(p)), key=lambda i: (p[i], -i))
        answers.append(best)
        probs.append(p)
        atts.append(att_story)
    return np.array(answers), np.array(probs), np.array(atts).transpose(1, 0, 2)


# --------------------------------------------------------------------------- stories

MOTION = {"went", "journeyed", "moved", "travelled"}
PICK = {"picked", "got", "grabbed", "took"}


def solve_story(sentences, question):
    """Answer and supporting facts by replaying the story's world state."""
    where, last_move, holder = {}, {}, {}
    for i, s in enumerate(sentences):
        if s[1] in MOTION:
            assert s[2:4] == ("to", "the") and len(s) == 5
            where[s[0]] = s[4]
            last_move[s[0]] = i
        elif s[1] in PICK:
            obj = s[-1]
            assert obj not in holder, "an object is picked up twice"
            holder[obj] = (s[0], i)
        else:
            raise AssertionError(f"unknown sentence {s}")
    assert question[:2] == ("where", "is")
    if len(question) == 3:
        person = question[2]
        return where[person], (last_move[person],)
    obj = question[3]
    person, pick = holder[obj]
    return where[person], tuple(sorted((pick, last_move[person])))

"""Plain, obviously-correct references for memsim.kv (slow loops on purpose).

Nothing here imports memsim. Every function follows the paper formula literally, one query /
one slot / one word at a time, in Python floats where that is simplest.
"""

from __future__ import annotations

import numpy as np

# the scores and normalisers (applied here to the scores of the present slots only) are the one
# plain reference of them, in reference_attention.py
from reference_attention import normalise, score, softmax

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

"""Numba kernels for memsim.kv (private: the public functions validate and allocate).

* :func:`gather_candidates` / :func:`compact_candidates` -- key hashing: the union of the slots
  listed under a query's features in the inverted index (Miller et al. 2016, section 3.1,
  "key hashing"), sorted and without duplicates, one query per parallel task.
* :func:`csr_softmax_read` -- one softmax read restricted to each query's candidate slots:
  ``o_b = sum_{h in cand(b)} p_bh v_h``, ``p_b = softmax_h(q_b . k_h)``, scores computed only
  for the candidates (queries already scaled by beta / T and, for scaled_dot, 1 / sqrt(d);
  for cosine the caller passes unit-norm queries and keys).
"""

from __future__ import annotations

import numpy as np
from numba import prange

from memsim._jit import jit, pjit


@jit
def candidate_bounds(q_indptr, q_feats, f_indptr, usable, bounds):
    """``bounds[b]`` = total number of slots listed under the usable features of query b."""
    nf = usable.shape[0]
    for b in range(q_indptr.shape[0] - 1):
        total = 0
        for t in range(q_indptr[b], q_indptr[b + 1]):
            f = q_feats[t]
            if f < nf and usable[f]:
                total += f_indptr[f + 1] - f_indptr[f]
        bounds[b] = total


@pjit
def gather_candidates(q_indptr, q_feats, f_indptr, f_slots, usable, buf_indptr, buf, counts):
    """Fill ``buf[buf_indptr[b]:...]`` with query b's candidate slots, sorted and unique.

    ``counts[b]`` receives the number of distinct candidates (a prefix of the segment).
    """
    nf = usable.shape[0]
    for b in prange(q_indptr.shape[0] - 1):
        start = buf_indptr[b]
        pos = start
        for t in range(q_indptr[b], q_indptr[b + 1]):
            f = q_feats[t]
            if f < nf and usable[f]:
                for u in range(f_indptr[f], f_indptr[f + 1]):
                    buf[pos] = f_slots[u]
                    pos += 1
        n = pos - start
        if n == 0:
            counts[b] = 0
            continue
        seg = buf[start:pos]
        seg.sort()
        m = 1
        for u in range(1, n):
            if seg[u] != seg[m - 1]:
                seg[m] = seg[u]
                m += 1
        counts[b] = m


@pjit
def compact_candidates(buf_indptr, buf, indptr, out):
    """Copy the first ``indptr[b+1] - indptr[b]`` entries of each buffer segment into ``out``."""
    for b in prange(indptr.shape[0] - 1):
        n = indptr[b + 1] - indptr[b]
        s = buf_indptr[b]
        o = indptr[b]
        for u in range(n):
            out[o + u] = buf[s + u]


@jit
def _dot(a, b):
    """a . b for 1-D arrays, four partial sums (vectorises without fastmath)."""
    n = a.shape[0]
    s0 = 0.0
    s1 = 0.0
    s2 = 0.0
    s3 = 0.0
    j = 0
    while j + 4 <= n:
        s0 += a[j] * b[j]
        s1 += a[j + 1] * b[j + 1]
        s2 += a[j + 2] * b[j + 2]
        s3 += a[j + 3] * b[j + 3]
        j += 4
    while j < n:
        s0 += a[j] * b[j]
        j += 1
    return (s0 + s1) + (s2 + s3)


@pjit
def csr_softmax_read(q, keys, values, indptr, slots, out, weights):
    """Softmax read over each query's candidate slots (CSR ``indptr``, ``slots``).

    Parameters
    ----------
    q : (B, d) float64, scaled queries
    keys : (S, d) float64
    values : (S, d_v) float64
    indptr : (B + 1,) int64; slots : (nnz,) int64
        Candidates of query b are ``slots[indptr[b]:indptr[b+1]]``.
    out : (B, d_v) float64
        Read-outs (written; zero for a query without candidates).
    weights : (nnz,) float64
        Softmax weight of each candidate (written).
    """
    nb = q.shape[0]
    dv = values.shape[1]
    for b in prange(nb):
        lo = indptr[b]
        hi = indptr[b + 1]
        for c in range(dv):
            out[b, c] = 0.0
        if hi == lo:
            continue
        top = -np.inf
        qb = q[b]
        for t in range(lo, hi):
            s = _dot(qb, keys[slots[t]])
            weights[t] = s
            if s > top:
                top = s
        total = 0.0
        for t in range(lo, hi):
            e = np.exp(weights[t] - top)
            weights[t] = e
            total += e
        inv = 1.0 / total
        ob = out[b]
        for t in range(lo, hi):
            p = weights[t] * inv
            weights[t] = p
            vh = values[slots[t]]
            for c in range(dv):
                ob[c] += p * vh[c]

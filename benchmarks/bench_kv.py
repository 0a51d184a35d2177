"""Benchmark: memsim.kv batched reads over 10^5 slots against plain numpy, in the same run.

1. Dense softmax read ``softmax(Q K^T / T) V`` of B queries over S slots (default B = 256,
   S = 10^5, d = 64, a mask with 10 % empty slots): plain numpy (the B x S score matrix, masked,
   stable softmax, @ V) against ``memsim.kv.read`` (``method="auto"`` picks the blocked path:
   slots in blocks of 8192, two BLAS products per block, running maximum; memory O(B x block))
   and, for reference, ``memsim.attention.attend`` (its default path for large problems).
2. Hashed read (key hashing, Miller et al. 2016): every query reads only the slots that share
   a feature with it (about 200 of 10^5). Plain numpy loops over the queries (gather the
   candidates, scores, softmax, weighted sum) against the parallel Numba CSR kernel of
   ``memsim.kv.kv_read(candidates=...)``; candidate lookup (inverted index) by a Python set
   union per query against ``memsim.kv.hash_candidates``. The dense read of the same queries
   shows what hashing saves.

Ratio = numpy time / memsim time (above 1: memsim faster). Times are the best of ``--repeats``
runs after a warm-up (Numba compiled or loaded from its cache first). Peak memory of numpy
allocations by tracemalloc in a separate run.

Run: ``.venv/bin/python benchmarks/bench_kv.py [--queries B --slots S --dim d]``.
"""

from __future__ import annotations

import numpy as np
from _common import bench_parser, environment_line
from _timing import best_of, peak_bytes

import memsim.attention as A
import memsim.kv as kv


def numpy_dense_read(q, k, v, mask, temperature):
    s = (q @ k.T) / temperature
    s[:, ~mask] = -np.inf
    s -= s.max(axis=1, keepdims=True)
    np.exp(s, out=s)
    s /= s.sum(axis=1, keepdims=True)
    return s @ v


def numpy_hashed_read(q, keys, values, indptr, slots, temperature):
    out = np.zeros((q.shape[0], values.shape[1]))
    for b in range(q.shape[0]):
        idx = slots[indptr[b] : indptr[b + 1]]
        if idx.size == 0:
            continue
        s = keys[idx] @ q[b] / temperature
        s -= s.max()
        e = np.exp(s)
        out[b] = (e / e.sum()) @ values[idx]
    return out


def python_candidates(slot_features, query_features):
    index: dict[int, list[int]] = {}
    for i, feats in enumerate(slot_features):
        for f in feats:
            index.setdefault(int(f), []).append(i)
    ptr = [0]
    out = []
    for feats in query_features:
        cand = sorted(set().union(*(index.get(int(f), ()) for f in feats)))
        out.extend(cand)
        ptr.append(len(out))
    return np.array(ptr), np.array(out, dtype=np.int64)


def row(name, t, t_ref, err, mem=None):
    m = "" if mem is None else f"  {mem:8.1f} MB"
    print(f"  {name:<44s} {t * 1e3:9.1f} ms  ratio {t_ref / t:6.2f}  max|diff| {err:8.1e}{m}")


def main() -> None:
    args = bench_parser(__doc__, queries=256, slots=100_000, dim=64, hash_queries=1000,
                        temperature=0.1, repeats=5, seed=0).parse_args()  # fmt: skip
    b, n, d, reps, temp = args.queries, args.slots, args.dim, args.repeats, args.temperature
    mem = kv.random_memory(n, d, d, seed=args.seed, features_per_slot=2)
    rng = np.random.default_rng(args.seed)
    present = rng.random(n) >= 0.1
    targets = rng.choice(n, size=b, replace=False)
    q = mem.keys[targets] + 0.5 * rng.standard_normal((b, d)) / np.sqrt(d)
    k, v = np.asarray(mem.keys), np.asarray(mem.values)
    print(f"{environment_line()}; best of {reps} runs")

    # warm-up (Numba kernels compiled or loaded from the cache)
    small = kv.random_memory(8, 2, features_per_slot=1, n_features=2)
    kv.kv_read(small, small.keys, candidates=kv.hash_candidates(small, [[0]] * 8))
    kv.read(q[:2], k[:10], v[:10], method="blocked")

    print(
        f"\n1. dense softmax read, B = {b}, S = {n}, d = {d}, 10 % empty slots"
        + " " * 6
        + "peak numpy"
    )
    t_ref, ref = best_of(lambda: numpy_dense_read(q, k, v, present, temp), reps, result=True)
    row(
        "numpy (B x S matrix, softmax, @ V)",
        t_ref,
        t_ref,
        0.0,
        peak_bytes(lambda: numpy_dense_read(q, k, v, present, temp)) / 2**20,
    )
    cases = [
        (
            "memsim.kv.read (auto = blocked BLAS)",
            lambda: kv.read(q, k, v, mask=present, temperature=temp),
        ),
        (
            "memsim.kv.read (method='matrix')",
            lambda: kv.read(q, k, v, mask=present, temperature=temp, method="matrix"),
        ),
        (
            "memsim.attention.attend (auto)",
            lambda: A.attend(q, k, v, mask=present, temperature=temp),
        ),
    ]
    for name, func in cases:
        t, out = best_of(func, reps, result=True)
        row(name, t, t_ref, float(np.abs(out - ref).max()), peak_bytes(func) / 2**20)

    bh = args.hash_queries
    hrng = np.random.default_rng(args.seed + 1)
    ht = hrng.choice(n, size=bh, replace=False)
    hq = k[ht] + 0.5 * hrng.standard_normal((bh, d)) / np.sqrt(d)
    fp = mem.feature_indptr
    slot_feats = [mem.feature_ids[fp[i] : fp[i + 1]] for i in range(n)]
    qfeats = [slot_feats[i] for i in ht]
    cand = kv.hash_candidates(mem, qfeats)
    print(
        f"\n2. hashed read, B = {bh}, S = {n}, {mem.n_features} features, "
        f"{cand.counts.mean():.0f} candidates per query"
    )
    t_ref, (ptr, sl) = best_of(lambda: python_candidates(slot_feats, qfeats), reps, result=True)
    row("candidates: python set union per query", t_ref, t_ref, 0.0)
    t, c2 = best_of(lambda: kv.hash_candidates(mem, qfeats), reps, result=True)
    same = np.array_equal(c2.indptr, ptr) and np.array_equal(c2.slots, sl)
    row("memsim.kv.hash_candidates (Numba)", t, t_ref, 0.0 if same else np.inf)
    t_ref, ref = best_of(
        lambda: numpy_hashed_read(hq, k, v, cand.indptr, cand.slots, temp), reps, result=True
    )
    row("read: numpy loop over queries", t_ref, t_ref, 0.0)
    t, out = best_of(
        lambda: kv.kv_read(mem, hq, candidates=cand, temperature=temp), reps, result=True
    )
    row("memsim.kv.kv_read(candidates) (Numba CSR)", t, t_ref, float(np.abs(out - ref).max()))
    t = best_of(lambda: kv.kv_read(mem, hq, temperature=temp), reps)
    row("memsim.kv.kv_read, no hashing (all slots)", t, t_ref, float("nan"))


if __name__ == "__main__":
    main()

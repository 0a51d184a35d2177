"""Benchmark: memsim.attention against plain numpy references, in the same run.

1. Softmax read-out ``softmax(Q K^T) V`` for B queries, K keys, dimension d (default
   B = 1000, K = 10^4, d = 64, issue 5): plain numpy (scores = Q @ K.T, stable softmax, @ V)
   against memsim's matrix path, the chunked BLAS path (default of ``attend`` for large problems)
   and the fused Numba kernel (online softmax, no B x K matrix).
2. Additive (Bahdanau) scores ``v^T tanh(W1 q + W2 k)``: numpy broadcasting (a B x K x h array)
   against memsim's query-chunked numpy version (a Numba pair kernel was about 3x slower than
   numpy's vectorised tanh and was dropped).
3. alpha-entmax by bisection: a vectorised numpy bisection against the Numba row kernel.

Ratio = numpy time / memsim time (above 1: memsim faster). Times are the best of ``--repeats``
runs after a warm-up (Numba compiled and cached first). Peak memory of numpy allocations is
measured with tracemalloc in a separate run; Numba's own allocations are not traced, so the fused
kernel's working memory is given analytically.

Run: ``.venv/bin/python benchmarks/bench_attention.py [--queries B --keys K --dim d]``.
"""

from __future__ import annotations

import argparse
import math
import time
import tracemalloc

import numba
import numpy as np

import memsim.attention as A
from memsim.attention.readouts import CHUNK_ENTRIES, FUSED_BLOCK_K, FUSED_BLOCK_Q


def numpy_softmax_read(q, k, v):
    s = q @ k.T
    s -= s.max(axis=1, keepdims=True)
    np.exp(s, out=s)
    s /= s.sum(axis=1, keepdims=True)
    return s @ v


def numpy_additive(q, k, wq, wk, v):
    return np.tanh((q @ wq.T)[:, None, :] + (k @ wk.T)[None, :, :]) @ v


def numpy_entmax_bisect(z, alpha, iters=60):
    """Vectorised bisection on tau for p = [(alpha-1) z - tau]_+^(1/(alpha-1))."""
    c = alpha - 1.0
    x = c * (z - z.max(axis=1, keepdims=True))
    lo = np.full((z.shape[0], 1), -1.0)
    hi = np.full((z.shape[0], 1), -((1.0 / z.shape[1]) ** c))
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        mass = (np.maximum(x - mid, 0.0) ** (1.0 / c)).sum(axis=1, keepdims=True)
        big = mass >= 1.0
        lo = np.where(big, mid, lo)
        hi = np.where(big, hi, mid)
    p = np.maximum(x - lo, 0.0) ** (1.0 / c)
    return p / p.sum(axis=1, keepdims=True)


def best_time(func, repeats):
    times = []
    out = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = func()
        times.append(time.perf_counter() - t0)
    return min(times), out


def peak_numpy_bytes(func):
    tracemalloc.start()
    tracemalloc.reset_peak()
    func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def mb(nbytes):
    return f"{nbytes / 2**20:8.1f}"


def row(name, t, t_ref, err, mem):
    print(f"  {name:<34s} {t * 1e3:9.1f} ms  ratio {t_ref / t:5.2f}  max|diff| {err:8.1e}  {mem}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--keys", type=int, default=10_000)
    parser.add_argument("--dim", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    b, n, d, reps = args.queries, args.keys, args.dim, args.repeats
    rng = np.random.default_rng(args.seed)
    q = rng.standard_normal((b, d)) / math.sqrt(d)
    k = rng.standard_normal((n, d))
    v = rng.standard_normal((n, d))
    print(
        f"numpy {np.__version__}, numba {numba.__version__}, numba threads "
        f"{numba.get_num_threads()}; best of {reps} runs"
    )

    # ---- warm up (compile / load Numba caches)
    A.softmax_readout(q[:3], k[:50], v[:50], method="fused")
    A.softmax_readout(q[:3], k[:50], v[:50], method="chunked")

    print(f"\n1. softmax read-out, B = {b}, K = {n}, d = {d}" + " " * 20 + "peak numpy MB")
    t_ref, ref = best_time(lambda: numpy_softmax_read(q, k, v), reps)
    row(
        "numpy (Q@K.T, softmax, @V)",
        t_ref,
        t_ref,
        0.0,
        mb(peak_numpy_bytes(lambda: numpy_softmax_read(q, k, v))),
    )
    cases = [
        ("memsim attend, method='matrix'", lambda: A.attend(q, k, v, method="matrix")),
        ("memsim softmax_readout 'chunked'", lambda: A.softmax_readout(q, k, v, method="chunked")),
        ("memsim softmax_readout 'fused'", lambda: A.softmax_readout(q, k, v, method="fused")),
    ]
    for name, func in cases:
        t, out = best_time(func, reps)
        if "fused" in name:
            work = numba.get_num_threads() * FUSED_BLOCK_Q * (FUSED_BLOCK_K + d) * 8
            mem = f"{mb(peak_numpy_bytes(func))} + Numba ~{work / 2**20:.1f} (not traced)"
        else:
            mem = mb(peak_numpy_bytes(func))
        row(name, t, t_ref, float(np.max(np.abs(out - ref))), mem)
    print(
        f"  (a B x K float64 matrix is {b * n * 8 / 2**20:.0f} MB; 'chunked' keeps "
        f"{CHUNK_ENTRIES * 8 / 2**20:.0f} MB chunks; attend() streams with 'chunked' from "
        f"{A.readouts.STREAM_MIN_PAIRS} query-key pairs on)"
    )

    # ---- additive scores
    ba, na, h = 300, 2000, 32
    qa, ka = rng.standard_normal((ba, d)), rng.standard_normal((na, d))
    wq, wk = rng.standard_normal((h, d)) / 8, rng.standard_normal((h, d)) / 8
    va = rng.standard_normal(h)
    A.score(qa[:2], ka[:3], "additive", w_query=wq, w_key=wk, v=va)
    print(f"\n2. additive scores, B = {ba}, K = {na}, h = {h}, d = {d}")
    t_ref, ref = best_time(lambda: numpy_additive(qa, ka, wq, wk, va), reps)
    row(
        "numpy broadcasting (B x K x h)",
        t_ref,
        t_ref,
        0.0,
        mb(peak_numpy_bytes(lambda: numpy_additive(qa, ka, wq, wk, va))),
    )
    func = lambda: A.score(qa, ka, "additive", w_query=wq, w_key=wk, v=va)  # noqa: E731
    t, out = best_time(func, reps)
    row(
        "memsim score('additive') chunked",
        t,
        t_ref,
        float(np.max(np.abs(out - ref))),
        mb(peak_numpy_bytes(func)),
    )

    # ---- entmax bisection
    rz, nz, alpha = 1000, 1000, 1.5
    z = rng.standard_normal((rz, nz))
    A.entmax_bisect(z[:2], alpha)
    print(f"\n3. entmax_bisect, {rz} rows x {nz} scores, alpha = {alpha} (exact: entmax15)")
    exact = A.entmax15(z)
    t_ref, ref = best_time(lambda: numpy_entmax_bisect(z, alpha), max(2, reps // 2))
    row("numpy vectorised bisection (60 it)", t_ref, t_ref, float(np.max(np.abs(ref - exact))), "")
    t, out = best_time(lambda: A.entmax_bisect(z, alpha), max(2, reps // 2))
    row("memsim entmax_bisect (to ulp)", t, t_ref, float(np.max(np.abs(out - exact))), "")
    t, out = best_time(lambda: A.entmax15(z), max(2, reps // 2))
    row("memsim entmax15 (sort-based)", t, t_ref, 0.0, "")
    print("  (max|diff| in section 3 is against the exact sort-based entmax15)")


if __name__ == "__main__":
    main()

"""Benchmark: modern Hopfield retrieval and dense associative memory against plain numpy.

Run as ``.venv/bin/python benchmarks/bench_modern.py`` (add ``--quick`` for smaller sizes).

1. Continuous modern Hopfield retrieval, one update ``softmax(beta Q X^T) X`` with P = 10^4
   stored patterns, d = 256, 1000 queries: memsim against the time of the two matrix products it
   needs (numpy BLAS, same run) and against a plain numpy implementation.
2. Small batches (1-10 queries): memsim against plain numpy.
3. Dense associative memory, asynchronous updates: memsim (Numba, incremental overlaps, parallel
   over cues) against a numpy reference vectorised over cues with a Python loop over neurons,
   same fixed update order (the final states are checked to be identical).

Numba is warmed up first; each time is the best of several repeats.
"""

# ruff: noqa: B023, E501  (timing lambdas run inside their loop iteration; table formats)

from __future__ import annotations

import numpy as np
from _common import DOCS, bench_parser, environment_line, load_average, write_csv
from _timing import best_of, interleaved

from memsim.hopfield import dense, modern


def numpy_update(X, Q, beta):
    """Plain numpy modern Hopfield update."""
    S = beta * (Q @ X.T)
    S -= S.max(axis=1, keepdims=True)
    E = np.exp(S)
    E /= E.sum(axis=1, keepdims=True)
    return E @ X


def numpy_dense_async_drive(xi, cues, drive, max_sweeps=100):
    """Dense associative memory, asynchronous fixed order 0..N-1, vectorised over cues, Python
    loop over neurons (exact int64 overlaps). ``drive(h)`` maps the overlaps without neuron i's
    term (cues x P) to the per-pattern weights whose sum with xi_i gives the update's sign."""
    xi = xi.astype(np.int64)
    S = cues.astype(np.int64).copy()
    M = S @ xi.T
    for _ in range(max_sweeps):
        flips = 0
        for i in range(S.shape[1]):
            x = xi[:, i]
            h = M - x[None, :] * S[:, i : i + 1]
            d = drive(h) @ x
            new = np.where(d > 0, 1, np.where(d < 0, -1, S[:, i]))
            ch = new != S[:, i]
            if ch.any():
                M[ch] += 2 * new[ch, None] * x[None, :]
                S[ch, i] = new[ch]
                flips += int(ch.sum())
        if flips == 0:
            break
    return S


def numpy_dense_async(xi, cues, n, max_sweeps=100):
    """Polynomial F(x) = x^n: drive (h + 1)^n - (h - 1)^n."""
    return numpy_dense_async_drive(xi, cues, lambda h: (h + 1) ** n - (h - 1) ** n, max_sweeps)


def numpy_dense_async_exp(xi, cues, max_sweeps=100):
    """Exponential F, log-sum-exp shifted: drive exp(h - max h)."""
    return numpy_dense_async_drive(
        xi, cues, lambda h: np.exp(h - h.max(axis=1, keepdims=True)), max_sweeps
    )


def row(name, ours, other, label):
    print(f"{name:<44s} {ours * 1e3:10.2f} ms {other * 1e3:10.2f} ms   {label} {other / ours:6.2f}")


def main(quick: bool = False) -> None:

    print(f"{environment_line()} (timings are only meaningful on an otherwise idle machine)")
    rng = np.random.default_rng(0)
    p, d, b = (2000, 128, 200) if quick else (10_000, 256, 1000)
    X = rng.standard_normal((p, d))
    Q = X[rng.integers(0, p, b)] + 0.3 * rng.standard_normal((b, d))
    beta = 1.0 / np.sqrt(d)
    modern.retrieve(X, Q[:2], beta)
    modern.retrieve(X, Q[:50], beta)  # warm-up (Numba)
    np.testing.assert_allclose(
        modern.retrieve(X, Q, beta), numpy_update(X, Q, beta), rtol=1e-10, atol=1e-12
    )

    print(f"Modern Hopfield retrieval, one update, P={p}, d={d} (interleaved and settled, best of 7)")
    print(f"{'case':<44s} {'memsim':>13s} {'reference':>13s}   ratio")
    csv_rows = []
    for dt in (np.float64, np.float32):
        X_, Q_ = X.astype(dt), Q.astype(dt)
        modern.retrieve(X_, Q_[:50], beta)
        fns = [
            lambda: modern.retrieve(X_, Q_, beta),
            lambda: (Q_ @ X_.T) @ X_,
            lambda: numpy_update(X_, Q_, beta),
        ]
        t_ours, t_mm, t_np = interleaved(fns, 7, warmup=1, settle=0.15)  # see _timing
        name = np.dtype(dt).name
        print(
            f"{f'{name} B={b}: memsim vs the two BLAS products':<44s} {t_ours * 1e3:10.2f} ms "
            f"{t_mm * 1e3:10.2f} ms   memsim/matmul {t_ours / t_mm:6.2f}  (target <= 1.2)"
        )
        row(f"{name} B={b}: plain numpy vs memsim", t_ours, t_np, "speed-up")
        csv_rows.append(
            {
                "dtype": name,
                "B": b,
                "P": p,
                "d": d,
                "memsim_ms": f"{t_ours * 1e3:.4g}",
                "two_blas_ms": f"{t_mm * 1e3:.4g}",
                "memsim_over_blas": f"{t_ours / t_mm:.3f}",
                "numpy_ms": f"{t_np * 1e3:.4g}",
                "ratio_numpy": f"{t_np / t_ours:.3f}",
                "load1": f"{load_average():.2f}",
            }
        )
    out = write_csv(DOCS / ("modern_quick.csv" if quick else "modern.csv"), csv_rows)
    print(f"wrote {out}")
    for nb in (1, 2, 4, 10):
        q = Q[:nb]
        t_ours = best_of(lambda q=q: modern.retrieve(X, q, beta), 20, number=5)
        t_np = best_of(lambda q=q: numpy_update(X, q, beta), 20, number=5)
        row(f"B={nb}: plain numpy vs memsim", t_ours, t_np, "speed-up")

    print()
    print("Dense associative memory, asynchronous updates, fixed order 0..N-1, cues with 25 % of")
    print("the bits flipped; numpy reference vectorised over cues, Python loop over neurons")
    print(f"{'case':<44s} {'memsim':>13s} {'numpy':>13s}   ratio")
    sizes = (
        [(100, 30, 8), (200, 50, 16)]
        if quick
        else [(100, 30, 8), (200, 50, 16), (200, 150, 64), (400, 200, 128)]
    )
    for n_neurons, p_dense, cues_count in sizes:
        xi = (2 * rng.integers(0, 2, (p_dense, n_neurons)) - 1).astype(np.int8)
        cues = xi[rng.integers(0, p_dense, cues_count)].copy()
        for c in cues:
            c[rng.choice(n_neurons, n_neurons // 4, replace=False)] *= -1
        for n in (3, 0):
            bench_dense(xi, cues, n)


def bench_dense(xi, cues, n):
    """Time one dense setting (n = 0: exponential) against its numpy reference."""
    kind = "polynomial" if n else "exponential"
    n_pow = max(n, 2)
    res = dense.dense_recall(xi, cues, kind, n_pow, "async", 100, "fixed")

    def ref_fn():
        return numpy_dense_async(xi, cues, n) if n else numpy_dense_async_exp(xi, cues)

    assert np.array_equal(res.states, ref_fn()), "dense kernel and numpy reference differ"
    t_ours = best_of(lambda: dense.dense_recall(xi, cues, kind, n_pow, "async", 100, "fixed"), 7)
    t_np = best_of(ref_fn, 3)
    label = f"n={n}" if n else "exp"
    p, n_neurons = xi.shape
    row(
        f"N={n_neurons} P={p} B={cues.shape[0]} {label} ({res.sweeps.max()} sweeps)",
        t_ours,
        t_np,
        "speed-up",
    )


if __name__ == "__main__":
    main(bench_parser(__doc__, quick=(False, "smaller sizes")).parse_args().quick)

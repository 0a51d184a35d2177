"""Storkey learning: memsim's Numba kernel against plain Python/numpy implementations.

Run: ``.venv/bin/python benchmarks/bench_storkey.py [--n 500] [--p 50] [--repeats 3]``

Four implementations of the same rule (Storkey, A. 1997, "Increasing the capacity of a Hopfield
network without sacrificing functionality", ICANN'97, LNCS 1327, 451-456:
``W_ij += (xi_i xi_j - xi_i h_ji - h_ij xi_j) / N`` with ``h_ij = sum_{k != i, j} W_ik xi_k``),
all with the explicit exclusion ``k != i, j`` and zero diagonal, timed in the same run (best of
``--repeats``):

* ``pair loop``   -- Python loops over patterns, i and j; the k-sum of every h_ij and h_ji is a
  numpy dot over a copy of the pattern with entries i and j zeroed. The most literal
  implementation. It costs O(P N^3) and takes minutes at N = 500, so it is timed on
  ``--pair-patterns`` patterns and scaled linearly to P (every pattern costs the same).
* ``row loop``    -- what a careful plain implementation does: Python loops over patterns and i,
  numpy over j, with h_ij = h_i - W_ii xi_i - W_ij xi_j (O(P N^2) arithmetic).
* ``numpy``       -- fully vectorised per pattern (N x N matrices of h_ij and h_ji).
* ``memsim``      -- ``memsim.hopfield.rules.storkey_weights`` (Numba; one thread below
  ``STORKEY_PARALLEL_MIN_N`` = 1000 neurons, rows in parallel above).
* ``memsim par``  -- the parallel kernel forced at this size (rows in parallel, one parallel
  region per pattern): faster on an idle machine, much slower when other processes compete for
  the cores (a descheduled thread stalls every pattern).

All four results are checked against each other before timing is reported.
"""

from __future__ import annotations

import numba
import numpy as np
from _common import bench_parser, environment_line
from _timing import best_of

from memsim.hopfield import _rule_kernels as RK
from memsim.hopfield.rules import storkey_weights


def by_pattern(xi: np.ndarray, update, n_patterns: int | None = None) -> np.ndarray:
    """Storkey's rule one pattern at a time from W = 0: ``W = update(W, x, N)`` for each of the
    first ``n_patterns`` patterns x (float64; all by default)."""
    P, N = xi.shape
    W = np.zeros((N, N))
    for nu in range(P if n_patterns is None else n_patterns):
        W = update(W, xi[nu].astype(np.float64), N)
    return W


def pair_step(W: np.ndarray, x: np.ndarray, N: int) -> np.ndarray:
    new = W.copy()
    for i in range(N):
        for j in range(N):
            if i == j:
                continue
            xm = x.copy()
            xm[i] = 0.0
            xm[j] = 0.0
            h_ij = W[i] @ xm  # sum_{k != i, j} W_ik xi_k
            h_ji = W[j] @ xm  # sum_{k != i, j} W_jk xi_k
            new[i, j] = W[i, j] + (x[i] * x[j] - x[i] * h_ji - h_ij * x[j]) / N
    return new


def row_step(W: np.ndarray, x: np.ndarray, N: int) -> np.ndarray:
    h = W @ x
    d = np.diag(W).copy()
    new = np.empty_like(W)
    for i in range(N):
        h_ij = h[i] - d[i] * x[i] - W[i] * x  # over j: sum_{k != i, j} W_ik xi_k
        h_ji = h - d * x - W[:, i] * x[i]  # over j: sum_{k != i, j} W_jk xi_k
        new[i] = W[i] + (x[i] * x - x[i] * h_ji - h_ij * x) / N
        new[i, i] = 0.0
    return new


def numpy_step(W: np.ndarray, x: np.ndarray, N: int) -> np.ndarray:
    h = W @ x
    d = np.diag(W)
    H = (h - d * x)[:, None] - W * x[None, :]  # H[i, j] = h_ij
    W = W + (np.outer(x, x) - x[:, None] * H.T - H * x[None, :]) / N
    np.fill_diagonal(W, 0.0)
    return W


def storkey_pair_loop(xi: np.ndarray, n_patterns: int | None = None) -> np.ndarray:
    return by_pattern(xi, pair_step, n_patterns)


def storkey_row_loop(xi: np.ndarray) -> np.ndarray:
    return by_pattern(xi, row_step)


def storkey_numpy(xi: np.ndarray) -> np.ndarray:
    return by_pattern(xi, numpy_step)


def main() -> None:
    args = bench_parser(__doc__, n=500, p=50, repeats=3, pair_patterns=1, seed=0).parse_args()
    rng = np.random.default_rng(args.seed)
    xi = rng.choice(np.array([-1, 1], dtype=np.int8), size=(args.p, args.n))

    # warm-up (Numba compilation / cache load) and cross-checks
    w_memsim = storkey_weights(xi)
    w_numpy = storkey_numpy(xi)
    w_row = storkey_row_loop(xi)
    w_pair = storkey_pair_loop(xi, args.pair_patterns)
    w_memsim_k = storkey_weights(xi[: args.pair_patterns])
    scale = np.abs(w_numpy).max()
    for name, a, b in (
        ("numpy", w_numpy, w_memsim),
        ("row loop", w_row, w_memsim),
        ("pair loop", w_pair, w_memsim_k),
    ):
        err = np.abs(a - b).max() / scale
        if err > 1e-9:
            raise SystemExit(f"{name} disagrees with memsim: max rel. difference {err:.2e}")

    def parallel_kernel():
        W = np.zeros((args.n, args.n))
        RK.storkey_learn(xi, W, True)
        return W

    if not np.array_equal(parallel_kernel(), w_memsim):
        raise SystemExit("parallel kernel disagrees with the serial one")

    t_memsim = best_of(lambda: storkey_weights(xi), max(args.repeats, 5))
    t_par = best_of(parallel_kernel, max(args.repeats, 5))
    t_numpy = best_of(lambda: storkey_numpy(xi), args.repeats)
    t_row = best_of(lambda: storkey_row_loop(xi), args.repeats)
    t_pair_k = best_of(lambda: storkey_pair_loop(xi, args.pair_patterns), 1)
    t_pair = t_pair_k * args.p / args.pair_patterns

    print(
        f"Storkey learning, N={args.n}, P={args.p}, numba threads={numba.get_num_threads()}"
        f" (best of {args.repeats}; pair loop: {args.pair_patterns} pattern(s) timed, scaled to P)"
    )
    print(f"{'implementation':<12} {'time [s]':>10} {'memsim speed-up':>16}")
    for name, t in (
        ("pair loop", t_pair),
        ("row loop", t_row),
        ("numpy", t_numpy),
        ("memsim", t_memsim),
        ("memsim par", t_par),
    ):
        print(f"{name:<12} {t:>10.4f} {t / t_memsim:>15.1f}x")
    print(environment_line())


if __name__ == "__main__":
    main()

"""Classical Hopfield recall: memsim against a plain numpy reference, same process, same data.

N = 1000 neurons, P = 100 Hebbian patterns, 100 cues with 10% of bits flipped (issue 3).

Reference (what a careful numpy user writes):
* async: vectorised over cues, a Python loop over neurons in a fixed order; each neuron's field is
  ``S @ W[:, i]`` for all cues (BLAS), sweeps until no cue changes;
* sync: ``S @ W`` (BLAS) per step on the cues still moving (each stops at a fixed point or a
  2-cycle, as memsim's do).

memsim: lazy Hebbian weights; initial fields from the P overlaps (rank <= P), then
incremental fields in Numba, dense (a check O(1), a flip O(N), once J is formed) or low-rank
(a check and a flip O(P)) as the cost model decides; cues in parallel when the work is large.
Both sides use the same cues; the final states are checked equal for the fixed order. Times are
the best of several repeats after a warm-up (Numba compilation excluded).

The reference runs with one BLAS thread (set here unless OPENBLAS_NUM_THREADS is set): its
calls are small matrix-vector products, for which a BLAS thread pool only adds start-up and,
on a machine shared with other jobs, stalls of tens of milliseconds (measured: the reference
took 4-7 times longer with two BLAS threads at a load average of 15 on 2 cores).

Run: python benchmarks/bench_hopfield_recall.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from memsim.hopfield import recall, store  # noqa: E402


def reference_async(W: np.ndarray, cues: np.ndarray, max_sweeps: int = 100) -> np.ndarray:
    S = cues.astype(np.float64).copy()
    n = W.shape[0]
    for _ in range(max_sweeps):
        changed = False
        for i in range(n):
            h = S @ W[:, i]
            new = np.where(h > 0, 1.0, np.where(h < 0, -1.0, S[:, i]))
            if np.any(new != S[:, i]):
                changed = True
                S[:, i] = new
        if not changed:
            break
    return S.astype(np.int8)


def reference_sync(W: np.ndarray, cues: np.ndarray, max_steps: int = 100) -> np.ndarray:
    """Synchronous steps on the cues still moving; a cue stops at a fixed point or a 2-cycle."""
    S = cues.astype(np.float64).copy()
    prev = S.copy()
    active = np.arange(len(S))
    for t in range(max_steps):
        Sa = S[active]
        H = Sa @ W
        new = np.where(H > 0, 1.0, np.where(H < 0, -1.0, Sa))
        fixed = (new == Sa).all(axis=1)
        cycle = (new == prev[active]).all(axis=1) & ~fixed if t > 0 else np.zeros_like(fixed)
        prev[active] = Sa
        S[active] = new
        active = active[~(fixed | cycle)]
        if active.size == 0:
            break
    return S.astype(np.int8)


def best_of(f, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--p", type=int, default=100)
    ap.add_argument("--cues", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    xi = rng.choice(np.array([-1, 1], np.int8), size=(args.p, args.n))
    idx = rng.integers(0, args.p, size=args.cues)
    cues = xi[idx].copy()
    for b in range(args.cues):
        flip = rng.choice(args.n, size=args.n // 10, replace=False)
        cues[b, flip] *= -1

    weights = store(xi)
    # float64 N x N for the reference, in integer units (N W): BLAS sums of integers are exact,
    # so ties (h = 0) are seen as ties, as in memsim; with W itself rounding would break them.
    W = np.rint(np.asarray(weights) * args.n)

    # warm-up (compilation) and equality checks
    ra = recall(weights, cues, "async", "fixed", 100, targets=False)
    np.testing.assert_array_equal(ra.states, reference_async(W, cues))
    rs = recall(weights, cues, "sync", max_sweeps=100, targets=False)
    np.testing.assert_array_equal(rs.states, reference_sync(W, cues))
    recall(weights, cues, "async", "random", 100, seed=1, targets=False)

    rows = []
    t_ref = best_of(lambda: reference_async(W, cues), args.repeats)
    t_fixed = best_of(
        lambda: recall(weights, cues, "async", "fixed", 100, targets=False), args.repeats
    )
    t_rand = best_of(
        lambda: recall(weights, cues, "async", "random", 100, seed=1, targets=False), args.repeats
    )
    rows.append(("async, fixed order", t_ref, t_fixed))
    rows.append(("async, random order", t_ref, t_rand))
    t_ref_s = best_of(lambda: reference_sync(W, cues), args.repeats)
    t_sync = best_of(
        lambda: recall(weights, cues, "sync", max_sweeps=100, targets=False), args.repeats
    )
    rows.append(("sync", t_ref_s, t_sync))
    t_store_ref = best_of(
        lambda: (lambda x: (x.T @ x) / args.n)(xi.astype(np.float64)), args.repeats
    )
    t_store = best_of(lambda: store(xi), args.repeats)
    rows.append(("store (Hebbian)", t_store_ref, t_store))

    print(f"N={args.n} P={args.p} cues={args.cues} (10% flipped); best of {args.repeats}")
    print(f"{'case':<22} {'numpy ref (ms)':>15} {'memsim (ms)':>12} {'speed-up':>9}")
    for name, tr, tm in rows:
        print(f"{name:<22} {tr * 1e3:>15.2f} {tm * 1e3:>12.3f} {tr / tm:>8.1f}x")
    print(f"mean sweeps: async {ra.sweeps.mean():.2f}, sync {rs.sweeps.mean():.2f}")
    print(f"1-minute load average {os.getloadavg()[0]:.1f} (2 cores)")


if __name__ == "__main__":
    main()

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

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from _common import bench_parser, side_by_side  # noqa: E402
from _references import async_sweeps  # noqa: E402

from memsim.hopfield import recall, store  # noqa: E402


def reference_async(W: np.ndarray, cues: np.ndarray, max_sweeps: int = 100) -> np.ndarray:
    """Sweeps in the fixed order 0..N-1 until no cue changes."""
    return async_sweeps(W, cues.astype(np.float64).copy(), max_sweeps).astype(np.int8)


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


def main() -> None:
    args = bench_parser(__doc__, n=1000, p=100, cues=100, repeats=5).parse_args()
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

    cases = [
        (
            "async, fixed order",
            lambda: reference_async(W, cues),
            lambda: recall(weights, cues, "async", "fixed", 100, targets=False),
        ),
        (  # the same reference (its order is fixed): timed once
            "async, random order",
            None,
            lambda: recall(weights, cues, "async", "random", 100, seed=1, targets=False),
        ),
        (
            "sync",
            lambda: reference_sync(W, cues),
            lambda: recall(weights, cues, "sync", max_sweeps=100, targets=False),
        ),
        (
            "store (Hebbian)",
            lambda: (lambda x: (x.T @ x) / args.n)(xi.astype(np.float64)),
            lambda: store(xi),
        ),
    ]
    title = f"N={args.n} P={args.p} cues={args.cues} (10% flipped); best of {args.repeats}"
    side_by_side(cases, args.repeats, title, width=22, digits=3)
    print(f"mean sweeps: async {ra.sweeps.mean():.2f}, sync {rs.sweeps.mean():.2f}")


if __name__ == "__main__":
    main()

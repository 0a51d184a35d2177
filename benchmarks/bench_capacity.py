"""Capacity sweep: memsim against a plain numpy reference, same process.

Study (issue 4): Hebbian, N = 500, 20 loads from 0.01 to 0.20, 50 trials per load, 20 cues per
trial with 10% of the bits flipped, asynchronous dynamics in random order until a fixed point.

memsim runs the whole study through memsim.experiments (the path `memsim capacity` takes). The
numpy reference (Hebbian weights with numpy, a Python loop over neurons per sweep, vectorised over
the cues of a trial) would take minutes for the full study, so it runs ``--ref-trials`` trials per
load and its time is scaled to 50 trials; the ratio compares the same amount of work.

Run: python benchmarks/bench_capacity.py [--ref-trials 2]
"""

from __future__ import annotations

import numpy as np
from _common import bench_parser, environment_line
from _references import async_sweeps
from _timing import best_of

from memsim.experiments import run as run_scenario
from memsim.scenario import parse_yaml, validate

SCENARIO = """
model: {kind: hopfield, rule: hebbian, dynamics: async, order: random, max_sweeps: 100}
patterns: {source: random, size: 500}
cue: {flip: 0.1}
run: {trials: 50, seed: 1}
capacity: {loads: {start: 0.01, stop: 0.20, num: 20}, sizes: [500], cues_per_trial: 20}
"""


def reference_trial(rng: np.random.Generator, n: int, p: int, cues: int) -> float:
    """One trial in plain numpy: store, corrupt, async sweeps (random order) to a fixed point."""
    xi = rng.choice(np.array([-1.0, 1.0]), size=(p, n))
    W = xi.T @ xi
    np.fill_diagonal(W, 0.0)  # integer units (N W): exact ties, as memsim
    k = min(p, cues)
    S = xi[:k].copy()
    for b in range(k):
        S[b, rng.choice(n, n // 10, replace=False)] *= -1
    async_sweeps(W, S, 100, order=lambda: rng.permutation(n))
    return float(np.mean(S @ xi[:k].T / n))


def main() -> None:
    args = bench_parser(__doc__, ref_trials=2).parse_args()
    sc = validate(parse_yaml(SCENARIO, "bench_capacity"), "bench_capacity")
    loads = sc.capacity.load_values()

    small = validate(parse_yaml(SCENARIO.replace("trials: 50", "trials: 1"), "warm"), "warm")
    run_scenario(small, "capacity")  # compile / load the Numba cache
    t_memsim, res = best_of(lambda: run_scenario(sc, "capacity"), 1, result=True)

    rng = np.random.default_rng(0)

    def reference():
        for a in loads:
            for _ in range(args.ref_trials):
                reference_trial(rng, 500, max(1, round(a * 500)), 20)

    t_ref = best_of(reference, 1) * sc.run.trials / args.ref_trials

    tab = res.tables["capacity_summary"]
    print(f"N=500, {len(loads)} loads x {sc.run.trials} trials, 20 cues each")
    print(f"memsim (whole study)          : {t_memsim:8.2f} s")
    print(f"numpy reference (scaled from {args.ref_trials} trials/load): {t_ref:8.1f} s")
    print(f"speed-up                      : {t_ref / t_memsim:8.1f}x")
    print(
        "fraction retrieved by load    :",
        " ".join(
            f"{a:.2f}:{f:.2f}" for a, f in zip(tab["load"], tab["fraction_retrieved"], strict=True)
        ),
    )
    print(environment_line())


if __name__ == "__main__":
    main()

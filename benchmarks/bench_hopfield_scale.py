"""Classical Hopfield far past the N x N wall: time per sweep and peak memory against N and P.

Each configuration runs in its own Python process (so its peak resident memory, read with
``resource.getrusage(RUSAGE_SELF).ru_maxrss``, is its own): random Hebbian patterns (drawn in
chunks as int8), ``store`` (lazy: the N x N couplings are never formed unless recall asks for
them), then asynchronous recall of ``--cues`` cues with 10% of the bits flipped, random order,
``fields="auto"`` (the cost model picks dense or low-rank fields). A warm-up recall on a small
network of the same dtypes loads the compiled kernels first, so compilation is not timed.

Reported per configuration: the field scheme chosen, store time, recall time (best of the
calls after the first, which also loads the kernels), time per sweep (recall time / sweeps
summed over cues: one sweep = N single-neuron updates of one cue), the peak of the arrays
allocated from the patterns on (tracemalloc: the patterns themselves, store, recall), the peak
resident memory of the process and its baseline before the patterns exist (Python, numpy,
numba and the warm-up), the bytes the int16 N x N couplings would have taken, and the
machine's 1-minute load average (2 shared cores).

Run:
  python benchmarks/bench_hopfield_scale.py --big          # N = 100000, P = 500 and 5000
  python benchmarks/bench_hopfield_scale.py --table        # the scaling table, CSV and plot
      (writes docs/benchmarks/scaling_hopfield.csv and docs/benchmarks/scaling_hopfield.png)
"""

from __future__ import annotations

import sys

from _common import DOCS as OUT
from _common import bench_parser, run_in_child, write_csv


def child(n: int, p: int, cues: int, max_sweeps: int, seed: int) -> dict:
    """One configuration, in this process; returns the measurements."""
    import os
    import resource
    import time
    import tracemalloc

    import numpy as np

    from memsim.hopfield import recall, store
    from memsim.hopfield.classical import _choose_fields

    def rss() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024.0

    rng = np.random.default_rng(seed)
    # warm-up: the same kernel signatures on a tiny network (float32 or float64 fields)
    small = rng.integers(0, 2, size=(4, 64), dtype=np.int8) * 2 - 1
    recall(store(small), small, "async", "random", 5, targets=False, fields="low_rank")
    recall(store(small), small, "async", "random", 5, targets=False, fields="dense")
    # and the float64-field signatures (N P >= 2**24), on one cue
    mid = rng.integers(0, 2, size=(420, 40000), dtype=np.int8) * 2 - 1
    recall(store(mid), mid[:1], "async", "random", 2, targets=False, fields="low_rank")
    del mid
    base = rss()
    xi = np.empty((p, n), dtype=np.int8)
    tracemalloc.start()
    rows = max(1, 2**24 // n)
    for i in range(0, p, rows):
        blk = rng.integers(0, 2, size=(min(rows, p - i), n), dtype=np.int8)
        xi[i : i + rows] = 2 * blk - 1
    cue = xi[:cues].copy()
    for b in range(cues):
        cue[b, rng.choice(n, n // 10, replace=False)] *= -1
    t = time.perf_counter()
    w = store(xi)
    t_store = time.perf_counter() - t
    scheme, _ = _choose_fields(w, "auto", cue, w._fields(cue), np.zeros(n), 0.0, max_sweeps)
    times = []
    for _ in range(4 if n * p <= 10**8 else 2):
        t = time.perf_counter()
        res = recall(w, cue, "async", "random", max_sweeps, seed=seed, targets=xi[:cues])
        times.append(time.perf_counter() - t)
    # the first call also loads (or, after a cache race, compiles) kernels; best of the rest
    t_recall = min(times[1:])
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    sweeps = int(res.sweeps.sum())
    return {
        "n": n,
        "p": p,
        "load": p / n,
        "cues": cues,
        "fields": scheme,
        "store_s": t_store,
        "recall_s": t_recall,
        "sweeps": sweeps,
        "s_per_sweep": t_recall / max(sweeps, 1),
        "final_overlap": float(res.final_overlap.mean()),
        "peak_rss_bytes": rss(),
        "traced_peak_bytes": traced,
        "baseline_rss_bytes": base,
        "dense_int16_bytes": 2 * n * n,
        "matrix_formed": bool(w.formed),
        "load_avg_1min": os.getloadavg()[0],
    }


def run_child(n: int, p: int, cues: int, max_sweeps: int = 20, seed: int = 0) -> dict:
    out = run_in_child(
        sys.executable, "bench_hopfield_scale", "child", n, p, cues, max_sweeps, seed
    )
    if "error" in out:
        return {"n": n, "p": p, "error": out["error"][-1:]}
    return out


def show(r: dict) -> None:
    if "error" in r:
        print(f"N={r['n']:>6} P={r['p']:>5}  failed: {r['error']}")
        return
    print(
        f"N={r['n']:>6} P={r['p']:>5} {r['fields']:>8}  store {r['store_s'] * 1e3:8.1f} ms  "
        f"recall {r['recall_s']:7.3f} s  {r['s_per_sweep'] * 1e3:8.2f} ms/sweep  "
        f"arrays {r['traced_peak_bytes'] / 2**30:6.3f} GiB, "
        f"process {r['peak_rss_bytes'] / 2**30:5.2f} GiB  dense J would be "
        f"{r['dense_int16_bytes'] / 2**30:6.2f} GiB  m={r['final_overlap']:.3f}"
    )


def table(cues: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = []
    for n in (500, 1000, 2000, 5000, 10000, 20000, 50000, 100000):
        r = run_child(n, max(1, round(0.05 * n)), cues)
        r["axis"] = "N at P/N = 0.05"
        rows.append(r)
        show(r)
    for p in (10, 30, 100, 300, 1000, 3000):
        r = run_child(10000, p, cues)
        r["axis"] = "P at N = 10000"
        rows.append(r)
        show(r)
    cols = [
        "axis", "n", "p", "load", "cues", "fields", "store_s", "recall_s", "sweeps",
        "s_per_sweep", "traced_peak_bytes", "peak_rss_bytes", "baseline_rss_bytes",
        "dense_int16_bytes", "final_overlap", "load_avg_1min",
    ]  # fmt: skip
    ok = [r for r in rows if "error" not in r]
    write_csv(OUT / "scaling_hopfield.csv", ok, cols)
    fig, ax = plt.subplots(2, 2, figsize=(10, 7), constrained_layout=True)
    for col, (axis, key) in enumerate((("N at P/N = 0.05", "n"), ("P at N = 10000", "p"))):
        sub = [r for r in ok if r["axis"] == axis]
        x = [r[key] for r in sub]
        a = ax[0, col]
        a.loglog(x, [r["s_per_sweep"] for r in sub], "o-", label="time per sweep (one cue)")
        a.loglog(x, [r["store_s"] for r in sub], "s--", label="store (lazy)")
        a.set_xlabel(key.upper())
        a.set_ylabel("seconds")
        a.set_title(f"time against {axis}")
        a.legend()
        a.grid(True, which="both", alpha=0.3)
        b = ax[1, col]
        b.loglog(
            x, [r["peak_rss_bytes"] / 2**20 for r in sub], "o-", label="peak resident (process)"
        )
        b.loglog(
            x, [r["traced_peak_bytes"] / 2**20 for r in sub], "^-",
            label="peak of memsim's arrays (tracemalloc)",
        )  # fmt: skip
        b.loglog(x, [r["dense_int16_bytes"] / 2**20 for r in sub], "k:", label="int16 N x N")
        b.set_xlabel(key.upper())
        b.set_ylabel("MiB")
        b.set_title(f"memory against {axis}")
        b.legend()
        b.grid(True, which="both", alpha=0.3)
    load = max(r["load_avg_1min"] for r in ok)
    fig.suptitle(
        f"memsim classical Hopfield, lazy Hebbian weights, async recall of {cues} cues "
        f"(2 shared cores, load average up to {load:.1f})"
    )
    fig.savefig(OUT / "scaling_hopfield.png", dpi=110)
    print(f"wrote {OUT / 'scaling_hopfield.csv'} and {OUT / 'scaling_hopfield.png'}")


def main() -> None:
    args = bench_parser(
        __doc__,
        big=(False, "N = 100000 with P = 500 and 5000"),
        table=(False, "scaling table, CSV and plot"),
        cues=4,
    ).parse_args()
    if args.big or not args.table:
        for p in (500, 5000):
            show(run_child(100000, p, args.cues))
    if args.table:
        table(args.cues)


if __name__ == "__main__":
    main()

"""Benchmark: memsim.attention against plain numpy (same process) and torch / entmax (peers).

1. Grid (issue 18): softmax read-out ``softmax(Q K^T) V`` with memsim's default
   ``attend(q, k, v)`` against plain numpy (``Q @ K.T``, stable softmax, ``@ V``) for
   B in {1, 64, 1000}, K in {10^3, 10^4}, d = 64, float64 and float32 (numpy computes in the
   input precision too). Timed interleaved in one process, best of N, each function settled
   (0.15 s of untimed calls of itself first: numpy's and SciPy's OpenBLAS thread pools
   otherwise slow each other, see benchmarks/_timing.py). Peak memory of numpy
   allocations (tracemalloc) at B = 1000. With ``--peer PYTHON`` the same inputs are saved as
   .npy files and benchmarks/peer_attention_torch.py is run with that interpreter (a venv with
   torch and entmax): torch's CPU ``scaled_dot_product_attention`` (scale 1, the "dot" score)
   and ``torch.softmax``, the entmax package's sparsemax / entmax15 / entmax_bisect.
2. Per-call overhead: ``attend`` on tiny inputs (B = 1, K = 16, d = 8) in microseconds.
3. ``memsim.attention.softmax`` on 1000 x 1000 scores against numpy (and torch.softmax).
4. Normalisers on 1000 x 1000 scores: memsim sparsemax / entmax15 / entmax_bisect(1.5)
   against the entmax package (peer process) and a vectorised numpy bisection.
5. Additive (Bahdanau) scores against numpy broadcasting.

Ratio = reference time / memsim time (above 1: memsim faster). Results go to
docs/benchmarks/attention.csv with the load average of the run.

Run: ``python benchmarks/bench_attention.py [--peer /work/venv-torch/bin/python]``.
"""

# ruff: noqa: B023, E501  (timing lambdas run inside their loop iteration; table formats)

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from pathlib import Path

import numba
import numpy as np
from _common import DOCS, HERE, bench_parser, environment_line, load_average, run_json, write_csv
from _references import softmax as numpy_softmax
from _references import softmax_read as numpy_softmax_read
from _timing import interleaved, peak_bytes

import memsim.attention as A


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


def run_peer(python, tmp, spec):
    (tmp / "spec.json").write_text(json.dumps(spec))
    res = run_json([python, str(HERE / "peer_attention_torch.py"), str(tmp)])
    if "error" in res:
        print("  peer process failed:", res["error"][-1:])
        return {}
    return res


def main() -> None:
    args = bench_parser(
        __doc__,
        dim=64,
        repeats=7,
        seed=0,
        peer=(None, "python with torch/entmax for peer timings"),
        csv=str(DOCS / "attention.csv"),
    ).parse_args()
    d, reps = args.dim, args.repeats
    rng = np.random.default_rng(args.seed)
    try:
        from threadpoolctl import threadpool_info

        blas = [
            (i["internal_api"], i["num_threads"], i.get("architecture")) for i in threadpool_info()
        ]
    except ImportError:
        blas = "threadpoolctl not installed"
    print(
        f"{environment_line(load=False)}, BLAS {blas}, OPENBLAS_CORETYPE="
        f"{os.environ.get('OPENBLAS_CORETYPE')}; best of {reps} settled interleaved runs; "
        f"load average at start {load_average():.2f}"
    )
    rows = []
    tmp = Path(tempfile.mkdtemp(prefix="memsim_bench_attention_"))
    spec = {"threads": numba.get_num_threads(), "attention": [], "softmax": [], "repeats": {}}
    grid = [(b, n) for b in (1, 64, 1000) for n in (1000, 10_000)]
    print(f"\n1. read-out grid, d = {d}: attend(q, k, v) vs numpy (ratio = numpy / memsim)")
    print(
        f"  {'dtype':8s} {'B':>5s} {'K':>6s} {'memsim ms':>10s} {'numpy ms':>10s} {'ratio':>6s}  "
        f"{'max rel err vs f64':>18s}  load"
    )
    for dt in (np.float64, np.float32):
        for b, n in grid:
            q = (rng.standard_normal((b, d)) / math.sqrt(d)).astype(dt)
            k = rng.standard_normal((n, d)).astype(dt)
            v = rng.standard_normal((n, d)).astype(dt)
            name = f"{np.dtype(dt).name}_B{b}_K{n}"
            for x, arr in zip("qkv", (q, k, v), strict=True):
                np.save(tmp / f"{name}_{x}.npy", arr)
            r, number = (reps, 1) if b == 1000 else (reps, 20)
            spec["attention"].append(name)
            spec["repeats"][name] = (r, number)
            # settled: each timed as in a loop of its own (benchmarks/_timing.interleaved)
            t_ms, t_np = interleaved(
                [lambda: A.attend(q, k, v), lambda: numpy_softmax_read(q, k, v)],
                r,
                warmup=1,
                number=number,
                settle=0.15,
            )
            ref = numpy_softmax_read(q.astype(float), k.astype(float), v.astype(float))
            got = A.attend(q, k, v)
            assert got.dtype == dt
            err = float(np.max(np.abs(got - ref)) / np.max(np.abs(ref)))
            mem = {}
            if b == 1000:
                mem["numpy_peak_mb"] = peak_bytes(lambda: numpy_softmax_read(q, k, v)) / 2**20
                mem["memsim_peak_mb"] = peak_bytes(lambda: A.attend(q, k, v)) / 2**20
            la = load_average()
            print(
                f"  {np.dtype(dt).name:8s} {b:5d} {n:6d} {t_ms * 1e3:10.3f} {t_np * 1e3:10.3f} "
                f"{t_np / t_ms:6.2f}  {err:18.1e}  {la:.1f}  "
                + (
                    f"peak MB memsim {mem['memsim_peak_mb']:.0f} numpy {mem['numpy_peak_mb']:.0f}"
                    if mem
                    else ""
                )
            )
            rows.append(
                {
                    "section": "readout",
                    "dtype": np.dtype(dt).name,
                    "B": b,
                    "K": n,
                    "d": d,
                    "memsim_ms": t_ms * 1e3,
                    "numpy_ms": t_np * 1e3,
                    "ratio_numpy": t_np / t_ms,
                    "max_rel_err_vs_f64": err,
                    "load1": la,
                    **mem,
                }
            )

    # ---- per-call overhead
    qs, ks, vs = (
        rng.standard_normal((1, 8)),
        rng.standard_normal((16, 8)),
        rng.standard_normal((16, 8)),
    )
    t_ms, t_np = interleaved(
        [lambda: A.attend(qs, ks, vs), lambda: numpy_softmax_read(qs, ks, vs)], 2000, warmup=1
    )
    print(
        f"\n2. per-call cost, B = 1, K = 16, d = 8: attend {t_ms * 1e6:.1f} us, numpy {t_np * 1e6:.1f} us"
    )
    rows.append(
        {
            "section": "overhead",
            "dtype": "float64",
            "B": 1,
            "K": 16,
            "d": 8,
            "memsim_ms": t_ms * 1e3,
            "numpy_ms": t_np * 1e3,
            "ratio_numpy": t_np / t_ms,
            "load1": load_average(),
        }
    )

    # ---- softmax
    print("\n3. softmax, 1000 x 1000 scores (ratio = numpy / memsim)")
    for dt in (np.float64, np.float32):
        z = (rng.standard_normal((1000, 1000)) * 3).astype(dt)
        name = f"softmax_{np.dtype(dt).name}"
        np.save(tmp / f"{name}.npy", z)
        spec["softmax"].append(name)
        t_ms, t_np = interleaved(
            [lambda: A.softmax(z), lambda: numpy_softmax(z)], 20, warmup=1, settle=0.15
        )
        print(
            f"  {np.dtype(dt).name:8s} memsim {t_ms * 1e3:7.2f} ms  numpy {t_np * 1e3:7.2f} ms  ratio {t_np / t_ms:5.2f}"
        )
        rows.append(
            {
                "section": "softmax",
                "dtype": np.dtype(dt).name,
                "B": 1000,
                "K": 1000,
                "d": 0,
                "memsim_ms": t_ms * 1e3,
                "numpy_ms": t_np * 1e3,
                "ratio_numpy": t_np / t_ms,
                "load1": load_average(),
            }
        )

    # ---- normalisers
    z = rng.standard_normal((1000, 1000))
    np.save(tmp / "entmax_z.npy", z)
    print("\n4. normalisers, 1000 x 1000 float64")
    norms = {
        "sparsemax": lambda: A.sparsemax(z),
        "entmax15": lambda: A.entmax15(z),
        "entmax_bisect": lambda: A.entmax_bisect(z, 1.5),
    }
    t_nb = interleaved([lambda: numpy_entmax_bisect(z, 1.5)], 2, warmup=1)[0]
    for nm, f in norms.items():
        t = interleaved([f], 5, warmup=1)[0]
        print(f"  memsim {nm:14s} {t * 1e3:8.2f} ms")
        rows.append(
            {
                "section": "normaliser",
                "dtype": "float64",
                "B": 1000,
                "K": 1000,
                "d": 0,
                "name": nm,
                "memsim_ms": t * 1e3,
                "load1": load_average(),
                **(
                    {"numpy_ms": t_nb * 1e3, "ratio_numpy": t_nb / t}
                    if nm == "entmax_bisect"
                    else {}
                ),
            }
        )

    # ---- peers
    if args.peer:
        print(f"\n   peer process: {args.peer} (torch threads = numba threads = {spec['threads']})")
        peer = run_peer(args.peer, tmp, spec)
        print(
            f"   peer versions: torch {peer.get('torch_version')}, entmax {peer.get('entmax_version')}"
            f" {peer.get('torch_missing', '')} {peer.get('entmax_missing', '')}"
        )
        for row in rows:
            if row["section"] == "readout":
                key = f"torch_sdpa:{row['dtype']}_B{row['B']}_K{row['K']}"
            elif row["section"] == "softmax":
                key = f"torch_softmax:softmax_{row['dtype']}"
            elif row["section"] == "normaliser":
                key = f"entmax:{row['name']}"
            else:
                continue
            if key in peer:
                row["peer"] = key.split(":")[0]
                row["peer_ms"] = peer[key] * 1e3
                row["ratio_peer"] = peer[key] * 1e3 / row["memsim_ms"]
        print("\n   ratio = peer time / memsim time (above 1: memsim faster)")
        for row in rows:
            if "ratio_peer" in row:
                label = row.get("name") or f"B={row['B']:<5d} K={row['K']:<6d}"
                print(
                    f"   {row['section']:10s} {row['dtype']:8s} {label:18s} {row['peer']:14s} "
                    f"peer {row['peer_ms']:9.3f} ms  memsim {row['memsim_ms']:9.3f} ms  ratio {row['ratio_peer']:5.2f}"
                )

    # ---- additive scores (unchanged section)
    ba, na, h = 300, 2000, 32
    qa, ka = rng.standard_normal((ba, d)), rng.standard_normal((na, d))
    wq, wk = rng.standard_normal((h, d)) / 8, rng.standard_normal((h, d)) / 8
    va = rng.standard_normal(h)
    func = lambda: A.score(qa, ka, "additive", w_query=wq, w_key=wk, v=va)  # noqa: E731
    t, t_ref = interleaved([func, lambda: numpy_additive(qa, ka, wq, wk, va)], 3, warmup=1)
    print(f"\n5. additive scores B = {ba}, K = {na}, h = {h}: ratio numpy / memsim {t_ref / t:.2f}")

    print(f"\nload average at the end {load_average():.2f}")
    cols = [
        "section",
        "dtype",
        "B",
        "K",
        "d",
        "name",
        "memsim_ms",
        "numpy_ms",
        "ratio_numpy",
        "peer",
        "peer_ms",
        "ratio_peer",
        "max_rel_err_vs_f64",
        "memsim_peak_mb",
        "numpy_peak_mb",
        "load1",
    ]
    out = write_csv(args.csv, rows, cols, float_format=".4g")
    print(f"wrote {out}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

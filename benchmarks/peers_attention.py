"""Peer comparison for attention, normalisers and modern retrieval (issue 18, item 5).

memsim (this process) against plain numpy (same process, same precision) and against torch's CPU
``scaled_dot_product_attention`` / ``torch.softmax`` and the ``entmax`` package, which run in a
separate process with their own interpreter (``--peer``, e.g. /work/venv-torch/bin/python; torch is
not a memsim dependency) on the very same .npy inputs (benchmarks/peer_attention_torch.py).

Tasks (d = 64 unless stated):

* ``readout``: ``softmax(Q K^T) V`` -- memsim ``attend(q, k, v)``, numpy ``Q @ K.T``, stable
  softmax, ``@ V``, torch ``sdpa(q, k, v, scale=1)``; float64 and float32; B in {1, 64, 1000},
  K in {10^3, 10^4}.
* ``softmax``: 1000 x 1000 scores, memsim ``softmax``, numpy, ``torch.softmax``.
* ``sparsemax``, ``entmax15``, ``entmax_bisect`` (alpha 1.5): 1000 x 1000 float64 scores, memsim
  against the entmax package (torch float64 tensors).
* ``modern_retrieve``: one modern Hopfield update ``softmax(beta Q X^T) X`` with P = 10^4
  stored patterns, d = 256, B = 1000, beta = 1/sqrt(d): memsim ``modern.retrieve`` against numpy
  (the two BLAS products alone, ``numpy_two_blas``, and the plain update) and
  ``torch sdpa(Q, X, X, scale=beta)``.

* ``readout_alternating`` (B = 1000): memsim and numpy called in strict alternation, each timed
  right after the other's call, so each competes with the other's BLAS threads that are still
  spinning (numpy's OpenBLAS and SciPy's, which memsim's Numba code calls, are two thread pools).

Every time is the best of several calls after a warm-up, each function settled (0.15 s of
untimed calls of itself right before its timed calls: as it runs in a loop of its own)
except in ``readout_alternating``; the whole measurement is repeated
``--rounds`` times (memsim and numpy interleaved in one process, then the peer process), and the
CSV gives the median over rounds of each time and of each ratio ``ratio_vs_memsim`` = package
time / memsim time (above 1: memsim faster). The load average of each round is in ``notes``:
the development machine has 2 cores shared with other jobs, so read ratios, not lone times.

Run: ``python benchmarks/peers_attention.py --peer /work/venv-torch/bin/python [--rounds 3]``;
writes docs/benchmarks/peers_attention.csv.
"""

# ruff: noqa: B023, E501  (timing lambdas run inside their loop iteration; table formats)

from __future__ import annotations

import json
import math
import shutil
import statistics
import tempfile
from pathlib import Path

import numba
import numpy as np
from _common import DOCS, HERE, bench_parser, load_average, run_json, write_csv
from _references import softmax as numpy_softmax
from _references import softmax_read as numpy_softmax_read
from _timing import interleaved

import memsim
import memsim.attention as A
from memsim.hopfield import modern

PEER_SCRIPT = HERE / "peer_attention_torch.py"


def make_inputs(tmp: Path, seed: int) -> dict:
    """Write every input as .npy; return the spec read by the peer script."""
    rng = np.random.default_rng(seed)
    d = 64
    spec = {
        "threads": numba.get_num_threads(),
        "attention": [],
        "softmax": [],
        "modern": [],
        "repeats": {},
        "beta": {},
        "cases": {},
    }
    for dt in (np.float64, np.float32):
        for b in (1, 64, 1000):
            for n in (1000, 10_000):
                name = f"{np.dtype(dt).name}_B{b}_K{n}"
                q = (rng.standard_normal((b, d)) / math.sqrt(d)).astype(dt)
                k = rng.standard_normal((n, d)).astype(dt)
                v = rng.standard_normal((n, d)).astype(dt)
                for x, arr in zip("qkv", (q, k, v), strict=True):
                    np.save(tmp / f"{name}_{x}.npy", arr)
                spec["attention"].append(name)
                # (rounds, calls per round): small cases average 20 consecutive calls
                spec["repeats"][name] = (7, 1) if b == 1000 else (10, 20)
                spec["cases"][name] = {"dtype": np.dtype(dt).name, "B": b, "K": n, "d": d}
        z = (rng.standard_normal((1000, 1000)) * 3).astype(dt)
        name = f"softmax_{np.dtype(dt).name}"
        np.save(tmp / f"{name}.npy", z)
        spec["softmax"].append(name)
        spec["cases"][name] = {"dtype": np.dtype(dt).name, "B": 1000, "K": 1000, "d": ""}
        p, dm, b = 10_000, 256, 1000
        x = rng.standard_normal((p, dm))
        qm = x[rng.integers(0, p, b)] + 0.3 * rng.standard_normal((b, dm))
        name = f"modern_{np.dtype(dt).name}"
        np.save(tmp / f"{name}_x.npy", x.astype(dt))
        np.save(tmp / f"{name}_q.npy", qm.astype(dt))
        spec["modern"].append(name)
        spec["beta"][name] = 1.0 / math.sqrt(dm)
        spec["cases"][name] = {"dtype": np.dtype(dt).name, "B": b, "K": p, "d": dm}
    np.save(tmp / "entmax_z.npy", rng.standard_normal((1000, 1000)))
    (tmp / "spec.json").write_text(json.dumps(spec))
    return spec


def time_memsim(tmp: Path, spec: dict) -> dict[tuple[str, str, str], float]:
    """{(task, case, package): seconds} for memsim and numpy in this process."""
    out: dict[tuple[str, str, str], float] = {}
    for name in spec["attention"]:
        q, k, v = (np.load(tmp / f"{name}_{x}.npy") for x in "qkv")
        pair = [lambda: A.attend(q, k, v), lambda: numpy_softmax_read(q, k, v)]
        rounds, number = spec["repeats"][name]
        t_m, t_n = interleaved(pair, rounds, warmup=1, number=number, settle=0.15)
        out["readout", name, "memsim"] = t_m
        out["readout", name, "numpy"] = t_n
        if spec["cases"][name]["B"] == 1000:
            # alternating single calls: each timed right after the other's BLAS thread pool
            # ran (OpenBLAS threads spin for a while after a call), the cost of mixing them
            t_m, t_n = interleaved(pair, rounds, warmup=1)
            out["readout_alternating", name, "memsim"] = t_m
            out["readout_alternating", name, "numpy"] = t_n
    for name in spec["softmax"]:
        z = np.load(tmp / f"{name}.npy")
        t_m, t_n = interleaved(
            [lambda: A.softmax(z), lambda: numpy_softmax(z)], 10, warmup=1, settle=0.15
        )
        out["softmax", name, "memsim"] = t_m
        out["softmax", name, "numpy"] = t_n
    z = np.load(tmp / "entmax_z.npy")
    for task, f in (
        ("sparsemax", lambda: A.sparsemax(z)),
        ("entmax15", lambda: A.entmax15(z)),
        ("entmax_bisect", lambda: A.entmax_bisect(z, 1.5)),
    ):
        out[task, "entmax_z", "memsim"] = interleaved([f], 3, warmup=1)[0]
    for name in spec["modern"]:
        x = np.load(tmp / f"{name}_x.npy")
        qm = np.load(tmp / f"{name}_q.npy")
        beta = spec["beta"][name]

        def plain(x=x, qm=qm, beta=beta):
            s = beta * (qm @ x.T)
            s -= s.max(axis=1, keepdims=True)
            np.exp(s, out=s)
            s /= s.sum(axis=1, keepdims=True)
            return s @ x

        t_m, t_b, t_n = interleaved(
            [lambda: modern.retrieve(x, qm, beta), lambda: (qm @ x.T) @ x, plain],
            5,
            warmup=1,
            settle=0.15,
        )
        out["modern_retrieve", name, "memsim"] = t_m
        out["modern_retrieve", name, "numpy_two_blas"] = t_b
        out["modern_retrieve", name, "numpy"] = t_n
    return out


def time_peer(python: str, tmp: Path) -> tuple[dict, dict]:
    raw = run_json([python, str(PEER_SCRIPT), str(tmp)])
    if "error" in raw:
        print("peer process failed:", raw["error"][-3:])
        return {}, {}
    versions = {"torch": raw.get("torch_version", ""), "entmax": raw.get("entmax_version", "")}
    out = {}
    for key, val in raw.items():
        if ":" not in key:
            continue
        kind, name = key.split(":", 1)
        if kind == "torch_sdpa":
            task = "modern_retrieve" if name.startswith("modern_") else "readout"
            out[task, name, "torch"] = val
        elif kind == "torch_softmax":
            out["softmax", name, "torch"] = val
        elif kind == "entmax":
            out[name, "entmax_z", "entmax"] = val
    return out, versions


def main() -> None:
    args = bench_parser(
        __doc__,
        peer=(None, "python with torch and entmax"),
        rounds=3,
        seed=0,
        csv=str(DOCS / "peers_attention.csv"),
    ).parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="memsim_peers_attention_"))
    try:
        spec = make_inputs(tmp, args.seed)
        rounds: list[dict] = []
        loads: list[float] = []
        versions = {"memsim": memsim.__version__, "numpy": np.__version__}
        for r in range(args.rounds):
            la0 = load_average()
            times = time_memsim(tmp, spec)
            if args.peer:
                peer, v = time_peer(args.peer, tmp)
                times.update(peer)
                versions.update({k: x for k, x in v.items() if x})
            la1 = load_average()
            loads += [la0, la1]
            rounds.append(times)
            print(f"round {r + 1}/{args.rounds}: load average {la0:.1f} -> {la1:.1f}", flush=True)
        keys = sorted({k for t in rounds for k in t})
        rows = []
        for task, name, package in keys:
            secs = [t[task, name, package] for t in rounds if (task, name, package) in t]
            ratios = [
                t[task, name, package] / t[task, name, "memsim"]
                for t in rounds
                if (task, name, package) in t and (task, name, "memsim") in t
            ]
            case = spec["cases"].get(name, {"dtype": "float64", "B": 1000, "K": 1000, "d": ""})
            note = {
                "memsim": "reference row",
                "numpy": "plain numpy, same process, same precision"
                + ("; single calls alternating with memsim's" if "alternating" in task else ""),
                "numpy_two_blas": "the two BLAS products alone (Q @ X.T) @ X",
                "torch": "scaled_dot_product_attention"
                if task in ("readout", "modern_retrieve")
                else "torch.softmax",
                "entmax": f"entmax.{task} on float64 torch tensors",
            }[package]
            rows.append(
                {
                    "task": task,
                    "package": package,
                    "version": versions.get(
                        "torch" if package == "torch" else package.split("_")[0], ""
                    ),
                    "dtype": case["dtype"],
                    "B": case["B"],
                    "K": case["K"],
                    "d": case["d"],
                    "seconds": f"{statistics.median(secs):.4g}",
                    "ratio_vs_memsim": f"{statistics.median(ratios):.3g}" if ratios else "",
                    "notes": f"{note}; median of {len(secs)} rounds (best of N each); "
                    f"threads {spec['threads']}; load average {min(loads):.1f}-{max(loads):.1f}",
                }
            )
        order = {
            "readout": 0,
            "readout_alternating": 1,
            "softmax": 2,
            "sparsemax": 3,
            "entmax15": 4,
            "entmax_bisect": 5,
        }
        pk = {"memsim": 0, "numpy": 1, "numpy_two_blas": 2, "torch": 3, "entmax": 4}
        rows.sort(
            key=lambda r: (
                order.get(r["task"], 6),
                r["dtype"],
                int(r["B"]),
                int(r["K"]),
                pk[r["package"]],
            )
        )
        out = write_csv(args.csv, rows)
        print(f"{'task':16s} {'dtype':8s} {'B':>5s} {'K':>6s} {'package':15s} {'ms':>10s}  ratio")
        for r in rows:
            print(
                f"{r['task']:16s} {r['dtype']:8s} {r['B']:5d} {r['K']:6d} {r['package']:15s} "
                f"{float(r['seconds']) * 1e3:10.3f}  {r['ratio_vs_memsim']}"
            )
        print(f"wrote {out}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Classical Hopfield: memsim against the published peers hopfieldkit and neurodynex3.

Identical data and work for every package: 40 random patterns of N = 400 neurons (Hebbian
storage), then asynchronous recall, in random order, of 20 cues (stored patterns with 10% of the
bits flipped). Tasks: ``store`` (memsim's is lazy: it keeps the patterns), ``store (W formed)``
(memsim: ``np.asarray(store(xi))``, the N x N float64 matrix the peers' store always builds),
``recall`` (weights stored beforehand) and ``store+recall``.

Each package runs in its own process; the peers in their own virtual environment (they pin old
numpy/scipy releases): ``python -m venv /work/venv-peers && /work/venv-peers/bin/pip install
hopfieldkit neurodynex3`` (or pass ``--peer-python``). Times are medians over repeats after a
warm-up (memsim's Numba compilation is not timed); the CSV gives each time and its ratio to
memsim's time on the same task -- the ratios are what we report, lone times depend on the
machine and its load.

The work is the same, the trajectories are not bit for bit: hopfieldkit and neurodynex3 send a
zero field to +1 (memsim keeps the state) and draw their own update orders. hopfieldkit runs
each cue to a fixed point (a sweep without flips), as memsim does. neurodynex3 has no
convergence test, so each of its cues runs the number of sweeps memsim needed for that cue.
hopfieldkit and neurodynex3 recall one cue at a time (their API); memsim takes the batch.

Run: python benchmarks/peers_hopfield.py [--repeats 7] [--peer-python PATH]
Writes docs/benchmarks/peers_hopfield.csv (task, package, version, seconds, ratio_vs_memsim,
notes).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "benchmarks" / "peers_hopfield.csv"
N, P, CUES = 400, 40, 20


def _median_time(f, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def child_memsim(data: dict, repeats: int) -> dict:
    from importlib.metadata import version

    import numpy as np

    from memsim.hopfield import recall, store

    xi, cues = data["patterns"], data["cues"]

    def both():
        return recall(store(xi), cues, "async", "random", 200, seed=1, targets=False)

    res = both()  # warm-up: loads the compiled kernels
    w = store(xi)
    recall(w, cues, "async", "random", 200, seed=1, targets=False)
    out = {
        "version": version("memsim"),
        "store": _median_time(lambda: store(xi), repeats),
        "store (W formed)": _median_time(lambda: np.asarray(store(xi)), repeats),
        "recall": _median_time(
            lambda: recall(w, cues, "async", "random", 200, seed=1, targets=False), repeats
        ),
        "store+recall": _median_time(both, repeats),
        "sweeps": [int(s) for s in res.sweeps],
        "retrieved": int(
            ((res.states.astype(int) * xi[data["idx"]]).sum(axis=1) / N >= 0.95).sum()
        ),
    }
    return out


def child_hopfieldkit(data: dict, repeats: int) -> dict:
    from importlib.metadata import version

    import numpy as np
    from hopfieldkit import HopfieldNetwork

    xi, cues = data["patterns"].astype(float), data["cues"].astype(float)

    def st():
        return HopfieldNetwork(N).fit(xi)

    def rc(net):
        return [net.recall(c, order="random", max_steps=200, seed=b) for b, c in enumerate(cues)]

    net = st()
    finals = np.array(rc(net))
    return {
        "version": version("hopfieldkit"),
        "store": _median_time(st, repeats),
        "recall": _median_time(lambda: rc(net), repeats),
        "store (W formed)": None,
        "store+recall": _median_time(lambda: rc(st()), repeats),
        "retrieved": int(((finals * xi[data["idx"]]).sum(axis=1) / N >= 0.95).sum()),
    }


def child_neurodynex3(data: dict, repeats: int) -> dict:
    from importlib.metadata import version

    import numpy as np
    from neurodynex3.hopfield_network.network import HopfieldNetwork

    xi, cues = data["patterns"].astype(float), data["cues"].astype(float)
    sweeps = data["sweeps"]
    np.random.seed(0)  # noqa: NPY002 - neurodynex3 draws its update orders from numpy's global RNG

    def st():
        net = HopfieldNetwork(N)
        net.store_patterns(list(xi))
        net.set_dynamics_sign_async()
        return net

    def rc(net):
        finals = []
        for c, k in zip(cues, sweeps, strict=True):
            net.set_state_from_pattern(c)
            net.run(nr_steps=int(k))
            finals.append(net.state.copy())
        return finals

    net = st()
    finals = np.array(rc(net))
    r = max(1, repeats // 3)  # its store is a triple Python loop: seconds per call
    return {
        "version": version("neurodynex3"),
        "store": _median_time(st, r),
        "recall": _median_time(lambda: rc(net), repeats),
        "store (W formed)": None,
        "store+recall": _median_time(lambda: rc(st()), r),
        "retrieved": int(((finals * xi[data["idx"]]).sum(axis=1) / N >= 0.95).sum()),
    }


CHILDREN = {
    "memsim": child_memsim,
    "hopfieldkit": child_hopfieldkit,
    "neurodynex3": child_neurodynex3,
}


def _child_main(name: str, path: str, repeats: int) -> None:
    import numpy as np

    with np.load(path) as z:
        data = {k: z[k] for k in z.files}
    print(json.dumps(CHILDREN[name](data, repeats)))


def _run(python: str, name: str, path: str, repeats: int) -> dict:
    here = str(Path(__file__).parent)
    code = (
        f"import sys; sys.path.insert(0, {here!r}); import peers_hopfield as b; "
        f"b._child_main({name!r}, {path!r}, {repeats})"
    )
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, env=env)
    if out.returncode != 0:
        return {"error": (out.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    import numpy as np

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--peer-python", default="/work/venv-peers/bin/python")
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args()

    rng = np.random.default_rng(2024)
    xi = rng.choice(np.array([-1, 1], np.int8), size=(P, N))
    idx = np.arange(CUES) % P
    cues = xi[idx].copy()
    for b in range(CUES):
        cues[b, rng.choice(N, N // 10, replace=False)] *= -1
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "data.npz")
        np.savez(path, patterns=xi, cues=cues, idx=idx, sweeps=np.ones(CUES, np.int64))
        ms = _run(sys.executable, "memsim", path, args.repeats * 5)
        if "error" in ms:
            raise SystemExit(f"memsim failed: {ms['error']}")
        np.savez(path, patterns=xi, cues=cues, idx=idx, sweeps=np.asarray(ms["sweeps"]))
        results = {"memsim": ms}
        for peer in ("hopfieldkit", "neurodynex3"):
            if not Path(args.peer_python).exists():
                results[peer] = {"error": f"no peer environment at {args.peer_python}"}
                continue
            results[peer] = _run(args.peer_python, peer, path, args.repeats)
    notes = {
        "memsim": "batch of 20 cues; lazy Hebbian store, fields chosen by the cost model",
        "hopfieldkit": "one cue at a time; zero field -> +1; runs to a fixed point",
        "neurodynex3": "one cue at a time; zero field -> +1; memsim's sweep count per cue "
        "(no convergence test); store is a Python triple loop",
    }
    load = os.getloadavg()[0]
    rows = []
    for task in ("store", "store (W formed)", "recall", "store+recall"):
        for pkg, r in results.items():
            if "error" in r:
                rows.append([task, pkg, "", "", "", f"did not run: {r['error']}"])
                continue
            if r[task] is None:  # the peers' store always forms W: their 'store' time
                r[task] = r["store"]
            ratio = r[task] / ms[task]
            note = notes[pkg] + f"; retrieved {r['retrieved']}/{CUES}; load average {load:.1f}"
            if pkg == "memsim" and task == "store":
                note = "lazy: keeps the patterns, W formed on demand; " + note
            if pkg == "memsim" and task == "store (W formed)":
                note = "np.asarray(store(xi)): the N x N float64 W; " + note
            rows.append([task, pkg, r["version"], f"{r[task]:.6g}", f"{ratio:.3g}", note])
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["task", "package", "version", "seconds", "ratio_vs_memsim", "notes"])
        w.writerows(rows)
    print(f"N={N} P={P} cues={CUES}; medians; ratio = peer time / memsim time")
    for row in rows:
        print(f"{row[0]:<13} {row[1]:<12} {row[2]:<8} {row[3]:>12} s  {row[4]:>8}x")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

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

import os
import statistics
import sys
import tempfile
from functools import partial
from pathlib import Path

from _common import DOCS, bench_parser, load_average, run_in_child, write_csv
from _timing import best_of

OUT = DOCS / "peers_hopfield.csv"
N, P, CUES = 400, 40, 20

_median_time = partial(best_of, reduce=statistics.median)


def _retrieved(finals, data: dict) -> int:
    """Cues whose final state has overlap >= 0.95 with the pattern they came from."""
    import numpy as np

    m = (np.asarray(finals, dtype=float) * data["patterns"][data["idx"]]).sum(axis=1) / N
    return int((m >= 0.95).sum())


def _peer_times(package: str, data: dict, st, rc, repeats: int, store_repeats: int) -> dict:
    """A peer's medians: ``st()`` builds a stored network, ``rc(net)`` recalls every cue and
    returns the final states. Its store always forms W, so there is no separate 'W formed'."""
    from importlib.metadata import version

    net = st()
    retrieved = _retrieved(rc(net), data)
    return {
        "version": version(package),
        "store": _median_time(st, store_repeats),
        "recall": _median_time(lambda: rc(net), repeats),
        "store (W formed)": None,
        "store+recall": _median_time(lambda: rc(st()), store_repeats),
        "retrieved": retrieved,
    }


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
        "retrieved": _retrieved(res.states, data),
    }
    return out


def child_hopfieldkit(data: dict, repeats: int) -> dict:
    from hopfieldkit import HopfieldNetwork

    xi, cues = data["patterns"].astype(float), data["cues"].astype(float)

    def st():
        return HopfieldNetwork(N).fit(xi)

    def rc(net):
        return [net.recall(c, order="random", max_steps=200, seed=b) for b, c in enumerate(cues)]

    return _peer_times("hopfieldkit", data, st, rc, repeats, repeats)


def child_neurodynex3(data: dict, repeats: int) -> dict:
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

    # its store is a triple Python loop: seconds per call
    return _peer_times("neurodynex3", data, st, rc, repeats, max(1, repeats // 3))


CHILDREN = {
    "memsim": child_memsim,
    "hopfieldkit": child_hopfieldkit,
    "neurodynex3": child_neurodynex3,
}


def _child_main(name: str, path: str, repeats: int) -> dict:
    import numpy as np

    with np.load(path) as z:
        data = {k: z[k] for k in z.files}
    return CHILDREN[name](data, repeats)


def _run(python: str, name: str, path: str, repeats: int) -> dict:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    out = run_in_child(python, "peers_hopfield", "_child_main", name, path, repeats, env=env)
    if "error" in out:
        return {"error": (out["error"] or ["failed"])[-1]}
    return out


def main() -> None:
    import numpy as np

    args = bench_parser(
        __doc__, repeats=7, peer_python="/work/venv-peers/bin/python", out=str(OUT)
    ).parse_args()

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
    load = load_average()
    rows = []
    for task in ("store", "store (W formed)", "recall", "store+recall"):
        for pkg, r in results.items():
            row = dict(task=task, package=pkg, version="", seconds="", ratio_vs_memsim="")
            if "error" in r:
                rows.append({**row, "notes": f"did not run: {r['error']}"})
                continue
            if r[task] is None:  # the peers' store always forms W: their 'store' time
                r[task] = r["store"]
            note = notes[pkg] + f"; retrieved {r['retrieved']}/{CUES}; load average {load:.1f}"
            if pkg == "memsim" and task == "store":
                note = "lazy: keeps the patterns, W formed on demand; " + note
            if pkg == "memsim" and task == "store (W formed)":
                note = "np.asarray(store(xi)): the N x N float64 W; " + note
            ratio = f"{r[task] / ms[task]:.3g}"
            row.update(version=r["version"], seconds=f"{r[task]:.6g}", ratio_vs_memsim=ratio)
            rows.append({**row, "notes": note})
    write_csv(args.out, rows)
    print(f"N={N} P={P} cues={CUES}; medians; ratio = peer time / memsim time")
    for row in rows:
        print(
            f"{row['task']:<13} {row['package']:<12} {row['version']:<8} {row['seconds']:>12} s  "
            f"{row['ratio_vs_memsim']:>8}x"
        )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

"""Recall and capacity experiments for dense associative memory (Krotov & Hopfield 2016).

Random streams: stored patterns of trial t ``generator(seed, 1, t)``; cue corruption
``generator(seed, 2, t)``; dynamics of cue b the xoshiro stream ``(seed, 3, t, b)``. Capacity:
:func:`memsim.experiments.studies.dense.measure_capacity` with ``seed = run.seed`` (patterns
keyed by ``(seed, N, K)``).
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import numpy as np

from memsim import patterns as pat
from memsim import theory
from memsim._rng import generator
from memsim.errors import ConvergenceWarning
from memsim.experiments.progress import Progress
from memsim.experiments.studies import dense as studies
from memsim.hopfield import dense
from memsim.results import Result
from memsim.scenario.load import has_picture_shape, picture_patterns, resolve_pattern_path


def stored_patterns(sc, trial: int, base_dir: Path | None):
    """Patterns of trial ``trial`` (random: fresh per trial) and the picture shape (or None)."""
    src = sc.patterns
    if src.source == "random":
        rng = generator(sc.run.seed, 1, trial)
        return pat.random_patterns(src.count, src.size, src.bias, rng), None
    if src.source == "letters":
        return pat.letters(src.letters, src.scale)
    if src.source in ("digits", "image"):
        pics = picture_patterns(sc, base_dir)
        return pics.patterns, pics.shape
    xi = pat.load_patterns(resolve_pattern_path(sc, base_dir))
    return xi, (tuple(src.shape) if src.shape else None)


def cued_indices(sc, p: int) -> np.ndarray:
    c = sc.cue.pattern
    if c == "all":
        return np.arange(p)
    return np.atleast_1d(np.asarray(c, dtype=np.int64))


def make_cues(sc, xi: np.ndarray, idx: np.ndarray, trial: int) -> np.ndarray:
    return pat.corrupt(
        xi[idx], sc.cue.flip, sc.cue.mask, sc.cue.mask_fill, generator(sc.run.seed, 2, trial)
    )


def _wants_animation(sc) -> bool:
    plots = sc.output.plots
    return not plots or "animation" in plots


def _frames(sc, xi: np.ndarray, cues: np.ndarray, res, t: int) -> np.ndarray:
    """The state of every cue of one trial after each sweep (cues x frames x N), for the
    animation. The dense engine keeps no per-sweep states, so the trial is rerun with
    max_sweeps = 1, 2, ...: each cue has its own random stream, drawn sweep by sweep, so the
    first k sweeps of a longer run are exactly the run with max_sweeps = k (the last frame
    equals the final state; tests/unit/test_dense.py checks it)."""
    m = sc.model
    last = int(np.max(res.sweeps))
    frames = [np.asarray(cues, dtype=np.int8)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for k in range(1, last + 1):
            r = dense.dense_recall(
                xi,
                cues,
                m.interaction,
                m.n,
                m.dynamics,
                k,
                m.order,
                sc.run.seed,
                threads=sc.run.threads,
                stream=(3, t),
            )
            frames.append(np.asarray(r.states, dtype=np.int8))
    return np.stack(frames, axis=1)


def run_recall(sc, base_dir: Path | None = None, progress: Progress | None = None) -> Result:
    """Cue stored patterns and run the dense dynamics, ``run.trials`` times."""
    progress = progress or Progress()
    m = sc.model
    t0 = time.perf_counter()
    expo = m.interaction == "exponential"
    cols = (
        "trial",
        "cue",
        "pattern",
        "initial_overlap",
        "final_overlap",
        "max_other_overlap",
        "sweeps",
        "stop",
        "retrieved",
        "exact",
        "initial_energy",
        "final_energy",
    )
    rows: dict[str, list] = {k: [] for k in cols}
    trace: dict[str, list] = {k: [] for k in ("trial", "cue", "sweep", "energy")}
    energies, finals, cues_all = [], [], []
    stored_first, shape = None, None
    frames0 = None
    progress.start("trials", sc.run.trials)
    n_limit = 0
    for t in range(sc.run.trials):
        xi, shape = stored_patterns(sc, t, base_dir)
        if stored_first is None:
            stored_first = xi
        idx = cued_indices(sc, xi.shape[0])
        cues = make_cues(sc, xi, idx, t)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            res = dense.dense_recall(
                xi,
                cues,
                m.interaction,
                m.n,
                m.dynamics,
                m.max_sweeps,
                m.order,
                sc.run.seed,
                threads=sc.run.threads,
                stream=(3, t),
            )
        n_limit += sum(1 for w in caught if issubclass(w.category, ConvergenceWarning))
        en = res.log_neg_energy if expo else res.energy
        n_x = xi.shape[1]
        init_ov = (cues.astype(np.float64) @ xi.T.astype(np.float64)) / n_x
        for b, i in enumerate(idx):
            others = np.delete(res.overlaps[b], i)
            fin = float(res.overlaps[b, i])
            s = int(res.sweeps[b])
            rows["trial"].append(t)
            rows["cue"].append(b)
            rows["pattern"].append(int(i))
            rows["initial_overlap"].append(float(init_ov[b, i]))
            rows["final_overlap"].append(fin)
            rows["max_other_overlap"].append(float(np.abs(others).max()) if others.size else np.nan)
            rows["sweeps"].append(s)
            rows["stop"].append(str(res.stop[b]))
            rows["retrieved"].append(bool(fin >= sc.run.retrieval_overlap))
            rows["exact"].append(bool(np.array_equal(res.states[b], xi[i])))
            rows["initial_energy"].append(float(en[b, 0]))
            rows["final_energy"].append(float(en[b, s]))
            for k in range(s + 1):
                trace["trial"].append(t)
                trace["cue"].append(b)
                trace["sweep"].append(k)
                trace["energy"].append(float(en[b, k]))
        if t == 0 and has_picture_shape(sc) and _wants_animation(sc):
            frames0 = _frames(sc, xi, cues, res, t)
        energies.append(np.asarray(en))
        finals.append(np.asarray(res.states))
        cues_all.append(cues)
        progress.advance(1)
    progress.stop()
    tab = {k: np.asarray(v) for k, v in rows.items()}
    p, n_x = stored_first.shape
    summary = {
        "interaction": m.interaction,
        "n": None if expo else m.n,
        "patterns": int(p),
        "neurons": int(n_x),
        "load": float(p / n_x),
        "trials": sc.run.trials,
        "cues": int(tab["final_overlap"].size),
        "mean_initial_overlap": float(tab["initial_overlap"].mean()),
        "mean_final_overlap": float(tab["final_overlap"].mean()),
        "fraction_retrieved": float(tab["retrieved"].mean()),
        "fraction_exact": float(tab["exact"].mean()),
        "fraction_fixed_point": float(np.mean(tab["stop"] == "fixed_point")),
        "mean_sweeps": float(tab["sweeps"].mean()),
        "retrieval_overlap": sc.run.retrieval_overlap,
    }
    if not expo:
        summary["theory_capacity"] = float(theory.dense_capacity(n_x, m.n, m.interaction))
    arrays = {
        "stored": stored_first,
        "cues": np.concatenate(cues_all),
        "final_states": np.concatenate(finals),
        "energy": np.concatenate(energies),
    }
    if frames0 is not None:
        arrays["frames_trial0"] = frames0
    meta = {
        "seed": sc.run.seed,
        "seconds": time.perf_counter() - t0,
        "picture_shape": list(shape) if shape and has_picture_shape(sc) else None,
        "energy_label": "log(-E) = log sum_mu exp(xi^mu . s)" if expo else "energy E(s)",
        "warnings": [f"{n_limit} trial(s) had cues that hit max_sweeps"] if n_limit else [],
    }
    return Result(
        "recall",
        "dense",
        sc,
        summary,
        {"cues": tab, "trace": {k: np.asarray(v) for k, v in trace.items()}},
        arrays,
        meta,
    )


def check_capacity(sc, file: str | None = None) -> None:
    from memsim.errors import ScenarioError

    if sc.patterns.source != "random":
        raise ScenarioError(
            "a capacity sweep draws new random patterns at every point: patterns.source must be "
            "'random'",
            file=file,
            field="patterns.source",
        )


def run_capacity(sc, base_dir: Path | None = None, progress: Progress | None = None) -> Result:
    """Capacity K(N) for each interaction order:
    :func:`memsim.experiments.studies.dense.measure_capacity` (bisection on K), with the theory
    ``alpha_n N^(n-1)`` (Krotov & Hopfield 2016) at the same error rate for the polynomial
    interactions."""
    progress = progress or Progress()
    cap, m = sc.capacity, sc.model
    t0 = time.perf_counter()
    expo = m.interaction == "exponential"
    degrees = [None] if expo else (cap.degrees or [m.n])
    cols: dict[str, list] = {
        k: [] for k in ("N", "n", "capacity", "capacity_over_N", "theory", "ratio", "evaluations")
    }
    progress.start("points", len(cap.sizes) * len(degrees))
    for nn in cap.sizes:
        for deg in degrees:
            r = studies.measure_capacity(
                int(nn),
                2 if deg is None else int(deg),
                m.interaction,
                criterion=cap.criterion,
                error_rate=cap.error_rate,
                flip_fraction=sc.cue.flip,
                cues=cap.cues,
                k_max=cap.k_max,
                seed=sc.run.seed,
            )
            cols["N"].append(int(nn))
            cols["n"].append(-1 if deg is None else int(deg))
            cols["capacity"].append(r["capacity"])
            cols["capacity_over_N"].append(r["capacity"] / nn)
            cols["theory"].append(r["theory"])
            th = r["theory"]
            cols["ratio"].append(r["capacity"] / th if np.isfinite(th) else np.nan)
            cols["evaluations"].append(len(r["evaluations"]))
            progress.advance(1)
    progress.stop()
    tab = {k: np.asarray(v) for k, v in cols.items()}
    summary = {
        "interaction": m.interaction,
        "criterion": cap.criterion,
        "error_rate": cap.error_rate,
        "sizes": [int(x) for x in cap.sizes],
        "degrees": "exponential" if expo else ", ".join(str(d) for d in degrees),
        "max_capacity_over_N": float(tab["capacity_over_N"].max()),
        "hebbian_limit_over_N": theory.hebbian_capacity(),
    }
    for deg in degrees:
        sel = tab["n"] == (-1 if deg is None else deg)
        lab = "exp" if deg is None else f"n{deg}"
        summary[f"capacity_{lab}_at_N{int(tab['N'][sel][-1])}"] = int(tab["capacity"][sel][-1])
        if deg is not None and cap.criterion == "bit_error":
            summary[f"mean_ratio_{lab}"] = float(np.nanmean(tab["ratio"][sel]))
    meta = {"seed": sc.run.seed, "seconds": time.perf_counter() - t0, "warnings": []}
    return Result("capacity", "dense", sc, summary, {"capacity": tab}, {}, meta)

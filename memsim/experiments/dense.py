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

from memsim import theory
from memsim.errors import ConvergenceWarning
from memsim.experiments import common
from memsim.experiments.common import cued_indices, stored_patterns
from memsim.experiments.progress import Progress
from memsim.experiments.studies import dense as studies
from memsim.hopfield import dense
from memsim.results import Result
from memsim.scenario.load import has_picture_shape


def make_cues(sc, xi: np.ndarray, idx: np.ndarray, trial: int) -> np.ndarray:
    """Cues of the stored patterns ``xi[idx]`` from the stream ``generator(seed, 2, trial)``."""
    return common.corrupted(sc, xi[idx], trial)


def _wants_animation(sc) -> bool:
    plots = sc.output.plots
    return not plots or "animation" in plots


def _recall(sc, xi: np.ndarray, cues: np.ndarray, max_sweeps: int, t: int):
    """The scenario's dense dynamics from ``cues`` (stream ``(seed, 3, t, b)`` for cue b)."""
    m = sc.model
    return dense.dense_recall(
        xi,
        cues,
        m.interaction,
        m.n,
        m.dynamics,
        max_sweeps,
        m.order,
        sc.run.seed,
        threads=sc.run.threads,
        stream=(3, t),
    )


def _frames(sc, xi: np.ndarray, cues: np.ndarray, res, t: int) -> np.ndarray:
    """The state of every cue of one trial after each sweep (cues x frames x N), for the
    animation. The dense engine keeps no per-sweep states, so the trial is rerun with
    max_sweeps = 1, 2, ...: each cue has its own random stream, drawn sweep by sweep, so the
    first k sweeps of a longer run are exactly the run with max_sweeps = k (the last frame
    equals the final state; tests/unit/test_dense.py checks it)."""
    last = int(np.max(res.sweeps))
    frames = [np.asarray(cues, dtype=np.int8)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for k in range(1, last + 1):
            frames.append(np.asarray(_recall(sc, xi, cues, k, t).states, dtype=np.int8))
    return np.stack(frames, axis=1)


def run_recall(sc, base_dir: Path | None = None, progress: Progress | None = None) -> Result:
    """Cue stored patterns and run the dense dynamics, ``run.trials`` times."""
    m = sc.model
    t0 = time.perf_counter()
    expo = m.interaction == "exponential"
    rows = common.Columns(
        *common.CUE_COLUMNS,
        "max_other_overlap",
        "sweeps",
        "stop",
        "retrieved",
        "exact",
        "initial_energy",
        "final_energy",
    )
    trace = common.Columns("trial", "cue", "sweep", "energy")
    energies, finals, cues_all = [], [], []
    stored_first, shape = None, None
    frames0 = None
    n_limit = 0
    for t in common.trials(sc, progress):
        xi, shape = stored_patterns(sc, t, base_dir)
        if stored_first is None:
            stored_first = xi
        idx = cued_indices(sc, xi.shape[0])
        cues = make_cues(sc, xi, idx, t)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            res = _recall(sc, xi, cues, m.max_sweeps, t)
        n_limit += sum(1 for w in caught if issubclass(w.category, ConvergenceWarning))
        en = res.log_neg_energy if expo else res.energy
        n_x = xi.shape[1]
        init_ov = (cues.astype(np.float64) @ xi.T.astype(np.float64)) / n_x
        for b, i in enumerate(idx):
            others = np.delete(res.overlaps[b], i)
            fin = float(res.overlaps[b, i])
            s = int(res.sweeps[b])
            rows.add(
                trial=t,
                cue=b,
                pattern=int(i),
                initial_overlap=float(init_ov[b, i]),
                final_overlap=fin,
                max_other_overlap=float(np.abs(others).max()) if others.size else np.nan,
                sweeps=s,
                stop=str(res.stop[b]),
                retrieved=bool(fin >= sc.run.retrieval_overlap),
                exact=bool(np.array_equal(res.states[b], xi[i])),
                initial_energy=float(en[b, 0]),
                final_energy=float(en[b, s]),
            )
            for k in range(s + 1):
                trace.add(trial=t, cue=b, sweep=k, energy=float(en[b, k]))
        if t == 0 and has_picture_shape(sc) and _wants_animation(sc):
            frames0 = _frames(sc, xi, cues, res, t)
        energies.append(np.asarray(en))
        finals.append(np.asarray(res.states))
        cues_all.append(cues)
    tab = rows.arrays()
    n_x = stored_first.shape[1]
    summary = {
        "interaction": m.interaction,
        "n": None if expo else m.n,
        **common.pattern_summary(stored_first),
        **common.recall_summary(sc, tab, fractions=("retrieved", "exact")),
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
    meta = common.recall_meta(
        sc,
        time.perf_counter() - t0,
        shape,
        [f"{n_limit} trial(s) had cues that hit max_sweeps"] if n_limit else [],
        energy_label="log(-E) = log sum_mu exp(xi^mu . s)" if expo else "energy E(s)",
    )
    tables = {"cues": tab, "trace": trace.arrays()}
    return Result("recall", "dense", sc, summary, tables, arrays, meta)


def check_capacity(sc, file: str | None = None) -> None:
    common.require_random_patterns(sc, file)


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
    cols = common.Columns("N", "n", "capacity", "capacity_over_N", "theory", "ratio", "evaluations")
    progress.start("points", len(cap.sizes) * len(degrees))
    for nn in cap.sizes:
        for deg in degrees:
            r = studies.measure_capacity(
                int(nn),
                2 if deg is None else int(deg),
                m.interaction,
                **common.fields(cap, "criterion", "error_rate", "cues", "k_max"),
                flip_fraction=sc.cue.flip,
                seed=sc.run.seed,
            )
            th = r["theory"]
            cols.add(
                N=int(nn),
                n=-1 if deg is None else int(deg),
                capacity=r["capacity"],
                capacity_over_N=r["capacity"] / nn,
                theory=th,
                ratio=r["capacity"] / th if np.isfinite(th) else np.nan,
                evaluations=len(r["evaluations"]),
            )
            progress.advance(1)
    progress.stop()
    tab = cols.arrays()
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
    meta = common.meta(sc, time.perf_counter() - t0)
    return common.capacity_result(sc, summary, {"capacity": tab}, meta)

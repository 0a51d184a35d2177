"""Recall and capacity experiments for the classical Hopfield network.

Random streams (so that numbers depend only on the scenario and its seed):

* stored patterns of trial t: ``generator(seed, 1, t)`` (capacity: ``(seed, 1, N, P, t)``);
* cue corruption: ``generator(seed, 2, t)`` (capacity: ``(seed, 2, N, P, t)``);
* dynamics of cue b: xoshiro stream ``(seed, 3, t, b)`` (capacity: ``(seed, 3, N, P, t, b)``).

A capacity point is keyed by its values (N, P), not its position in the list, so adding loads to a
sweep does not change the numbers of the points already there.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import numpy as np

from memsim import patterns as pat
from memsim._rng import generator
from memsim.errors import ConvergenceWarning
from memsim.experiments.progress import Progress
from memsim.hopfield import classical
from memsim.results import Result
from memsim.scenario.load import has_picture_shape, resolve_pattern_path
from memsim.scenario.schema import Scenario


def _stored_patterns(sc: Scenario, trial: int, base_dir: Path | None):
    src = sc.patterns
    if src.source == "random":
        rng = generator(sc.run.seed, 1, trial)
        return pat.random_patterns(src.count, src.size, src.bias, rng), None
    if src.source == "letters":
        return pat.letters(src.letters, src.scale)
    xi = pat.load_patterns(resolve_pattern_path(sc, base_dir))
    return xi, (tuple(src.shape) if src.shape else None)


def _cued_indices(sc: Scenario, p: int) -> np.ndarray:
    c = sc.cue.pattern
    if c == "all":
        return np.arange(p)
    return np.atleast_1d(np.asarray(c, dtype=np.int64))


def _store_options(sc: Scenario) -> dict:
    return {}


def run_recall(
    sc: Scenario, base_dir: Path | None = None, progress: Progress | None = None
) -> Result:
    """Cue stored patterns and run the dynamics, ``run.trials`` times.

    Random patterns are drawn afresh for each trial; letters and files are the same in every
    trial, with fresh cue noise and update orders.
    """
    progress = progress or Progress()
    m = sc.model
    t0 = time.perf_counter()
    rows: dict[str, list] = {
        k: []
        for k in (
            "trial",
            "cue",
            "pattern",
            "initial_overlap",
            "final_overlap",
            "max_other_overlap",
            "sweeps",
            "stop",
            "retrieved",
            "initial_energy",
            "final_energy",
        )
    }
    trace: dict[str, list] = {
        k: [] for k in ("trial", "cue", "pattern", "sweep", "energy", "overlap", "flips")
    }
    energy_traces, overlap_traces, finals, cues_all = [], [], [], []
    shape = None
    stored_first = None
    progress.start("trials", sc.run.trials)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        for t in range(sc.run.trials):
            xi, shape = _stored_patterns(sc, t, base_dir)
            if stored_first is None:
                stored_first = xi
            W = classical.store(xi, m.rule, **_store_options(sc))
            idx = _cued_indices(sc, xi.shape[0])
            cues = pat.corrupt(
                xi[idx], sc.cue.flip, sc.cue.mask, sc.cue.mask_fill, generator(sc.run.seed, 2, t)
            )
            res = classical.recall(
                W,
                cues,
                m.dynamics,
                m.order,
                m.max_sweeps,
                sc.run.seed,
                temperature=m.temperature,
                targets=xi[idx],
                threads=sc.run.threads,
                stream=(3, t),
            )
            ov_all = classical.overlaps(xi, res.states)  # (B, P)
            n_b = len(idx)
            for b in range(n_b):
                others = np.delete(ov_all[b], idx[b])
                final_ov = ov_all[b, idx[b]]
                rows["trial"].append(t)
                rows["cue"].append(b)
                rows["pattern"].append(int(idx[b]))
                rows["initial_overlap"].append(res.overlap[b, 0])
                rows["final_overlap"].append(final_ov)
                rows["max_other_overlap"].append(np.abs(others).max() if others.size else np.nan)
                rows["sweeps"].append(int(res.sweeps[b]))
                rows["stop"].append(str(res.stop[b]))
                rows["retrieved"].append(bool(final_ov >= sc.run.retrieval_overlap))
                rows["initial_energy"].append(res.energy[b, 0])
                rows["final_energy"].append(res.energy[b, res.sweeps[b]])
                for s in range(int(res.sweeps[b]) + 1):
                    trace["trial"].append(t)
                    trace["cue"].append(b)
                    trace["pattern"].append(int(idx[b]))
                    trace["sweep"].append(s)
                    trace["energy"].append(res.energy[b, s])
                    trace["overlap"].append(res.overlap[b, s])
                    trace["flips"].append(int(res.flips[b, s - 1]) if s > 0 else 0)
            energy_traces.append(res.energy)
            overlap_traces.append(res.overlap)
            finals.append(res.states)
            cues_all.append(cues)
            progress.advance(1)
    progress.stop()
    n_limit = sum(1 for w in caught if issubclass(w.category, ConvergenceWarning))
    tables = {
        "cues": {k: np.asarray(v) for k, v in rows.items()},
        "trace": {k: np.asarray(v) for k, v in trace.items()},
    }
    final_ov = tables["cues"]["final_overlap"]
    stops = tables["cues"]["stop"]
    summary = {
        "patterns": int(stored_first.shape[0]),
        "neurons": int(stored_first.shape[1]),
        "load": float(stored_first.shape[0] / stored_first.shape[1]),
        "trials": sc.run.trials,
        "cues": int(final_ov.size),
        "mean_initial_overlap": float(np.mean(tables["cues"]["initial_overlap"])),
        "mean_final_overlap": float(np.mean(final_ov)),
        "fraction_retrieved": float(np.mean(tables["cues"]["retrieved"])),
        "fraction_fixed_point": float(np.mean(stops == "fixed_point")),
        "fraction_cycle": float(np.mean(stops == "cycle")),
        "fraction_limit": float(np.mean(stops == "limit")),
        "mean_sweeps": float(np.mean(tables["cues"]["sweeps"])),
        "retrieval_overlap": sc.run.retrieval_overlap,
    }
    arrays = {
        "stored": stored_first,
        "cues": np.concatenate(cues_all),
        "final_states": np.concatenate(finals),
        "energy": np.concatenate(energy_traces),
        "overlap": np.concatenate(overlap_traces),
    }
    meta = {
        "seed": sc.run.seed,
        "seconds": time.perf_counter() - t0,
        "picture_shape": list(shape) if shape and has_picture_shape(sc) else None,
        "warnings": [f"{n_limit} trial(s) had cues that hit max_sweeps"] if n_limit else [],
    }
    return Result(
        "recall", sc.model.kind, sc.model_dump(mode="json"), summary, tables, arrays, meta
    )


def run_capacity(
    sc: Scenario, base_dir: Path | None = None, progress: Progress | None = None
) -> Result:
    """Load sweep: for each size N and load alpha, store P = round(alpha N) random patterns.

    Each trial draws a new pattern set, cues ``capacity.cues_per_trial`` of the stored patterns
    (corrupted as in ``cue``) and records the final overlaps. Besides the dynamics, the one-step
    bit error (fraction of bits of the stored patterns that one synchronous update from the exact
    pattern would flip; THEORY.md section 1) is recorded for comparison with theory.
    """
    progress = progress or Progress()
    cap = sc.capacity
    m = sc.model
    src = sc.patterns
    bias = src.bias if src.source == "random" else 0.0
    sizes = cap.sizes or [src.size if src.source == "random" else None]
    loads = cap.load_values()
    t0 = time.perf_counter()
    points = [(n, alpha, max(1, int(round(alpha * n)))) for n in sizes for alpha in loads]
    total = len(points) * sc.run.trials
    progress.start("points x trials", total)
    cols: dict[str, list] = {
        k: []
        for k in (
            "size",
            "load",
            "patterns",
            "trial",
            "cues",
            "mean_final_overlap",
            "fraction_retrieved",
            "fraction_fixed_point",
            "mean_sweeps",
            "one_step_error",
        )
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for n, alpha, p in points:
            for t in range(sc.run.trials):
                rng = generator(sc.run.seed, 1, n, p, t)
                xi = pat.random_patterns(p, n, bias, rng)
                W = classical.store(xi, m.rule, **_store_options(sc))
                k = p if cap.cues_per_trial == "all" else min(p, cap.cues_per_trial)
                idx = np.arange(k)
                cues = pat.corrupt(
                    xi[idx],
                    sc.cue.flip,
                    sc.cue.mask,
                    sc.cue.mask_fill,
                    generator(sc.run.seed, 2, n, p, t),
                )
                res = classical.recall(
                    W,
                    cues,
                    m.dynamics,
                    m.order,
                    m.max_sweeps,
                    sc.run.seed,
                    temperature=m.temperature,
                    targets=xi[idx],
                    threads=sc.run.threads,
                    stream=(3, n, p, t),
                    warn=False,
                )
                final = res.overlap[np.arange(k), res.sweeps]
                one_step = _one_step_error(W, xi)
                cols["size"].append(n)
                cols["load"].append(alpha)
                cols["patterns"].append(p)
                cols["trial"].append(t)
                cols["cues"].append(k)
                cols["mean_final_overlap"].append(float(final.mean()))
                cols["fraction_retrieved"].append(float((final >= sc.run.retrieval_overlap).mean()))
                cols["fraction_fixed_point"].append(float(res.converged.mean()))
                cols["mean_sweeps"].append(float(res.sweeps.mean()))
                cols["one_step_error"].append(one_step)
                progress.advance(1)
    progress.stop()
    table = {k: np.asarray(v) for k, v in cols.items()}
    summary_tab = _summarise_points(table)
    summary = {
        "points": len(points),
        "trials": sc.run.trials,
        "sizes": [int(s) for s in sizes],
        "retrieval_overlap": sc.run.retrieval_overlap,
    }
    meta = {"seed": sc.run.seed, "seconds": time.perf_counter() - t0, "warnings": []}
    return Result(
        "capacity",
        sc.model.kind,
        sc.model_dump(mode="json"),
        summary,
        {"capacity": table, "capacity_summary": summary_tab},
        {},
        meta,
    )


def _one_step_error(W: classical.Weights, xi: np.ndarray) -> float:
    """Fraction of bits flipped by one synchronous update from the stored patterns themselves."""
    H = W._fields(xi)
    J, scale = W._couplings()
    x = H - W.theta * scale
    new = np.where(x > 0, 1, np.where(x < 0, -1, xi))
    return float((new != xi).mean())


def _summarise_points(table: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Mean and standard error over trials for each (size, load) point."""
    keys = list(dict.fromkeys(zip(table["size"].tolist(), table["load"].tolist(), strict=True)))
    out: dict[str, list] = {
        k: []
        for k in (
            "size",
            "load",
            "patterns",
            "trials",
            "mean_final_overlap",
            "sem_final_overlap",
            "fraction_retrieved",
            "sem_fraction_retrieved",
            "one_step_error",
            "sem_one_step_error",
            "mean_sweeps",
        )
    }
    for n, a in keys:
        sel = (table["size"] == n) & (table["load"] == a)
        k = int(sel.sum())

        def sem(x, k=k):
            return float(np.std(x, ddof=1) / np.sqrt(k)) if k > 1 else float("nan")

        out["size"].append(n)
        out["load"].append(a)
        out["patterns"].append(int(table["patterns"][sel][0]))
        out["trials"].append(k)
        for col in ("final_overlap", "fraction_retrieved", "one_step_error"):
            src = table["mean_final_overlap" if col == "final_overlap" else col][sel]
            name = "mean_final_overlap" if col == "final_overlap" else col
            out[name].append(float(src.mean()))
            out["sem_" + col].append(sem(src))
        out["mean_sweeps"].append(float(table["mean_sweeps"][sel].mean()))
    return {k: np.asarray(v) for k, v in out.items()}

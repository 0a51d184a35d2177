"""Recall and gain sweep of the graded-response Hopfield network (Hopfield 1984).

Couplings: ``W = (1/N) sum_mu xi^mu (xi^mu)^T`` with zero diagonal (float64) from the stored
patterns of the trial. Cues (corrupted stored patterns, ``generator(seed, 2, t)``) start at
``u(0) = amplitude * cue``; random patterns of trial t come from ``generator(seed, 1, t)``.
The critical gain ``1 / lambda_max(W)`` (linearisation at u = 0; see
:func:`memsim.hopfield.continuous.gain_sweep`) is reported for trial 0.
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
from memsim.hopfield import continuous as ct
from memsim.results import Result
from memsim.scenario.load import has_picture_shape, picture_patterns, resolve_pattern_path


def stored_patterns(sc, trial: int, base_dir: Path | None):
    src = sc.patterns
    if src.source == "random":
        return pat.random_patterns(
            src.count, src.size, src.bias, generator(sc.run.seed, 1, trial)
        ), None
    if src.source == "letters":
        return pat.letters(src.letters, src.scale)
    if src.source in ("digits", "image"):
        pics = picture_patterns(sc, base_dir)
        return pics.patterns, pics.shape
    xi = pat.load_patterns(resolve_pattern_path(sc, base_dir))
    return xi, (tuple(src.shape) if src.shape else None)


def hebbian_weights(xi: np.ndarray) -> np.ndarray:
    """``W = (1/N) xi^T xi`` with zero diagonal, float64."""
    x = np.asarray(xi, dtype=np.float64)
    w = x.T @ x / x.shape[1]
    np.fill_diagonal(w, 0.0)
    return w


def critical_gain(w: np.ndarray) -> float:
    """``1 / lambda_max(W)``: the origin loses stability above this gain (inf if none > 0)."""
    lam = float(np.linalg.eigvalsh(w)[-1])
    return 1.0 / lam if lam > 0 else float("inf")


def _cues(sc, xi, t):
    c = sc.cue.pattern
    idx = np.arange(xi.shape[0]) if c == "all" else np.atleast_1d(np.asarray(c, dtype=np.int64))
    cues = pat.corrupt(
        xi[idx], sc.cue.flip, sc.cue.mask, sc.cue.mask_fill, generator(sc.run.seed, 2, t)
    )
    return idx, cues


def _options(m) -> dict:
    return dict(tau=m.tau, points=m.points, method=m.method, rtol=m.rtol, atol=m.atol)


def run_recall(sc, base_dir: Path | None = None, progress: Progress | None = None) -> Result:
    """Integrate from each cue; record V(t), the overlaps and the energy at every output time."""
    progress = progress or Progress()
    m = sc.model
    thr = sc.run.retrieval_overlap
    t0 = time.perf_counter()
    cols = (
        "trial",
        "cue",
        "pattern",
        "initial_overlap",
        "final_overlap",
        "sign_overlap",
        "amplitude",
        "discrete_fixed_point",
        "retrieved",
        "success",
        "nfev",
        "initial_energy",
        "final_energy",
    )
    rows: dict[str, list] = {k: [] for k in cols}
    trace: dict[str, list] = {k: [] for k in ("trial", "cue", "time", "energy", "overlap")}
    first = None
    energies = []
    n_fail = 0
    progress.start("trials", sc.run.trials)
    for t in range(sc.run.trials):
        xi, shape = stored_patterns(sc, t, base_dir)
        xi = np.asarray(xi)
        w = hebbian_weights(xi)
        idx, cues = _cues(sc, xi, t)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            r = ct.simulate(
                w, m.amplitude * cues.astype(np.float64), m.duration, gain=m.gain, **_options(m)
            )
        n_fail += sum(1 for c in caught if issubclass(c.category, ConvergenceWarning))
        n = xi.shape[1]
        ov = r.V @ xi.T.astype(np.float64) / n  # (B, T, P)
        s = r.states()
        h = s @ w.T
        agrees = ((h > 0) & (s > 0) | (h < 0) & (s < 0) | (h == 0)).all(axis=1)
        if first is None:
            first = (xi, shape, np.asarray(cues), r, ov, critical_gain(w))
        for b, i in enumerate(idx):
            i = int(i)
            rows["trial"].append(t)
            rows["cue"].append(b)
            rows["pattern"].append(i)
            rows["initial_overlap"].append(float(cues[b] @ xi[i].astype(np.float64)) / n)
            rows["final_overlap"].append(float(ov[b, -1, i]))
            rows["sign_overlap"].append(float(s[b] @ xi[i].astype(np.float64)) / n)
            rows["amplitude"].append(float(np.abs(r.V[b, -1]).mean()))
            rows["discrete_fixed_point"].append(bool(agrees[b]))
            rows["retrieved"].append(bool(ov[b, -1, i] >= thr))
            rows["success"].append(bool(r.success[b]))
            rows["nfev"].append(int(r.nfev[b]))
            rows["initial_energy"].append(float(r.energy[b, 0]))
            rows["final_energy"].append(float(r.energy[b, -1]))
            trace["trial"].extend([t] * r.t.size)
            trace["cue"].extend([b] * r.t.size)
            trace["time"].extend(r.t.tolist())
            trace["energy"].extend(r.energy[b].tolist())
            trace["overlap"].extend(ov[b, :, i].tolist())
        energies.append(np.asarray(r.energy))
        progress.advance(1)
    progress.stop()
    tab = {k: np.asarray(v) for k, v in rows.items()}
    xi, shape, cues0, r0, ov0, gc = first
    p, n = xi.shape
    de = np.diff(np.concatenate(energies), axis=1)
    summary = {
        "patterns": int(p),
        "neurons": int(n),
        "load": float(p / n),
        "gain": m.gain,
        "critical_gain": gc,
        "trials": sc.run.trials,
        "cues": int(tab["trial"].size),
        "mean_initial_overlap": float(tab["initial_overlap"].mean()),
        "mean_final_overlap": float(tab["final_overlap"].mean()),
        "mean_sign_overlap": float(tab["sign_overlap"].mean()),
        "mean_amplitude": float(tab["amplitude"].mean()),
        "fraction_retrieved": float(tab["retrieved"].mean()),
        "fraction_discrete_fixed_point": float(tab["discrete_fixed_point"].mean()),
        "largest_energy_increase": float(np.nanmax(de)) if de.size else 0.0,
        "retrieval_overlap": thr,
    }
    meta = {
        "seed": sc.run.seed,
        "seconds": time.perf_counter() - t0,
        "picture_shape": list(shape) if shape and has_picture_shape(sc) else None,
        "warnings": [f"solve_ivp failed in {n_fail} trial(s)"] if n_fail else [],
    }
    if m.gain <= gc:
        meta["warnings"].append(
            f"gain {m.gain:g} is below the critical gain 1/lambda_max = {gc:.3f}: every cue decays "
            "to the origin"
        )
    arrays = {
        "stored": xi,
        "cues": cues0,
        "t": np.asarray(r0.t),
        "V": np.asarray(r0.V),  # trial 0: (B, T, N)
        "overlaps": ov0,  # trial 0: (B, T, P)
        "energy": np.concatenate(energies),
        "final_V": np.asarray(r0.V[:, -1]),
    }
    tables = {"cues": tab, "trace": {k: np.asarray(v) for k, v in trace.items()}}
    return Result("recall", "continuous", sc, summary, tables, arrays, meta)


def run_capacity(sc, base_dir: Path | None = None, progress: Progress | None = None) -> Result:
    """Gain sweep (:func:`memsim.hopfield.continuous.gain_sweep`) for every trial's patterns and
    cues: final amplitude, overlap with the cued pattern, and agreement with the discrete
    fixed points, per gain."""
    progress = progress or Progress()
    m = sc.model
    t0 = time.perf_counter()
    gains = [float(g) for g in sc.capacity.gains]
    rows: dict[str, list] = {
        k: [] for k in ("trial", "gain", "cue", "pattern", "amplitude", "overlap", "agrees")
    }
    crit = []
    progress.start("trials", sc.run.trials)
    for t in range(sc.run.trials):
        xi, _ = stored_patterns(sc, t, base_dir)
        xi = np.asarray(xi)
        w = hebbian_weights(xi)
        crit.append(critical_gain(w))
        idx, cues = _cues(sc, xi, t)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            g = ct.gain_sweep(
                w,
                m.amplitude * cues.astype(np.float64),
                gains,
                m.duration,
                targets=xi[idx],
                **_options(m),
            )
        for k, gv in enumerate(gains):
            for b, i in enumerate(idx):
                rows["trial"].append(t)
                rows["gain"].append(gv)
                rows["cue"].append(b)
                rows["pattern"].append(int(i))
                rows["amplitude"].append(float(g.amplitude[k, b]))
                rows["overlap"].append(float(g.overlap[k, b]))
                rows["agrees"].append(bool(g.agrees[k, b]))
        progress.advance(1)
    progress.stop()
    tab = {k: np.asarray(v) for k, v in rows.items()}
    summ: dict[str, list] = {
        k: []
        for k in ("gain", "mean_amplitude", "mean_overlap", "overlap_stderr", "fraction_agrees")
    }
    for gv in gains:
        sel = tab["gain"] == gv
        o = tab["overlap"][sel]
        summ["gain"].append(gv)
        summ["mean_amplitude"].append(float(tab["amplitude"][sel].mean()))
        summ["mean_overlap"].append(float(o.mean()))
        summ["overlap_stderr"].append(
            float(o.std(ddof=1) / np.sqrt(o.size)) if o.size > 1 else float("nan")
        )
        summ["fraction_agrees"].append(float(tab["agrees"][sel].mean()))
    p, n = xi.shape
    summary = {
        "patterns": int(p),
        "neurons": int(n),
        "trials": sc.run.trials,
        "critical_gain": float(np.mean(crit)),
        "critical_gain_min": float(np.min(crit)),
        "critical_gain_max": float(np.max(crit)),
        "duration": m.duration,
    }
    meta = {"seed": sc.run.seed, "seconds": time.perf_counter() - t0, "warnings": []}
    return Result(
        "capacity",
        "continuous",
        sc,
        summary,
        {"gain_sweep": tab, "gain_summary": {k: np.asarray(v) for k, v in summ.items()}},
        {},
        meta,
    )

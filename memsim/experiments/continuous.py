"""Recall and gain sweep of the graded-response Hopfield network (Hopfield 1984).

Couplings: ``W = (1/N) sum_mu xi^mu (xi^mu)^T`` with zero diagonal (float64) from the stored
patterns of the trial. Cues (corrupted stored patterns, ``generator(seed, 2, t)``) start at
``u(0) = amplitude * cue``; random patterns of trial t come from ``generator(seed, 1, t)``.
The critical gain ``1 / lambda_max(W)`` (linearisation at u = 0; see
:func:`memsim.experiments.studies.continuous.gain_sweep`) is reported for trial 0.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import numpy as np

from memsim.errors import ConvergenceWarning
from memsim.experiments import common
from memsim.experiments.common import stored_patterns
from memsim.experiments.progress import Progress
from memsim.experiments.studies import continuous as studies
from memsim.hopfield import continuous as ct
from memsim.results import Result


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
    idx = common.cued_indices(sc, xi.shape[0])
    return idx, common.corrupted(sc, xi[idx], t)


def _options(m) -> dict:
    return common.fields(m, "tau", "points", "method", "rtol", "atol")


def run_recall(sc, base_dir: Path | None = None, progress: Progress | None = None) -> Result:
    """Integrate from each cue; record V(t), the overlaps and the energy at every output time."""
    m = sc.model
    thr = sc.run.retrieval_overlap
    t0 = time.perf_counter()
    rows = common.Columns(
        *common.CUE_COLUMNS,
        "sign_overlap",
        "amplitude",
        "discrete_fixed_point",
        "retrieved",
        "success",
        "nfev",
        "initial_energy",
        "final_energy",
    )
    trace = common.Columns("trial", "cue", "time", "energy", "overlap")
    first = None
    energies = []
    n_fail = 0
    for t in common.trials(sc, progress):
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
            rows.add(
                trial=t,
                cue=b,
                pattern=i,
                initial_overlap=float(cues[b] @ xi[i].astype(np.float64)) / n,
                final_overlap=float(ov[b, -1, i]),
                sign_overlap=float(s[b] @ xi[i].astype(np.float64)) / n,
                amplitude=float(np.abs(r.V[b, -1]).mean()),
                discrete_fixed_point=bool(agrees[b]),
                retrieved=bool(ov[b, -1, i] >= thr),
                success=bool(r.success[b]),
                nfev=int(r.nfev[b]),
                initial_energy=float(r.energy[b, 0]),
                final_energy=float(r.energy[b, -1]),
            )
            trace.extend(
                trial=[t] * r.t.size,
                cue=[b] * r.t.size,
                time=r.t.tolist(),
                energy=r.energy[b].tolist(),
                overlap=ov[b, :, i].tolist(),
            )
        energies.append(np.asarray(r.energy))
    tab = rows.arrays()
    xi, shape, cues0, r0, ov0, gc = first
    de = np.diff(np.concatenate(energies), axis=1)
    summary = {
        **common.pattern_summary(xi),
        "gain": m.gain,
        "critical_gain": gc,
        **common.recall_summary(
            sc,
            tab,
            means=("initial_overlap", "final_overlap", "sign_overlap", "amplitude"),
            fractions=("retrieved", "discrete_fixed_point"),
        ),
        "largest_energy_increase": float(np.nanmax(de)) if de.size else 0.0,
        "retrieval_overlap": thr,
    }
    warned = [f"solve_ivp failed in {n_fail} trial(s)"] if n_fail else []
    if m.gain <= gc:
        warned.append(
            f"gain {m.gain:g} is below the critical gain 1/lambda_max = {gc:.3f}: every cue decays "
            "to the origin"
        )
    meta = common.recall_meta(sc, time.perf_counter() - t0, shape, warned)
    arrays = {
        "stored": xi,
        "cues": cues0,
        "t": np.asarray(r0.t),
        "V": np.asarray(r0.V),  # trial 0: (B, T, N)
        "overlaps": ov0,  # trial 0: (B, T, P)
        "energy": np.concatenate(energies),
        "final_V": np.asarray(r0.V[:, -1]),
    }
    tables = {"cues": tab, "trace": trace.arrays()}
    return Result("recall", "continuous", sc, summary, tables, arrays, meta)


def run_capacity(sc, base_dir: Path | None = None, progress: Progress | None = None) -> Result:
    """Gain sweep (:func:`memsim.experiments.studies.continuous.gain_sweep`) for every trial's
    patterns and cues: final amplitude, overlap with the cued pattern, and agreement with the
    discrete fixed points, per gain."""
    m = sc.model
    t0 = time.perf_counter()
    gains = [float(g) for g in sc.capacity.gains]
    rows = common.Columns("trial", "gain", "cue", "pattern", "amplitude", "overlap", "agrees")
    crit = []
    for t in common.trials(sc, progress):
        xi, _ = stored_patterns(sc, t, base_dir)
        xi = np.asarray(xi)
        w = hebbian_weights(xi)
        crit.append(critical_gain(w))
        idx, cues = _cues(sc, xi, t)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            g = studies.gain_sweep(
                w,
                m.amplitude * cues.astype(np.float64),
                gains,
                m.duration,
                targets=xi[idx],
                **_options(m),
            )
        for k, gv in enumerate(gains):
            for b, i in enumerate(idx):
                rows.add(
                    trial=t,
                    gain=gv,
                    cue=b,
                    pattern=int(i),
                    amplitude=float(g.amplitude[k, b]),
                    overlap=float(g.overlap[k, b]),
                    agrees=bool(g.agrees[k, b]),
                )
    tab = rows.arrays()
    summ = common.Columns(
        "gain", "mean_amplitude", "mean_overlap", "overlap_stderr", "fraction_agrees"
    )
    for (gv,), sel in common.groups(tab, ("gain",), [(gv,) for gv in gains]):
        o = tab["overlap"][sel]
        summ.add(
            gain=gv,
            mean_amplitude=float(tab["amplitude"][sel].mean()),
            mean_overlap=float(o.mean()),
            overlap_stderr=common.sem(o),
            fraction_agrees=float(tab["agrees"][sel].mean()),
        )
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
    tables = {"gain_sweep": tab, "gain_summary": summ.arrays()}
    return common.capacity_result(sc, summary, tables, common.meta(sc, time.perf_counter() - t0))

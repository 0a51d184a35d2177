"""Recall and studies of the continuous modern Hopfield network (Ramsauer et al. 2021).

Random streams: stored patterns of trial t ``generator(seed, 1, t)``; cue corruption
``generator(seed, 2, t)``; the classical comparison's dynamics the xoshiro stream
``(seed, 5, t, b)``; separation study: patterns ``generator(seed, 6, bias key, t)`` and cues
``generator(seed, 7, bias key, t)``; capacity study:
:func:`memsim.experiments.studies.modern.measure_capacity`
with ``seed = run.seed``.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import numpy as np

from memsim import patterns as pat
from memsim import theory
from memsim._rng import generator
from memsim.errors import MemsimWarning
from memsim.experiments import common
from memsim.experiments.dense import make_cues
from memsim.experiments.progress import Progress
from memsim.experiments.studies import modern as studies
from memsim.hopfield import classical, modern
from memsim.results import Result
from memsim.scenario.load import has_picture_shape

KINDS = modern.FIXED_POINT_KINDS


def _pad(a: np.ndarray, width: int) -> np.ndarray:
    out = np.full((a.shape[0], width), np.nan)
    out[:, : a.shape[1]] = a
    return out


def _cues_with_mask(sc, xi: np.ndarray, idx: np.ndarray, trial: int):
    """Cues of the stored patterns ``xi[idx]`` and the (B, N) mask of hidden components, from the
    stream ``generator(seed, 2, trial)`` (the same stream as :func:`make_cues`).

    -1/+1 patterns go through :func:`memsim.patterns.corrupt`. Grey patterns (values in [-1, 1],
    from ``binarise: none``) are corrupted the same way: the same draws are made on a matrix of
    ones, whose -1 entries then mark the flipped components (``x -> -x``) and whose masked
    entries hold the fill values (random -1/+1, -1 "off" or +1 "on"); for -1/+1 patterns this
    gives exactly the cues of ``corrupt``."""
    if xi.dtype.kind != "f":
        return common.corrupted(sc, xi[idx], trial, return_mask=True)
    ones = np.ones((len(idx), xi.shape[1]), np.int8)
    signs, masked = common.corrupted(sc, ones, trial, return_mask=True)
    cues = np.where(masked, signs.astype(np.float64), xi[idx] * signs)
    return cues, masked


def run_recall(sc, base_dir: Path | None = None, progress: Progress | None = None) -> Result:
    """Cue stored patterns and iterate ``xi <- norm(beta xi X^T) X`` to a fixed point (eq. 3);
    with ``model.compare_classical`` also run a Hebbian network on the same cues.

    ``cue.clamp: unmasked`` holds the components that were not masked at their cue values in
    both networks (pattern completion from a partial cue)."""
    m = sc.model
    t0 = time.perf_counter()
    cols = [
        *common.CUE_COLUMNS,
        "error",
        "sign_exact",
        "retrieved",
        "steps",
        "converged",
        "fixed_point",
        "nearest",
        "top_weight",
        "effective_number",
        "initial_energy",
        "final_energy",
    ]
    if m.compare_classical:
        cols += ["classical_overlap", "classical_retrieved", "classical_exact"]
    rows = common.Columns(*cols)
    trace = common.Columns("trial", "cue", "step", "energy", "overlap")
    energies, finals, cues_all, classical_finals = [], [], [], []
    weights0 = None
    frames0 = None
    stored_first, shape, beta_used = None, None, None
    for t in common.trials(sc, progress):
        xi, shape = common.stored_patterns(sc, t, base_dir)
        if stored_first is None:
            stored_first = xi
        X = xi.astype(np.float64)
        d = X.shape[1]
        # overlap <state, x_i> / <x_i, x_i>: the usual (1/d) sum for -1/+1 patterns (where
        # <x_i, x_i> = d exactly), and 1 at x_i for grey patterns too
        norm2 = np.maximum(np.einsum("pd,pd->p", X, X), np.finfo(np.float64).tiny)
        idx = common.cued_indices(sc, xi.shape[0])
        # the same stream as make_cues; the mask of hidden components feeds cue.clamp
        cues, masked = _cues_with_mask(sc, xi, idx, t)
        clamp = ~masked if sc.cue.clamp == "unmasked" else None
        tr = modern.retrieve(
            X,
            cues.astype(np.float64),
            m.beta,
            m.steps,
            m.normaliser,
            tol=m.tol,
            trajectory=True,
            scale_beta=m.scale_beta,
            threads=sc.run.threads,
            clamp=clamp,
        )
        beta_used = tr.beta
        fin = tr.states[:, -1, :]
        fc = modern.classify_fixed_points(
            X, fin, tr.beta, m.normaliser, mass=m.mass, global_fraction=m.global_fraction
        )
        en = np.array(tr.energy, dtype=np.float64)
        ov = np.einsum("btd,bd->bt", tr.states, X[idx]) / norm2[idx][:, None]
        for b in range(len(idx)):
            en[b, tr.steps[b] + 1 :] = np.nan
            ov[b, tr.steps[b] + 1 :] = np.nan
        if t == 0:
            weights0 = np.asarray(tr.weights[:, -1, :])
            if has_picture_shape(sc):
                # the state after every update step of the first trial, for the animation;
                # steps after a cue stopped repeat its final state
                used = int(np.max(tr.steps)) + 1
                frames0 = np.array(tr.states[:, :used, :], dtype=np.float64)
                for b in range(frames0.shape[0]):
                    frames0[b, int(tr.steps[b]) + 1 :] = frames0[b, int(tr.steps[b])]
        if m.compare_classical:
            W = classical.store(xi, "hebbian")
            cres = classical.recall(
                W,
                cues,
                "async",
                "random",
                m.classical_sweeps,
                sc.run.seed,
                targets=xi[idx],
                clamp=clamp,
                threads=sc.run.threads,
                stream=(5, t),
                warn=False,
            )
            classical_finals.append(np.asarray(cres.states))
        for b, i in enumerate(idx):
            s = int(tr.steps[b])
            f_ov = float(fin[b] @ X[i] / norm2[i])
            # signs agree wherever the stored value is not 0 (every component of -1/+1 patterns)
            nz = X[i] != 0
            rows.add(
                trial=t,
                cue=b,
                pattern=int(i),
                initial_overlap=float(ov[b, 0]),
                final_overlap=f_ov,
                error=float(np.linalg.norm(fin[b] - X[i])),
                sign_exact=bool(np.array_equal(np.sign(fin[b][nz]), np.sign(X[i][nz]))),
                retrieved=bool(f_ov >= sc.run.retrieval_overlap),
                steps=s,
                converged=bool(tr.converged[b]),
                fixed_point=str(fc.kind[b]),
                nearest=int(fc.nearest[b]),
                top_weight=float(fc.top_weight[b]),
                effective_number=float(fc.effective_number[b]),
                initial_energy=float(en[b, 0]),
                final_energy=float(en[b, s]),
            )
            if m.compare_classical:
                c_ov = float(cres.states[b].astype(np.float64) @ X[i] / d)
                rows.add(
                    classical_overlap=c_ov,
                    classical_retrieved=bool(c_ov >= sc.run.retrieval_overlap),
                    classical_exact=bool(np.array_equal(cres.states[b], xi[i])),
                )
            trace.extend(
                trial=[t] * (s + 1),
                cue=[b] * (s + 1),
                step=range(s + 1),
                energy=[float(x) for x in en[b, : s + 1]],
                overlap=[float(x) for x in ov[b, : s + 1]],
            )
        energies.append(en)
        finals.append(fin)
        cues_all.append(cues)
    width = max(e.shape[1] for e in energies)
    tab = rows.arrays()
    summary = {
        **common.pattern_summary(stored_first, "dimension"),
        "beta": float(beta_used),
        "normaliser": m.normaliser,
        **common.recall_summary(sc, tab, fractions=("retrieved", "sign_exact", "converged")),
        "mean_steps": float(tab["steps"].mean()),
        "min_separation": float(modern.separation(stored_first.astype(np.float64)).min()),
        "retrieval_overlap": sc.run.retrieval_overlap,
    }
    for k in KINDS:
        summary[f"fraction_{k}"] = float(np.mean(tab["fixed_point"] == k))
    if m.compare_classical:
        summary["classical_mean_final_overlap"] = float(tab["classical_overlap"].mean())
        summary["classical_fraction_retrieved"] = float(tab["classical_retrieved"].mean())
        summary["classical_fraction_exact"] = float(tab["classical_exact"].mean())
    arrays = {
        "stored": stored_first,
        "cues": np.concatenate(cues_all),
        "final_states": np.concatenate(finals),
        "energy": np.concatenate([_pad(e, width) for e in energies]),
        "weights_trial0": weights0,
    }
    if m.compare_classical:
        arrays["classical_final_states"] = np.concatenate(classical_finals)
    if frames0 is not None:
        arrays["frames_trial0"] = frames0
    meta = common.recall_meta(sc, time.perf_counter() - t0, shape)
    tables = {"cues": tab, "trace": trace.arrays()}
    return Result("recall", "modern", sc, summary, tables, arrays, meta)


def check_capacity(sc, file: str | None = None) -> None:
    from memsim.errors import ScenarioError

    cap = sc.capacity
    from memsim.scenario.load import grey_patterns

    if grey_patterns(sc):
        raise ScenarioError(
            "the modern capacity studies cue -1/+1 patterns; patterns.binarise is 'none' (grey "
            "values, for `memsim recall` only); allowed here: 'threshold'"
            + (" or 'dither'" if sc.patterns.source == "image" else ""),
            file=file,
            field="patterns.binarise",
        )
    if cap.study == "separation" and cap.biases and sc.patterns.source != "random":
        raise ScenarioError(
            "capacity.biases draws random pattern sets: patterns.source must be 'random' "
            "(or leave biases out to use the scenario's patterns)",
            file=file,
            field="capacity.biases",
        )
    if cap.study == "capacity" and sc.model.normaliser != "softmax":
        raise ScenarioError(
            f"the capacity study uses the softmax update; model.normaliser is "
            f"{sc.model.normaliser!r} (allowed: 'softmax')",
            file=file,
            field="model.normaliser",
        )


def _beta_sweep(sc, base_dir, progress) -> tuple[dict, dict, dict]:
    m, cap = sc.model, sc.capacity
    parts = []
    for t in common.trials(sc, progress):
        xi, _ = common.stored_patterns(sc, t, base_dir)
        idx = common.cued_indices(sc, xi.shape[0])
        cues = make_cues(sc, xi, idx, t).astype(np.float64)
        tab = studies.beta_sweep(
            xi.astype(np.float64),
            cues,
            cap.betas,
            **common.fields(
                m, "steps", "tol", "normaliser", "scale_beta", "mass", "global_fraction"
            ),
        )
        tab = {k: np.asarray(v) for k, v in tab.items()}
        tab["trial"] = np.full(tab["beta"].size, t)
        tab["pattern"] = idx[tab["query"]]
        parts.append(tab)
    table = common.concat(parts)
    betas = np.unique(table["beta"])
    fractions = [f"fraction_{k}" for k in KINDS]
    cols = common.Columns(
        "beta", "queries", "mean_effective_number", *fractions, "fraction_converged"
    )
    for (b,), sel in common.groups(table, ("beta",), [(b,) for b in betas]):
        cols.add(
            beta=float(b),
            queries=int(sel.sum()),
            mean_effective_number=float(table["effective_number"][sel].mean()),
            fraction_converged=float(table["converged"][sel].mean()),
            **{f"fraction_{k}": float(np.mean(table["kind"][sel] == k)) for k in KINDS},
        )
    summ = cols.arrays()
    summary = {"study": "beta_sweep", "betas": int(betas.size), "patterns": int(xi.shape[0])}
    for k in KINDS:
        f = summ[f"fraction_{k}"]
        summary[f"max_fraction_{k}"] = float(f.max())
        summary[f"beta_of_max_{k}"] = float(summ["beta"][int(np.argmax(f))])
    return {"beta_sweep": table, "beta_summary": summ}, summary, {}


def _separation(sc, base_dir, progress) -> tuple[dict, dict, dict]:
    m, cap = sc.model, sc.capacity
    biases = cap.biases
    parts = []
    progress.start("pattern sets", sc.run.trials * (len(biases) if biases else 1))
    for bias in biases or [None]:
        for t in range(sc.run.trials):
            if bias is None:
                xi, _ = common.stored_patterns(sc, t, base_dir)
                idx = common.cued_indices(sc, xi.shape[0])
                cues = make_cues(sc, xi, idx, t)
            else:
                src = sc.patterns
                kb = common.stream_key(bias)
                xi = pat.random_patterns(
                    src.count, src.size, bias, generator(sc.run.seed, 6, kb, t)
                )
                idx = common.cued_indices(sc, xi.shape[0])
                cues = pat.corrupt(
                    xi[idx],
                    sc.cue.flip,
                    sc.cue.mask,
                    sc.cue.mask_fill,
                    generator(sc.run.seed, 7, kb, t),
                )
            tab = studies.retrieval_error_table(
                xi.astype(np.float64),
                idx,
                cues.astype(np.float64),
                m.beta,
                scale_beta=m.scale_beta,
                fixed_point_steps=m.steps,
            )
            tab = {k: np.asarray(v) for k, v in tab.items()}
            n = tab["query"].size
            tab["bias"] = np.full(n, np.nan if bias is None else bias)
            tab["trial"] = np.full(n, t)
            tab["within_bound"] = tab["error"] <= tab["bound"] * (1 + 1e-9) + 1e-12
            parts.append(tab)
            progress.advance(1)
    progress.stop()
    table = common.concat(parts)
    summary = {
        "study": "separation",
        "beta": float(table["beta"][0]),
        "queries": int(table["query"].size),
        "min_separation": float(table["separation"].min()),
        "max_separation": float(table["separation"].max()),
        "fraction_within_bound": float(table["within_bound"].mean()),
        "max_error": float(table["error"].max()),
        "median_error": float(np.median(table["error"])),
    }
    return {"separation": table}, summary, {}


def _capacity(sc, base_dir, progress) -> tuple[dict, dict, dict]:
    m, cap = sc.model, sc.capacity
    cols = common.Columns("d", "beta", "capacity", "capacity_over_d", "at_limit", "evaluations")
    progress.start("dimensions", len(cap.dims))
    for d in cap.dims:
        r = studies.measure_capacity(
            int(d),
            m.beta,
            **common.fields(cap, "error_rate", "k_max", "noise", "queries", "rel_error"),
            **common.fields(m, "steps", "scale_beta"),
            seed=sc.run.seed,
        )
        cols.add(
            **{k: r[k] for k in ("d", "beta", "capacity", "capacity_over_d", "at_limit")},
            evaluations=len(r["evaluations"]),
        )
        progress.advance(1)
    progress.stop()
    table = cols.arrays()
    summary = {
        "study": "capacity",
        "dims": [int(x) for x in cap.dims],
        "max_capacity": int(table["capacity"].max()),
        "max_capacity_over_d": float(table["capacity_over_d"].max()),
        "hebbian_limit_over_d": theory.hebbian_capacity(),
        "any_at_limit": bool(table["at_limit"].any()),
    }
    warn = []
    if table["at_limit"].any():
        warn.append(f"capacity reached capacity.k_max = {cap.k_max} at some d: raise k_max")
    return {"capacity": table}, summary, {"warnings": warn}


def run_capacity(sc, base_dir: Path | None = None, progress: Progress | None = None) -> Result:
    """One of three studies (``capacity.study``): ``beta_sweep`` (fixed-point class against
    beta, Ramsauer et al. 2021 section 2), ``separation`` (one-update retrieval error against the
    separation Delta with the Theorem 5 bound) or ``capacity`` (stored patterns against d)."""
    progress = progress or Progress()
    t0 = time.perf_counter()
    fn = {"beta_sweep": _beta_sweep, "separation": _separation, "capacity": _capacity}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", MemsimWarning)
        tables, summary, extra = fn[sc.capacity.study](sc, base_dir, progress)
    notes = list(dict.fromkeys(str(w.message) for w in caught))[:5]
    meta = common.meta(sc, time.perf_counter() - t0, extra.get("warnings", []), notes=notes)
    return common.capacity_result(sc, summary, tables, meta)

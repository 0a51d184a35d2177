"""Recall and capacity experiments for the bidirectional associative memory (Kosko 1988).

Recall: pairs (x^mu, y^mu) with x from the ``patterns`` section and y from the model section
(letters, or random). Random streams: x patterns of trial t ``generator(seed, 1, t)``; random y
``generator(seed, 4, t)``; cue corruption ``generator(seed, 2, t)``; the uncued side of cue b
starts from the engine's stream ``(seed, 3, t)`` (:func:`memsim.hopfield.bam.recall`).

Capacity (:func:`capacity_task`): one trial of
:func:`memsim.experiments.studies.bam.capacity_curve` (the same function, with the same stream
``generator(seed, Nx, Ny, P, t)``: x, y, then the flipped cue bits), so the tables equal that
function's output when ``model.max_steps`` is 50 (it converges far sooner; the limit only matters
for runs that cycle).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from memsim import patterns as pat
from memsim._rng import generator
from memsim.experiments import common
from memsim.experiments.progress import Progress, serial_sweep
from memsim.experiments.studies import bam as studies
from memsim.hopfield import bam
from memsim.results import Result

#: the x patterns of trial t: the scenario's patterns (see :func:`common.stored_patterns`)
x_patterns = common.stored_patterns


def y_patterns(sc, p: int, trial: int):
    m = sc.model
    if m.y_letters:
        ys, shape = pat.letters(m.y_letters, m.y_scale)
        return ys, shape
    rng = generator(sc.run.seed, 4, trial)
    return pat.random_patterns(p, m.y_size, m.y_bias, rng), None


def check_recall(sc, file: str | None = None) -> None:
    from memsim.errors import ScenarioError
    from memsim.scenario.load import pattern_count_and_size

    if sc.model.y_letters is not None:
        p, _ = pattern_count_and_size(sc, Path(file).parent if file else None)
        if len(sc.model.y_letters) != p:
            raise ScenarioError(
                f"model.y_letters has {len(sc.model.y_letters)} letters but there are {p} x "
                "patterns: give one y letter per x pattern",
                file=file,
                field="model.y_letters",
            )


def run_recall(sc, base_dir: Path | None = None, progress: Progress | None = None) -> Result:
    """Cue one side of stored pairs and alternate half-steps until the pair is stable."""
    m = sc.model
    thr = sc.run.retrieval_overlap
    t0 = time.perf_counter()
    rows = common.Columns(
        "trial",
        "cue",
        "pair",
        "initial_overlap",
        "final_overlap_x",
        "final_overlap_y",
        "half_steps",
        "stop",
        "retrieved",
        "exact_x",
        "exact_y",
        "initial_energy",
        "final_energy",
    )
    trace = common.Columns("trial", "cue", "half_step", "energy")
    cues_all, fx, fy, energies = [], [], [], []
    first = None
    n_limit = 0
    for t in common.trials(sc, progress):
        X, xshape = x_patterns(sc, t, base_dir)
        X = np.asarray(X)
        p = X.shape[0]
        Y, yshape = y_patterns(sc, p, t)
        Y = np.asarray(Y)
        if first is None:
            first = (X, Y, xshape, yshape)
        idx = common.cued_indices(sc, p)
        side = X if m.cue_side == "x" else Y
        cues = common.corrupted(sc, side[idx], t)
        W = bam.store(X, Y)
        res = bam.recall(
            W,
            **{m.cue_side: cues},
            max_steps=m.max_steps,
            seed=sc.run.seed,
            stream=(3, t),
            threads=sc.run.threads,
            warn=False,
        )
        n_limit += int((res.stop == "limit").sum())
        ox = (res.x.astype(np.float64) @ X.T.astype(np.float64)) / X.shape[1]
        oy = (res.y.astype(np.float64) @ Y.T.astype(np.float64)) / Y.shape[1]
        for b, i in enumerate(idx):
            i = int(i)
            h = int(res.steps[b])
            rows.add(
                trial=t,
                cue=b,
                pair=i,
                initial_overlap=float(cues[b] @ side[i].astype(np.float64)) / cues.shape[1],
                final_overlap_x=float(ox[b, i]),
                final_overlap_y=float(oy[b, i]),
                half_steps=h,
                stop=str(res.stop[b]),
                retrieved=bool(ox[b, i] >= thr and oy[b, i] >= thr),
                exact_x=bool(np.array_equal(res.x[b], X[i])),
                exact_y=bool(np.array_equal(res.y[b], Y[i])),
                initial_energy=float(res.energy[b, 0]),
                final_energy=float(res.energy[b, h]),
            )
            for k in range(h + 1):
                trace.add(trial=t, cue=b, half_step=k, energy=float(res.energy[b, k]))
        cues_all.append(cues)
        fx.append(np.asarray(res.x))
        fy.append(np.asarray(res.y))
        last = int(res.steps.max()) + 1
        energies.append(np.asarray(res.energy)[:, :last])
    tab = rows.arrays()
    X, Y, xshape, yshape = first
    width = max(e.shape[1] for e in energies)
    energy = np.concatenate(
        [np.pad(e, ((0, 0), (0, width - e.shape[1])), constant_values=np.nan) for e in energies]
    )
    p = X.shape[0]
    summary = {
        "pairs": int(p),
        "sizes": f"{X.shape[1]}, {Y.shape[1]}",
        "nx": int(X.shape[1]),
        "ny": int(Y.shape[1]),
        "cue_side": m.cue_side,
        **common.recall_summary(
            sc, tab, means=("initial_overlap", "final_overlap_x", "final_overlap_y")
        ),
        "fraction_exact": float((tab["exact_x"] & tab["exact_y"]).mean()),
        "fraction_stable": float(np.mean(tab["stop"] == "fixed_point")),
        "mean_half_steps": float(tab["half_steps"].mean()),
        "energy_never_increased": bool(
            np.all(np.diff(energy, axis=1)[~np.isnan(np.diff(energy, axis=1))] <= 0)
        ),
        "retrieval_overlap": thr,
        "one_step_bit_error_exact": bam.crosstalk_bit_error(int(X.shape[1]), int(p)),
    }
    meta = common.recall_meta(
        sc,
        time.perf_counter() - t0,
        xshape,
        [f"{n_limit} cue(s) reached max_steps without a stable pair"] if n_limit else [],
        y_picture_shape=list(yshape) if yshape else None,
        x_labels=list(sc.patterns.letters.upper()) if sc.patterns.source == "letters" else None,
        y_labels=list(m.y_letters.upper()) if m.y_letters else None,
    )
    arrays = {
        "stored_x": X,
        "stored_y": Y,
        "cues": np.concatenate(cues_all),
        "final_x": np.concatenate(fx),
        "final_y": np.concatenate(fy),
        "energy": energy,
    }
    tables = {"cues": tab, "trace": trace.arrays()}
    return Result("recall", "bam", sc, summary, tables, arrays, meta)


# ------------------------------------------------------------------------------ capacity ----
def check_capacity(sc, file: str | None = None) -> None:
    from memsim.errors import ScenarioError

    common.require_random_patterns(sc, file, what="pairs")
    if sc.cue.flip > 0.5:
        raise ScenarioError(
            f"the capacity sweep flips a fraction of the x bits of each cue: cue.flip must be at "
            f"most 0.5, got {sc.cue.flip}",
            file=file,
            field="cue.flip",
        )


def capacity_points(sc) -> list[dict]:
    """One point per number of pairs P (Nx = patterns.size, Ny = model.y_size)."""
    nx, ny = sc.patterns.size, sc.model.y_size
    return [dict(nx=nx, ny=ny, pairs=int(p)) for p in sc.capacity.pairs]


CAPACITY_COLUMNS = ("nx", "ny", "pairs", "trial", "stable", "recalled", "bit_error")


def capacity_task(sc, pt: dict, trial: int) -> dict:
    """One (P, trial): store P random pairs, count stable pairs (one full step from the stored
    pair changes nothing), pairs whose y is recalled exactly from an x cue with ``cue.flip`` of
    its bits flipped, and the one-step bit error of y from the clean x."""
    nx, ny, p = pt["nx"], pt["ny"], pt["pairs"]
    scores = studies._capacity_trial(nx, ny, p, trial, sc.cue.flip, sc.run.seed, sc.model.max_steps)
    return dict(zip(CAPACITY_COLUMNS, (nx, ny, p, trial, *scores), strict=True))


def assemble_capacity(sc, rows: list[dict], seconds: float, meta: dict | None = None) -> Result:
    """Per-trial table and per-P means, with the exact one-step bit error."""
    table = common.from_rows(rows, CAPACITY_COLUMNS)
    nx, ny = sc.patterns.size, sc.model.y_size
    summ = common.Columns(
        "pairs",
        "load",
        "trials",
        "stable",
        "recalled",
        "recalled_stderr",
        "bit_error",
        "theory_bit_error",
    )
    for (p,), sel in common.groups(table, ("pairs",)):
        rec = table["recalled"][sel]
        summ.add(
            pairs=p,
            load=p / min(nx, ny),
            trials=int(sel.sum()),
            stable=float(table["stable"][sel].mean()),
            recalled=float(rec.mean()),
            recalled_stderr=common.sem(rec),
            bit_error=float(table["bit_error"][sel].mean()),
            theory_bit_error=bam.crosstalk_bit_error(nx, p),
        )
    st = summ.arrays()
    summary: dict = {
        "nx": nx,
        "ny": ny,
        "flip": sc.cue.flip,
        "trials": sc.run.trials,
        "kosko_bound_min_nx_ny": min(nx, ny),
    }
    half = st["pairs"][st["recalled"] >= 0.5]
    summary["largest_P_recalled_half"] = int(half.max()) if half.size else 0
    tables = {"capacity": table, "capacity_summary": st}
    return common.capacity_result(sc, summary, tables, common.meta(sc, seconds, **(meta or {})))


def run_capacity(sc, base_dir: Path | None = None, progress: Progress | None = None) -> Result:
    """Stability and recall of random pairs against their number (one task per P and trial)."""
    return serial_sweep(sc, capacity_points, capacity_task, assemble_capacity, progress)

"""Recall and capacity experiments for Willshaw's sparse binary associative memory.

Random streams (numbers depend only on the scenario and its seed):

* recall, trial t: input then output patterns ``generator(seed, 1, t)``; cue corruption
  ``generator(seed, 2, t)``;
* capacity, M stored associations, trial t: patterns from the stream of
  :func:`memsim.experiments.studies.willshaw.capacity_curve`, ``generator(seed, N_in, N_out,
  K_in, K_out, M, t)`` (input then output patterns), so a clean-cue sweep with the ``active``
  threshold gives exactly the numbers of ``capacity_curve``; cue corruption
  ``generator(seed, 2, M, t)``.

A capacity point is keyed by its value of M, so adding values to a sweep leaves the others
unchanged.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from memsim._rng import generator
from memsim.experiments import common
from memsim.experiments.progress import Progress, serial_sweep
from memsim.hopfield import willshaw as ws
from memsim.results import Result


def sparse_cues(x: np.ndarray, missing: float, added: float, rng: np.random.Generator):
    """Corrupt K-of-N cues: silence ``round(missing K)`` of the active units of each row and
    switch on ``round(added K)`` of its silent units (chosen uniformly). Returns uint8 rows."""
    out = np.array(x, dtype=np.uint8, copy=True)
    if missing == 0 and added == 0:
        return out
    for b in range(out.shape[0]):
        on = np.flatnonzero(out[b])
        off = np.flatnonzero(out[b] == 0)
        k = on.size
        n_miss = int(round(missing * k))
        n_add = min(int(round(added * k)), off.size)
        if n_miss:
            out[b, rng.choice(on, n_miss, replace=False)] = 0
        if n_add:
            out[b, rng.choice(off, n_add, replace=False)] = 1
    return out


def draw_patterns(m, count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``count`` input patterns, then output patterns (auto-association: the inputs)."""
    x = ws.sparse_patterns(count, m.n_in, m.k_in, rng)
    if m.association == "auto":
        return x, x
    return x, ws.sparse_patterns(count, m.n_out_value, m.k_out_value, rng)


def _n_cues(m, count: int) -> int:
    return count if m.cues == "all" else min(count, m.cues)


def _model_summary(m) -> dict:
    """The summary's first entries: the association and the sizes of its patterns."""
    return {
        **common.fields(m, "association", "n_in", "k_in"),
        "n_out": m.n_out_value,
        "k_out": m.k_out_value,
    }


def run_recall(sc, base_dir: Path | None = None, progress: Progress | None = None) -> Result:
    """Store ``model.memories`` random associations, cue the first ``model.cues`` of them and
    count hits, misses and false positives of one-step recall, ``run.trials`` times."""
    m = sc.model
    t0 = time.perf_counter()
    theta_mode, k = m.recall_threshold()
    n_out, k_out = m.n_out_value, m.k_out_value
    cols = (
        "trial",
        "cue",
        "memory",
        "cue_active",
        "cue_correct",
        "theta",
        "output_active",
        "hits",
        "misses",
        "false_positives",
        "miss_rate",
        "false_positive_rate",
        "exact",
    )
    rows = common.Columns(*cols)
    p1s = []
    arrays: dict[str, np.ndarray] = {}
    for t in common.trials(sc, progress):
        x, y = draw_patterns(m, m.memories, generator(sc.run.seed, 1, t))
        w = ws.store(x, None if m.association == "auto" else y)
        p1s.append(float(w.mean()))
        b = _n_cues(m, m.memories)
        cues = sparse_cues(x[:b], m.cue_missing, m.cue_added, generator(sc.run.seed, 2, t))
        r = ws.recall(w, cues, theta_mode, k=k, threads=sc.run.threads)
        yy = y[:b].astype(bool)
        out = r.output.astype(bool)
        hits = (out & yy).sum(axis=1)
        fps = (out & ~yy).sum(axis=1)
        active_y = yy.sum(axis=1)
        for i in range(b):
            rows.add(
                trial=t,
                cue=i,
                memory=i,
                cue_active=int(cues[i].sum()),
                cue_correct=int((cues[i] & x[i]).sum()),
                theta=float(r.theta[i]),
                output_active=int(out[i].sum()),
                hits=int(hits[i]),
                misses=int(active_y[i] - hits[i]),
                false_positives=int(fps[i]),
                miss_rate=float(1.0 - hits[i] / active_y[i]),
                false_positive_rate=float(fps[i] / max(1, n_out - active_y[i])),
                exact=bool(hits[i] == active_y[i] and fps[i] == 0),
            )
        if t == 0:
            show = min(b, 20)
            arrays = {
                "cues": cues[:show],
                "targets": y[:show],
                "outputs": np.asarray(r.output[:show]),
                "sums": np.asarray(r.sums[:show]),
                "theta": np.asarray(r.theta[:show]),
            }
    tab = rows.arrays()
    p1_th = float(ws.fraction_set(m.memories, m.k_in, k_out, m.n_in, n_out))
    summary = {
        **_model_summary(m),
        "memories": m.memories,
        "threshold": m.threshold,
        "trials": sc.run.trials,
        "cues": int(tab["cue"].size),
        "p1": float(np.mean(p1s)),
        "p1_theory": p1_th,
        "false_positive_rate": float(tab["false_positive_rate"].mean()),
        "false_positive_theory_clean": float(ws.false_positive_rate(p1_th, m.k_in)),
        # a silent unit fires when all synapses from the cue's active units are set:
        # p1^(active cue units), for cues without spurious units and the 'active' threshold
        "false_positive_theory_cue": float(ws.false_positive_rate(p1_th, tab["cue_active"]).mean())
        if m.cue_added == 0 and m.threshold == "active"
        else float("nan"),
        "miss_rate": float(tab["miss_rate"].mean()),
        "fraction_exact": float(tab["exact"].mean()),
        "mean_output_active": float(tab["output_active"].mean()),
        "information_per_synapse_theory": float(
            ws.information_per_synapse(m.memories, m.k_in, k_out, m.n_in, n_out)
        ),
    }
    notes = []
    if m.cue_missing or m.cue_added:
        notes.append(
            "false_positive_theory_clean (p1^K_in) is for clean cues; these cues are corrupted"
        )
    meta = common.meta(sc, time.perf_counter() - t0, _warn(m), notes=notes)
    return Result("recall", "willshaw", sc, summary, {"cues": tab}, arrays, meta)


def _warn(m) -> list[str]:
    """Suspicious but legal settings."""
    out = []
    if m.threshold == "active" and m.cue_added > 0:
        out.append(
            "threshold 'active' with spurious cue units: a stored unit fires only if every "
            "spurious unit's synapse is set too (expect misses); 'max' is robust to them"
        )
    if m.cue_missing * m.k_in > m.k_in - 1 + 1e-9:
        out.append("cue_missing silences every active cue unit: the cues are empty")
    return out


# ------------------------------------------------------------------------------ capacity ----


def capacity_points(sc) -> list[dict]:
    """One point per number of stored associations M."""
    return [{"memories": mm} for mm in sc.capacity.memory_values()]


ROW_COLUMNS = ("memories", "trial", "cues", "p1", "false_positive", "misses", "info")


def capacity_task(sc, pt: dict, trial: int) -> dict:
    """Store M random associations and recall the first ``model.cues`` of them (one trial).

    The stream is that of :func:`memsim.experiments.studies.willshaw.capacity_curve`; the row's
    ``info`` is :func:`memsim.hopfield.willshaw.information_per_synapse` with this trial's
    measured false-positive rate.
    """
    m = sc.model
    mm = int(pt["memories"])
    n_out, k_out = m.n_out_value, m.k_out_value
    g = generator(sc.run.seed, m.n_in, n_out, m.k_in, k_out, mm, trial)
    x, y = draw_patterns(m, mm, g)
    w = ws.store(x, None if m.association == "auto" else y)
    b = _n_cues(m, mm)
    cues = sparse_cues(x[:b], m.cue_missing, m.cue_added, generator(sc.run.seed, 2, mm, trial))
    theta_mode, k = m.recall_threshold()
    r = ws.recall(w, cues, theta_mode, k=k, threads=sc.run.threads)
    yy = y[:b]
    fp = float((r.output[yy == 0] == 1).mean())
    return {
        "memories": mm,
        "trial": int(trial),
        "cues": int(b),
        "p1": float(w.mean()),
        "false_positive": fp,
        "misses": float((r.output[yy == 1] == 0).mean()),
        "info": float(ws.information_per_synapse(mm, m.k_in, k_out, m.n_in, n_out, fp=fp)),
    }


def assemble_capacity(sc, rows: list[dict], seconds: float, extra_meta: dict | None = None):
    """Per-trial table and per-M summary: means over trials beside the formulas.

    ``info`` of the summary uses the trial-averaged false-positive rate, as
    :func:`memsim.experiments.studies.willshaw.capacity_curve` does.
    """
    m = sc.model
    n_out, k_out = m.n_out_value, m.k_out_value
    table = common.from_rows(rows, ROW_COLUMNS)
    ms = np.asarray(sc.capacity.memory_values(), dtype=np.int64)
    summ = common.Columns(
        "memories", "trials", "p1", "sem_p1", "false_positive", "sem_false_positive", "misses"
    )
    for (mm,), sel in common.groups(table, ("memories",), [(mm,) for mm in ms]):
        p1, fp = table["p1"][sel], table["false_positive"][sel]
        summ.add(
            memories=int(mm),
            trials=int(sel.sum()),
            p1=float(p1.mean()),
            sem_p1=common.sem(p1),
            false_positive=float(fp.mean()),
            sem_false_positive=common.sem(fp),
            misses=float(table["misses"][sel].mean()),
        )
    st = summ.arrays()
    st["p1_theory"] = ws.fraction_set(ms, m.k_in, k_out, m.n_in, n_out)
    st["false_positive_theory"] = ws.false_positive_rate(st["p1_theory"], m.k_in)
    st["info"] = ws.information_per_synapse(
        ms, m.k_in, k_out, m.n_in, n_out, fp=st["false_positive"]
    )
    st["info_theory"] = ws.information_per_synapse(ms, m.k_in, k_out, m.n_in, n_out)
    # the formula on a fine grid, for the plots' theory lines (plots compute no physics)
    grid = np.unique(np.rint(np.geomspace(max(1, ms.min() / 2), ms.max() * 2, 200)))
    p1g = ws.fraction_set(grid, m.k_in, k_out, m.n_in, n_out)
    theory = {
        "memories": grid,
        "p1": p1g,
        "false_positive": ws.false_positive_rate(p1g, m.k_in),
        "info": ws.information_per_synapse(grid, m.k_in, k_out, m.n_in, n_out),
    }
    best = int(np.argmax(st["info"]))
    best_th = int(np.argmax(theory["info"]))
    summary = {
        **_model_summary(m),
        "threshold": m.threshold,
        "points": int(ms.size),
        "trials": sc.run.trials,
        "max_info": float(st["info"][best]),
        "memories_at_max_info": int(ms[best]),
        "p1_at_max_info": float(st["p1"][best]),
        "max_info_theory": float(theory["info"][best_th]),
        "memories_at_max_info_theory": int(grid[best_th]),
        "p1_at_max_info_theory": float(p1g[best_th]),
        "ln2_limit": float(np.log(2.0)),
        "max_abs_p1_error": float(np.max(np.abs(st["p1"] - st["p1_theory"]))),
    }
    notes = []
    if m.cue_missing or m.cue_added or m.threshold != "active":
        notes.append(
            "the theory columns are for clean cues and the 'active' threshold; this sweep "
            "uses other cues or another threshold"
        )
    meta = common.meta(sc, seconds, _warn(m), **(extra_meta or {}))
    meta["notes"] = [*meta.get("notes", []), *notes]
    tables = {"capacity": table, "capacity_summary": st, "theory": theory}
    return common.capacity_result(sc, summary, tables, meta)


def run_capacity(sc, base_dir: Path | None = None, progress: Progress | None = None) -> Result:
    """Sweep over M (:func:`capacity_task` for every point and trial)."""
    return serial_sweep(sc, capacity_points, capacity_task, assemble_capacity, progress)

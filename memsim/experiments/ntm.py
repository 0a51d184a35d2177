"""Recall and capacity runners for the NTM / DNC tasks (model kind ``ntm``).

``memsim recall`` runs ``run.trials`` trials of the scenario's task with its scripted controller
(:func:`memsim.ntm.tasks.run_task`, trial ``t`` with seed ``run.seed``) and reports bit errors per
trial and per step; the arrays of trial 0 (inputs, targets, outputs, read and write weightings,
memory before and after, DNC usage and link matrix) go to arrays.npz and the plots.

``memsim capacity`` sweeps sequence length x memory slots x shift blur x gamma for the copy tasks
(:func:`memsim.experiments.studies.ntm.capacity_sweep`, one call per point). Trial ``t`` of every
point draws its inputs from the same stream (seed, task, t), as in
:func:`memsim.ntm.tasks.run_task`, so the numbers depend only on the scenario and its seed,
whatever the thread count.
"""

from __future__ import annotations

import itertools
import time
import warnings
from pathlib import Path

import numpy as np

from memsim.errors import MemsimWarning
from memsim.experiments import common
from memsim.experiments.progress import Progress
from memsim.experiments.studies import ntm as studies
from memsim.ntm import tasks
from memsim.results import Result
from memsim.scenario.schema import Scenario

#: capacity axes: (capacity field, task parameter)
AXES = (
    ("lengths", "length"),
    ("memory_slots", "memory_slots"),
    ("shift_blurs", "shift_blur"),
    ("gammas", "gamma"),
)

#: per-trial columns of the recall table and the capacity table
TRIAL_COLUMNS = ("trial", "steps", "bit_errors", "scored_bits", "bit_error_rate", "exact")


def _params(sc: Scenario) -> dict:
    return sc.model.task_params()


def _notes(task: str, p: dict, bit_errors: int) -> list[str]:
    """What a reader should know about the settings (wrap-round, blur without sharpening)."""
    out = []
    length = p.get("length")
    n = p.get("memory_slots")
    if task in ("copy", "repeat_copy") and length is not None and n is not None and length > n:
        out.append(
            f"the sequence ({length} vectors) is longer than the memory ({n} slots): the write "
            "head wraps round and overwrites the beginning"
        )
    blur = p.get("shift_blur") or 0.0
    if blur > 0 and p.get("gamma", 1.0) == 1.0:
        out.append(
            f"shift blur {blur:g} without sharpening (gamma 1): the weightings smear step by "
            "step; compare with --set model.gamma=2"
        )
    elif blur > 0:
        out.append(f"shift blur {blur:g} re-sharpened with gamma {p.get('gamma'):g}")
    if bit_errors == 0:
        out.append("every scored output bit is right in every trial (exact)")
    return out


def run_recall(
    sc: Scenario, base_dir: Path | None = None, progress: Progress | None = None
) -> Result:
    """Run ``run.trials`` trials of the scenario's task; bit errors per trial and per step."""
    progress = progress or Progress()
    m = sc.model
    params = _params(sc)
    t0 = time.perf_counter()
    rows = common.Columns(*TRIAL_COLUMNS)
    steps = common.Columns(
        "trial", "step", "phase", "scored", "errors", "input_bits", "target_bits"
    )
    first = None
    progress.start("trials", sc.run.trials)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", MemsimWarning)
        try:
            for t in range(sc.run.trials):
                res = tasks.run_task(m.task, seed=sc.run.seed, trial=t, **params)
                if first is None:
                    first = res
                s = res.summary()
                rows.add(**{k: s[k] for k in TRIAL_COLUMNS})
                T = res.inputs.shape[0]
                steps.extend(
                    trial=[t] * T,
                    step=range(T),
                    phase=res.step_labels,
                    scored=res.scored.tolist(),
                    errors=res.errors_per_step.tolist(),
                    input_bits=(res.inputs > 0.5).sum(axis=1).tolist(),
                    target_bits=(res.targets > 0.5).sum(axis=1).tolist(),
                )
                progress.advance(1)
        finally:
            progress.stop()
    table = rows.arrays()
    step_table = steps.arrays()
    resolved = dict(first.params)
    errs = table["bit_errors"]
    summary = {
        "task": m.task,
        "engine": tasks.TASKS[m.task].kind,
        "trials": sc.run.trials,
        "steps": int(table["steps"][0]),
        "memory_slots": int(first.memory_before.shape[0]),
        "memory_width": int(first.memory_before.shape[1]),
        "scored_bits_per_trial": int(table["scored_bits"][0]),
        "bit_errors_total": int(errs.sum()),
        "mean_bit_errors": float(errs.mean()),
        "max_bit_errors": int(errs.max()),
        "bit_error_rate": float(errs.sum() / max(1, table["scored_bits"].sum())),
        "exact_trials": int(table["exact"].sum()),
        "fraction_exact": float(table["exact"].mean()),
    }
    for k in ("length", "shift_blur", "gamma", "shift_range"):
        if k in resolved and resolved[k] is not None:
            summary[k] = resolved[k]
    arrays = {k: np.asarray(v) for k, v in first.arrays().items()}
    arrays["step_phase"] = np.asarray(first.step_labels)
    arrays["bit_errors"] = errs
    notes = _notes(m.task, resolved, int(errs.sum()))
    meta = common.meta(
        sc,
        time.perf_counter() - t0,
        sorted({str(w.message) for w in caught}),
        notes=notes,
        task_params={k: v for k, v in resolved.items() if k not in ("seed", "trial")},
    )
    return Result(
        "recall",
        m.kind,
        sc,
        summary,
        {"trials": table, "steps": step_table},
        arrays,
        meta,
    )


# ---------------------------------------------------------------------------------- capacity --


def check_capacity(sc: Scenario, file: str | None = None) -> None:
    """Checked when the scenario is loaded (kinds.ntm.cross_check); nothing more here."""


def capacity_points(sc: Scenario) -> list[dict]:
    """Sweep points (dicts of task parameters length, memory_slots, shift_blur, gamma), in the
    order of the capacity lists (lengths outermost)."""
    cap = sc.capacity
    p = tasks._resolve(tasks.TASKS[sc.model.task], _params(sc))
    axes = []
    for field, param in AXES:
        vals = getattr(cap, field)
        axes.append(list(vals) if vals else [p[param]])
    return [
        dict(zip([a[1] for a in AXES], combo, strict=True)) for combo in itertools.product(*axes)
    ]


def _fixed(sc: Scenario) -> dict:
    axes = {a[1] for a in AXES}
    return {k: v for k, v in _params(sc).items() if k not in axes}


def _row(r: dict, pt: dict) -> dict:
    out = {k: pt[k] for k in pt}
    out.update({k: r[k] for k in TRIAL_COLUMNS})
    return out


def capacity_task(sc: Scenario, pt: dict, trial: int) -> dict:
    """One (point, trial) of the sweep as a table row (the same row as :func:`run_capacity`)."""
    res = tasks.run_task(sc.model.task, seed=sc.run.seed, trial=trial, **_fixed(sc), **pt)
    return _row(res.summary(), pt)


def summarise_points(table: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per point: mean bit errors, bit error rate, fraction of exact trials."""
    keys = [a[1] for a in AXES]
    out = common.Columns(*keys, "trials", "mean_bit_errors", "bit_error_rate", "fraction_exact")
    for pt, sel in common.groups(table, keys):
        errors = table["bit_errors"][sel]
        out.add(
            **dict(zip(keys, pt, strict=True)),
            trials=int(sel.sum()),
            mean_bit_errors=float(errors.mean()),
            bit_error_rate=float(errors.sum() / max(1, table["scored_bits"][sel].sum())),
            fraction_exact=float(table["exact"][sel].mean()),
        )
    return out.arrays()


def assemble_capacity(
    sc: Scenario, rows: list[dict], seconds: float, extra_meta: dict | None = None
) -> Result:
    """The capacity Result from the rows (points, then trials)."""
    table = common.from_rows(rows, list(rows[0]))
    summ = summarise_points(table)
    summary = {
        "task": sc.model.task,
        "points": int(len(summ["trials"])),
        "trials": sc.run.trials,
        "exact_points": int(np.sum(summ["fraction_exact"] == 1.0)),
        "mean_bit_errors": float(table["bit_errors"].mean()),
        "max_bit_errors": int(table["bit_errors"].max()),
    }
    notes = [
        "bit errors appear when the sequence is longer than the memory (wrap-round) or the "
        "shift is blurred and not re-sharpened (gamma too small)"
    ]
    meta = common.meta(sc, seconds, (), **{"notes": notes, **(extra_meta or {})})
    return common.capacity_result(sc, summary, {"capacity": table, "capacity_summary": summ}, meta)


def run_capacity(
    sc: Scenario, base_dir: Path | None = None, progress: Progress | None = None
) -> Result:
    """Sweep lengths x memory_slots x shift_blurs x gammas; one row per point and trial."""
    progress = progress or Progress()
    t0 = time.perf_counter()
    points = capacity_points(sc)
    fixed = _fixed(sc)
    rows: list[dict] = []
    progress.start("points", len(points))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", MemsimWarning)
        try:
            for pt in points:
                got = studies.capacity_sweep(
                    sc.model.task,
                    lengths=[pt["length"]],
                    memory_slots=[pt["memory_slots"]],
                    shift_blurs=[pt["shift_blur"]],
                    gammas=[pt["gamma"]],
                    trials=sc.run.trials,
                    seed=sc.run.seed,
                    threads=sc.run.threads,
                    **fixed,
                )
                rows += [_row(r, pt) for r in got]
                progress.advance(1)
        finally:
            progress.stop()
    warned = sorted({str(w.message) for w in caught})
    return assemble_capacity(sc, rows, time.perf_counter() - t0, {"warnings": warned})

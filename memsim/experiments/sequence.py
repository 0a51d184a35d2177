"""Recall and capacity experiments for sequences of patterns (:mod:`memsim.hopfield.sequence`).

Recall: the stored patterns, in order, are the sequence; each cued pattern (corrupted by
``cue.flip``/``cue.mask``) starts a run of ``model.steps`` steps. Random streams: stored patterns
of trial t ``generator(seed, 1, t)``; cue corruption ``generator(seed, 2, t)``; async update
orders of cue b the stream ``(seed, 3, t, b)``.

A run is read as the walk of the *recalled* pattern: at each step the stored pattern with the
largest overlap, counted only when that overlap reaches ``run.retrieval_overlap`` (at step 0
the cued pattern, however noisy the cue). Consecutive
repeats collapse (with slow synapses the network dwells about tau steps in each pattern); a
transition to the successor in the stored order is correct, any other is wrong. A cue is
retrieved when it made no wrong transition, at least one correct one (unless it started at the
end of a non-cyclic sequence) and its final state is a recalled pattern.

Capacity (:func:`capacity_task`): the per-trial body of
:func:`memsim.experiments.studies.sequence.capacity_curve` with the same random streams
``generator(seed, N, P, t)``, so with ``cue.flip = 0`` and the default model the table equals
that function's output; ``cue.flip`` > 0 corrupts xi^1 with the stream
``generator(seed, 2, N, P, t)``.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from memsim.experiments import common
from memsim.experiments.common import cued_indices, stored_patterns
from memsim.experiments.progress import Progress, serial_sweep
from memsim.experiments.studies import sequence as studies
from memsim.hopfield import sequence as seq
from memsim.results import Result


def successor(i: int, p: int, cyclic: bool) -> int:
    """Index of the pattern after ``i`` (-1 at the end of a non-cyclic sequence)."""
    if i + 1 < p:
        return i + 1
    return 0 if cyclic else -1


def expected_pattern(start: int, t: int, p: int, cyclic: bool) -> int:
    """Pattern expected after ``t`` one-pattern-per-step transitions from ``start`` (no delay);
    a non-cyclic sequence stays at its last pattern."""
    return (start + t) % p if cyclic else min(start + t, p - 1)


def walk(recalled: np.ndarray, p: int, cyclic: bool) -> tuple[list[int], int, int]:
    """Collapse a per-step list of recalled patterns (-1: none) into the visited patterns and
    count correct and wrong transitions between consecutive visited patterns."""
    visited: list[int] = []
    for r in recalled:
        r = int(r)
        if r >= 0 and (not visited or visited[-1] != r):
            visited.append(r)
    good = sum(
        1 for a, b in zip(visited[:-1], visited[1:], strict=True) if b == successor(a, p, cyclic)
    )
    return visited, good, len(visited) - 1 - good if visited else 0


def run_recall(sc, base_dir: Path | None = None, progress: Progress | None = None) -> Result:
    """Cue patterns of the stored sequence and record the overlaps at every step."""
    m = sc.model
    thr = sc.run.retrieval_overlap
    t0 = time.perf_counter()
    cue_cols = (
        "trial",
        "cue",
        "start_pattern",
        "initial_overlap",
        "final_pattern",
        "final_overlap",
        "patterns_visited",
        "correct_transitions",
        "wrong_transitions",
        "retrieved",
    )
    if m.tau is None:
        cue_cols += ("expected_final_pattern", "final_expected_overlap", "steps_on_schedule")
    cues_tab = common.Columns(*cue_cols)
    step_tab = common.Columns("trial", "cue", "step", "recalled", "max_overlap", "expected")
    trace = common.Columns("trial", "cue", "step", "pattern", "overlap")
    first_states = first_overlaps = stored_first = shape = None
    steps = np.arange(m.steps + 1)
    for t in common.trials(sc, progress):
        xi, shape = stored_patterns(sc, t, base_dir)
        xi = np.asarray(xi)
        p = xi.shape[0]
        if stored_first is None:
            stored_first = xi
        idx = cued_indices(sc, p)
        cues = common.corrupted(sc, xi[idx], t)
        w = seq.store(xi, cyclic=m.cyclic, lam=m.lam)
        res = seq.recall(
            w,
            cues,
            m.steps,
            m.dynamics,
            m.tau,
            sc.run.seed,
            stream=(3, t),
            threads=sc.run.threads,
        )
        ov = res.overlaps  # (B, steps + 1, P)
        if first_states is None:
            first_states, first_overlaps = res.states, ov
        arg = np.argmax(ov, axis=-1)
        top = np.take_along_axis(ov, arg[..., None], axis=-1)[..., 0]
        rec = np.where(top >= thr, arg, -1)
        rec[:, 0] = idx  # the cue stands for its pattern, however noisy
        for b, start in enumerate(idx):
            start = int(start)
            visited, good, bad = walk(rec[b], p, m.cyclic)
            at_end = not m.cyclic and start == p - 1
            ok = bad == 0 and rec[b, -1] >= 0 and (good >= 1 or at_end)
            cues_tab.add(
                trial=t,
                cue=b,
                start_pattern=start,
                initial_overlap=float(ov[b, 0, start]),
                final_pattern=int(rec[b, -1]),
                final_overlap=float(top[b, -1]),
                patterns_visited=len(visited),
                correct_transitions=good,
                wrong_transitions=bad,
                retrieved=bool(ok),
            )
            exp = np.full(m.steps + 1, -1)
            if m.tau is None:
                exp = np.array([expected_pattern(start, k, p, m.cyclic) for k in range(steps.size)])
                cues_tab.add(
                    expected_final_pattern=int(exp[-1]),
                    final_expected_overlap=float(ov[b, -1, exp[-1]]),
                    steps_on_schedule=int((rec[b] == exp).sum()),
                )
            step_tab.extend(
                trial=[t] * steps.size,
                cue=[b] * steps.size,
                step=steps.tolist(),
                recalled=[int(r) for r in rec[b]],
                max_overlap=[float(x) for x in top[b]],
                expected=[int(e) for e in exp],
            )
            if t == 0:
                kk, mu = np.meshgrid(steps, np.arange(p), indexing="ij")
                trace.extend(
                    trial=[t] * kk.size,
                    cue=[b] * kk.size,
                    step=kk.ravel().tolist(),
                    pattern=mu.ravel().tolist(),
                    overlap=ov[b].ravel().tolist(),
                )
    tab = cues_tab.arrays()
    p, n = stored_first.shape
    summary = {
        **common.pattern_summary(stored_first),
        "cyclic": m.cyclic,
        "lam": m.lam,
        "dynamics": m.dynamics,
        "tau": m.tau,
        "steps": m.steps,
        **common.recall_summary(sc, tab),
        "mean_correct_transitions": float(tab["correct_transitions"].mean()),
        "mean_wrong_transitions": float(tab["wrong_transitions"].mean()),
        "retrieval_overlap": thr,
        "alpha_c_sync": seq.ALPHA_C_SYNC,
    }
    if m.tau is None:
        summary["mean_final_expected_overlap"] = float(tab["final_expected_overlap"].mean())
        summary["fraction_steps_on_schedule"] = float(
            tab["steps_on_schedule"].sum() / (tab["trial"].size * (m.steps + 1))
        )
    letters = sc.patterns.letters if sc.patterns.source == "letters" else None
    warned = []
    if p / n > seq.ALPHA_C_SYNC and m.dynamics == "sync" and m.lam == 0.0:
        warned.append(
            f"load P/N = {p / n:.3f} is above the sync sequence capacity "
            f"{seq.ALPHA_C_SYNC} (During et al. 1998): expect the sequence to be lost"
        )
    meta = common.recall_meta(
        sc,
        time.perf_counter() - t0,
        shape,
        warned,
        pattern_labels=list(letters.upper()) if letters else None,
    )
    arrays = {
        "stored": stored_first,
        "states": np.asarray(first_states),  # trial 0: (B, steps + 1, N)
        "overlaps": np.asarray(first_overlaps),  # trial 0: (B, steps + 1, P)
    }
    tables = {"cues": tab, "steps": step_tab.arrays(), "trace": trace.arrays()}
    return Result("recall", "sequence", sc, summary, tables, arrays, meta)


# ------------------------------------------------------------------------------ capacity ----
def check_capacity(sc, file: str | None = None) -> None:
    from memsim.errors import ScenarioError

    common.require_random_patterns(sc, file, where="load")
    if sc.model.tau is not None:
        raise ScenarioError(
            "the capacity sweep compares the state after 'steps' steps with the pattern "
            "expected one step per pattern, which needs no slow synapses: set model.tau to null",
            file=file,
            field="model.tau",
        )


def capacity_points(sc) -> list[dict]:
    """Sweep points: every (size, load) with P = round(load N) >= 1."""
    cap = sc.capacity
    sizes = cap.sizes or [sc.patterns.size]
    pts = []
    for n in sizes:
        for alpha in cap.loads:
            pts.append(dict(size=int(n), load=float(alpha), patterns=max(1, round(alpha * n))))
    return pts


CAPACITY_COLUMNS = (
    "size",
    "load",
    "patterns",
    "trial",
    "initial_overlap",
    "final_overlap",
    "success",
    "recalled_pattern",
)


def capacity_task(sc, pt: dict, trial: int) -> dict:
    """One (point, trial): store P random patterns as a cyclic sequence, cue xi^1, run
    ``capacity.steps`` steps, and record the overlap with xi^(1 + steps mod P)."""
    m, cap = sc.model, sc.capacity
    n, p, t = pt["size"], pt["patterns"], trial
    xi = studies.sequence_patterns(n, p, sc.run.seed, t)  # the patterns of capacity_curve
    w = seq.store(xi, cyclic=True, lam=m.lam)
    cue = xi[0]
    if sc.cue.flip > 0 or sc.cue.mask > 0:
        cue = common.corrupted(sc, xi[:1], n, p, t)[0]
    r = seq.recall(w, cue, cap.steps, m.dynamics, None, sc.run.seed, stream=(3, n, p, t))
    final = float(r.overlaps[cap.steps, cap.steps % p])
    return dict(
        size=n,
        load=pt["load"],
        patterns=p,
        trial=t,
        initial_overlap=float(r.overlaps[0, 0]),
        final_overlap=final,
        success=bool(final > cap.success_overlap),
        recalled_pattern=int(np.argmax(r.overlaps[cap.steps])),
    )


def assemble_capacity(sc, rows: list[dict], seconds: float, meta: dict | None = None) -> Result:
    """Capacity Result from task rows: per-trial table, per-point summary (mean overlap,
    standard error, success) and the critical load per size
    (:meth:`memsim.experiments.studies.sequence.SequenceCapacity.critical_load`)."""
    cap = sc.capacity
    table = common.from_rows(rows, CAPACITY_COLUMNS)
    summ = common.Columns(
        "size", "load", "load_asked", "patterns", "trials", "mean_overlap", "stderr", "success"
    )
    crit = common.Columns("size", "critical_load")
    summary: dict = {
        "trials": sc.run.trials,
        "steps": cap.steps,
        "dynamics": sc.model.dynamics,
        "lam": sc.model.lam,
        "flip": sc.cue.flip,
        "alpha_c_published": seq.ALPHA_C_SYNC,
    }
    for (n,), in_n in common.groups(table, ("size",)):
        start = len(summ.data["size"])
        alphas = [(n, a) for a in dict.fromkeys(table["load"][in_n].tolist())]
        for (_, alpha), sel in common.groups(table, ("size", "load"), alphas):
            f = table["final_overlap"][sel]
            p = int(table["patterns"][sel][0])
            summ.add(
                size=n,
                load=p / n,
                load_asked=alpha,
                patterns=p,
                trials=f.size,
                mean_overlap=float(f.mean()),
                stderr=common.sem(f),
                success=float(table["success"][sel].mean()),
            )
        curve = {k: np.asarray(v[start:]) for k, v in summ.data.items()}
        ac = studies.SequenceCapacity(
            loads=curve["load"],
            overlap=curve["mean_overlap"],
            stderr=curve["stderr"],
            success=curve["success"],
        ).critical_load(cap.critical_overlap)
        crit.add(size=n, critical_load=ac)
        summary[f"critical_load_N{n}"] = None if np.isnan(ac) else round(ac, 4)
    tables = {
        "capacity": table,
        "capacity_summary": summ.arrays(),
        "critical_loads": crit.arrays(dtype=float),
    }
    return common.capacity_result(sc, summary, tables, common.meta(sc, seconds, **(meta or {})))


def run_capacity(sc, base_dir: Path | None = None, progress: Progress | None = None) -> Result:
    """Sync sequence recall quality against the load, for each size (one task per point and
    trial; see :func:`capacity_task`)."""
    return serial_sweep(sc, capacity_points, capacity_task, assemble_capacity, progress)

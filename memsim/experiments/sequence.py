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
:func:`memsim.hopfield.sequence.capacity_curve` with the same random streams
``generator(seed, N, P, t)``, so with ``cue.flip = 0`` and the default model the table equals
that function's output; ``cue.flip`` > 0 corrupts xi^1 with the stream
``generator(seed, 2, N, P, t)``.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from memsim import patterns as pat
from memsim._rng import generator
from memsim.experiments.progress import Progress, serial_sweep
from memsim.hopfield import sequence as seq
from memsim.results import Result
from memsim.scenario.load import has_picture_shape, picture_patterns, resolve_pattern_path


def stored_patterns(sc, trial: int, base_dir: Path | None):
    """The sequence of trial ``trial`` (random: fresh per trial) and its picture shape."""
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
    progress = progress or Progress()
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
    cues_tab: dict[str, list] = {k: [] for k in cue_cols}
    step_tab: dict[str, list] = {
        k: [] for k in ("trial", "cue", "step", "recalled", "max_overlap", "expected")
    }
    trace: dict[str, list] = {k: [] for k in ("trial", "cue", "step", "pattern", "overlap")}
    first_states = first_overlaps = stored_first = shape = None
    progress.start("trials", sc.run.trials)
    for t in range(sc.run.trials):
        xi, shape = stored_patterns(sc, t, base_dir)
        xi = np.asarray(xi)
        p = xi.shape[0]
        if stored_first is None:
            stored_first = xi
        idx = cued_indices(sc, p)
        cues = pat.corrupt(
            xi[idx], sc.cue.flip, sc.cue.mask, sc.cue.mask_fill, generator(sc.run.seed, 2, t)
        )
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
            cues_tab["trial"].append(t)
            cues_tab["cue"].append(b)
            cues_tab["start_pattern"].append(start)
            cues_tab["initial_overlap"].append(float(ov[b, 0, start]))
            cues_tab["final_pattern"].append(int(rec[b, -1]))
            cues_tab["final_overlap"].append(float(top[b, -1]))
            cues_tab["patterns_visited"].append(len(visited))
            cues_tab["correct_transitions"].append(good)
            cues_tab["wrong_transitions"].append(bad)
            cues_tab["retrieved"].append(bool(ok))
            exp = np.full(m.steps + 1, -1)
            if m.tau is None:
                exp = np.array(
                    [expected_pattern(start, k, p, m.cyclic) for k in range(m.steps + 1)]
                )
                cues_tab["expected_final_pattern"].append(int(exp[-1]))
                cues_tab["final_expected_overlap"].append(float(ov[b, -1, exp[-1]]))
                cues_tab["steps_on_schedule"].append(int((rec[b] == exp).sum()))
            for k in range(m.steps + 1):
                step_tab["trial"].append(t)
                step_tab["cue"].append(b)
                step_tab["step"].append(k)
                step_tab["recalled"].append(int(rec[b, k]))
                step_tab["max_overlap"].append(float(top[b, k]))
                step_tab["expected"].append(int(exp[k]))
            if t == 0:
                kk, mu = np.meshgrid(np.arange(m.steps + 1), np.arange(p), indexing="ij")
                trace["trial"].extend([t] * kk.size)
                trace["cue"].extend([b] * kk.size)
                trace["step"].extend(kk.ravel().tolist())
                trace["pattern"].extend(mu.ravel().tolist())
                trace["overlap"].extend(ov[b].ravel().tolist())
        progress.advance(1)
    progress.stop()
    tab = {k: np.asarray(v) for k, v in cues_tab.items()}
    p, n = stored_first.shape
    summary = {
        "patterns": int(p),
        "neurons": int(n),
        "load": float(p / n),
        "cyclic": m.cyclic,
        "lam": m.lam,
        "dynamics": m.dynamics,
        "tau": m.tau,
        "steps": m.steps,
        "trials": sc.run.trials,
        "cues": int(tab["trial"].size),
        "mean_initial_overlap": float(tab["initial_overlap"].mean()),
        "mean_final_overlap": float(tab["final_overlap"].mean()),
        "fraction_retrieved": float(tab["retrieved"].mean()),
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
    meta = {
        "seed": sc.run.seed,
        "seconds": time.perf_counter() - t0,
        "picture_shape": list(shape) if shape and has_picture_shape(sc) else None,
        "pattern_labels": list(letters.upper()) if letters else None,
        "warnings": [],
    }
    if p / n > seq.ALPHA_C_SYNC and m.dynamics == "sync" and m.lam == 0.0:
        meta["warnings"].append(
            f"load P/N = {p / n:.3f} is above the sync sequence capacity "
            f"{seq.ALPHA_C_SYNC} (During et al. 1998): expect the sequence to be lost"
        )
    arrays = {
        "stored": stored_first,
        "states": np.asarray(first_states),  # trial 0: (B, steps + 1, N)
        "overlaps": np.asarray(first_overlaps),  # trial 0: (B, steps + 1, P)
    }
    tables = {
        "cues": tab,
        "steps": {k: np.asarray(v) for k, v in step_tab.items()},
        "trace": {k: np.asarray(v) for k, v in trace.items()},
    }
    return Result("recall", "sequence", sc, summary, tables, arrays, meta)


# ------------------------------------------------------------------------------ capacity ----
def check_capacity(sc, file: str | None = None) -> None:
    from memsim.errors import ScenarioError

    if sc.patterns.source != "random":
        raise ScenarioError(
            "a capacity sweep draws new random patterns at every load: patterns.source must be "
            "'random'",
            file=file,
            field="patterns.source",
        )
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
    g = generator(sc.run.seed, n, p, t)  # the stream of memsim.hopfield.sequence.capacity_curve
    xi = np.where(g.random((p, n)) < 0.5, 1, -1).astype(np.int8)
    w = seq.store(xi, cyclic=True, lam=m.lam)
    cue = xi[0]
    if sc.cue.flip > 0 or sc.cue.mask > 0:
        cue = pat.corrupt(
            xi[:1], sc.cue.flip, sc.cue.mask, sc.cue.mask_fill, generator(sc.run.seed, 2, n, p, t)
        )[0]
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
    (:meth:`memsim.hopfield.sequence.SequenceCapacity.critical_load`)."""
    cap = sc.capacity
    table = {c: np.asarray([r[c] for r in rows]) for c in CAPACITY_COLUMNS}
    summ: dict[str, list] = {
        k: []
        for k in ("size", "load", "load_asked", "patterns", "trials", "mean_overlap", "stderr")
    }
    summ["success"] = []
    crit: dict[str, list] = {"size": [], "critical_load": []}
    summary: dict = {
        "trials": sc.run.trials,
        "steps": cap.steps,
        "dynamics": sc.model.dynamics,
        "lam": sc.model.lam,
        "flip": sc.cue.flip,
        "alpha_c_published": seq.ALPHA_C_SYNC,
    }
    for n in dict.fromkeys(int(x) for x in table["size"]):
        loads, means, errs, succ = [], [], [], []
        for alpha in dict.fromkeys(float(x) for x in table["load"][table["size"] == n]):
            sel = (table["size"] == n) & (table["load"] == alpha)
            f = table["final_overlap"][sel]
            p = int(table["patterns"][sel][0])
            k = f.size
            loads.append(p / n)
            means.append(float(f.mean()))
            errs.append(float(f.std(ddof=1) / np.sqrt(k)) if k > 1 else float("nan"))
            succ.append(float(table["success"][sel].mean()))
            summ["size"].append(n)
            summ["load"].append(p / n)
            summ["load_asked"].append(alpha)
            summ["patterns"].append(p)
            summ["trials"].append(k)
        summ["mean_overlap"] += means
        summ["stderr"] += errs
        summ["success"] += succ
        curve = seq.SequenceCapacity(
            loads=np.asarray(loads),
            overlap=np.asarray(means),
            stderr=np.asarray(errs),
            success=np.asarray(succ),
        )
        ac = curve.critical_load(cap.critical_overlap)
        crit["size"].append(n)
        crit["critical_load"].append(ac)
        summary[f"critical_load_N{n}"] = None if np.isnan(ac) else round(ac, 4)
    tables = {
        "capacity": table,
        "capacity_summary": {k: np.asarray(v) for k, v in summ.items()},
        "critical_loads": {k: np.asarray(v, dtype=float) for k, v in crit.items()},
    }
    meta = {"seed": sc.run.seed, "seconds": seconds, "warnings": [], **(meta or {})}
    return Result("capacity", "sequence", sc, summary, tables, {}, meta)


def run_capacity(sc, base_dir: Path | None = None, progress: Progress | None = None) -> Result:
    """Sync sequence recall quality against the load, for each size (one task per point and
    trial; see :func:`capacity_task`)."""
    return serial_sweep(sc, capacity_points, capacity_task, assemble_capacity, progress)

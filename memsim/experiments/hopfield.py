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
from memsim import theory
from memsim._rng import generator
from memsim.errors import ConvergenceWarning
from memsim.experiments import common
from memsim.experiments.progress import Progress, serial_sweep
from memsim.hopfield import classical
from memsim.hopfield.analysis import OUTCOMES, classify_states, order_dependence
from memsim.results import Result
from memsim.scenario.load import has_picture_shape
from memsim.scenario.schema import Scenario

_UNSET = object()


def _store_options(
    sc: Scenario,
    rule: str | None = None,
    keys: tuple[int, ...] = (),
    dilution=_UNSET,
    dreams: int | None = None,
) -> dict:
    """Options for :func:`memsim.hopfield.store`: the rule's own, plus dilution (C connections
    per neuron) and a seed for the dilution mask and the unlearning dreams, derived from
    ``(run.seed, 5, *keys)``. Without dilution and unlearning the options are the rule's alone
    (so scenarios that use neither draw exactly the numbers they always did)."""
    m = sc.model
    rule = rule or m.rule
    opts = m.store_options(rule)
    if rule == "unlearning" and dreams is not None:
        opts["dreams"] = int(dreams)
    c = m.dilution if dilution is _UNSET else dilution
    if c is not None:
        opts["dilution"] = int(c)
        opts["dilution_kind"] = m.dilution_kind
    if c is not None or rule == "unlearning":
        opts["seed"] = int(generator(sc.run.seed, 5, *keys).integers(0, 2**62))
    return opts


def _clamp(sc: Scenario, cues_shape: tuple[int, int], mask_rows: np.ndarray | None):
    if sc.cue.clamp == "none" or mask_rows is None:
        return None
    return ~mask_rows


def _warn_settings(sc: Scenario, load: float, rule: str, temperature: float) -> list[str]:
    """Suspicious but legal settings (not errors): a load far above capacity, a melting T."""
    out = []
    limits = {
        "hebbian": round(theory.hebbian_capacity(), 3),
        "covariance": None,
        "storkey": None,
        "pseudoinverse": 1.0,
        "perceptron": 2.0,
    }
    lim = limits.get(rule)
    if lim is not None and load > 1.5 * lim:
        out.append(
            f"load P/N = {load:.3f} is far above the {rule} capacity (about {lim} N): "
            "expect no retrieval"
        )
    if temperature >= 1.0:
        out.append(
            f"temperature {temperature:g} >= 1 melts every pattern (retrieval vanishes at T = 1 "
            "even at zero load): expect overlaps near 0"
        )
    return out


def _recall(sc: Scenario, W, cues, targets, temperature: float, stream, clamp, **kw):
    """The scenario's dynamics (``model.dynamics``, ``order``, ``max_sweeps``) from ``cues``."""
    m = sc.model
    return classical.recall(
        W,
        cues,
        m.dynamics,
        m.order,
        m.max_sweeps,
        sc.run.seed,
        temperature=temperature,
        targets=targets,
        threads=sc.run.threads,
        stream=stream,
        clamp=clamp,
        **kw,
    )


#: columns of the recall table of cues (``order_dependent`` and ``distinct_finals`` follow with
#: ``run.order_repeats``)
CUE_COLUMNS = (
    *common.CUE_COLUMNS,
    "max_other_overlap",
    "sweeps",
    "stop",
    "retrieved",
    "outcome",
    "outcome_pattern",
    "mixture",
    "initial_energy",
    "final_energy",
)


def run_recall(
    sc: Scenario, base_dir: Path | None = None, progress: Progress | None = None
) -> Result:
    """Cue stored patterns and run the dynamics, ``run.trials`` times.

    Random patterns are drawn afresh for each trial; letters and files are the same in every
    trial, with fresh cue noise and update orders.
    """
    m = sc.model
    t0 = time.perf_counter()
    repeats = sc.run.order_repeats
    rows = common.Columns(
        *CUE_COLUMNS, *(("order_dependent", "distinct_finals") if repeats else ())
    )
    trace = common.Columns("trial", "cue", "pattern", "sweep", "energy", "overlap", "flips")
    energy_traces, overlap_traces, finals, cues_all = [], [], [], []
    shape = None
    stored_first = None
    frames0 = None
    # states after every sweep of the first trial, for the animation of 2-D patterns
    want_frames = has_picture_shape(sc) and (
        sc.output.plots is None or "animation" in sc.output.plots
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        for t in common.trials(sc, progress):
            xi, shape = common.stored_patterns(sc, t, base_dir)
            if stored_first is None:
                stored_first = xi
            W = classical.store(xi, m.rule, **_store_options(sc, keys=(t,)))
            idx = common.cued_indices(sc, xi.shape[0])
            cues, masked = common.corrupted(sc, xi[idx], t, return_mask=True)
            clamp = _clamp(sc, cues.shape, masked)
            res = _recall(
                sc,
                W,
                cues,
                xi[idx],
                m.temperature,
                (3, t),
                clamp,
                record_states=(t == 0 and want_frames),
            )
            if t == 0 and want_frames:
                used = int(res.sweeps.max()) + 1
                frames0 = np.asarray(res.extra["states"][:, :used])
            ov_all = classical.overlaps(xi, res.states)  # (B, P)
            outc = classify_states(xi, res.states, idx, sc.run.retrieval_overlap)
            if repeats:
                dep, distinct = order_dependence(
                    W,
                    cues,
                    repeats,
                    m.max_sweeps,
                    sc.run.seed,
                    stream=(4, t),
                    temperature=m.temperature,
                    clamp=clamp,
                )
            for b in range(len(idx)):
                others = np.delete(ov_all[b], idx[b])
                final_ov = ov_all[b, idx[b]]
                s_b = int(res.sweeps[b])
                rows.add(
                    trial=t,
                    cue=b,
                    pattern=int(idx[b]),
                    initial_overlap=res.overlap[b, 0],
                    final_overlap=final_ov,
                    max_other_overlap=np.abs(others).max() if others.size else np.nan,
                    sweeps=s_b,
                    stop=str(res.stop[b]),
                    retrieved=bool(final_ov >= sc.run.retrieval_overlap),
                    outcome=outc.label[b],
                    outcome_pattern=int(outc.pattern[b]),
                    mixture=outc.mixture[b],
                    initial_energy=res.energy[b, 0],
                    final_energy=res.energy[b, res.sweeps[b]],
                )
                if repeats:
                    rows.add(order_dependent=bool(dep[b]), distinct_finals=int(distinct[b]))
                for s in range(s_b + 1):
                    trace.add(
                        trial=t,
                        cue=b,
                        pattern=int(idx[b]),
                        sweep=s,
                        energy=res.energy[b, s],
                        overlap=res.overlap[b, s],
                        flips=int(res.flips[b, s - 1]) if s > 0 else 0,
                    )
            energy_traces.append(res.energy)
            overlap_traces.append(res.overlap)
            finals.append(res.states)
            cues_all.append(cues)
    n_limit = sum(1 for w in caught if issubclass(w.category, ConvergenceWarning))
    tables = {"cues": rows.arrays(), "trace": trace.arrays()}
    tab = tables["cues"]
    stops = tab["stop"]
    p, n = stored_first.shape
    summary = {
        **common.pattern_summary(stored_first),
        **common.recall_summary(sc, tab),
        "fraction_fixed_point": float(np.mean(stops == "fixed_point")),
        "fraction_cycle": float(np.mean(stops == "cycle")),
        "fraction_limit": float(np.mean(stops == "limit")),
        "mean_sweeps": float(np.mean(tab["sweeps"])),
        "retrieval_overlap": sc.run.retrieval_overlap,
        "outcomes": {k: int((tab["outcome"] == k).sum()) for k in OUTCOMES},
    }
    if repeats:
        summary["fraction_order_dependent"] = float(np.mean(tab["order_dependent"]))
    if m.dilution is not None:
        summary["dilution"] = m.dilution
        summary["dilution_kind"] = m.dilution_kind
        summary["load_per_connection"] = float(p / m.dilution)
    if m.rule == "unlearning":
        summary["dreams"] = m.dreams
        summary["epsilon"] = m.epsilon
    arrays = {
        "stored": stored_first,
        "cues": np.concatenate(cues_all),
        "final_states": np.concatenate(finals),
        "energy": np.concatenate(energy_traces),
        "overlap": np.concatenate(overlap_traces),
    }
    if frames0 is not None:
        arrays["frames_trial0"] = frames0
    warned = _warn_settings(sc, p / n, m.rule, m.temperature)
    if n_limit:
        warned.append(f"{n_limit} trial(s) had cues that hit max_sweeps")
    meta = common.recall_meta(sc, time.perf_counter() - t0, shape, warned)
    return Result("recall", sc.model.kind, sc, summary, tables, arrays, meta)


AXES = ("size", "rule", "temperature", "bias", "flip", "load")


def capacity_points(sc: Scenario) -> list[dict]:
    """The sweep points of a capacity scenario (dicts with the AXES values and ``patterns``)."""
    cap = sc.capacity
    m = sc.model
    src = sc.patterns
    sizes = cap.sizes or [src.size]
    rules = cap.rules or [m.rule]
    temps = cap.temperatures or [m.temperature]
    biases = cap.biases or [src.bias]
    flips = cap.flips or [sc.cue.flip]
    pts = []
    for n in sizes:
        for rule in rules:
            for temp in temps:
                for bias in biases:
                    for fl in flips:
                        for extra in _extra_points(sc, rule):
                            for alpha in cap.load_values():
                                pts.append(
                                    dict(
                                        size=n,
                                        rule=rule,
                                        temperature=temp,
                                        bias=bias,
                                        flip=fl,
                                        load=alpha,
                                        patterns=max(1, int(round(alpha * n))),
                                        **extra,
                                    )
                                )
    return pts


#: sweep axes that exist only in scenarios that use them (dilution, unlearning), so the tables of
#: other scenarios keep their columns
EXTRA_AXES = ("dilution", "dreams")


def _extra_axes(sc: Scenario) -> tuple[str, ...]:
    cap, m = sc.capacity, sc.model
    out = []
    if m.dilution is not None or cap.dilutions:
        out.append("dilution")
    if "unlearning" in (cap.rules or [m.rule]):
        out.append("dreams")
    return tuple(out)


def _extra_points(sc: Scenario, rule: str) -> list[dict]:
    """Values of the extra axes for one rule (dreams: 0 for rules other than unlearning)."""
    cap, m = sc.capacity, sc.model
    used = _extra_axes(sc)
    combos = [{}]
    if "dilution" in used:
        combos = [{"dilution": int(c)} for c in (cap.dilutions or [m.dilution])]
    if "dreams" in used:
        ds = (cap.dreams or [m.dreams]) if rule == "unlearning" else [0]
        combos = [{**c, "dreams": int(d)} for c in combos for d in ds]
    return combos


def _group(table: dict) -> tuple[str, ...]:
    """Columns that identify a sweep point: GROUP with the extra axes in use before the load."""
    return (*GROUP[:-1], *(e for e in EXTRA_AXES if e in table), GROUP[-1])


ROW_COLUMNS = (
    *AXES,
    "patterns",
    "trial",
    "cues",
    "initial_overlap",
    "mean_final_overlap",
    "fraction_retrieved",
    "fraction_fixed_point",
    "mean_sweeps",
    "one_step_error",
    "fraction_exact",
    "all_exact",
    *(f"fraction_{o}" for o in OUTCOMES),
)


def check_capacity(sc: Scenario, file: str | None = None) -> None:
    """A capacity sweep draws new random patterns at every point."""
    common.require_random_patterns(sc, file, where="load")


def capacity_task(sc: Scenario, pt: dict, trial: int) -> dict:
    """One (point, trial) unit of a capacity sweep: returns its table row.

    Depends only on the scenario, the point and the trial index (every random stream is keyed by
    their values), so tasks can run in any order, on any worker, and give the same row.
    """
    cap = sc.capacity
    n, p, t = pt["size"], pt["patterns"], trial
    key = common.stream_key
    kb, kf, kt = key(pt["bias"]), key(pt["flip"]), key(pt["temperature"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        xi = _random_patterns_in_blocks(p, n, pt["bias"], generator(sc.run.seed, 1, n, p, kb, t))
        c = pt.get("dilution")
        W = classical.store(
            xi,
            pt["rule"],
            **_store_options(
                sc,
                pt["rule"],
                keys=(n, p, kb, c or 0, pt.get("dreams", 0), t),
                dilution=c,
                dreams=pt.get("dreams"),
            ),
        )
        k = p if cap.cues_per_trial == "all" else min(p, cap.cues_per_trial)
        idx = np.arange(k)
        cues, masked = common.corrupted(
            sc, xi[idx], n, p, kb, kf, t, flip=pt["flip"], return_mask=True
        )
        res = _recall(
            sc,
            W,
            cues,
            xi[idx],
            pt["temperature"],
            (3, n, p, kb, kf, kt, t),
            _clamp(sc, cues.shape, masked),
            warn=False,
        )
    final = res.overlap[np.arange(k), res.sweeps]
    bit_err = _one_step_errors(W, xi)
    outc = classify_states(xi, res.states, idx, sc.run.retrieval_overlap)
    exact = bit_err == 0
    row = {ax: pt[ax] for ax in AXES}
    row.update(
        patterns=p,
        trial=t,
        cues=k,
        initial_overlap=float(res.overlap[:, 0].mean()),
        mean_final_overlap=float(final.mean()),
        fraction_retrieved=float((final >= sc.run.retrieval_overlap).mean()),
        fraction_fixed_point=float(res.converged.mean()),
        mean_sweeps=float(res.sweeps.mean()),
        one_step_error=float(bit_err.mean()),
        fraction_exact=float(exact.mean()),
        all_exact=bool(exact.all()),
    )
    for o in OUTCOMES:
        row[f"fraction_{o}"] = float((outc.label == o).mean())
    for e in EXTRA_AXES:
        if e in pt:
            row[e] = pt[e]
    if "dilution" in pt:
        row["load_per_connection"] = p / pt["dilution"]
    return row


def capacity_warnings(sc: Scenario, points: list[dict]) -> list[str]:
    """A sweep goes past capacity on purpose: warn only when no point can be below it."""
    per_point = [_warn_settings(sc, pt["load"], pt["rule"], pt["temperature"]) for pt in points]
    if points and all(per_point):
        return list(dict.fromkeys(w for ws in per_point for w in ws))[:3]
    return []


def assemble_capacity(
    sc: Scenario, rows: list[dict], seconds: float, extra_meta: dict | None = None
) -> Result:
    """Build the capacity Result from task rows (in sweep order: points, then trials)."""
    points = capacity_points(sc)
    extra = [c for c in (*EXTRA_AXES, "load_per_connection") if rows and c in rows[0]]
    table = common.from_rows(rows, (*ROW_COLUMNS, *extra))
    summary_tab = summarise_points(table)
    rounding = _loads_used(table, summary_tab)
    tables = {"capacity": table, "capacity_summary": summary_tab}
    summary = {
        "points": len(points),
        "trials": sc.run.trials,
        "axes": {ax: sorted({pt[ax] for pt in points}) for ax in (*AXES, *_extra_axes(sc))},
        "retrieval_overlap": sc.run.retrieval_overlap,
    }
    crit = critical_loads(summary_tab)
    if crit["size"].size:
        tables["critical_loads"] = crit
        fit = _fit_critical(crit)
        if fit:
            summary["finite_size_fit"] = fit
    meta = common.meta(sc, seconds, capacity_warnings(sc, points), **(extra_meta or {}))
    if rounding:
        meta["notes"] = [*meta.get("notes", []), rounding]
    return common.capacity_result(sc, summary, tables, meta)


def run_capacity(
    sc: Scenario, base_dir: Path | None = None, progress: Progress | None = None
) -> Result:
    """Sweep over the capacity axes (sizes x rules x temperatures x biases x flips x loads).

    For each point and trial (:func:`capacity_task`): draw P = round(load N) random patterns of
    the point's bias (the same patterns for every rule, temperature and cue noise, so those
    comparisons are paired), store them, cue ``capacity.cues_per_trial`` of them and run the
    dynamics. Recorded per point and trial: final overlaps, fraction retrieved, outcome classes,
    the one-step bit error and the fraction of stored patterns that are exact fixed points
    (Amit, Gutfreund & Sompolinsky 1987).
    """
    return serial_sweep(sc, capacity_points, capacity_task, assemble_capacity, progress, notes=True)


def _loads_used(table: dict[str, np.ndarray], summary_tab: dict[str, np.ndarray]) -> str:
    """Put the load actually used, P/N with P = round(load N), in the ``load`` columns.

    When some asked load is not a whole number of patterns, ``load`` becomes P/N in both
    tables, the asked value moves to a ``load_asked`` column, and the returned note says so
    (empty string, tables unchanged, when every asked load was used exactly).
    """
    used = summary_tab["patterns"] / summary_tab["size"]
    asked = summary_tab["load"]
    off = ~np.isclose(used, asked, rtol=1e-9, atol=0.0)
    if not off.any():
        return ""
    for tab in (table, summary_tab):
        tab["load_asked"] = tab["load"]
        tab["load"] = tab["patterns"] / tab["size"]
    i = int(np.flatnonzero(off)[0])
    n_off = len(
        {(float(a), int(n)) for a, n in zip(asked[off], summary_tab["size"][off], strict=True)}
    )
    return (
        f"{n_off} asked load(s) are not a whole number of patterns, e.g. load {asked[i]:g} at "
        f"N = {summary_tab['size'][i]} gives P = {summary_tab['patterns'][i]}, a load of "
        f"{used[i]:.4g}; the tables show the load actually used (P/N) in column 'load' and the "
        "asked one in 'load_asked'"
    )


#: bytes of float work arrays per block of patterns (pattern drawing, one-step errors): keeps a
#: capacity task near P N bytes (the int8 patterns) at N = 10**5 instead of 8-16 P N
_BLOCK_BYTES = 64 * 2**20


def _random_patterns_in_blocks(p: int, n: int, bias: float, rng) -> np.ndarray:
    """:func:`memsim.patterns.random_patterns` drawn a block of rows at a time: the same numbers
    (the generator fills rows in order), without its float64 temporary of P N entries."""
    rows = max(1, _BLOCK_BYTES // (16 * n))
    if rows >= p:
        return pat.random_patterns(p, n, bias, rng)
    xi = np.empty((p, n), dtype=np.int8)
    for i in range(0, p, rows):
        k = min(rows, p - i)
        xi[i : i + k] = pat.random_patterns(k, n, bias, rng)
    return xi


def _one_step_errors(W: classical.Weights, xi: np.ndarray) -> np.ndarray:
    """Per stored pattern: fraction of its bits flipped by one synchronous update from it.

    Hebbian fields come from the P overlaps (no N x N matrix is formed), a block of patterns at
    a time so the fields take at most ``_BLOCK_BYTES``."""
    th = W.theta * W._scale()
    p, n = xi.shape
    rows = max(1, _BLOCK_BYTES // (8 * n))
    out = np.empty(p)
    hebbian_of_xi = W._has_low_rank() and not W.formed and np.array_equal(W.patterns, xi)
    C = _pattern_overlaps(xi) if hebbian_of_xi and p >= 512 else None
    for i in range(0, p, rows):
        blk = xi[i : i + rows]
        H = W._fields(blk) if C is None else _hebbian_fields_of_patterns(C, xi, i, i + rows)
        x = H - th
        new = np.where(x > 0, 1, np.where(x < 0, -1, blk))
        out[i : i + rows] = (new != blk).mean(axis=1)
    return out


def _pattern_overlaps(xi: np.ndarray) -> np.ndarray:
    """``C = Xi Xi^T`` (P x P), exact: float32 products of neuron blocks, every partial sum an
    integer of magnitude <= N < 2**24. Returned as float32 when N P < 2**24, else float64."""
    p, n = xi.shape
    C = np.zeros((p, p), dtype=np.float32)
    cols = max(1, _BLOCK_BYTES // (4 * p))
    for j in range(0, n, cols):
        xb = xi[:, j : j + cols].astype(np.float32)
        C += xb @ xb.T
    return C if n * p < 2**24 else C.astype(np.float64)


def _hebbian_fields_of_patterns(C: np.ndarray, xi: np.ndarray, a: int, b: int) -> np.ndarray:
    """Hebbian fields ``N h = C[a:b] Xi - P Xi[a:b]`` of stored patterns a..b-1 (J = Xi^T Xi -
    P I), as matrix products (P^2 N operations for all patterns, at BLAS-3 speed). Exact: every
    partial sum is an integer of magnitude <= N P, and ``C`` is float64 when N P >= 2**24."""
    p, n = xi.shape
    blk = xi[a:b]
    H = np.empty(blk.shape, dtype=C.dtype)
    cols = max(1, _BLOCK_BYTES // (8 * p))
    for j in range(0, n, cols):
        H[:, j : j + cols] = C[a:b] @ xi[:, j : j + cols].astype(C.dtype)
    H -= p * blk.astype(C.dtype)
    return H


GROUP = ("size", "rule", "temperature", "bias", "flip", "load")


def summarise_points(table: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Mean and standard error over trials for each point of the sweep."""
    group = _group(table)
    stats_cols = (
        "mean_final_overlap",
        "fraction_retrieved",
        "one_step_error",
        "fraction_exact",
        "initial_overlap",
        *(f"fraction_{o}" for o in OUTCOMES),
    )
    out: dict[str, list] = {k: [] for k in (*group, "patterns", "trials")}
    for c in stats_cols:
        out[c] = []
        out["sem_" + c] = []
    out["fraction_all_exact"] = []
    out["mean_sweeps"] = []
    for key, sel in common.groups(table, group):
        k = int(sel.sum())
        for g, v in zip(group, key, strict=True):
            out[g].append(v)
        out["patterns"].append(int(table["patterns"][sel][0]))
        out["trials"].append(k)
        for c in stats_cols:
            x = table[c][sel]
            out[c].append(float(x.mean()))
            out["sem_" + c].append(common.sem(x))
        out["fraction_all_exact"].append(float(table["all_exact"][sel].mean()))
        out["mean_sweeps"].append(float(table["mean_sweeps"][sel].mean()))
    res = {k: np.asarray(v) for k, v in out.items()}
    if "load_per_connection" in table:
        res["load_per_connection"] = res["patterns"] / res["dilution"]
    return res


def critical_loads(summary: dict[str, np.ndarray], level: float = 0.5) -> dict[str, np.ndarray]:
    """Finite-size critical load per curve: where the fraction retrieved falls through ``level``.

    For every (size, rule, temperature, bias, flip) curve with at least two loads, the load at
    which the mean fraction of retrieved cues first drops below ``level`` (linear interpolation
    between the two loads around the crossing); its standard error is propagated from the SEM of
    the two points through the local slope. Curves that never cross are left out.
    """
    curve = _group(summary)[:-1]
    out: dict[str, list] = {k: [] for k in (*curve, "critical_load", "sem_critical_load")}
    for key, sel in common.groups(summary, curve):
        a = summary["load"][sel]
        order = np.argsort(a)
        a = a[order]
        f = summary["fraction_retrieved"][sel][order]
        e = np.nan_to_num(summary["sem_fraction_retrieved"][sel][order])
        below = np.flatnonzero(f < level)
        if a.size < 2 or below.size == 0 or below[0] == 0:
            continue
        j = below[0]
        a0, a1, f0, f1 = a[j - 1], a[j], f[j - 1], f[j]
        if a1 == a0:  # two asked loads rounded to the same P: no slope to interpolate
            continue
        slope = (f1 - f0) / (a1 - a0)
        ac = a0 + (level - f0) / slope
        sem = float(np.hypot(e[j - 1], e[j]) / abs(slope)) if slope != 0 else float("nan")
        for g, v in zip(curve, key, strict=True):
            out[g].append(v)
        out["critical_load"].append(float(ac))
        out["sem_critical_load"].append(sem)
    return {k: np.asarray(v) for k, v in out.items()}


def _fit_critical(crit: dict[str, np.ndarray]) -> dict | None:
    """Extrapolate alpha_c(N) -> N = infinity when one curve family has several sizes."""

    sizes = np.unique(crit["size"])
    if sizes.size < 2:
        return None
    others = list(_group(crit)[1:-1])
    families = list(dict.fromkeys(zip(*(crit[g].tolist() for g in others), strict=True)))
    if len(families) != 1:
        return None
    sem = crit["sem_critical_load"]
    sigma = sem if np.all(np.isfinite(sem)) and np.all(sem > 0) else None
    fit = theory.extrapolate_critical_load(crit["size"], crit["critical_load"], 0.5, sigma)
    return {
        "alpha_inf": float(fit.alpha_inf),
        "alpha_inf_stderr": float(fit.alpha_inf_stderr),
        "coefficient": float(fit.coefficient),
        "exponent": float(fit.exponent),
        "model": "alpha_c(N) = alpha_inf + coefficient * N^(-exponent)",
    }

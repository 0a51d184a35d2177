"""Recall experiment of key-value attention (model kind ``attention``; Vaswani et al. 2017).

``memsim recall`` scores a batch of queries against a set of keys (``memsim.attention.score``),
normalises the scores into an attention map (queries x keys) and reads ``sum_k p_k v_k`` from
the values (``memsim.attention.attend``, Bahdanau et al. 2015, eqs. 5-6; Vaswani et al. 2017,
eq. 1). With ``model.compare`` the same scores also go through other normalisers
(``memsim.attention.compare_normalisers``): softmax at several temperatures, sparsemax (Martins &
Astudillo 2016), alpha-entmax (Peters, Niculae & Martins 2019), top-k and hard attention, and
the number of keys each one selects (weight > 0) is recorded.

Random streams (numbers depend only on the scenario and its seed):

* random keys of trial t: ``generator(seed, 1, t)``;
* random values of trial t: ``generator(seed, 2, t)``;
* queries of trial t (target keys, then noise; or random queries): ``generator(seed, 3, t)``.

Keys and values from files are the same in every trial; the queries are drawn afresh.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from memsim import attention as att
from memsim._rng import generator
from memsim.experiments import common
from memsim.experiments.progress import Progress
from memsim.results import Result
from memsim.scenario.kinds.attention import load_matrix, resolve_path
from memsim.scenario.schema import Scenario

#: the tidy weights table lists every (query, key) pair up to this many rows in total; above it,
#: only the TOP_KEYS keys with the largest scores of each query (and its target key)
FULL_WEIGHTS_ROWS = 50_000
TOP_KEYS = 20


# ----------------------------------------------------------------------------- data ---------
def _random_matrix(rng: np.random.Generator, rows: int, cols: int, distribution: str):
    if distribution == "binary":
        return np.where(rng.random((rows, cols)) < 0.5, -1.0, 1.0)
    return rng.standard_normal((rows, cols))


def make_keys(sc: Scenario, trial: int, base_dir: Path | None) -> np.ndarray:
    """The keys of one trial, (K, d) float64."""
    ks = sc.model.keys
    if ks.source == "random":
        return _random_matrix(generator(sc.run.seed, 1, trial), ks.count, ks.dim, ks.distribution)
    return load_matrix(resolve_path(ks.path, base_dir), "keys")


def make_values(sc: Scenario, keys: np.ndarray, trial: int, base_dir: Path | None) -> np.ndarray:
    """The values of one trial, (K, d_v) float64 (a copy of the keys for ``source: keys``)."""
    vs = sc.model.values
    if vs.source == "keys":
        return keys.copy()
    if vs.source == "random":
        rng = generator(sc.run.seed, 2, trial)
        return _random_matrix(rng, keys.shape[0], vs.dim, vs.distribution)
    return load_matrix(resolve_path(vs.path, base_dir), "values")


def make_queries(
    sc: Scenario, keys: np.ndarray, trial: int
) -> tuple[np.ndarray, np.ndarray | None]:
    """Queries (B, d) and their target key indices (B,), or None for random queries.

    ``source: keys``: the targets are drawn uniformly (without replacement when B <= K) and
    sorted, so the attention map shows a staircase; each query is its target key plus Gaussian
    noise of standard deviation ``noise``. ``source: random``: N(0, 1) entries, no targets.
    """
    qs = sc.model.queries
    rng = generator(sc.run.seed, 3, trial)
    n_keys, dim = keys.shape
    if qs.source == "random":
        return rng.standard_normal((qs.count, dim)), None
    targets = np.sort(rng.choice(n_keys, size=qs.count, replace=qs.count > n_keys))
    q = keys[targets].copy()
    if qs.noise > 0:
        q += qs.noise * rng.standard_normal(q.shape)
    return q, targets.astype(np.int64)


# -------------------------------------------------------------------------- metrics ---------
def entropy(weights: np.ndarray) -> np.ndarray:
    """Shannon entropy (nats) of each row, with 0 log 0 = 0."""
    w = np.asarray(weights, dtype=np.float64)
    safe = np.where(w > 0, w, 1.0)
    return -(w * np.log(safe)).sum(axis=-1)


def query_metrics(
    weights: np.ndarray,
    scores: np.ndarray,
    readouts: np.ndarray,
    values: np.ndarray,
    targets: np.ndarray | None,
) -> dict[str, np.ndarray]:
    """Per-query numbers of one attention map (rows = queries).

    support (keys with weight > 0), entropy, argmax key (first maximum of the weights), largest
    weight; with targets also the target's weight, the rank of its score (1 = highest score;
    ties count in its favour), whether the argmax is the target, and the read-out error
    ``|r - v_target|`` (absolute and relative to ``|v_target|``).
    """
    b = np.arange(weights.shape[0])
    out = {
        "argmax": np.argmax(weights, axis=1).astype(np.int64),
        "support": np.count_nonzero(weights > 0.0, axis=1).astype(np.int64),
        "entropy": entropy(weights),
        "max_weight": weights.max(axis=1),
    }
    if targets is not None:
        t_score = scores[b, targets]
        v_t = values[targets]
        err = np.linalg.norm(readouts - v_t, axis=1)
        norm = np.linalg.norm(v_t, axis=1)
        out.update(
            target_weight=weights[b, targets],
            target_rank=1 + np.count_nonzero(scores > t_score[:, None], axis=1).astype(np.int64),
            correct=out["argmax"] == targets,
            readout_error=err,
            relative_error=np.where(norm > 0, err / np.where(norm > 0, norm, 1.0), np.nan),
        )
    return out


def _spec_dict(spec) -> dict:
    return {"kind": spec.kind, "label": spec.display(), **spec.options()}


def _weights_rows(
    scores: np.ndarray, weights: np.ndarray, targets: np.ndarray | None, full: bool
) -> dict[str, np.ndarray]:
    """Tidy (query, key, score, weight) rows of one trial: every key, or the TOP_KEYS keys with
    the largest scores of each query plus its target."""
    n_q, n_k = scores.shape
    if full or n_k <= TOP_KEYS:
        q_idx = np.repeat(np.arange(n_q), n_k)
        k_idx = np.tile(np.arange(n_k), n_q)
    else:
        order = np.argsort(-scores, axis=1, kind="stable")[:, :TOP_KEYS]
        qs, ks = [], []
        for b in range(n_q):
            keep = np.sort(order[b])
            if targets is not None and targets[b] not in keep:
                keep = np.sort(np.append(keep, targets[b]))
            qs.append(np.full(keep.size, b))
            ks.append(keep)
        q_idx, k_idx = np.concatenate(qs), np.concatenate(ks)
    rows = {
        "query": q_idx.astype(np.int64),
        "key": k_idx.astype(np.int64),
        "score": scores[q_idx, k_idx],
        "weight": weights[q_idx, k_idx],
    }
    if targets is not None:
        rows["is_target"] = targets[q_idx] == k_idx
    return rows


# --------------------------------------------------------------------------- runner ---------
def run_recall(
    sc: Scenario, base_dir: Path | None = None, progress: Progress | None = None
) -> Result:
    """Attend with every query, ``run.trials`` times (fresh random keys, values and queries per
    trial; file keys and values stay the same)."""
    m = sc.model
    t0 = time.perf_counter()
    main = m.main_spec()
    main_opts = main.options()
    specs = [_spec_dict(s) for s in m.compare]
    labels = [s["label"] for s in specs]
    trials = sc.run.trials
    n_q = m.queries.count

    per_trial = []
    for t in common.trials(sc, progress):
        keys = make_keys(sc, t, base_dir)
        values = make_values(sc, keys, t, base_dir)
        queries, targets = make_queries(sc, keys, t)
        scores = att.score(queries, keys, m.score, beta=m.beta)
        reads, weights = att.attend(
            queries,
            keys,
            values,
            m.score,
            m.normaliser,
            return_weights=True,
            method="matrix",
            beta=m.beta,
            **main_opts,
        )
        comp = att.compare_normalisers(scores, specs) if specs else {}
        per_trial.append((keys, values, queries, targets, scores, weights, reads, comp))

    has_targets = per_trial[0][3] is not None
    n_keys = per_trial[0][0].shape[0]
    full = trials * n_q * n_keys <= FULL_WEIGHTS_ROWS

    q_rows: dict[str, list] = {}
    w_rows: dict[str, list] = {}
    c_rows: dict[str, list] = {}

    def add(dst: dict, cols: dict) -> None:
        for k, v in cols.items():
            dst.setdefault(k, []).append(np.asarray(v))

    for t, (_keys, values, _q, targets, scores, weights, reads, comp) in enumerate(per_trial):
        met = query_metrics(weights, scores, reads, values, targets)
        cols = {"trial": np.full(n_q, t), "query": np.arange(n_q)}
        if has_targets:
            cols["target"] = targets
        cols["argmax"] = met["argmax"]
        if has_targets:
            cols["correct"] = met["correct"]
            cols["target_rank"] = met["target_rank"]
        cols["max_score"] = scores.max(axis=1)
        if has_targets:
            cols["target_score"] = scores[np.arange(n_q), targets]
        for k in ("support", "entropy", "max_weight"):
            cols[k] = met[k]
        if has_targets:
            for k in ("target_weight", "readout_error", "relative_error"):
                cols[k] = met[k]
        add(q_rows, cols)
        wr = _weights_rows(scores, weights, targets, full)
        add(w_rows, {"trial": np.full(wr["query"].size, t), **wr})
        for lab, spec in zip(labels, specs, strict=True):
            out = comp[lab]
            r = out.weights @ values
            cm = query_metrics(out.weights, scores, r, values, targets)
            ccols = {
                "normaliser": np.full(n_q, lab, dtype=object),
                "kind": np.full(n_q, spec["kind"], dtype=object),
                "trial": np.full(n_q, t),
                "query": np.arange(n_q),
                "support": cm["support"],
                "entropy": cm["entropy"],
                "max_weight": cm["max_weight"],
                "argmax": cm["argmax"],
            }
            if has_targets:
                ccols.update(
                    target_weight=cm["target_weight"],
                    correct=cm["correct"],
                    readout_error=cm["readout_error"],
                    relative_error=cm["relative_error"],
                )
            add(c_rows, ccols)

    def cat(d: dict) -> dict[str, np.ndarray]:
        out = {}
        for k, v in d.items():
            a = np.concatenate(v)
            out[k] = a.astype(str) if a.dtype == object else a
        return out

    tables = {"queries": cat(q_rows), "weights": cat(w_rows)}
    qt = tables["queries"]

    arrays = {
        "keys": np.stack([p[0] for p in per_trial]),
        "values": np.stack([p[1] for p in per_trial]),
        "queries": np.concatenate([p[2] for p in per_trial]),
        "scores": np.concatenate([p[4] for p in per_trial]),
        "weights": np.concatenate([p[5] for p in per_trial]),
        "readouts": np.concatenate([p[6] for p in per_trial]),
    }
    if has_targets:
        arrays["targets"] = np.concatenate([p[3] for p in per_trial])
        arrays["target_values"] = np.concatenate([p[1][p[3]] for p in per_trial])

    summary: dict = {
        "keys": int(n_keys),
        "key_dim": int(per_trial[0][0].shape[1]),
        "value_dim": int(per_trial[0][1].shape[1]),
        "queries": int(n_q),
        "trials": int(trials),
        "score": m.score,
        "beta": float(m.beta),
        "normaliser": main.display(),
    }
    if has_targets:
        summary["fraction_correct"] = float(np.mean(qt["correct"]))
    summary["mean_support"] = float(np.mean(qt["support"]))
    summary["mean_entropy"] = float(np.mean(qt["entropy"]))
    if has_targets:
        summary["mean_target_weight"] = float(np.mean(qt["target_weight"]))
        summary["mean_readout_error"] = float(np.mean(qt["readout_error"]))
        summary["mean_relative_error"] = float(np.nanmean(qt["relative_error"]))
    if specs:
        ct = cat(c_rows)
        tables["normalisers"] = ct
        tables["normaliser_summary"] = _normaliser_summary(ct, labels, specs, has_targets)
        ns = tables["normaliser_summary"]
        summary["support_by_normaliser"] = {
            lab: float(v) for lab, v in zip(ns["normaliser"], ns["mean_support"], strict=True)
        }
        arrays["compare_weights"] = np.stack(
            [np.concatenate([p[7][lab].weights for p in per_trial]) for lab in labels]
        )
        arrays["compare_readouts"] = np.stack(
            [np.concatenate([p[7][lab].weights @ p[1] for p in per_trial]) for lab in labels]
        )

    notes = []
    if not full:
        notes.append(
            f"weights.csv lists the {TOP_KEYS} keys with the largest scores of each query (and "
            f"its target); the full attention maps are in arrays.npz ('weights'"
            + (", 'compare_weights'" if specs else "")
            + ")"
        )
    if has_targets and n_q > n_keys:
        notes.append(f"{n_q} queries for {n_keys} keys: target keys were drawn with replacement")
    meta = {
        "seed": sc.run.seed,
        "seconds": time.perf_counter() - t0,
        "has_targets": has_targets,
        "normaliser_label": main.display(),
        "compare_labels": labels,
        "warnings": _warnings(sc, n_keys),
        "notes": notes,
    }
    return Result("recall", sc.model.kind, sc, summary, tables, arrays, meta)


def _normaliser_summary(ct, labels, specs, has_targets) -> dict[str, np.ndarray]:
    target_cols = ("mean_target_weight", "fraction_correct", "mean_readout_error")
    cols = common.Columns(
        "normaliser",
        "kind",
        "queries",
        "mean_support",
        "min_support",
        "median_support",
        "max_support",
        "mean_entropy",
        "mean_max_weight",
        *(target_cols if has_targets else ()),
    )
    for ((lab,), sel), spec in zip(
        common.groups(ct, ("normaliser",), [(lab,) for lab in labels]), specs, strict=True
    ):
        sup = ct["support"][sel]
        cols.add(
            normaliser=lab,
            kind=spec["kind"],
            queries=int(sel.sum()),
            mean_support=float(sup.mean()),
            min_support=int(sup.min()),
            median_support=float(np.median(sup)),
            max_support=int(sup.max()),
            mean_entropy=float(ct["entropy"][sel].mean()),
            mean_max_weight=float(ct["max_weight"][sel].mean()),
        )
        if has_targets:
            cols.add(
                mean_target_weight=float(ct["target_weight"][sel].mean()),
                fraction_correct=float(ct["correct"][sel].mean()),
                mean_readout_error=float(ct["readout_error"][sel].mean()),
            )
    return cols.arrays()


def _warnings(sc: Scenario, n_keys: int) -> list[str]:
    """Suspicious but legal settings."""
    m = sc.model
    out = []
    specs = [m.main_spec(), *m.compare]
    for s in specs:
        if s.kind == "topk" and s.k >= n_keys:
            out.append(f"{s.display()}: k = {s.k} keeps all {n_keys} keys, so it is plain softmax")
        if s.kind == "entmax_bisect" and s.alpha == 1.0:
            out.append(f"{s.display()}: alpha = 1 is softmax")
    if m.beta == 0.0:
        out.append("beta = 0: every score is 0, so softmax and entmax weights are uniform")
    return out

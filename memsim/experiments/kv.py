"""Recall and capacity experiments of key-value memories (model kind ``kv``).

The studies themselves are in :mod:`memsim.experiments.studies.kv` (``S`` below).

``memsim recall``
    * ``mode: retrieval`` -- ``run.trials`` retrieval trials of ``S.retrieval_trial`` and
      ``S.retrieval_queries`` (trial t: memory stream ``(seed, 802, t, ...)``, queries
      ``(seed, 805, t, ...)``), one row per trial (``trials`` table) and one per query
      (``queries`` table: target, answer, cosine of read-out and target value, slots read).
    * ``mode: stories`` -- the scripted reader (:func:`memsim.kv.answer_stories`, Sukhbaatar et
      al. 2015) on ``model.stories`` seeded stories per trial with 1, 2, ..., ``model.hops``
      hops; trial t uses the stories and word vectors of seed ``run.seed + t``. Tables
      ``answers`` (one row per trial, hop count and story), ``hops`` (accuracy per trial and hop
      count) and ``attention`` (story ``model.story`` of trial 0: weight per hop and sentence,
      ``S.story_attention``).

``memsim capacity``: one study axis (``capacity.study``) with the other settings from the model
section. slots / key_dim / noise / normaliser / hashing: rows of ``S.retrieval_trial`` (the same
memories and queries for every normaliser and for hashing on and off, so those comparisons are
paired); hops: rows of ``S.hops_study`` per task, hop count and trial (seed ``run.seed + t``).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from memsim.errors import ScenarioError
from memsim.experiments import common
from memsim.experiments.progress import Progress, serial_sweep
from memsim.experiments.studies.kv import (
    hops_study,
    retrieval_queries,
    retrieval_trial,
    story_attention,
)
from memsim.kv import (
    answer_stories,
    generate_stories,
)
from memsim.results import Result
from memsim.scenario.kinds.kv import DEFAULT_NORMALISERS, DEFAULT_VALUES
from memsim.scenario.schema import Scenario

#: retrieval parameter varied by each retrieval study
STUDY_PARAM = {"slots": "slots", "key_dim": "key_dim", "noise": "key_noise", "hashing": "slots"}


def _table(rows: list[dict], columns: list[str] | None = None) -> dict[str, np.ndarray]:
    """Rows -> tidy columns; None becomes NaN in numeric columns and '' in text columns."""
    cols = columns or list(dict.fromkeys(k for r in rows for k in r))
    out = {}
    for c in cols:
        vals = [r.get(c) for r in rows]
        present = [v for v in vals if v is not None]
        if not present:
            continue
        if all(isinstance(v, (bool, np.bool_)) for v in present):
            out[c] = np.asarray([bool(v) for v in vals])
        elif all(isinstance(v, (int, np.integer)) for v in present) and len(present) == len(vals):
            out[c] = np.asarray(vals, dtype=np.int64)
        elif all(isinstance(v, (int, float, np.integer, np.floating)) for v in present):
            out[c] = np.asarray([np.nan if v is None else float(v) for v in vals])
        else:
            out[c] = np.asarray(["" if v is None else str(v) for v in vals])
    return out


def story_seed(seed: int, trial: int) -> int:
    """Seed of the stories and word vectors of a stories trial."""
    return int(seed) + int(trial)


# ------------------------------------------------------------------------------ recall ----


def _recall_retrieval(sc: Scenario, progress: Progress) -> Result:
    m = sc.model
    t0 = time.perf_counter()
    params = m.retrieval_params()
    rows, qcols = [], []
    for t in common.trials(sc, progress):
        rows.append(retrieval_trial(sc.run.seed, t, **params))
        q = retrieval_queries(sc.run.seed, t, **params)
        qcols.append({"trial": np.full(q["query"].size, t, dtype=np.int64), **q})
    trials = _table(rows)
    queries = common.concat(qcols)
    acc = trials["accuracy"]
    summary = {
        "mode": "retrieval",
        "slots": m.slots,
        "key_dim": m.key_dim,
        "key_noise": m.key_noise,
        "normaliser": rows[0]["normaliser"],
        "hashing": m.hashing,
        "trials": sc.run.trials,
        "queries": int(queries["query"].size),
        "accuracy": float(acc.mean()),
        "accuracy_stderr": common.sem(acc, single=0.0),
        "mean_cosine": float(trials["mean_cosine"].mean()),
        "mean_candidates": float(trials["mean_candidates"].mean()),
        "seconds_per_query": float(trials["seconds_per_query"].mean()),
    }
    warns = []
    if m.normaliser != "softmax" and "temperature" in sc.model.model_fields_set:
        warns.append(f"model.temperature applies to softmax only (normaliser is {m.normaliser})")
    meta = common.meta(sc, time.perf_counter() - t0, warns)
    return Result(
        "recall",
        "kv",
        sc,
        summary,
        {"trials": trials, "queries": queries},
        {"cosine": queries["cosine"], "correct": queries["correct"]},
        meta,
    )


def _recall_stories(sc: Scenario, progress: Progress) -> Result:
    m = sc.model
    t0 = time.perf_counter()
    ans: dict[str, list] = {
        k: [] for k in ("trial", "hops", "story", "question", "answer", "predicted", "correct")
    }
    hop_rows = []
    progress.start("trials x hops", sc.run.trials * m.hops)
    for t in range(sc.run.trials):
        s = story_seed(sc.run.seed, t)
        st = generate_stories(m.task, m.stories, seed=s, sentences=m.sentences)
        for h in range(1, m.hops + 1):
            res = answer_stories(st, hops=h, dim=m.dim, seed=s, normaliser=m.normaliser)
            for i, story in enumerate(st):
                ans["trial"].append(t)
                ans["hops"].append(h)
                ans["story"].append(i)
                ans["question"].append(" ".join(story.question))
                ans["answer"].append(story.answer)
                ans["predicted"].append(res.predicted[i])
                ans["correct"].append(bool(res.correct[i]))
            hop_rows.append(
                {"trial": t, "hops": h, "accuracy": res.accuracy, "correct": int(res.correct.sum())}
            )
            progress.advance(1)
    progress.stop()
    att = story_attention(
        m.task,
        index=m.story,
        hops=m.hops,
        seed=story_seed(sc.run.seed, 0),
        dim=m.dim,
        sentences=m.sentences,
        normaliser=m.normaliser,
    )
    hops_tab = _table(hop_rows)
    summary: dict = {
        "mode": "stories",
        "task": m.task,
        "stories": m.stories,
        "trials": sc.run.trials,
    }
    for h in range(1, m.hops + 1):
        summary[f"accuracy_{h}_hop{'s' if h > 1 else ''}"] = float(
            hops_tab["accuracy"][hops_tab["hops"] == h].mean()
        )
    summary.update(
        heatmap_story=m.story,
        heatmap_question=att.question,
        heatmap_answer=att.answer,
        heatmap_predicted=att.predicted,
    )
    meta = common.meta(
        sc,
        time.perf_counter() - t0,
        notes=[f"trial t uses the stories and word vectors of seed {sc.run.seed} + t"],
        attention_sentences=list(att.sentences),
        attention_supporting=list(att.supporting),
        attention_question=att.question,
        attention_answer=att.answer,
        attention_predicted=att.predicted,
    )
    tables = {
        "answers": _table(
            [dict(zip(ans, v, strict=True)) for v in zip(*ans.values(), strict=True)]
        ),
        "hops": hops_tab,
        "attention": _table(att.rows()),
    }
    return Result(
        "recall",
        "kv",
        sc,
        summary,
        tables,
        {"attention": np.array(att.weights)},
        meta,
    )


def run_recall(
    sc: Scenario, base_dir: Path | None = None, progress: Progress | None = None
) -> Result:
    """Retrieval trials or story answering (see the module docstring)."""
    progress = progress or Progress()
    if sc.model.mode == "retrieval":
        return _recall_retrieval(sc, progress)
    return _recall_stories(sc, progress)


def check_recall(sc: Scenario, file: str | None = None) -> None:
    m = sc.model
    if m.mode == "stories" and m.story >= m.stories:
        raise ScenarioError(
            f"story {m.story} does not exist: there are {m.stories} stories per trial "
            f"(allowed 0 to {m.stories - 1})",
            file=file,
            field="model.story",
        )


# ---------------------------------------------------------------------------- capacity ----


def _normaliser_specs(sc: Scenario) -> list:
    specs = sc.capacity.normalisers or list(DEFAULT_NORMALISERS)
    out = []
    for s in specs:
        name = s if isinstance(s, str) else (s["name"] if isinstance(s, dict) else s.name)
        temp = (
            None
            if isinstance(s, str)
            else (s.get("temperature") if isinstance(s, dict) else s.temperature)
        )
        if name == "softmax":
            temp = sc.model.temperature if temp is None else temp
            out.append(
                {"kind": "softmax", "temperature": float(temp), "label": f"softmax T={temp:g}"}
            )
        else:
            out.append(name)
    return out


def capacity_points(sc: Scenario) -> list[dict]:
    """The sweep points of a kv capacity scenario (plain JSON-able dicts)."""
    cap = sc.capacity
    st = cap.study
    if st == "normaliser":
        return [{"study": st, "normaliser": n} for n in _normaliser_specs(sc)]
    vals = cap.values if cap.values is not None else DEFAULT_VALUES[st]
    if st == "hops":
        return [
            {"study": st, "task": task, "hops": int(h)}
            for task in (cap.tasks or ["one_fact", "two_facts"])
            for h in vals
        ]
    if st == "hashing":
        return [{"study": st, "slots": int(v), "hashing": b} for v in vals for b in (False, True)]
    conv = float if st == "noise" else int
    return [{"study": st, STUDY_PARAM[st]: conv(v)} for v in vals]


def capacity_task(sc: Scenario, pt: dict, trial: int) -> dict:
    """One (point, trial) of a kv study: its tidy row."""
    m = sc.model
    if pt["study"] == "hops":
        s = story_seed(sc.run.seed, trial)
        row = hops_study(
            [pt["task"]],
            [pt["hops"]],
            stories=m.stories,
            seed=s,
            dim=m.dim,
            sentences=m.sentences,
            normaliser=m.normaliser,
        )[0]
        return {"study": "hops", **row, "trial": int(trial)}
    params = m.retrieval_params()
    params.update({k: v for k, v in pt.items() if k != "study"})
    return {"study": pt["study"], **retrieval_trial(sc.run.seed, trial, **params)}


def _axis(study: str) -> str:
    return {"normaliser": "normaliser", "hops": "hops"}.get(study, STUDY_PARAM.get(study, study))


def summarise(table: dict[str, np.ndarray], study: str) -> dict[str, np.ndarray]:
    """Mean and standard error of accuracy (and read time) per point."""
    keys = ["task", "hops"] if study == "hops" else [_axis(study)]
    if study == "hashing":
        keys.append("hashing")
    measures = ["accuracy"] + (
        ["read_seconds", "mean_candidates"] if study != "hops" else ["support_weight"]
    )
    out = common.Columns(
        *keys, "trials", *(f"{m}_{s}" for m in measures for s in ("mean", "stderr"))
    )
    for c, sel in common.groups(table, keys):
        out.add(**dict(zip(keys, c, strict=True)), trials=int(sel.sum()))
        for mname in measures:
            x = np.asarray(table[mname][sel], dtype=float)
            out.add(**{f"{mname}_mean": float(x.mean()), f"{mname}_stderr": common.sem(x, 0.0)})
    return out.arrays()


def assemble_capacity(
    sc: Scenario, rows: list[dict], seconds: float, extra_meta: dict | None = None
) -> Result:
    """Build the capacity Result from task rows (in sweep order: points, then trials)."""
    st = sc.capacity.study
    table = _table(rows)
    summ = summarise(table, st)
    summary: dict = {"study": st, "points": len(capacity_points(sc)), "trials": sc.run.trials}
    acc = summ["accuracy_mean"]
    if st == "hops":
        for task, h, a in zip(summ["task"], summ["hops"], acc, strict=True):
            summary[f"{task}_{int(h)}_hops_accuracy"] = float(a)
    elif st == "hashing":
        for s, hb, a, r in zip(
            summ["slots"], summ["hashing"], acc, summ["read_seconds_mean"], strict=True
        ):
            tag = "hashed" if hb else "full"
            summary[f"S={int(s)}_{tag}_accuracy"] = float(a)
            summary[f"S={int(s)}_{tag}_ms"] = float(r) * 1e3
    else:
        ax = _axis(st)
        for v, a in zip(summ[ax], acc, strict=True):
            lab = v if isinstance(v, str) else f"{v:g}"
            summary[f"accuracy[{ax}={lab}]"] = float(a)
    meta = common.meta(sc, seconds, **(extra_meta or {}))
    if st == "hashing":
        meta["notes"] = ["read times are wall-clock on this machine: compare within one run"]
    return common.capacity_result(sc, summary, {"capacity": table, "capacity_summary": summ}, meta)


def run_capacity(
    sc: Scenario, base_dir: Path | None = None, progress: Progress | None = None
) -> Result:
    """Run the study of the capacity section (see the module docstring)."""
    return serial_sweep(sc, capacity_points, capacity_task, assemble_capacity, progress)

"""Studies of key-value memories as plain functions returning tidy rows (lists of dicts).

``pandas.DataFrame(rows)`` gives a tidy table; the scenario runner (``memsim recall`` /
``memsim capacity``, :mod:`memsim.experiments.kv`) calls these with plain values. They are still
importable from :mod:`memsim.kv` and :mod:`memsim.kv.studies`.

* :func:`retrieval_trial` -- one retrieval trial as one row; :func:`retrieval_queries` -- the
  same trial, one row per query.

* :func:`retrieval_sweep` -- retrieval accuracy of one read over a grid of memory sizes, key
  dimensions, key noise, normalisers, scores and hashing; :func:`accuracy_vs_slots`,
  :func:`accuracy_vs_key_dim`, :func:`accuracy_vs_noise`, :func:`accuracy_vs_normaliser` and
  :func:`hashing_study` are one-axis wrappers.
* :func:`hops_study` -- accuracy of the scripted reader with 1, 2, ... hops on the story tasks.
* :func:`story_attention` -- one story's attention over its sentences at every hop (the arrays
  of a heat map).

Retrieval trial (Miller et al. 2016, section 3.1): a :func:`memsim.kv.random_memory` of S slots with
unit keys (d_k) and unit values (d_v); B target slots drawn without replacement; the query is the
target key plus Gaussian noise of norm about ``key_noise`` (``key_noise * N(0, I / d_k)``); one read
(:func:`memsim.kv.kv_read`); the answer is the slot whose value best matches the read-out
(``argmax_i v_i . o``, Miller et al. 2016, eq. 4 with the values as candidate answers). With
hashing, every slot has ``features_per_slot`` random features, a query carries its target's
features, and the read is restricted to the slots sharing one (:func:`memsim.kv.hash_candidates`).
The same trial index gives the same memory and queries at every normaliser, score and hashing
setting (common random numbers), so those comparisons are paired.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from memsim._checks import boolean, integer, readonly, real
from memsim._docstrings import fill_doc
from memsim._rng import generator
from memsim.attention.normalisers import normaliser_spec
from memsim.errors import MemsimError
from memsim.experiments.studies._common import grid_points
from memsim.kv.memory import hash_candidates, kv_read, random_memory
from memsim.kv.stories import (
    TASKS,
    answer_stories,
    generate_stories,
)

__all__ = [
    "RETRIEVAL_DEFAULTS",
    "StoryAttention",
    "accuracy_vs_key_dim",
    "accuracy_vs_noise",
    "accuracy_vs_normaliser",
    "accuracy_vs_slots",
    "hashing_study",
    "hops_study",
    "retrieval_sweep",
    "retrieval_queries",
    "retrieval_trial",
    "story_attention",
]

#: Parameters of a retrieval trial and their defaults.
RETRIEVAL_DEFAULTS: dict[str, Any] = {
    "slots": 1000,
    "key_dim": 32,
    "value_dim": None,  # = key_dim
    "key_noise": 1.0,
    "score": "dot",
    "normaliser": {"kind": "softmax", "temperature": 0.05},
    "hashing": False,
    "features_per_slot": 2,
    "n_features": None,  # = max(features_per_slot, slots // 50)
    "max_frequency": None,
    "queries": 100,
}

_QUERY_KEY = 805  # stream key of the retrieval queries


#: the reference of the retrieval studies
_MILLER = (
    'Miller et al. (2016), "Key-value memory networks for directly reading documents", section 3.1:'
    "\neqs. 1-2 (one read), eq. 4 (answer = best-matching value)."
)


def _axis_tail(
    returns: str = "list of dict\n    Rows of :func:`retrieval_trial`, one per (value, trial).",
    references: str = _MILLER,
) -> str:
    """The docstring of a one-axis wrapper of :func:`retrieval_sweep` after its own parameter
    entry: ``**kw``, ``returns``, the Raises section (the same for all) and ``references``."""
    return f"""**kw
    ``trials``, ``seed`` and fixed parameters of :func:`retrieval_sweep` /
    :func:`retrieval_trial`.

Returns
-------
{returns}

Raises
------
MemsimError
    If ``trials`` (in ``kw``) is not an integer >= 1 or ``seed`` not an integer >= 0; a
    parameter is given both on the swept axis and in ``kw``; or :func:`retrieval_trial` rejects
    a parameter: an unknown name; ``slots``, ``key_dim``, ``value_dim``, ``features_per_slot``
    or ``queries`` not an integer >= 1; ``key_noise`` not a finite real >= 0; ``hashing`` not a
    bool; ``n_features`` below ``features_per_slot``; ``max_frequency`` not an integer >= 0; a
    normaliser that is neither a name nor a dict with a ``'kind'``; an unknown score, normaliser
    or option (:func:`memsim.kv.kv_read`); or an overflowing score.

References
----------
{references}"""


def _resolve(params: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(params) - set(RETRIEVAL_DEFAULTS))
    if unknown:
        raise MemsimError(
            f"unknown retrieval parameter(s) {unknown}; known: {sorted(RETRIEVAL_DEFAULTS)}"
        )
    p = {**RETRIEVAL_DEFAULTS, **params}
    p["slots"] = integer(p["slots"], "slots", low=1)
    p["key_dim"] = integer(p["key_dim"], "key_dim", low=1)
    p["value_dim"] = (
        p["key_dim"] if p["value_dim"] is None else integer(p["value_dim"], "value_dim", low=1)
    )
    p["key_noise"] = real(p["key_noise"], "key_noise", low=0.0)
    p["hashing"] = boolean(p["hashing"], "hashing")
    p["features_per_slot"] = integer(p["features_per_slot"], "features_per_slot", low=1)
    f = p["features_per_slot"]
    p["n_features"] = (
        max(f, p["slots"] // 50)
        if p["n_features"] is None
        else integer(p["n_features"], "n_features", low=f)
    )
    p["queries"] = integer(p["queries"], "queries", low=1)
    normaliser_spec(p["normaliser"])
    return p


def _warm_up() -> None:
    """Compile (or load from the cache) the hashing kernels before anything is timed."""
    mem = random_memory(4, 2, features_per_slot=1, n_features=2)
    kv_read(mem, mem.keys, candidates=hash_candidates(mem, [[0], [1], [0, 1], []]))


def _retrieval(seed: int, trial: int, p: dict[str, Any]) -> tuple[dict[str, np.ndarray], float]:
    """The retrieval trial itself (resolved parameters ``p``): per-query columns and the
    seconds spent hashing and reading."""
    kind, nopts, _ = normaliser_spec(p["normaliser"])
    s_slots, dk = p["slots"], p["key_dim"]
    mem = random_memory(
        s_slots,
        dk,
        p["value_dim"],
        seed=seed,
        trial=trial,
        features_per_slot=p["features_per_slot"],
        n_features=p["n_features"],
    )
    rng = generator(seed, _QUERY_KEY, trial, s_slots, dk)
    nq = min(p["queries"], s_slots)
    targets = rng.choice(s_slots, size=nq, replace=False)
    noise = rng.standard_normal((nq, dk)) * (p["key_noise"] / np.sqrt(dk))
    queries = mem.keys[targets] + noise
    if p["hashing"]:
        _warm_up()
    t0 = time.perf_counter()
    if p["hashing"]:
        fp = mem.feature_indptr
        feats = [mem.feature_ids[fp[i] : fp[i + 1]] for i in targets]
        cand = hash_candidates(mem, feats, max_frequency=p["max_frequency"])
        counts = np.asarray(cand.counts, dtype=np.int64)
    else:
        cand = None
        counts = np.full(nq, s_slots, dtype=np.int64)
    reads = kv_read(mem, queries, p["score"], kind, candidates=cand, **nopts)
    elapsed = time.perf_counter() - t0
    answers = np.argmax(reads @ mem.values.T, axis=1)
    target_v = mem.values[targets]
    norms = np.linalg.norm(reads, axis=1) * np.linalg.norm(target_v, axis=1)
    cos = np.einsum("ij,ij->i", reads, target_v) / np.maximum(norms, 1e-300)
    cols = {
        "query": np.arange(nq, dtype=np.int64),
        "target": targets.astype(np.int64),
        "answer": answers.astype(np.int64),
        "correct": answers == targets,
        "cosine": cos,
        "candidates": counts,
    }
    return cols, elapsed


def retrieval_queries(seed: int = 0, trial: int = 0, **params: Any) -> dict[str, np.ndarray]:
    """Per-query outcome of one retrieval trial: the same memory, queries and read as
    :func:`retrieval_trial` with the same seed, trial and parameters, one row per query.

    Parameters
    ----------
    seed, trial : int >= 0
        As in :func:`retrieval_trial`.
    **params
        As in :func:`retrieval_trial`.

    Returns
    -------
    dict of str to ndarray
        Equal-length columns (one row per query): ``query`` (int64), ``target`` (int64 slot),
        ``answer`` (int64 slot whose value best matches the read-out), ``correct`` (bool),
        ``cosine`` (float64, read-out against the target value) and ``candidates`` (int64,
        slots read).

    Raises
    ------
    MemsimError
        As :func:`retrieval_trial`.

    References
    ----------
    Miller et al. (2016), "Key-value memory networks for directly reading documents", section 3.1:
    eqs. 1-2 (one read), eq. 4 (answer = best-matching value), key hashing.
    """
    p = _resolve(params)
    cols, _ = _retrieval(integer(seed, "seed", low=0), integer(trial, "trial", low=0), p)
    return cols


def retrieval_trial(seed: int = 0, trial: int = 0, **params: Any) -> dict[str, Any]:
    """One retrieval trial (see the module docstring); returns one tidy row.

    Parameters
    ----------
    seed, trial : int
        The memory comes from the stream ``(seed, 802, trial, ...)``, the queries from
        ``(seed, 805, trial, ...)``.
    **params
        Any of :data:`RETRIEVAL_DEFAULTS`: slots, key_dim, value_dim, key_noise, score,
        normaliser (name or dict with 'kind' and options, e.g. temperature), hashing,
        features_per_slot, n_features, max_frequency, queries.

    Returns
    -------
    dict
        The resolved parameters (normaliser as its label, plus ``normaliser_kind`` and
        ``temperature``), ``seed``, ``trial``, ``accuracy`` (fraction of queries whose answer is
        the target slot), ``mean_cosine`` (cosine of read-out and target value),
        ``mean_candidates`` (slots read per query), ``read_seconds`` (hashing + read) and
        ``seconds_per_query``.

    Raises
    ------
    MemsimError
        If ``seed`` is not an integer >= 0 or ``trial`` not an integer >= 0; or ``params`` holds an
        unknown name; ``slots``, ``key_dim``, ``value_dim``, ``features_per_slot`` or ``queries``
        not an integer >= 1; ``key_noise`` not a finite real >= 0; ``hashing`` not a bool;
        ``n_features`` below ``features_per_slot``; ``max_frequency`` not an integer >= 0; a
        normaliser that is neither a name nor a dict with a ``'kind'``; an unknown score, normaliser
        or option (:func:`memsim.kv.kv_read`); or an overflowing score.

    References
    ----------
    Miller et al. (2016), "Key-value memory networks for directly reading documents", section 3.1:
    eqs. 1-2 (one read), eq. 4 (answer = best-matching value), key hashing.
    """
    p = _resolve(params)
    s = integer(seed, "seed")
    t = integer(trial, "trial", low=0)
    kind, nopts, label = normaliser_spec(p["normaliser"])
    q, elapsed = _retrieval(s, t, p)
    nq = q["query"].shape[0]
    row = {k: p[k] for k in RETRIEVAL_DEFAULTS}
    row["queries"] = nq
    row["normaliser"] = label
    row["normaliser_kind"] = kind
    row["temperature"] = nopts.get("temperature")
    row.update(
        seed=s,
        trial=t,
        accuracy=float(np.mean(q["correct"])),
        mean_cosine=float(q["cosine"].mean()),
        mean_candidates=float(q["candidates"].mean()),
        read_seconds=elapsed,
        seconds_per_query=elapsed / nq,
    )
    return row


def retrieval_sweep(
    grid: Mapping[str, Sequence[Any]], *, trials: int = 4, seed: int = 0, **fixed: Any
) -> list[dict[str, Any]]:
    """Retrieval trials over a grid: one tidy row per (grid point, trial).

    Parameters
    ----------
    grid : mapping of parameter -> list of values
        E.g. ``{"slots": [100, 1000, 10000], "key_noise": [0.0, 0.5]}``; parameters as in
        :func:`retrieval_trial`. Normalisers are given as names or dicts:
        ``{"normaliser": ["sparsemax", "hard", {"kind": "softmax", "temperature": 0.1}]}``.
    trials, seed : int
    **fixed
        Parameters held fixed.

    Returns
    -------
    list of dict
        Rows of :func:`retrieval_trial`.

    Raises
    ------
    MemsimError
        If ``trials`` is not an integer >= 1 or ``seed`` not an integer >= 0; ``grid`` is not a
        mapping, or one of its entries is not a non-empty list; a parameter is in both ``grid`` and
        ``fixed``; two normalisers of the grid have the same label; or :func:`retrieval_trial`
        rejects a parameter (every grid point is checked before the first trial): an unknown
        name; ``slots``, ``key_dim``, ``value_dim``, ``features_per_slot`` or ``queries`` not an
        integer >= 1; ``key_noise`` not a finite real >= 0; ``hashing`` not a bool;
        ``n_features`` below ``features_per_slot``; ``max_frequency`` not an integer >= 0; a
        normaliser that is neither a name nor a dict with a ``'kind'``; an unknown score,
        normaliser or option (:func:`memsim.kv.kv_read`); or an overflowing score.

    References
    ----------
    Miller et al. (2016), "Key-value memory networks for directly reading documents", section 3.1:
    eqs. 1-2 (one read), eq. 4 (answer = best-matching value).
    """
    n_trials = integer(trials, "trials", low=1)
    points = grid_points(grid, fixed, _grid_entry_error, _grid_both_error)
    for params in points:  # every point checked before the first trial runs
        _resolve(params)
    if "normaliser" in grid:  # rows tell normalisers apart by label
        labels = [normaliser_spec(s)[2] for s in grid["normaliser"]]
        twice = sorted({x for x in labels if labels.count(x) > 1})
        if twice:
            raise MemsimError(
                f"two normalisers in grid['normaliser'] have the label(s) {twice}; give one "
                "a 'label'"
            )
    return [retrieval_trial(seed, t, **params) for params in points for t in range(n_trials)]


def _grid_entry_error(k: str, v: Any) -> str | None:
    if isinstance(v, (str, bytes, Mapping)) or not isinstance(v, (Sequence, np.ndarray)):
        return f"grid[{k!r}] must be a list of values, got {v!r}"
    return f"grid[{k!r}] is empty" if len(v) == 0 else None


def _grid_both_error(both: list[str]) -> str:
    return f"parameter(s) {both} given both in grid and as fixed"


@fill_doc(axis_tail=_axis_tail())
def accuracy_vs_slots(
    slots: Sequence[int] = (100, 1000, 10_000, 100_000), **kw: Any
) -> list[dict[str, Any]]:
    """Retrieval accuracy against the number of slots (other parameters via ``kw``).

    Parameters
    ----------
    slots : sequence of int >= 1
        Numbers of slots S.
    {axis_tail}
    """
    return retrieval_sweep({"slots": list(slots)}, **kw)


@fill_doc(axis_tail=_axis_tail())
def accuracy_vs_key_dim(
    key_dim: Sequence[int] = (4, 8, 16, 32, 64, 128), **kw: Any
) -> list[dict[str, Any]]:
    """Retrieval accuracy against the key dimension (values keep ``value_dim``, default d_k).

    Parameters
    ----------
    key_dim : sequence of int >= 1
        Key dimensions d_k.
    {axis_tail}
    """
    return retrieval_sweep({"key_dim": list(key_dim)}, **kw)


@fill_doc(axis_tail=_axis_tail())
def accuracy_vs_noise(
    key_noise: Sequence[float] = (0.0, 0.5, 1.0, 1.25, 1.5, 2.0, 3.0), **kw: Any
) -> list[dict[str, Any]]:
    """Retrieval accuracy against the relative key noise ``|noise| / |key|``.

    Parameters
    ----------
    key_noise : sequence of float >= 0
        Relative key noise levels.
    {axis_tail}
    """
    return retrieval_sweep({"key_noise": list(key_noise)}, **kw)


#: Normalisers compared by default in :func:`accuracy_vs_normaliser`.
DEFAULT_NORMALISERS: tuple[Any, ...] = (
    {"kind": "softmax", "temperature": 1.0},
    {"kind": "softmax", "temperature": 0.3},
    {"kind": "softmax", "temperature": 0.1},
    {"kind": "softmax", "temperature": 0.03},
    {"kind": "softmax", "temperature": 0.01},
    "sparsemax",
    "hard",
)


@fill_doc(
    axis_tail=_axis_tail(
        references=_MILLER
        + " Normalisers: Vaswani et al. (2017),\neq. 1 (softmax); Martins & Astudillo (2016), "
        "eq. 2 (sparsemax); Peters, Niculae & Martins\n(2019), section 3 (entmax)."
    )
)
def accuracy_vs_normaliser(
    normalisers: Sequence[Any] = DEFAULT_NORMALISERS, **kw: Any
) -> list[dict[str, Any]]:
    """Retrieval accuracy for several normalisers (softmax temperatures, sparsemax, hard, ...).

    Every normaliser sees the same memories and queries (paired comparison).

    Parameters
    ----------
    normalisers : sequence of str or dict
        Normaliser names or dicts with ``'kind'`` and options (and an optional ``'label'``).
    {axis_tail}
    """
    return retrieval_sweep({"normaliser": list(normalisers)}, **kw)


@fill_doc(
    axis_tail=_axis_tail(
        returns="list of dict\n    Rows of :func:`retrieval_trial`, one per (slots, hashing, "
        "trial).",
        references='Miller et al. (2016), "Key-value memory networks for directly reading '
        'documents", section 3.1\n(key hashing through an inverted index), eqs. 1-2 and 4.',
    )
)
def hashing_study(
    slots: Sequence[int] = (1000, 10_000, 100_000), **kw: Any
) -> list[dict[str, Any]]:
    """Key hashing on and off: accuracy and read time against the number of slots.

    The same memories and queries with and without hashing; ``read_seconds`` includes the
    candidate lookup. Timing rows are wall-clock on a possibly busy machine: compare within a
    run.

    Parameters
    ----------
    slots : sequence of int >= 1
        Numbers of slots S.
    {axis_tail}
    """
    return retrieval_sweep({"slots": list(slots), "hashing": [False, True]}, **kw)


# --------------------------------------------------------------------------- stories


def hops_study(
    tasks: Sequence[str] = TASKS,
    hops: Sequence[int] = (1, 2, 3),
    *,
    stories: int = 200,
    seed: int = 0,
    dim: Sequence[int] | int = 200,
    sentences: int = 10,
    story_options: Mapping[str, Any] | None = None,
    **reader: Any,
) -> list[dict[str, Any]]:
    """Accuracy of the scripted reader (:func:`memsim.kv.answer_stories`) per task and hops.

    Parameters
    ----------
    tasks : subset of TASKS
    hops : list of int
    stories : int
        Stories per task (the same stories for every hop count and dim).
    seed : int
        Seeds the stories and the word vectors.
    dim : int or list of int
        Word-vector dimensions.
    sentences : int
        Sentences per story.
    story_options : dict, optional
        More options of :func:`memsim.kv.generate_stories` (people, locations, objects,
        pick_probability).
    **reader
        Options of :func:`memsim.kv.answer_stories` (normaliser, encoding, program, ...).

    Returns
    -------
    list of dict
        Keys: task, hops, dim, sentences, stories, seed, accuracy, correct, plus the mean
        attention on the supporting facts at the last hop (``support_weight``).

    Raises
    ------
    MemsimError
        If :func:`memsim.kv.generate_stories` rejects a task, ``stories``, ``seed``,
        ``sentences`` or a value in ``story_options``; or
        :func:`memsim.kv.answer_stories` rejects a hop count, a dimension, or an option in
        ``reader`` (unknown score, normaliser or option, bad ``program``).
    TypeError
        If ``story_options`` has an option :func:`memsim.kv.generate_stories` does not take.

    References
    ----------
    Weston et al. (2015), "Towards AI-complete question answering: a set of prerequisite toy tasks",
    tasks 1-2. Sukhbaatar, Szlam, Weston & Fergus (2015), "End-to-end memory networks", section 2.2
    (multiple hops). Miller et al. (2016), "Key-value memory networks for directly reading
    documents", eq. 3 (query update).
    """
    dims = [dim] if isinstance(dim, (int, np.integer)) else list(dim)
    rows = []
    for task in tasks:
        st = generate_stories(
            task, stories, seed=seed, sentences=sentences, **dict(story_options or {})
        )
        for d in dims:
            for h in hops:
                res = answer_stories(st, hops=h, dim=d, seed=seed, **reader)
                sup = res.supporting
                last = res.weights[-1]
                n = last.shape[0]
                mass = np.zeros(n)
                for col in range(sup.shape[1]):
                    ok = sup[:, col] >= 0
                    mass[ok] += last[np.flatnonzero(ok), sup[ok, col]]
                rows.append(
                    {
                        "task": task,
                        "hops": int(h),
                        "dim": int(d),
                        "sentences": int(sentences),
                        "stories": int(stories),
                        "seed": int(seed),
                        "accuracy": res.accuracy,
                        "correct": int(res.correct.sum()),
                        "support_weight": float(mass.mean()) if n else 0.0,
                    }
                )
    return rows


@dataclass(frozen=True)
class StoryAttention:
    """Attention of the scripted reader over one story's sentences, hop by hop.

    Attributes
    ----------
    sentences : tuple of str
        The sentences (heat-map rows or columns), oldest first.
    question, answer, predicted : str
    weights : (H, n_sentences) float64
        Attention at every hop (rows sum to 1).
    supporting : tuple of int
        Indices of the supporting sentences.
    """

    sentences: tuple[str, ...]
    question: str
    answer: str
    predicted: str
    weights: np.ndarray
    supporting: tuple[int, ...]

    def rows(self) -> list[dict[str, Any]]:
        """Tidy rows: one per (hop, sentence) with its weight and whether it supports."""
        return [
            {
                "hop": h + 1,
                "sentence_index": i,
                "sentence": s,
                "weight": float(self.weights[h, i]),
                "supporting": i in self.supporting,
            }
            for h in range(self.weights.shape[0])
            for i, s in enumerate(self.sentences)
        ]


def story_attention(
    task: str = "two_facts",
    *,
    index: int = 0,
    hops: int = 2,
    seed: int = 0,
    dim: int = 200,
    sentences: int = 10,
    story_options: Mapping[str, Any] | None = None,
    **reader: Any,
) -> StoryAttention:
    """The attention over sentences per hop for story ``index`` of a seeded task (heat map).

    Parameters
    ----------
    task : {"one_fact", "two_facts"}
        Story task.
    index : int >= 0
        Which story of the seeded task.
    hops : int >= 1
        Number of hops H.
    seed : int >= 0
        Seeds the stories and the word vectors.
    dim : int >= 1
        Word-vector dimension.
    sentences : int >= 1
        Sentences per story.
    story_options : dict, optional
        More options of :func:`memsim.kv.generate_stories`.
    **reader
        Options of :func:`memsim.kv.answer_stories`.

    Returns
    -------
    StoryAttention
        Sentences, question, answer, prediction and the (H, n_sentences) weights.

    Raises
    ------
    MemsimError
        If ``index`` is not an integer >= 0; :func:`memsim.kv.generate_stories` rejects
        ``task``, ``seed``, ``sentences`` or a value in ``story_options``; or
        :func:`memsim.kv.answer_stories` rejects ``hops``, ``dim`` or an option in
        ``reader``.
    TypeError
        If ``story_options`` has an option :func:`memsim.kv.generate_stories` does not take.

    References
    ----------
    Weston et al. (2015), "Towards AI-complete question answering: a set of prerequisite toy tasks",
    tasks 1-2. Sukhbaatar, Szlam, Weston & Fergus (2015), "End-to-end memory networks", section 2.2
    (attention over the sentences at every hop).
    """
    i = integer(index, "index", low=0)
    st = generate_stories(task, i + 1, seed=seed, sentences=sentences, **dict(story_options or {}))[
        i
    ]
    res = answer_stories([st], hops=hops, dim=dim, seed=seed, **reader)
    n = len(st.sentences)
    w = np.array(res.weights[:, 0, :n])
    readonly(w)
    return StoryAttention(
        tuple(" ".join(s) for s in st.sentences),
        " ".join(st.question),
        st.answer,
        res.predicted[0],
        w,
        st.supporting,
    )

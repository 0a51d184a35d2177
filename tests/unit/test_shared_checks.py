"""The shared argument checks of memsim._checks as the engines use them: ragged input,
wrong shapes and unknown names give one MemsimError naming the argument (never a ValueError
or TypeError from numpy), with the same text in every engine."""

from __future__ import annotations

import numpy as np
import pytest

from memsim import attention as A
from memsim.errors import MemsimError
from memsim.experiments.studies import kv as kv_studies
from memsim.hopfield import classical, dense, modern

XI = np.array([[1, -1, 1, -1], [1, 1, -1, -1]], dtype=np.int8)
RAGGED = [[1, -1, 1], [1, -1]]


def _w():
    return classical.store(XI)


@pytest.mark.parametrize(
    "call,name",
    [
        (lambda: classical.store(RAGGED), "patterns"),
        (lambda: classical.recall(classical.store(XI), RAGGED), "cues"),
        (lambda: dense.dense_recall(RAGGED, XI), "stored"),
        (lambda: dense.dense_recall(XI, RAGGED), "cues"),
        (lambda: modern.retrieve(RAGGED, np.zeros(3), 1.0), "stored"),
        (lambda: modern.retrieve(np.ones((2, 3)), RAGGED, 1.0), "queries"),
    ],
    ids=["store", "recall", "dense_stored", "dense_cues", "modern_stored", "modern_queries"],
)
def test_ragged_input_is_named(call, name):
    with pytest.raises(MemsimError, match=rf"^{name} must be a numeric array \(numpy could not"):
        call()


def test_stored_too_small_names_the_unit():
    with pytest.raises(MemsimError, match=r"stored needs at least 1 pattern and 1 dimension,"):
        modern.retrieve(np.zeros((2, 0)), np.zeros(0), 1.0)
    with pytest.raises(MemsimError, match=r"patterns needs at least 1 pattern and 2 neurons,"):
        classical.store(np.ones((3, 1)))
    with pytest.raises(MemsimError, match=r"P patterns x d dimensions"):
        modern.retrieve(np.zeros(3), np.zeros(3), 1.0)


def test_cue_width_message_names_both_forms():
    w = classical.store(XI)
    with pytest.raises(MemsimError, match=r"\(B, 4\) or \(4,\) to match the weights, got \(2, 5\)"):
        classical.recall(w, np.ones((2, 5), dtype=np.int8))


@pytest.mark.parametrize(
    "call,text",
    [
        (lambda: classical.store(XI, rule=["hebbian"]), "unknown storage rule ['hebbian']"),
        (lambda: classical.recall(_w(), XI, dynamics=None), "unknown dynamics None"),
        (lambda: classical.recall(_w(), XI, order={}), "unknown update order {}"),
        (lambda: dense.dense_recall(XI, XI, dynamics=1), "unknown dynamics 1; allowed: async"),
        (lambda: A.attend(np.ones(3), np.ones((2, 3)), np.ones((2, 3)), score="dott"), "'dot'"),
    ],
    ids=["rule", "dynamics", "order", "dense_dynamics", "score"],
)
def test_unknown_names_are_refused_with_the_choices(call, text):
    with pytest.raises(MemsimError) as err:
        call()
    assert text in str(err.value)


@pytest.mark.parametrize(
    "spec,text",
    [
        ({"temperature": 1.0}, "needs a 'kind' (one of ["),
        (3.5, "must be a name (one of ["),
        (["softmax"], "must be a name (one of ["),
    ],
)
def test_normaliser_specs_are_parsed_alike(spec, text):
    """compare_normalisers and the kv studies read a normaliser spec with one parser."""
    with pytest.raises(MemsimError, match=r"^specs\[0\] ") as a:
        A.compare_normalisers([[0.0, 1.0]], [spec])
    with pytest.raises(MemsimError, match=r"^normaliser ") as b:
        kv_studies.retrieval_trial(seed=1, trial=0, normaliser=spec)
    assert text in str(a.value) and text in str(b.value)


def test_normaliser_spec_labels():
    from memsim.attention.normalisers import normaliser_spec

    assert normaliser_spec("hard") == ("hard", {}, "hard")
    assert normaliser_spec({"kind": "topk", "temperature": 0.5, "k": 2}) == (
        "topk",
        {"temperature": 0.5, "k": 2},
        "topk(k=2, temperature=0.5)",
    )
    assert normaliser_spec({"kind": "softmax", "label": 7})[2] == "7"
    out = A.compare_normalisers([[0.0, 1.0]], [{"kind": "softmax", "temperature": 0.5}])
    assert list(out) == ["softmax(temperature=0.5)"]


@pytest.mark.parametrize(
    "call,text",
    [
        (lambda: classical.recall(_w(), XI, max_sweeps=None), "max_sweeps must be an integer"),
        (lambda: classical.recall(_w(), XI, max_sweeps=float("nan")), "max_sweeps must be an"),
        (lambda: classical.recall(_w(), XI, temperature="hot"), "temperature must be a real"),
        (lambda: classical.recall(_w(), XI, max_sweeps=1e30), "max_sweeps: the energy"),
        (lambda: dense.dense_recall(XI, XI, max_sweeps=1e30), "max_sweeps: the energy"),
        (lambda: dense.dense_recall(XI, XI, n=None), "n is the degree of the polynomial"),
        (lambda: dense.dense_recall(XI, XI, interaction=["x"]), "unknown interaction ['x']"),
        (lambda: modern.retrieve(np.ones((2, 3)), np.ones(3), 10**400), "beyond the float range"),
        (lambda: modern.energy(np.ones((2, 3)), np.ones(3), 1.0, normaliser="bogus"), "'bogus'"),
        (
            lambda: modern.retrieve(np.ones((2, 3)), np.ones(3), 1.0, normaliser="x", steps=0),
            "unknown normaliser 'x'",
        ),
        (
            lambda: modern.retrieve(np.ones((2, 3)), [1] * 3, 1, normaliser="entmax", alpha=None),
            "alpha must be a real number",
        ),
        (lambda: A.softmax_readout(np.ones((1, 2)), np.ones((2, 2)), np.ones((2, 2)), beta=10**400),
         "beta must be finite"),
        (lambda: classical.energy(classical.store(XI), RAGGED), "states must be a numeric array"),
        (lambda: classical.recall(RAGGED, XI[0]), "weights must be a numeric array"),
    ],
    ids=lambda x: "" if callable(x) else x[:24],
)
def test_bad_numbers_and_arrays_are_memsim_errors(call, text):
    """Numbers that float()/int() cannot take, sizes beyond memory and ragged arrays: one
    MemsimError naming the argument (these escaped as TypeError, ValueError or OverflowError)."""
    with pytest.raises(MemsimError) as err:
        call()
    assert text in str(err.value)


def test_modern_retrieve_gives_overflow_advice_only_for_overflow():
    with pytest.raises(MemsimError) as err:
        modern.retrieve(np.ones((3, 2)), np.ones(2), 1.0, normaliser="topk", k=0)
    assert "k must be >= 1" in str(err.value) and "reduce beta" not in str(err.value)


@pytest.mark.parametrize(
    "spec,text",
    [
        ({"kind": "softmax", 1: 2}, "option names must be strings"),
        ({"kind": "softmax", "axis": 0}, "does not take option(s) ['axis']"),
        ({"kind": "softmax", "score": "dot"}, "does not take option(s) ['score']"),
        ({"kind": 1}, "'kind' must be one of"),
        ({"kind": "topk"}, "needs option(s) ['k']"),
    ],
)
def test_normaliser_spec_options_are_checked_by_name(spec, text):
    """Spec options become keyword arguments: names the normaliser does not take (or that the
    caller sets, like axis) are refused before any call."""
    with pytest.raises(MemsimError) as a:
        A.compare_normalisers([[0.0, 1.0]], [spec])
    with pytest.raises(MemsimError) as b:
        kv_studies.retrieval_trial(seed=1, trial=0, normaliser=spec, slots=20, queries=4)
    assert text in str(a.value) and text in str(b.value)


def test_kv_sweep_refuses_duplicate_labels_and_checks_every_point_first(monkeypatch):
    with pytest.raises(MemsimError, match=r"label\(s\) \['softmax'\]"):
        kv_studies.accuracy_vs_normaliser(["softmax", "softmax"], trials=1, slots=20, queries=4)
    ran = []
    monkeypatch.setattr(kv_studies, "retrieval_trial", lambda *a, **k: ran.append(k))
    with pytest.raises(MemsimError, match="slots"):
        kv_studies.retrieval_sweep({"slots": [20, 0]}, trials=1, queries=4)
    assert ran == []  # the bad second point was found before any trial ran

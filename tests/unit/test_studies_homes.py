"""The sweeps moved out of the engines into memsim.experiments.studies keep their old import
paths (issue 16: engines expose physics only), and the BAM per-trial function adds up to the
capacity curve."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from memsim.experiments.studies import bam as bam_studies

MOVED = [
    ("memsim.hopfield.bam", "memsim.experiments.studies.bam", "capacity_curve"),
    ("memsim.hopfield.bam", "memsim.experiments.studies.bam", "BAMCapacity"),
    ("memsim.hopfield.willshaw", "memsim.experiments.studies.willshaw", "capacity_curve"),
    ("memsim.hopfield.willshaw", "memsim.experiments.studies.willshaw", "WillshawCapacity"),
    ("memsim.hopfield.continuous", "memsim.experiments.studies.continuous", "gain_sweep"),
    ("memsim.hopfield.continuous", "memsim.experiments.studies.continuous", "GainSweep"),
]


@pytest.mark.parametrize("old,new,name", MOVED, ids=[f"{o}.{n}" for o, _, n in MOVED])
def test_old_path_is_the_study(old, new, name):
    engine, study = importlib.import_module(old), importlib.import_module(new)
    assert getattr(engine, name) is getattr(study, name)
    assert getattr(study, name).__module__ == new
    # the engine's public list names physics only
    assert name not in engine.__all__ and name in study.__all__


@pytest.mark.parametrize("old", sorted({o for o, _, _ in MOVED}))
def test_engine_unknown_name_still_raises(old):
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        _ = importlib.import_module(old).not_a_name


def test_capacity_trials_average_to_the_curve():
    """The runner's per-trial function (memsim capacity, kind bam) is the curve's trial."""
    pairs, trials = [2, 9], 3
    c = bam_studies.capacity_curve(30, 20, pairs, trials=trials, flip=0.2, seed=5)
    for k, p in enumerate(pairs):
        rows = np.array(
            [bam_studies._capacity_trial(30, 20, p, t, 0.2, 5, 50) for t in range(trials)]
        )
        assert np.array_equal(rows.mean(axis=0), [c.stable[k], c.recalled[k], c.bit_error[k]])
        assert ((rows >= 0) & (rows <= 1)).all()
    # a single pair is a fixed point and its one-step error is zero (crosstalk needs P >= 2)
    assert bam_studies._capacity_trial(30, 20, 1, 0, 0.0, 5, 50) == (1.0, 1.0, 0.0)

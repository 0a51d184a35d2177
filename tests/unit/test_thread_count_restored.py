"""``threads=`` on a public function holds for that call only: the caller's Numba thread count is
the same afterwards (a gallery script that passed ``threads=1`` once ran everything after it on
one thread)."""

from __future__ import annotations

import numba
import numpy as np
import pytest

from memsim.hopfield import bam, classical, dense, modern, sequence, willshaw

pytestmark = pytest.mark.skipif(
    numba.config.NUMBA_NUM_THREADS < 2, reason="needs at least 2 Numba threads to tell 1 from many"
)


def _pm(rng, shape):
    return np.where(rng.random(shape) < 0.5, -1, 1).astype(np.int8)


def _calls():
    rng = np.random.default_rng(0)
    X = _pm(rng, (4, 32))
    Y = _pm(rng, (4, 16))
    seqw = sequence.store(X)
    B = (rng.random((3, 40)) < 0.1).astype(np.int8)
    ww = willshaw.store(B)
    return {
        "classical.recall": lambda t: classical.recall(classical.store(X), X[:2], threads=t),
        "modern.retrieve": lambda t: modern.retrieve(
            X.astype(float), X[:2].astype(float), 1.0, threads=t
        ),
        "dense.dense_recall": lambda t: dense.dense_recall(
            X, X[:2], "polynomial", 3, seed=1, threads=t
        ),
        "bam.recall": lambda t: bam.recall(bam.store(X, Y), x=X[:2], threads=t),
        "sequence.recall": lambda t: sequence.recall(seqw, X[:2], 3, threads=t),
        "willshaw.recall": lambda t: willshaw.recall(ww, B[:2], threads=t),
    }


@pytest.mark.parametrize("name", sorted(_calls()))
def test_threads_argument_does_not_leak(name):
    call = _calls()[name]
    many = min(2, numba.config.NUMBA_NUM_THREADS)
    numba.set_num_threads(many)
    call(1)
    assert numba.get_num_threads() == many
    numba.set_num_threads(1)
    call(2)
    assert numba.get_num_threads() == 1
    numba.set_num_threads(many)

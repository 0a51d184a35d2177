"""One pattern generator (issue 16): ``memsim.patterns.random_patterns`` gives every stream the
three former generators gave, bit for bit, so no number changes; the old names still work.

The references below are the three former implementations written out in plain numpy
(the streams: uniform draws against a threshold; int8 coin flips; int64 coin flips, Gaussian and
sphere draws), so a change of the random stream fails here.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from memsim import patterns
from memsim._rng import generator
from memsim.errors import MemsimError
from memsim.hopfield import dense, modern


def _ref_threshold(p, n, bias, rng):
    return np.where(rng.random((p, n)) < (1.0 + bias) / 2.0, 1, -1).astype(np.int8)


def _ref_coin_int8(p, n, rng):
    return (2 * rng.integers(0, 2, size=(p, n), dtype=np.int8) - 1).astype(np.int8)


def _ref_float(p, n, kind, rng):
    if kind == "binary":
        return 2.0 * rng.integers(0, 2, size=(p, n)) - 1.0
    g = rng.standard_normal((p, n))
    if kind == "sphere":
        g = g / np.linalg.norm(g, axis=1, keepdims=True) * math.sqrt(n)
    return g


@pytest.mark.parametrize("seed", [0, 7])
@pytest.mark.parametrize("p,n", [(1, 2), (3, 7), (20, 101)])
@pytest.mark.parametrize("bias", [0.0, 0.3, -0.5])
def test_binary_stream_unchanged(seed, p, n, bias):
    got = patterns.random_patterns(p, n, bias, generator(seed, 4))
    want = _ref_threshold(p, n, bias, generator(seed, 4))
    assert got.dtype == np.int8 and np.array_equal(got, want)
    seeded = patterns.random_patterns(p, n, bias, seed=seed)
    assert np.array_equal(seeded, _ref_threshold(p, n, bias, generator(seed)))
    keyed = patterns.random_patterns(p, n, bias, seed=seed, keys=(n, p))
    assert np.array_equal(keyed, _ref_threshold(p, n, bias, generator(seed, n, p)))


@pytest.mark.parametrize("seed", [0, 3])
@pytest.mark.parametrize("p,n", [(1, 1), (4, 9), (30, 64)])
def test_dense_alias_is_the_coin_stream(seed, p, n):
    got = dense.random_patterns(p, n, seed, n, p)
    want = _ref_coin_int8(p, n, generator(seed, n, p))
    assert got.dtype == np.int8 and np.array_equal(got, want)
    one = patterns.random_patterns(p, n, seed=seed, keys=(n, p), distribution="coin")
    assert np.array_equal(one, want)


@pytest.mark.parametrize("kind", ["binary", "gaussian", "sphere"])
@pytest.mark.parametrize("p,n", [(0, 3), (1, 1), (5, 16)])
def test_modern_alias_streams(kind, p, n):
    got = modern.random_patterns(p, n, kind, 2, n, p)
    want = _ref_float(p, n, kind, generator(2, n, p))
    assert got.dtype == np.float64 and np.array_equal(got, want)
    dist = "coin" if kind == "binary" else kind
    one = patterns.random_patterns(p, n, seed=2, keys=(n, p), distribution=dist, dtype=np.float64)
    assert np.array_equal(one, want)


def test_sphere_rows_have_norm_sqrt_n():
    x = patterns.random_patterns(50, 30, seed=1, distribution="sphere")
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), math.sqrt(30), rtol=1e-12)


def test_binary_mean_is_the_bias():
    x = patterns.random_patterns(200, 500, 0.4, seed=3)
    # 100000 entries of mean 0.4 and variance 1 - 0.16: 5 standard errors is about 0.015
    assert abs(x.mean() - 0.4) < 0.015


def test_old_keywords_warn_and_give_the_same_array():
    with pytest.warns(DeprecationWarning) as rec:
        old = patterns.random_patterns(count=4, size=12, seed=5)
    said = sorted(str(w.message) for w in rec)
    assert said == [
        "random_patterns: the keyword count= is deprecated; use n_patterns=",
        "random_patterns: the keyword size= is deprecated; use n_neurons=",
    ]
    assert np.array_equal(old, patterns.random_patterns(n_patterns=4, n_neurons=12, seed=5))
    with pytest.raises(MemsimError, match="give n_neurons only"):
        patterns.random_patterns(4, n_neurons=12, size=12)


def test_new_keywords_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        patterns.random_patterns(n_patterns=2, n_neurons=5, seed=0)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"distribution": "gaussian", "bias": 0.2}, "bias must be 0"),
        ({"distribution": "gaussian", "dtype": np.int8}, "dtype"),
        ({"dtype": "nonsense"}, "dtype"),
        ({"distribution": "uniform"}, "distribution"),
    ],
)
def test_refusals_name_the_argument(kwargs, match):
    with pytest.raises(MemsimError, match=match):
        patterns.random_patterns(3, 8, seed=0, **kwargs)


def test_studies_moved_and_old_homes_still_work():
    """The capacity studies live in memsim.experiments.studies; the engine names re-export them
    and the renamed keywords (patterns=, dim=) still give the same numbers, with a warning."""
    from memsim.experiments.studies import dense as dstudies
    from memsim.experiments.studies import modern as mstudies

    assert dense.measure_capacity is dstudies.measure_capacity
    assert modern.capacity_table is mstudies.capacity_table
    new = dstudies.bit_error_rate(60, 12, cues=12, seed=4)
    with pytest.warns(DeprecationWarning, match="patterns= is deprecated; use n_patterns="):
        old = dense.bit_error_rate(60, patterns=12, cues=12, seed=4)
    assert old == new
    with pytest.warns(DeprecationWarning, match="dim= is deprecated; use n_neurons="):
        old = modern.retrieval_rate(dim=16, n_patterns=4, queries=4, seed=1)
    assert old == mstudies.retrieval_rate(16, 4, queries=4, seed=1)
    with pytest.raises(AttributeError):
        _ = dense.no_such_study

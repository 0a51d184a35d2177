"""memsim.sdm against the plain-numpy reference (tests/reference_sdm.py)."""

from __future__ import annotations

import numba
import numpy as np
import pytest
import reference_sdm as ref

from memsim import sdm
from memsim.errors import MemsimError
from memsim.sdm.memory import pack


def _bits(shape, seed):
    return (np.random.default_rng(seed).random(shape) < 0.5).astype(np.uint8)


def test_locations_deterministic_and_binary():
    a, b = sdm.locations(30, 70, seed=3), sdm.locations(30, 70, seed=3)
    np.testing.assert_array_equal(a, b)
    assert a.dtype == np.uint8 and set(np.unique(a)) <= {0, 1}
    assert not np.array_equal(a, sdm.locations(30, 70, seed=4))


def test_pack_distance_matches_unpacked():
    from memsim.sdm import _kernels as K

    x, y = _bits((5, 130), 0), _bits((5, 130), 1)  # 130 bits: three words, padded
    px, py = pack(x), pack(y)
    assert px.shape == (5, 3)
    for i in range(5):
        assert K.hamming(px[i], py[i]) == int((x[i] != y[i]).sum())


@pytest.mark.parametrize("n", [20, 64, 100])
@pytest.mark.parametrize("bipolar", [False, True])
def test_write_read_match_reference(n, bipolar):
    loc = sdm.locations(80, n, seed=1)
    addr = _bits((12, n), 2)
    data = _bits((12, 9), 3)
    if bipolar:
        data = (2 * data.astype(np.int8) - 1).astype(np.int8)
    r = int(n * 0.42)
    c = sdm.write(loc, addr, data, r)
    np.testing.assert_array_equal(c, ref.write(loc, addr, data, r))
    cues = _bits((7, n), 4)
    cues[:3] = addr[:3]
    out, counts, sums = sdm.read(c, loc, cues, r, return_counts=True, return_sums=True)
    want, wc, ws = ref.read(c.astype(np.int64), loc, cues, r)
    np.testing.assert_array_equal(out, want)
    np.testing.assert_array_equal(counts, wc)
    np.testing.assert_array_equal(sums, ws)
    bp = sdm.read(c, loc, cues, r, bipolar=True)
    np.testing.assert_array_equal(bp, 2 * want.astype(np.int8) - 1)


def test_write_accumulates_and_single_cue():
    loc = sdm.locations(50, 32, seed=5)
    a, d = _bits((4, 32), 6), _bits((4, 5), 7)
    c1 = sdm.write(loc, a[:2], d[:2], 12)
    c2 = sdm.write(loc, a[2:], d[2:], 12, counters=c1)
    np.testing.assert_array_equal(c2, sdm.write(loc, a, d, 12))
    out = sdm.read(c2, loc, a[0], 12)
    assert out.shape == (5,)


def test_intersection_size_exact_count():
    n, r = 10, 4
    for d in range(n + 1):
        assert sdm.intersection_size(n, r, d) == ref.intersection_brute(n, r, d)
    # d = 0: the whole ball
    np.testing.assert_equal(sdm.intersection_size(12, 3, 0), 1 + 12 + 66 + 220)


def test_activation_probability_is_binomial_cdf():
    from scipy import stats

    for n, r in ((10, 3), (256, 110), (1000, 451)):
        np.testing.assert_allclose(
            sdm.activation_probability(n, r), stats.binom.cdf(r, n, 0.5), rtol=1e-10
        )


def test_weights_rows_normalised():
    a, q = _bits((20, 64), 8), _bits((3, 64), 9)
    w1, w2 = sdm.intersection_weights(q, a, 26), sdm.attention_weights(q, a, 26)
    np.testing.assert_allclose(w1.sum(1), 1.0)
    np.testing.assert_allclose(w2.sum(1), 1.0)


def test_thread_count_independent():
    loc = sdm.locations(400, 128, seed=2)
    a, d = _bits((60, 128), 10), _bits((60, 16), 11)
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        c1 = sdm.write(loc, a, d, 54)
        o1 = sdm.read(c1, loc, a, 54, return_sums=True)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        c2 = sdm.write(loc, a, d, 54)
        o2 = sdm.read(c2, loc, a, 54, return_sums=True)
    finally:
        numba.set_num_threads(old)
    np.testing.assert_array_equal(c1, c2)
    np.testing.assert_array_equal(o1[1], o2[1])


def valid_arguments(call: str) -> dict:
    """Fresh valid arguments of ``sdm.write`` or ``sdm.read``; each case below spoils one."""
    return {
        "write": {
            "locations": np.ones((5, 8)),
            "addresses": np.ones((3, 8)),
            "data": np.ones((3, 4)),
            "radius": 3,
        },
        "read": {
            "counters": np.zeros((5, 3), dtype=np.int32),
            "locations": np.ones((5, 8)),
            "cues": np.ones((2, 8)),
            "radius": 3,
        },
    }[call]


@pytest.mark.parametrize(
    "call, kwargs, name",
    [
        ("write", {"locations": np.full((5, 8), 2)}, "locations"),
        ("write", {"addresses": np.ones((3, 7))}, "addresses"),
        ("write", {"data": np.full((3, 4), 2)}, "data"),
        ("write", {"data": np.ones((2, 4))}, "data"),
        ("write", {"data": [[0, 1, -1, 1]] * 3}, "data"),
        ("write", {"radius": -1}, "radius"),
        ("write", {"radius": 9}, "radius"),
        ("write", {"radius": 2.5}, "radius"),
        ("write", {"counters": np.zeros((5, 3))}, "counters"),
        ("write", {"counters": np.zeros((5, 4))}, "counters"),
        ("read", {"counters": np.zeros((4, 3), dtype=int)}, "counters"),
        ("read", {"counters": np.zeros((5, 3))}, "counters"),
        ("read", {"cues": np.ones((2, 9))}, "cues"),
        ("read", {"cues": np.full((2, 8), np.nan)}, "cues"),
        ("read", {"radius": 100}, "radius"),
    ],
)
def test_bad_argument_is_named(call, kwargs, name):
    args = {**valid_arguments(call), **kwargs}
    with pytest.raises(MemsimError, match=name):
        getattr(sdm, call)(**args)


def test_other_errors():
    with pytest.raises(MemsimError, match="M"):
        sdm.locations(0, 8)
    with pytest.raises(MemsimError, match="n"):
        sdm.locations(3, -1)
    with pytest.raises(MemsimError, match="d must"):
        sdm.intersection_size(8, 3, 9)
    with pytest.raises(MemsimError, match="beta"):
        sdm.attention_weights(np.ones((1, 8)), np.ones((2, 8)), 3, beta=float("nan"))

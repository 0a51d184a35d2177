"""Sparse distributed memory against Kanerva (1988) and Bricken & Pehlevan (2021)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from memsim import sdm

pytestmark = pytest.mark.validation

N, R, M = 256, 112, 6000


def _bits(shape, seed):
    return (np.random.default_rng(seed).random(shape) < 0.5).astype(np.uint8)


def test_activation_probability_matches_binomial():
    loc = sdm.locations(M, N, seed=1)
    q = _bits((300, N), 2)
    _, counts = sdm.read(np.zeros((M, 1), np.int32), loc, q, R, return_counts=True)
    p = stats.binom.cdf(R, N, 0.5)
    se = np.sqrt(p * (1 - p) / (M * 300))
    # counts share the locations, so allow a generous multiple of the naive standard error
    assert abs(counts.mean() / M - p) < 6 * se + 0.1 * p


def test_shared_locations_match_intersection_count():
    loc = sdm.locations(M, N, seed=3)
    rng = np.random.default_rng(4)
    for d in (0, 20, 60):
        a = _bits((200, N), 5 + d)
        b = a.copy()
        for k in range(200):
            b[k, rng.choice(N, d, replace=False)] ^= 1
        # write +1 to the locations active at a; a read at b sums them over the shared ones
        shared = []
        for k in range(40):
            c = sdm.write(loc, a[k : k + 1], np.ones((1, 1), np.int8), R)
            _, s = sdm.read(c, loc, b[k], R, return_sums=True)
            shared.append(int(s[0]))
        expected = M * sdm.intersection_size(N, R, d) / 2.0**N
        assert abs(np.mean(shared) - expected) < 4 * np.sqrt(expected / 40) + 0.1 * expected


def test_read_accuracy_low_load_and_degradation():
    loc = sdm.locations(M, N, seed=6)
    acc = {}
    for items in (50, 200):
        addr = _bits((items, N), 7)
        c = sdm.write(loc, addr, addr, R)  # autoassociative
        for flip in (0.0, 0.05, 0.3):
            cue = addr.copy()
            cue[np.random.default_rng(8).random(cue.shape) < flip] ^= 1
            acc[items, flip] = (sdm.read(c, loc, cue, R) == addr).mean()
    assert acc[50, 0.0] > 0.999 and acc[50, 0.05] > 0.99  # low load: exact recall
    assert acc[200, 0.05] < acc[50, 0.05]  # load degrades recall
    assert acc[50, 0.3] < acc[50, 0.0] - 0.05  # far cues are no longer pulled to the item


def test_softmax_approximates_intersection_weights():
    d = np.arange(0, min(2 * R, N // 2) + 1)
    size = sdm.intersection_size(N, R, d)
    cos = 1 - 2 * d / N
    ln = np.log(size)
    fit = np.polyval(np.polyfit(cos, ln, 1), cos)
    r2 = 1 - ((ln - fit) ** 2).sum() / ((ln - ln.mean()) ** 2).sum()
    assert r2 > 0.95  # close to exponential in the cosine similarity
    addr = _bits((60, N), 9)
    cue = addr[:20].copy()
    cue[np.random.default_rng(10).random(cue.shape) < 0.1] ^= 1
    w_sdm = sdm.intersection_weights(cue, addr, R)
    w_att = sdm.attention_weights(cue, addr, R)
    tv = 0.5 * np.abs(w_sdm - w_att).sum(axis=1)
    assert tv.mean() < 0.15
    # both put the largest weight on the item the cue came from
    assert (w_sdm.argmax(1) == np.arange(20)).all() and (w_att.argmax(1) == np.arange(20)).all()

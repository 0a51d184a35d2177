"""memsim.hopfield.continuous against plain-numpy references (tests/reference_continuous.py)."""

from __future__ import annotations

import numpy as np
import pytest
import reference_continuous as ref

from memsim.errors import MemsimError
from memsim.experiments.studies import continuous as studies
from memsim.hopfield import continuous as ct


def _sym(n, seed):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n, n)) / np.sqrt(n)
    w = (a + a.T) / 2
    np.fill_diagonal(w, 0)
    return w


@pytest.mark.parametrize("method", ["RK45", "DOP853", "Radau"])
def test_trajectory_matches_rk4(method):
    W = _sym(12, 0)
    I = np.linspace(-0.2, 0.2, 12)
    u0 = np.random.default_rng(1).normal(size=(2, 12)) * 0.3
    r = ct.simulate(
        W, u0, 5.0, gain=2.0, tau=0.7, I=I, points=11, method=method, rtol=1e-10, atol=1e-12
    )
    for b in range(2):
        want = ref.rk4(W, u0[b], 5.0, 2.0, 0.7, I, 2000)[::200]
        np.testing.assert_allclose(r.u[b], want, atol=1e-6)
        np.testing.assert_allclose(r.V[b], np.tanh(2.0 * want), atol=1e-6)
    assert r.success.all() and r.t.shape == (11,)


def test_energy_matches_artanh_form():
    W = _sym(10, 2)
    I = np.full(10, 0.1)
    u = np.random.default_rng(3).normal(size=(4, 10))
    for gain in (0.5, 3.0):
        e = ct.energy(W, u, gain, I)
        want = [ref.energy(W, np.tanh(gain * x), gain, I) for x in u]
        np.testing.assert_allclose(e, want, rtol=1e-9, atol=1e-12)


def test_energy_finite_at_huge_gain():
    W = _sym(10, 4)
    e = ct.energy(W, np.ones(10), 1e6)
    assert np.isfinite(e)


def test_energy_non_increasing_and_single_cue():
    W = _sym(20, 5)
    r = ct.simulate(
        W, np.random.default_rng(6).normal(size=20), 20.0, gain=4.0, rtol=1e-9, atol=1e-11
    )
    assert r.u.shape == (101, 20) and r.energy.shape == (101,)
    assert np.diff(r.energy).max() < 1e-9


def test_gain_sweep_shapes():
    W = _sym(8, 7)
    xi = np.where(np.random.default_rng(8).random((3, 8)) < 0.5, 1, -1)
    s = studies.gain_sweep(W, 0.1 * xi, [0.5, 10.0], 10.0, targets=xi, points=5)
    assert s.amplitude.shape == (2, 3) and s.overlap.shape == (2, 3) and s.agrees.shape == (2, 3)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"weights": np.ones((3, 4))}, "weights"),
        ({"weights": np.full((4, 4), np.nan)}, "weights"),
        ({"u0": np.ones(5)}, "u0"),
        ({"u0": [np.inf] * 4}, "u0"),
        ({"duration": 0.0}, "duration"),
        ({"gain": -1.0}, "gain"),
        ({"gain": float("nan")}, "gain"),
        ({"tau": 0.0}, "tau"),
        ({"I": np.ones(3)}, "I"),
        ({"points": 1}, "points"),
        ({"method": "Euler"}, "method"),
        ({"rtol": -1e-3}, "rtol"),
        ({"atol": 0}, "atol"),
    ],
)
def test_simulate_errors(kwargs, name):
    args = {"weights": np.eye(4), "u0": np.ones(4)}
    args.update(kwargs)
    with pytest.raises(MemsimError, match=name):
        ct.simulate(**args)


def test_gain_sweep_errors():
    with pytest.raises(MemsimError, match="gains"):
        studies.gain_sweep(np.eye(4), np.ones(4), [])
    with pytest.raises(MemsimError, match="bogus"):
        studies.gain_sweep(np.eye(4), np.ones(4), [1.0], bogus=1)
    with pytest.raises(MemsimError, match="targets"):
        studies.gain_sweep(np.eye(4), np.ones(4), [1.0], targets=np.zeros(4))
    with pytest.raises(MemsimError, match="gain"):
        ct.energy(np.eye(4), np.ones(4), 0.0)

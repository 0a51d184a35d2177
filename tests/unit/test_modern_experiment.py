"""dense/modern runners against direct library calls, and seed reproducibility."""

from __future__ import annotations

import numpy as np

from memsim import patterns as pat
from memsim._rng import generator
from memsim.experiments import run
from memsim.hopfield import classical, dense, modern
from memsim.scenario.load import validate

DENSE = {
    "model": {"kind": "dense", "interaction": "polynomial", "n": 3, "max_sweeps": 20},
    "patterns": {"source": "random", "count": 6, "size": 40},
    "cue": {"flip": 0.2},
    "run": {"trials": 2, "seed": 11},
}
MODERN = {
    "model": {"kind": "modern", "beta": 0.3, "steps": 30, "tol": 1e-9},
    "patterns": {"source": "letters", "letters": "BDEFH", "scale": 2},
    "cue": {"flip": 0.15},
    "run": {"trials": 2, "seed": 12},
}


def _sc(d, **over):
    d = {k: (dict(v) if isinstance(v, dict) else v) for k, v in d.items()}
    for k, v in over.items():
        d[k] = v
    return validate(d)


def _cues(seed, trial, xi, flip):
    return pat.corrupt(xi, flip, 0.0, "random", generator(seed, 2, trial))


def test_dense_recall_matches_library():
    sc = _sc(DENSE)
    res = run(sc, "recall")
    tab = res.tables["cues"]
    for t in range(2):
        xi = pat.random_patterns(6, 40, 0.0, generator(11, 1, t))
        cues = _cues(11, t, xi, 0.2)
        ref = dense.dense_recall(
            xi, cues, "polynomial", 3, "async", 20, "random", 11, stream=(3, t)
        )
        sel = tab["trial"] == t
        np.testing.assert_allclose(tab["final_overlap"][sel], np.diag(ref.overlaps))
        np.testing.assert_array_equal(tab["sweeps"][sel], ref.sweeps)
        e0 = dense.dense_energy(xi, cues, "polynomial", 3)
        np.testing.assert_allclose(tab["initial_energy"][sel], e0)
        # energy after the run equals the energy of the final states
        np.testing.assert_allclose(tab["final_energy"][sel], dense.dense_energy(xi, ref.states))
        np.testing.assert_allclose(tab["initial_overlap"][sel], (cues * xi).sum(1) / 40)
    # async dynamics never raise the energy
    e = res.arrays["energy"]
    d = np.diff(e, axis=1)
    assert np.all(d[np.isfinite(d)] <= 1e-9)


def test_dense_capacity_matches_measure_capacity():
    sc = _sc(DENSE, capacity={"sizes": [20, 30], "degrees": [2, 3], "cues": 40})
    res = run(sc, "capacity")
    tab = res.tables["capacity"]
    i = 0
    for nn in (20, 30):
        for deg in (2, 3):
            r = dense.measure_capacity(nn, deg, "polynomial", cues=40, seed=11, flip_fraction=0.2)
            assert tab["N"][i] == nn and tab["n"][i] == deg
            assert tab["capacity"][i] == r["capacity"]
            np.testing.assert_allclose(
                tab["theory"][i], dense.theory_capacity(nn, deg, error_rate=0.01)
            )
            i += 1


def test_modern_recall_matches_library():
    sc = _sc(MODERN, model={**MODERN["model"], "compare_classical": True})
    res = run(sc, "recall")
    tab = res.tables["cues"]
    xi, _ = pat.letters("BDEFH", 2)
    X = xi.astype(float)
    for t in range(2):
        cues = _cues(12, t, xi, 0.15)
        fin = modern.retrieve(X, cues.astype(float), 0.3, 30, tol=1e-9)
        sel = tab["trial"] == t
        np.testing.assert_allclose(tab["final_overlap"][sel], (fin * X).sum(1) / X.shape[1])
        np.testing.assert_allclose(
            tab["initial_energy"][sel], modern.energy(X, cues.astype(float), 0.3)
        )
        np.testing.assert_allclose(tab["final_energy"][sel], modern.energy(X, fin, 0.3), atol=1e-9)
        fc = modern.classify_fixed_points(X, fin, 0.3)
        np.testing.assert_array_equal(tab["fixed_point"][sel], fc.kind)
        cr = classical.recall(
            classical.store(xi, "hebbian"),
            cues,
            "async",
            "random",
            50,
            12,
            stream=(5, t),
            warn=False,
        )
        np.testing.assert_allclose(
            tab["classical_overlap"][sel], (cr.states * xi).sum(1) / X.shape[1]
        )
    e = res.arrays["energy"]
    d = np.diff(e, axis=1)
    assert np.all(d[np.isfinite(d)] <= 1e-9)  # CCCP: E never increases
    np.testing.assert_allclose(res.summary["min_separation"], modern.separation(X).min())


def test_modern_studies_match_library():
    sc = _sc(
        MODERN,
        run={"trials": 1, "seed": 12},
        capacity={"study": "beta_sweep", "betas": [0.01, 1.0]},
    )
    res = run(sc, "capacity")
    xi, _ = pat.letters("BDEFH", 2)
    X = xi.astype(float)
    cues = _cues(12, 0, xi, 0.15).astype(float)
    ref = modern.beta_sweep(X, cues, [0.01, 1.0], steps=30, tol=1e-9)
    np.testing.assert_array_equal(res.tables["beta_sweep"]["kind"], ref["kind"])
    bs = res.tables["beta_summary"]
    assert bs["fraction_single"][1] == np.mean(ref["kind"][ref["beta"] == 1.0] == "single")

    rnd = {"source": "random", "count": 8, "size": 30}
    sc = _sc(MODERN, patterns=rnd, run={"trials": 1, "seed": 3}, capacity={"study": "separation"})
    res = run(sc, "capacity")
    xr = pat.random_patterns(8, 30, 0.0, generator(3, 1, 0))
    q = _cues(3, 0, xr, 0.15).astype(float)
    ref = modern.retrieval_error_table(xr.astype(float), np.arange(8), q, 0.3, fixed_point_steps=30)
    np.testing.assert_allclose(res.tables["separation"]["error"], ref["error"])
    np.testing.assert_allclose(res.tables["separation"]["bound"], ref["bound"])
    assert np.all(res.tables["separation"]["error"] <= res.tables["separation"]["bound"] + 1e-12)

    sc = _sc(
        MODERN,
        patterns=rnd,
        model={"kind": "modern", "beta": 1.0, "steps": 1},
        capacity={"study": "capacity", "dims": [16, 20], "k_max": 64, "queries": 10},
    )
    res = run(sc, "capacity")
    for i, d in enumerate((16, 20)):
        r = modern.measure_capacity(d, 1.0, k_max=64, seed=12, queries=10, steps=1)
        assert res.tables["capacity"]["capacity"][i] == r["capacity"]


def test_same_seed_same_numbers_other_seed_differs():
    a = run(_sc(DENSE), "recall").tables["cues"]
    b = run(_sc(DENSE), "recall").tables["cues"]
    c = run(_sc(DENSE, run={"trials": 2, "seed": 99}), "recall").tables["cues"]
    for k in ("final_overlap", "sweeps", "final_energy"):
        np.testing.assert_array_equal(a[k], b[k])
    assert not np.array_equal(a["initial_energy"], c["initial_energy"])
    m1 = run(_sc(MODERN), "recall")
    m2 = run(_sc(MODERN, run={"trials": 2, "seed": 12, "threads": 1}), "recall")
    np.testing.assert_array_equal(m1.arrays["final_states"], m2.arrays["final_states"])

"""Normalisers of memsim.attention against plain references, properties and published values."""

import math

import numpy as np
import pytest
import reference_attention as ref
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import memsim.attention as A
from memsim.attention import _kernels
from memsim.errors import MemsimError

ALL = [
    ("softmax", {}),
    ("softmax", {"temperature": 0.3}),
    ("sparsemax", {}),
    ("entmax15", {}),
    ("entmax_bisect", {"alpha": 1.3}),
    ("entmax_bisect", {"alpha": 4.0}),
    ("hard", {}),
    ("topk", {"k": 2}),
]


def _scores(lo, hi, masked=True, max_rows=4, max_cols=9):
    """(R, n) score arrays in [lo, hi], optionally with -inf entries, >= 1 finite per row."""
    elem = st.floats(lo, hi, allow_nan=False, allow_infinity=False)
    if masked:
        elem = st.one_of(elem, elem, elem, st.just(-math.inf))
    shape = hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=max_cols)
    return hnp.arrays(np.float64, shape, elements=elem).filter(
        lambda z: bool(np.isfinite(z).any(axis=1).all()) and z.shape[0] <= max_rows
    )


# ----------------------------------------------------------------- published and exact values


def test_sparsemax_known_value():
    np.testing.assert_allclose(A.sparsemax([-2.0, 0.0, 0.5]), [0.0, 0.25, 0.75], atol=1e-15)


def test_entmax15_known_value():
    np.testing.assert_array_equal(A.entmax15([-2.0, 0.0, 0.5]).round(4), [0.0, 0.3260, 0.6740])


def test_entmax15_known_value_closed_form():
    # support {0, 0.5}: (0 - tau)^2 + (0.25 - tau)^2 = 1 with z/2 = (0, 0.25); exact root.
    tau = (0.25 - math.sqrt(2 - 0.25**2)) / 2
    np.testing.assert_allclose(
        A.entmax15([-2.0, 0.0, 0.5]), [0.0, tau**2, (0.25 - tau) ** 2], rtol=1e-14
    )


def test_softmax_known_value():
    np.testing.assert_allclose(A.softmax([0.0, math.log(3.0)]), [0.25, 0.75], rtol=1e-15)


def test_hard_ties_go_to_first_maximum():
    np.testing.assert_array_equal(A.hard([1.0, 3.0, 3.0, -np.inf]), [0, 1, 0, 0])
    np.testing.assert_array_equal(A.hard([[2.0, 2.0], [0.0, 1.0]], axis=0), [[1, 1], [0, 0]])


def test_topk_ties_go_to_lower_index_and_k_large_is_softmax():
    np.testing.assert_allclose(A.topk([1.0, 2.0, 2.0, 2.0], k=2), [0, 0.5, 0.5, 0])
    # ranking uses the raw scores: shifting by the max would turn 4e-243 > 0 into a tie
    assert A.topk([1.0, 0.0, 4e-243, 0.0], k=2)[2] > 0
    z = [0.3, -1.0, 2.0]
    np.testing.assert_allclose(A.topk(z, k=7), A.softmax(z), rtol=1e-15)


# ----------------------------------------------------------------- references, any axis


@pytest.mark.parametrize(("kind", "opts"), ALL)
def test_against_reference_on_3d_arrays_any_axis(kind, opts):
    rng = np.random.default_rng(3)
    z = rng.normal(0, 2, (3, 4, 5))
    z[0, 1, 2] = -np.inf
    z[2, 3, :] = -np.inf  # slices along axis 0 and 1 still have finite entries
    z[2, 3, 0] = 0.7
    for axis in (0, 1, 2, -1):
        got = A.normalise(z, kind, axis=axis, **opts)
        assert got.shape == z.shape and got.dtype == np.float64
        moved = np.moveaxis(z, axis, -1)
        want = np.apply_along_axis(lambda r: ref.normalise(r, kind, **opts), -1, moved)
        np.testing.assert_allclose(np.moveaxis(got, axis, -1), want, atol=1e-12)


@given(_scores(-10.0, 10.0))
def test_sparsemax_is_the_euclidean_projection(z):
    p = A.sparsemax(z)
    for row, prow in zip(z, p, strict=True):
        np.testing.assert_allclose(prow, ref.simplex_projection(row), atol=1e-12)


@given(_scores(-5.0, 5.0, masked=False, max_rows=1), st.integers(0, 2**32 - 1))
def test_sparsemax_beats_any_other_simplex_point(z, seed):
    row = z[0]
    p = A.sparsemax(row)
    others = np.random.default_rng(seed).dirichlet(np.ones(row.size), size=20)
    best = np.sum((p - row) ** 2)
    assert np.all(np.sum((others - row) ** 2, axis=1) >= best - 1e-12)


@given(_scores(-10.0, 10.0), st.floats(1.01, 10.0))
def test_entmax_bisect_matches_brentq_reference_up_to_alpha_10(z, alpha):
    p = A.entmax_bisect(z, alpha)
    for row, prow in zip(z, p, strict=True):
        want = ref.entmax(row, alpha)
        if not np.allclose(prow, want, rtol=0, atol=1e-9):
            # brentq on the threshold form loses small weights at large alpha (hypothesis found
            # z = [0.125, 0, 0, 0], alpha = 7: off by 7e-9); the exact reference decides
            want = [float(x) for x in ref.entmax_exact(row, alpha, 40)]
        np.testing.assert_allclose(prow, want, atol=1e-9)


@given(_scores(-10.0, 10.0))
def test_entmax15_matches_reference(z):
    p = A.entmax15(z)
    for row, prow in zip(z, p, strict=True):
        np.testing.assert_allclose(prow, ref.entmax(row, 1.5), atol=1e-12)


@given(_scores(-10.0, 10.0), st.floats(0.05, 20.0))
def test_softmax_and_topk_match_reference(z, temperature):
    np.testing.assert_allclose(
        A.softmax(z, temperature=temperature),
        [ref.softmax(r, temperature) for r in z],
        atol=1e-13,
    )
    np.testing.assert_allclose(
        A.topk(z, 2, temperature=temperature), [ref.topk(r, 2, temperature) for r in z], atol=1e-13
    )


# ----------------------------------------------------------------- entmax family identities


@given(_scores(-10.0, 10.0))
def test_entmax_bisect_special_alphas(z):
    np.testing.assert_allclose(A.entmax_bisect(z, 2.0), A.sparsemax(z), atol=1e-12)
    np.testing.assert_allclose(A.entmax_bisect(z, 1.5), A.entmax15(z), atol=1e-12)
    np.testing.assert_array_equal(A.entmax_bisect(z, 1.0), A.softmax(z))
    np.testing.assert_array_equal(A.entmax_bisect(z, 1), A.softmax(z))


@given(_scores(-5.0, 5.0))
def test_entmax_bisect_tends_to_softmax(z):
    sm = A.softmax(z)
    for delta in (1e-3, 1e-5, 1e-8, 1e-12):
        err = np.max(np.abs(A.entmax_bisect(z, 1.0 + delta) - sm))
        assert err <= 60.0 * delta + 1e-12, (delta, err)


def test_entmax_sparsity_grows_with_alpha():
    z = np.linspace(-1, 1, 11)
    support = [np.count_nonzero(A.entmax_bisect(z, a)) for a in (1.0, 1.5, 2.0, 4.0, 10.0)]
    assert support == sorted(support, reverse=True) and support[0] == 11 and support[-1] < 11


# ----------------------------------------------------------------- simplex, masks, huge scores


@pytest.mark.parametrize(("kind", "opts"), ALL)
@given(z=_scores(-1e300, 1e300))
def test_simplex_output_masked_zero_and_no_nan_for_huge_scores(kind, opts, z):
    p = A.normalise(z, kind, **opts)
    assert np.isfinite(p).all()
    assert (p >= 0).all()
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-12)
    assert (p[np.isneginf(z)] == 0.0).all()


@pytest.mark.parametrize(("kind", "opts"), ALL)
def test_huge_scores_give_the_limit(kind, opts):
    z = np.array([1e300, -1e300, 5e299, -np.inf])
    np.testing.assert_allclose(A.normalise(z, kind, **opts), [1, 0, 0, 0], atol=1e-15)


@given(_scores(-50.0, 50.0), st.floats(-1e3, 1e3))
def test_shift_invariance(z, c):
    for kind in ("softmax", "sparsemax", "entmax15"):
        np.testing.assert_allclose(A.normalise(z + c, kind), A.normalise(z, kind), atol=1e-9)


@given(_scores(-10.0, 10.0), st.floats(0.1, 10.0))
def test_temperature_is_division(z, t):
    np.testing.assert_allclose(A.softmax(z, temperature=t), A.softmax(z / t), atol=1e-14)


@pytest.mark.parametrize(("kind", "opts"), ALL)
def test_all_masked_slice_raises_clear_error(kind, opts):
    z = np.array([[0.0, 1.0], [-np.inf, -np.inf]])
    with pytest.raises(MemsimError, match=r"z\[1, :\].*all keys masked"):
        A.normalise(z, kind, **opts)
    with pytest.raises(MemsimError, match=r"z\[:, 0\]"):
        A.normalise(np.array([[-np.inf, 1.0], [-np.inf, 2.0]]), kind, axis=0, **opts)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: A.softmax([1.0, np.nan]), "NaN"),
        (lambda: A.sparsemax([1.0, np.inf]), r"\+inf"),
        (lambda: A.softmax(3.0), "scalar"),
        (lambda: A.softmax(np.zeros((2, 0))), "no entries"),
        (lambda: A.softmax([1.0], temperature=0.0), "temperature"),
        (lambda: A.softmax([1.0], axis=2), "axis"),
        (lambda: A.entmax_bisect([1.0], 0.5), "alpha"),
        (lambda: A.entmax_bisect([1.0], float("nan")), "alpha"),
        (lambda: A.topk([1.0], 0), "k"),
        (lambda: A.topk([1.0], 1.5), "k"),
        (lambda: A.normalise([1.0], "bogus"), "unknown normaliser"),
        (lambda: A.normalise([1.0], "sparsemax", alpha=2), "does not take"),
        (lambda: A.normalise([1.0], "entmax_bisect"), "needs"),
        (lambda: A.softmax(["a", "b"]), "numeric"),
    ],
)
def test_bad_input_raises(call, match):
    with pytest.raises(MemsimError, match=match):
        call()


def test_registry_names():
    assert set(A.NORMALISERS) == {
        "softmax",
        "sparsemax",
        "entmax15",
        "entmax_bisect",
        "hard",
        "topk",
    }


def test_inputs_not_modified_and_ints_accepted():
    z = np.array([[3, 1, 2]])
    before = z.copy()
    p = A.sparsemax(z)
    np.testing.assert_array_equal(z, before)
    assert p.dtype == np.float64
    np.testing.assert_allclose(p, [[1.0, 0.0, 0.0]])


# ----------------------------------------------------------------- compare_normalisers


def test_compare_normalisers_weights_and_support():
    z = np.array([[-2.0, 0.0, 0.5], [1.0, 1.0, -np.inf]])
    out = A.compare_normalisers(
        z,
        [
            "softmax",
            "sparsemax",
            {"kind": "topk", "k": 1},
            {"kind": "entmax_bisect", "alpha": 1.5, "label": "e"},
        ],
    )
    assert list(out) == ["softmax", "sparsemax", "topk(k=1)", "e"]
    np.testing.assert_array_equal(out["softmax"].support, [3, 2])
    np.testing.assert_array_equal(out["sparsemax"].support, [2, 2])
    np.testing.assert_array_equal(out["topk(k=1)"].support, [1, 1])
    np.testing.assert_allclose(out["e"].weights[0], [0.0, 0.3260, 0.6740], atol=1e-4)
    assert not out["e"].weights.flags.writeable
    with pytest.raises(MemsimError, match="label"):
        A.compare_normalisers(z, ["softmax", "softmax"])
    with pytest.raises(MemsimError, match="kind"):
        A.compare_normalisers(z, [{"alpha": 2}])


# ----------------------------------------------------------------- vectorisable exp kernel


def test_exp_kernel_accuracy():
    x = np.concatenate([-np.geomspace(1e-300, 699.0, 4000), [0.0, -0.0, -745.2, -1e300, -np.inf]])
    out = np.empty_like(x)
    _kernels.exp_into(x, out)
    ok = x >= -699.0
    np.testing.assert_allclose(out[ok], np.exp(x[ok]), rtol=2e-15, atol=0)
    assert (out[~ok] == 0.0).all()


def test_entmax_bisect_handles_one_dominant_key_exactly():
    # the threshold is exactly 0: bisection must stop (iteration cap) and give exactly 1, 0
    p = A.entmax_bisect([0.0, -5.0], 2.0)
    np.testing.assert_array_equal(p, [1.0, 0.0])

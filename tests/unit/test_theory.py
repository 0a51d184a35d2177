"""Theory curves (memsim.theory) against published values and independent computations."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, special

from memsim import theory as th
from memsim.errors import MemsimError

# --------------------------------------------------------------------------------------------
# independent helpers (plain formulas / plain iteration, written here, not taken from memsim)
# --------------------------------------------------------------------------------------------


def ags_iterate(alpha, T, iters=5000, tol=1e-13):
    """AGS finite-T equations by plain fixed-point iteration from m = 1, q = 1 (Gauss-Hermite)."""
    b = 1.0 / T
    x, w = np.polynomial.hermite.hermgauss(200)
    z = math.sqrt(2.0) * x
    w = w / math.sqrt(math.pi)
    m, q = 1.0, 1.0
    for _ in range(iters):
        r = q / (1.0 - b * (1.0 - q)) ** 2
        t = np.tanh(b * (m + math.sqrt(alpha * r) * z))
        m_new = float(np.sum(w * t))
        q_new = float(np.sum(w * t * t))
        done = abs(m_new - m) < tol and abs(q_new - q) < tol
        m, q = m_new, q_new
        if done:
            break
    return m, q, q / (1.0 - b * (1.0 - q)) ** 2


def quad_average(f, m, s):
    """<f(m + s z)> by adaptive quadrature, split at the kink z = -m / s."""
    z0 = -m / s

    def g(z):
        return f(m + s * z) * math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)

    opts = {"limit": 400, "epsabs": 1e-13, "epsrel": 1e-12}
    return (
        integrate.quad(g, -14, z0 - 1e-3, **opts)[0]
        + integrate.quad(g, z0 - 1e-3, z0 + 1e-3, **opts)[0]
        + integrate.quad(g, z0 + 1e-3, 14, **opts)[0]
    )


# --------------------------------------------------------------------------------------------
# one-step error
# --------------------------------------------------------------------------------------------

# (alpha, bit error, significant digits of the published (rounded) value): THEORY.md section 1
ONE_STEP_TABLE = [
    (0.105, 0.001, 1),
    (0.138, 0.0036, 2),
    (0.185, 0.01, 1),
    (0.37, 0.05, 1),
    (0.61, 0.1, 1),
]


@pytest.mark.parametrize(("alpha", "p_err", "digits"), ONE_STEP_TABLE)
def test_one_step_error_published_values(alpha, p_err, digits):
    value = float(th.one_step_error(alpha))
    assert float(f"{value:.{digits}g}") == p_err
    assert value == pytest.approx(0.5 * math.erfc(math.sqrt(1.0 / (2.0 * alpha))), rel=1e-14)


@pytest.mark.parametrize(("alpha", "p_err", "digits"), ONE_STEP_TABLE)
def test_load_for_one_step_error_published_values(alpha, p_err, digits):
    decimals = len(str(alpha).split(".")[1])
    assert round(float(th.load_for_one_step_error(p_err)), decimals) == alpha


def test_one_step_error_vectorised_and_inverse():
    alphas = np.array([[0.0, 0.05], [0.2, 1.0]])
    p = th.one_step_error(alphas)
    assert p.shape == (2, 2) and p[0, 0] == 0.0
    np.testing.assert_allclose(th.load_for_one_step_error(p[p > 0]), alphas[alphas > 0], rtol=1e-10)
    assert np.all(np.diff(th.one_step_error(np.linspace(0.01, 2, 50))) > 0)


def exact_one_step_error(P, N):
    """Sum over the binomial distribution of the crosstalk with Python integers."""
    K = (P - 1) * (N - 1)
    # bit flips iff (N - 1) + (K - 2 D) < 0, D = number of -1 crosstalk terms
    count = sum(math.comb(K, D) for D in range(K + 1) if (N - 1) + K - 2 * D < 0)
    return count / 2**K


@pytest.mark.parametrize(("P", "N"), [(1, 10), (3, 10), (5, 20), (8, 31), (20, 100)])
def test_one_step_error_finite_n_exact(P, N):
    assert float(th.one_step_error(P / N, N=N)) == pytest.approx(
        exact_one_step_error(P, N), rel=1e-9, abs=1e-300
    )


def test_one_step_error_finite_n_tends_to_large_n_formula():
    N = 200_000
    for P in (10_000, 30_000, 60_000):
        assert float(th.one_step_error(P / N, N=N)) == pytest.approx(
            float(th.one_step_error(P / N)), rel=2e-2
        )


def test_one_step_error_finite_n_monte_carlo():
    """Hebbian network, W_ii = 0, one parallel update from each stored pattern."""
    N, P, sets = 100, 20, 300
    rng = np.random.default_rng(12345)
    errors = 0
    for _ in range(sets):
        xi = rng.choice(np.array([-1, 1]), size=(P, N))
        J = xi.T @ xi
        np.fill_diagonal(J, 0)
        h = xi @ J  # integer fields, N times h_i; zero field keeps the bit
        errors += int(np.sum(xi * h < 0))
    bits = sets * P * N
    p = float(th.one_step_error(P / N, N=N))
    sd = math.sqrt(bits * p * (1 - p))
    # bits within one pattern are correlated: allow a generous 5 binomial sd
    assert abs(errors - bits * p) < 5 * sd


def test_one_step_error_bad_input():
    with pytest.raises(MemsimError, match="alpha"):
        th.one_step_error(-0.1)
    with pytest.raises(MemsimError, match="whole number"):
        th.one_step_error(0.1234, N=100)
    with pytest.raises(MemsimError, match="p must"):
        th.load_for_one_step_error(0.5)


# --------------------------------------------------------------------------------------------
# AGS T = 0
# --------------------------------------------------------------------------------------------


def test_ags_critical_load_published():
    alpha_c, m_c = th.ags_critical_load()
    assert round(alpha_c, 4) == 0.1379
    assert round(m_c, 3) == 0.967
    assert round(100 * (1 - m_c) / 2, 1) == 1.6  # 1.6 % wrong bits
    # independent: brute-force maximum of alpha(y) on a fine grid
    y = np.linspace(0.5, 2.5, 200_001)
    a = (special.erf(y) / (math.sqrt(2) * y) - math.sqrt(2 / math.pi) * np.exp(-(y**2))) ** 2
    k = np.argmax(a)
    assert alpha_c == pytest.approx(a[k], abs=1e-10)
    assert m_c == pytest.approx(special.erf(y[k]), abs=1e-5)


def test_ags_retrieval_overlap_solves_the_equations():
    for branch, alphas in (
        ("retrieval", np.array([0.04, 0.05, 0.1, 0.13, 0.1379])),  # m < 1 - 1e-12 here
        ("unstable", np.array([1e-4, 0.01, 0.05, 0.1, 0.13, 0.1379])),
    ):
        m = th.ags_retrieval_overlap(alphas, branch=branch)
        y = special.erfinv(m)
        rhs = special.erf(y) / (math.sqrt(2) * y) - math.sqrt(2 / math.pi) * np.exp(-(y**2))
        np.testing.assert_allclose(rhs, np.sqrt(alphas), rtol=1e-8)


def test_ags_retrieval_overlap_branches_and_limits():
    alpha_c, m_c = th.ags_critical_load()
    assert th.ags_retrieval_overlap(0.0) == 1.0
    a = np.linspace(0.0, alpha_c * 0.999, 40)
    m = th.ags_retrieval_overlap(a)
    assert np.all(np.diff(m) <= 0) and np.all(np.diff(m[a > 0.03]) < 0)
    assert 0 < 1 - th.ags_retrieval_overlap(0.03) < 1e-7  # exponentially few errors at low load
    assert np.all(th.ags_retrieval_overlap(a[1:], branch="unstable") < m[1:])
    assert th.ags_retrieval_overlap(alpha_c) == pytest.approx(m_c, abs=1e-6)
    assert th.ags_retrieval_overlap(alpha_c, branch="unstable") == pytest.approx(m_c, abs=1e-6)
    above = th.ags_retrieval_overlap([alpha_c + 1e-6, 0.2, 1.0])
    assert np.all(np.isnan(above))
    with pytest.raises(MemsimError, match="branch"):
        th.ags_retrieval_overlap(0.1, branch="other")


# --------------------------------------------------------------------------------------------
# AGS finite temperature
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("T", [0.05, 0.2, 0.5, 0.9, 0.99])
def test_ags_alpha_zero_is_curie_weiss(T):
    m, q, r = th.ags_finite_temperature(0.0, T)
    assert m > 0
    assert m == pytest.approx(math.tanh(m / T), abs=1e-13)
    assert q == pytest.approx(m * m, abs=1e-13)


def test_ags_no_retrieval_at_or_above_t1():
    m, q, r = th.ags_finite_temperature([0.0, 0.0, 0.05], [1.0, 1.5, 0.99])
    assert np.all(np.isnan(m)) and np.all(np.isnan(q)) and np.all(np.isnan(r))


@pytest.mark.parametrize(("alpha", "T"), [(0.01, 0.5), (0.03, 0.5), (0.05, 0.3), (0.08, 0.35)])
def test_ags_matches_gauss_hermite_iteration(alpha, T):
    m, q, r = th.ags_finite_temperature(alpha, T)
    mi, qi, ri = ags_iterate(alpha, T)
    assert m == pytest.approx(mi, abs=1e-8)
    assert q == pytest.approx(qi, abs=1e-8)
    assert r == pytest.approx(ri, rel=1e-7)


@pytest.mark.parametrize(("alpha", "T"), [(0.1, 0.02), (0.13, 0.01), (0.05, 0.004)])
def test_ags_low_temperature_solves_equations(alpha, T):
    """At low T Gauss-Hermite fails (tanh is a step); check the residuals with adaptive quad."""
    m, q, r = th.ags_finite_temperature(alpha, T)
    s = math.sqrt(alpha * r)
    m_rhs = quad_average(lambda u: math.tanh(u / T), m, s)
    q_rhs = quad_average(lambda u: math.tanh(u / T) ** 2, m, s)
    assert m == pytest.approx(m_rhs, abs=1e-8)
    assert q == pytest.approx(q_rhs, abs=1e-8)


@pytest.mark.parametrize("alpha", [0.05, 0.1, 0.13])
def test_ags_zero_temperature_limit(alpha):
    m0, q0, r0 = th.ags_finite_temperature(alpha, 0.0)
    assert m0 == pytest.approx(th.ags_retrieval_overlap(alpha), abs=1e-14)
    assert q0 == 1.0
    m, q, r = th.ags_finite_temperature(alpha, 1e-3)
    assert m == pytest.approx(m0, abs=1e-4)
    assert q == pytest.approx(q0, abs=1e-3)
    assert r == pytest.approx(r0, rel=1e-3)


def test_ags_max_retrieval_load():
    alpha_c, _ = th.ags_critical_load()
    assert th.ags_max_retrieval_load(0.0) == pytest.approx(alpha_c, abs=1e-12)
    assert th.ags_max_retrieval_load(1.0) == 0.0
    T = np.array([0.1, 0.3, 0.5, 0.7, 0.9])
    a = th.ags_max_retrieval_load(T)
    assert np.all(np.diff(a) < 0) and np.all(a > 0) and a[0] < alpha_c
    # the replica-symmetric re-entrance: slightly above alpha_c at low T
    assert alpha_c < th.ags_max_retrieval_load(0.02) < alpha_c + 1e-3
    # retrieval exists just below alpha_M(T) and not just above
    m_in, _, _ = th.ags_finite_temperature(a * (1 - 1e-4), T)
    m_out, _, _ = th.ags_finite_temperature(a * (1 + 1e-4), T)
    assert np.all(np.isfinite(m_in)) and np.all(np.isnan(m_out))


def test_ags_retrieval_boundary():
    alpha_c, _ = th.ags_critical_load()
    assert th.ags_retrieval_boundary(0.0) == 1.0
    # small alpha: T_M = 1 - 1.95 sqrt(alpha) (AGS 1987)
    a = 1e-5
    assert (1 - th.ags_retrieval_boundary(a)) / math.sqrt(a) == pytest.approx(1.95, rel=1e-2)
    alphas = np.array([0.01, 0.05, 0.1, 0.13])
    tm = th.ags_retrieval_boundary(alphas)
    assert np.all(np.diff(tm) < 0) and np.all((tm > 0) & (tm < 1))
    m_below, _, _ = th.ags_finite_temperature(alphas, tm - 1e-4)
    m_above, _, _ = th.ags_finite_temperature(alphas, tm + 1e-4)
    assert np.all(np.isfinite(m_below)) and np.all(np.isnan(m_above))
    # near alpha_c the line drops towards T = 0 (ending at about 0.04 because of the RS
    # re-entrance) and no retrieval at any T beyond the re-entrance peak
    assert th.ags_retrieval_boundary(alpha_c) < 0.06
    assert np.isnan(th.ags_retrieval_boundary(0.139))


# --------------------------------------------------------------------------------------------
# capacities
# --------------------------------------------------------------------------------------------


def test_mceliece_storkey_pseudoinverse_capacities():
    N = np.array([100, 1000, 10_000])
    np.testing.assert_allclose(th.mceliece_capacity(N), N / (2 * np.log(N)), rtol=1e-15)
    np.testing.assert_allclose(
        th.mceliece_capacity(N, all_exact=True), N / (4 * np.log(N)), rtol=1e-15
    )
    assert th.mceliece_capacity(1000) == pytest.approx(72.38241365054197, rel=1e-12)
    assert th.storkey_capacity(1000) == pytest.approx(1000 / math.sqrt(2 * math.log(1000)))
    assert th.storkey_capacity(100) > th.mceliece_capacity(100)
    np.testing.assert_array_equal(th.pseudoinverse_capacity(N), N)
    with pytest.raises(MemsimError, match="N"):
        th.mceliece_capacity(1)


@pytest.mark.parametrize("kappa", [-1.0, -0.3, 0.0, 0.5, 1.0, 2.0])
def test_gardner_capacity_matches_integral(kappa):
    integral, _ = integrate.quad(
        lambda z: (z + kappa) ** 2 * math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi),
        -kappa,
        np.inf,
        epsabs=1e-14,
    )
    assert th.gardner_capacity(kappa) == pytest.approx(1.0 / integral, rel=1e-10)


def test_gardner_capacity_values():
    assert th.gardner_capacity(0.0) == pytest.approx(2.0, rel=1e-15)
    k = np.linspace(-1, 3, 30)
    assert np.all(np.diff(th.gardner_capacity(k)) < 0)


def test_low_activity_capacity():
    a = np.array([1e-3, 0.01, 0.05])
    np.testing.assert_allclose(th.low_activity_capacity(a), 1 / (2 * a * np.abs(np.log(a))))
    assert th.low_activity_capacity(0.01) == pytest.approx(10.857362047581296)
    for bad in (0.0, 1.0, -0.1):
        with pytest.raises(MemsimError, match="activity"):
            th.low_activity_capacity(bad)


def test_dense_capacity():
    N = np.array([50.0, 100.0, 1000.0])
    np.testing.assert_allclose(th.dense_capacity(N, 2), th.mceliece_capacity(N), rtol=1e-15)
    np.testing.assert_allclose(th.dense_capacity(N, 3), N**2 / (2 * 3 * np.log(N)), rtol=1e-15)
    np.testing.assert_allclose(th.dense_capacity(N, 4), N**3 / (2 * 3 * 5 * np.log(N)), rtol=1e-15)
    for bad in (1, 2.5, True):
        with pytest.raises(MemsimError, match="n"):
            th.dense_capacity(100, bad)


# --------------------------------------------------------------------------------------------
# finite-size extrapolation
# --------------------------------------------------------------------------------------------


def test_extrapolate_exact_data():
    Ns = np.array([100, 200, 400, 800, 1600])
    for exponent in (0.5, 2 / 3, 1.0):
        y = 0.138 + 0.4 * Ns ** (-exponent)
        fit = th.extrapolate_critical_load(Ns, y, exponent=exponent)
        assert fit.alpha_inf == pytest.approx(0.138, abs=1e-12)
        assert fit.coefficient == pytest.approx(0.4, rel=1e-9)
        assert fit.alpha_inf_stderr < 1e-10
        assert fit.exponent == exponent


def test_extrapolate_noisy_data_matches_polyfit():
    rng = np.random.default_rng(3)
    Ns = np.array([100, 200, 400, 800, 1600, 3200])
    x = Ns**-0.5
    y = 0.138 + 0.3 * x + rng.normal(0, 0.002, Ns.size)
    fit = th.extrapolate_critical_load(Ns, y)
    coef, cov = np.polyfit(x, y, 1, cov=True)
    assert fit.alpha_inf == pytest.approx(coef[1], rel=1e-10)
    assert fit.coefficient == pytest.approx(coef[0], rel=1e-10)
    assert fit.alpha_inf_stderr == pytest.approx(math.sqrt(cov[1, 1]), rel=1e-8)
    assert fit.coefficient_stderr == pytest.approx(math.sqrt(cov[0, 0]), rel=1e-8)


def test_extrapolate_weighted():
    Ns = np.array([100, 400, 1600])
    x = Ns**-0.5
    y = np.array([0.16, 0.15, 0.143])
    sigma = np.array([0.004, 0.002, 0.001])
    fit = th.extrapolate_critical_load(Ns, y, sigma=sigma)
    # weighted least squares by the normal equations
    w = 1 / sigma**2
    S, Sx, Sxx = w.sum(), (w * x).sum(), (w * x * x).sum()
    Sy, Sxy = (w * y).sum(), (w * x * y).sum()
    det = S * Sxx - Sx**2
    assert fit.alpha_inf == pytest.approx((Sxx * Sy - Sx * Sxy) / det, rel=1e-10)
    assert fit.alpha_inf_stderr == pytest.approx(math.sqrt(Sxx / det), rel=1e-10)


def test_extrapolate_two_sizes_and_errors():
    fit = th.extrapolate_critical_load([100, 400], [0.15, 0.145])
    assert fit.alpha_inf == pytest.approx(0.14, abs=1e-12)
    assert math.isnan(fit.alpha_inf_stderr)
    alpha_inf, stderr, *_ = fit
    assert alpha_inf == fit.alpha_inf
    with pytest.raises(MemsimError, match="distinct"):
        th.extrapolate_critical_load([100, 100], [0.15, 0.145])
    with pytest.raises(MemsimError, match="same length"):
        th.extrapolate_critical_load([100, 200, 400], [0.15, 0.145])
    with pytest.raises(MemsimError, match="exponent"):
        th.extrapolate_critical_load([100, 400], [0.15, 0.145], exponent=0)

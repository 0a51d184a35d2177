"""Plain, obviously-correct reference implementations of the non-Hebbian storage rules.

Slow on purpose: explicit loops that follow the equations as written (THEORY.md section 1), used
by tests/unit/test_rules.py to check memsim.hopfield.rules. Only small sizes.
"""

from __future__ import annotations

import math

import numpy as np


def hebbian(xi):
    """W_ij = (1/N) sum_mu xi_i xi_j, W_ii = 0."""
    p, n = xi.shape
    W = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i != j:
                W[i, j] = sum(int(xi[mu, i]) * int(xi[mu, j]) for mu in range(p)) / n
    return W


def storkey(xi, zero_diagonal=True):
    """Storkey (1997), triple loop with the explicit exclusion k != i, j.

    W^nu_ij = W_ij + (1/N) xi_i xi_j - (1/N) xi_i h_ji - (1/N) h_ij xi_j,
    h_ij = sum_{k != i, j} W_ik xi_k, every term from the previous weights.
    """
    p, n = xi.shape
    W = [[0.0] * n for _ in range(n)]
    for nu in range(p):
        x = [float(v) for v in xi[nu]]
        new = [[0.0] * n for _ in range(n)]
        for i in range(n):
            for j in range(n):
                h_ij = 0.0
                h_ji = 0.0
                for k in range(n):
                    if k != i and k != j:
                        h_ij += W[i][k] * x[k]
                        h_ji += W[j][k] * x[k]
                new[i][j] = W[i][j] + (x[i] * x[j] - x[i] * h_ji - h_ij * x[j]) / n
        if zero_diagonal:
            for i in range(n):
                new[i][i] = 0.0
        W = new
    return np.array(W)


def projector(xi, zero_diagonal=False):
    """Pseudo-inverse rule computed independently: the orthogonal projector onto the span of the
    patterns, sum_k u_k u_k^T over an orthonormal basis from Gram-Schmidt (applied twice)."""
    p, n = xi.shape
    basis = []
    for mu in range(p):
        v = xi[mu].astype(np.float64)
        for _ in range(2):
            for u in basis:
                v = v - (u @ v) * u
        norm = math.sqrt(float(v @ v))
        if norm > 1e-8 * math.sqrt(n):
            basis.append(v / norm)
    W = np.zeros((n, n))
    for u in basis:
        for i in range(n):
            for j in range(n):
                W[i, j] += u[i] * u[j]
    if zero_diagonal:
        for i in range(n):
            W[i, i] = 0.0
    return W


def covariance(xi, activity=None):
    """Covariance rule, written in the 0/1 formulation and converted to +-1 at the end.

    V = (1 + s)/2, eta = (1 + xi)/2, a = activity (fraction of +1 entries).
    J_ij = 1/(N a (1 - a)) sum_mu (eta_i - a)(eta_j - a), J_ii = 0; the 0/1 neuron is active iff
    sum_j J_ij (V_j - a) > 1/2 - a, i.e. iff sum_j J_ij V_j > U_i with U_i = 1/2 - a + a sum_j J_ij.
    Returns (W, theta, J, U) with W = 4 a (1 - a) J and theta_i = 8 a (1 - a) U_i - sum_j W_ij,
    the +-1 rule s_i <- sgn(sum_j W_ij s_j - theta_i) (sum_j J_ij V_j = (sum_j J_ij s_j +
    sum_j J_ij) / 2).
    """
    p, n = xi.shape
    if activity is None:
        activity = sum(1 for mu in range(p) for i in range(n) if xi[mu, i] == 1) / (p * n)
    a = float(activity)
    eta = (xi.astype(np.float64) + 1.0) / 2.0
    J = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i != j:
                J[i, j] = sum((eta[mu, i] - a) * (eta[mu, j] - a) for mu in range(p)) / (
                    n * a * (1.0 - a)
                )
    U = np.array([0.5 - a + a * sum(J[i, j] for j in range(n)) for i in range(n)])
    W = 4.0 * a * (1.0 - a) * J
    theta = np.array(
        [8.0 * a * (1.0 - a) * U[i] - sum(W[i, j] for j in range(n)) for i in range(n)]
    )
    return W, theta, J, U


def perceptron(xi, kappa, max_epochs, orders):
    """Perceptron learning with normalised margin, neuron by neuron, in plain Python.

    ``orders(i)`` must return an iterator of presentation orders (one list of pattern indices per
    epoch) for neuron i. Stable: xi_i h_i > kappa |W_i| (h_i = sum_{j != i} W_ij xi_j); step on an
    unstable example: W_ij += xi_i xi_j (j != i). Returns integer-valued W (unscaled), epochs with
    updates per neuron, unstable patterns per neuron.
    """
    p, n = xi.shape
    W = np.zeros((n, n))
    epochs = []
    unstable = []
    for i in range(n):
        w = [0.0] * n
        used = 0
        gen = orders(i)
        for _ in range(max_epochs):
            order = next(gen)
            updates = 0
            for mu in order:
                s = float(xi[mu, i])
                h = sum(w[j] * xi[mu, j] for j in range(n) if j != i)
                norm = math.sqrt(sum(v * v for v in w))
                if s * h <= kappa * norm:
                    for j in range(n):
                        if j != i:
                            w[j] += s * xi[mu, j]
                    updates += 1
            if updates == 0:
                break
            used += 1
        norm = math.sqrt(sum(v * v for v in w))
        bad = 0
        for mu in range(p):
            h = sum(w[j] * xi[mu, j] for j in range(n) if j != i)
            if xi[mu, i] * h <= kappa * norm:
                bad += 1
        W[i] = w
        epochs.append(used)
        unstable.append(bad)
    return W, np.array(epochs), np.array(unstable)

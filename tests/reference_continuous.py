"""Plain-numpy references for the graded-response network (Hopfield 1984): a fixed-step RK4
integrator and the energy written with artanh (valid while |V| < 1 in floating point)."""

from __future__ import annotations

import numpy as np


def rk4(W, u0, duration, gain, tau, I, steps):
    def f(u):
        return (-u + W @ np.tanh(gain * u) + I) / tau

    h = duration / steps
    u = u0.astype(np.float64).copy()
    out = [u.copy()]
    for _ in range(steps):
        k1 = f(u)
        k2 = f(u + h / 2 * k1)
        k3 = f(u + h / 2 * k2)
        k4 = f(u + h * k3)
        u = u + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        out.append(u.copy())
    return np.array(out)


def energy(W, V, gain, I):
    """E = -1/2 V W V - I V + (1/gain) sum [V artanh V + 1/2 ln(1 - V^2)] (the integral of
    artanh(v)/gain from 0 to V)."""
    V = np.asarray(V, dtype=np.float64)
    integral = (V * np.arctanh(V) + 0.5 * np.log(1 - V**2)) / gain
    return -0.5 * V @ W @ V - I @ V + integral.sum()

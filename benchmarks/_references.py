"""Plain-numpy references shared by several benchmark scripts: what a careful numpy user
writes, timed beside memsim in the same process on the same data."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np


def random_pm1(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Random +-1 int8 entries, each +1 with probability 1/2 (``rng.random(shape) < 0.5``)."""
    return np.where(rng.random(shape) < 0.5, 1, -1).astype(np.int8)


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise stable softmax, in the input's precision (a new array)."""
    e = z - z.max(axis=1, keepdims=True)
    np.exp(e, out=e)
    e /= e.sum(axis=1, keepdims=True)
    return e


def softmax_read(q: np.ndarray, k: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``softmax(Q K^T) V`` with one score matrix, in the inputs' precision."""
    s = q @ k.T
    s -= s.max(axis=1, keepdims=True)
    np.exp(s, out=s)
    s /= s.sum(axis=1, keepdims=True)
    return s @ v


def async_sweeps(
    W: np.ndarray,
    S: np.ndarray,
    max_sweeps: int = 100,
    order: Callable[[], Iterable[int]] | None = None,
) -> np.ndarray:
    """Asynchronous sign updates of the float64 states ``S`` (cues x N) in place, vectorised
    over the cues with a Python loop over neurons: neuron i's field is ``S @ W[:, i]`` (BLAS),
    a zero field keeps the state. Sweeps until one changes no cue, at most ``max_sweeps``.
    ``order()`` gives each sweep's neuron order (called once per sweep; default 0..N-1).
    Returns ``S``."""
    n = W.shape[0]
    for _ in range(max_sweeps):
        changed = False
        for i in range(n) if order is None else order():
            h = S @ W[:, i]
            new = np.where(h > 0, 1.0, np.where(h < 0, -1.0, S[:, i]))
            if np.any(new != S[:, i]):
                changed = True
                S[:, i] = new
        if not changed:
            break
    return S

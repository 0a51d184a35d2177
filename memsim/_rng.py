"""Counter-free per-item random streams usable inside Numba kernels.

Every trial/cue/query gets its own xoshiro256** state derived with numpy's ``SeedSequence`` from
``(seed, *keys, index)``. Kernels advance only their own state, so the numbers do not depend on
the thread count or on the order in which items are processed.

xoshiro256** is the generator of Blackman & Vigna (2018), "Scrambled linear pseudorandom number
generators"; written here from the published description.
"""

from __future__ import annotations

import numpy as np

from memsim import _checks
from memsim._jit import jit


def stream_states(seed: int, keys: tuple[int, ...], count: int) -> np.ndarray:
    """Return ``count`` independent xoshiro256** states, shape ``(count, 4)`` uint64.

    A base word is drawn from ``SeedSequence(seed, spawn_key=keys)``; state ``i`` is filled with
    the SplitMix64 outputs number ``4 i + 1 .. 4 i + 4`` of that base (the seeding procedure the
    xoshiro authors recommend). State ``i`` therefore depends only on the seed, the keys and the
    index ``i``, never on how many items there are or which thread runs them.
    """
    count = _checks.integer(count, "count", 0)
    ss = np.random.SeedSequence(_checks.seed(seed), spawn_key=_checks.stream_keys(keys))
    base = ss.generate_state(1, dtype=np.uint64)[0]
    out = np.empty((count, 4), dtype=np.uint64)
    _fill_states(base, out)
    return out


@jit
def _splitmix64(x):
    z = x
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@jit
def _fill_states(base, out):
    gamma = np.uint64(0x9E3779B97F4A7C15)
    for i in range(out.shape[0]):
        for k in range(4):
            out[i, k] = _splitmix64(base + np.uint64(4 * i + k + 1) * gamma)
        if out[i, 0] == 0 and out[i, 1] == 0 and out[i, 2] == 0 and out[i, 3] == 0:
            out[i, 0] = np.uint64(1)  # the one forbidden state


def generator(seed: int, *keys: int) -> np.random.Generator:
    """A numpy Generator for the stream ``(seed, *keys)`` (pattern sets, cue noise, ...)."""
    return np.random.Generator(
        np.random.PCG64(
            np.random.SeedSequence(_checks.seed(seed), spawn_key=_checks.stream_keys(keys))
        )
    )


@jit
def _rotl(x, k):
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@jit
def next_u64(state):
    """Advance a xoshiro256** state (uint64[4], modified in place); return 64 random bits."""
    s0 = state[0]
    s1 = state[1]
    s2 = state[2]
    s3 = state[3]
    result = _rotl(s1 * np.uint64(5), 7) * np.uint64(9)
    t = s1 << np.uint64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = _rotl(s3, 45)
    state[0] = s0
    state[1] = s1
    state[2] = s2
    state[3] = s3
    return result


@jit
def uniform(state):
    """A float64 uniform on [0, 1) with 53 random bits."""
    return np.float64(next_u64(state) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@jit
def randbelow(state, n):
    """An integer uniform on ``0..n-1`` for 1 <= n <= 2**32.

    Lemire's multiply-shift on the top 32 bits: ``((x >> 32) * n) >> 32``; no division, bias at
    most n / 2**32 (below 1e-5 for any network that fits in memory).
    """
    x = next_u64(state) >> np.uint64(32)
    return np.int64((x * np.uint64(n)) >> np.uint64(32))


@jit
def shuffle(state, arr):
    """Fisher-Yates shuffle of a 1-D array in place."""
    n = arr.shape[0]
    for i in range(n - 1, 0, -1):
        j = randbelow(state, i + 1)
        tmp = arr[i]
        arr[i] = arr[j]
        arr[j] = tmp

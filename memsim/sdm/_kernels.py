"""Numba kernels for Kanerva's sparse distributed memory (:mod:`memsim.sdm`).

Kernels compute and never validate. Addresses are packed 64 bits to a uint64 word (zero padding
adds no distance); Hamming distances are popcounts of XORs (SWAR popcount, Warren 2002, "Hacker's
Delight", fig. 5-2). Counter sums are integers, so results do not depend on thread count.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from memsim._jit import jit, pjit

_M1 = np.uint64(0x5555555555555555)
_M2 = np.uint64(0x3333333333333333)
_M4 = np.uint64(0x0F0F0F0F0F0F0F0F)
_H01 = np.uint64(0x0101010101010101)


@jit
def popcount64(x):
    x = x - ((x >> np.uint64(1)) & _M1)
    x = (x & _M2) + ((x >> np.uint64(2)) & _M2)
    x = (x + (x >> np.uint64(4))) & _M4
    return np.int64((x * _H01) >> np.uint64(56))


@jit
def hamming(a, b):
    d = 0
    for w in range(a.shape[0]):
        d += popcount64(a[w] ^ b[w])
    return d


@pjit
def write(loc, addr, data, radius, counters):
    """counters[m] += data[k] for every item k within ``radius`` of location m.

    Parallel over locations (each owns its counter row); ``data`` is already +-1 (int8).
    """
    d = data.shape[1]
    for m in prange(loc.shape[0]):
        lm = loc[m]
        row = counters[m]
        for k in range(addr.shape[0]):
            if hamming(lm, addr[k]) <= radius:
                dk = data[k]
                for j in range(d):
                    row[j] += dk[j]


@pjit
def read(loc, cues, radius, counters, sums, counts):
    """sums[b] = sum of the counter rows of the locations within ``radius`` of cue b; counts[b]
    the number of such locations. Parallel over cues."""
    d = counters.shape[1]
    for b in prange(cues.shape[0]):
        s = sums[b]
        for j in range(d):
            s[j] = 0
        c = 0
        q = cues[b]
        for m in range(loc.shape[0]):
            if hamming(loc[m], q) <= radius:
                c += 1
                row = counters[m]
                for j in range(d):
                    s[j] += row[j]
        counts[b] = c

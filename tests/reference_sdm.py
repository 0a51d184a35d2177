"""Plain-numpy references for Kanerva's sparse distributed memory (unpacked bits, loops)."""

from __future__ import annotations

import itertools

import numpy as np


def write(loc, addr, data, radius):
    inc = data.astype(np.int64)
    if np.isin(data, (0, 1)).all():
        inc = 2 * inc - 1
    counters = np.zeros((loc.shape[0], data.shape[1]), dtype=np.int64)
    for k in range(addr.shape[0]):
        for m in range(loc.shape[0]):
            if int((loc[m] != addr[k]).sum()) <= radius:
                counters[m] += inc[k]
    return counters


def read(counters, loc, cues, radius):
    """(0/1 data, counts, sums)."""
    out, counts, sums = [], [], []
    for q in cues:
        act = (loc != q).sum(axis=1) <= radius
        s = counters[act].sum(axis=0)
        sums.append(s)
        counts.append(int(act.sum()))
        out.append((s > 0).astype(np.uint8))
    return np.array(out), np.array(counts), np.array(sums)


def intersection_brute(n, radius, d):
    """Count of points of {0,1}^n within radius of both 0...0 and 1..10..0 (d ones), by
    enumerating all 2^n points."""
    a = np.zeros(n, dtype=int)
    b = np.zeros(n, dtype=int)
    b[:d] = 1
    count = 0
    for bits in itertools.product((0, 1), repeat=n):
        x = np.array(bits)
        if (x != a).sum() <= radius and (x != b).sum() <= radius:
            count += 1
    return count

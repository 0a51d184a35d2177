"""Recall and capacity experiments for Kanerva's sparse distributed memory (:mod:`memsim.sdm`).

Random streams (numbers depend only on the scenario and its seed):

* hard-location addresses: :func:`memsim.sdm.locations` ``(M, n, seed)``, the same in every
  trial and at every sweep point (one memory, loaded with different items);
* recall, trial t: item addresses, then data words, ``generator(seed, 1, t)``; cue noise
  ``generator(seed, 2, t)`` (exactly ``round(flip n)`` address bits flipped per cue,
  :func:`memsim.patterns.corrupt`);
* capacity, K items, flip f, trial t: items ``generator(seed, 1, K, t)``, cue noise
  ``generator(seed, 2, K, key(f), t)``; a point is keyed by its values, not its position.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np

from memsim import patterns as pat
from memsim import sdm
from memsim._rng import generator
from memsim.experiments import common
from memsim.experiments.progress import Progress, serial_sweep
from memsim.results import Result

#: largest (hard locations x stored items) for which the measured intersections are counted
EMPIRICAL_LIMIT = 50_000_000


def draw_items(m, count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``count`` random 0/1 addresses and their data words (0/1 or -1/+1 by ``model.data``)."""
    addr = (rng.random((count, m.address_bits)) < 0.5).astype(np.uint8)
    bits = addr if m.association == "auto" else (rng.random((count, m.word_bits)) < 0.5)
    bits = bits.astype(np.uint8)
    data = (2 * bits.astype(np.int8) - 1) if m.data == "bipolar" else bits
    return addr, data


def flip_cues(addresses: np.ndarray, flip: float, rng: np.random.Generator) -> np.ndarray:
    """Flip exactly ``round(flip n)`` distinct bits of each 0/1 address."""
    pm = 2 * addresses.astype(np.int8) - 1
    return ((pat.corrupt(pm, flip, 0.0, "random", rng) + 1) // 2).astype(np.uint8)


def _n_cues(m, count: int) -> int:
    return count if m.cues == "all" else min(count, m.cues)


def read_items(sc, locs, addr, data, cues, threads=None):
    """Write every item, read at the cues: (output, counts, per-cue bit accuracy, exact)."""
    m = sc.model
    counters = sdm.write(locs, addr, data, m.radius, threads=threads)
    out, counts = sdm.read(
        counters,
        locs,
        cues,
        m.radius,
        bipolar=m.data == "bipolar",
        return_counts=True,
        threads=threads,
    )
    want = data[: cues.shape[0]]
    acc = (out == want).mean(axis=1)
    return out, counts, acc, (out == want).all(axis=1)


def binomial_pmf(M: int, p: float, ks: np.ndarray) -> np.ndarray:
    """P(Binomial(M, p) = k) for each k (log-gamma form, stable for large M)."""
    if p <= 0.0 or p >= 1.0:
        return (ks == (0 if p <= 0 else M)).astype(float)
    lg = math.lgamma
    return np.array(
        [
            math.exp(
                lg(M + 1) - lg(k + 1) - lg(M - k + 1) + k * math.log(p) + (M - k) * math.log1p(-p)
            )
            for k in ks
        ]
    )


def intersection_table(n: int, r: int) -> dict[str, np.ndarray]:
    """The exact Hamming-ball intersection against distance, normalised to distance 0, beside
    the softmax curve ``exp(beta (cos - 1))`` with beta = :func:`memsim.sdm.softmax_beta`."""
    d = np.arange(min(n, 2 * r + 1) + 1)
    size = sdm.intersection_size(n, r, d)
    beta = sdm.softmax_beta(n, r) if r >= 1 else float("nan")
    cos = 1.0 - 2.0 * d / n
    return {
        "distance": d,
        "cosine": cos,
        "intersection_size": size,
        "intersection_normalised": size / size[0],
        "softmax_normalised": np.exp(beta * (cos - 1.0)),
    }


def _bit_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a.astype(np.int32)
    b = b.astype(np.int32)
    return a @ (1 - b).T + (1 - a) @ b.T


def attention_table(locs, addr, cue, r: int) -> dict[str, np.ndarray]:
    """Read weights of every stored item for one cue: the exact expected intersection weights,
    their softmax approximation and (when affordable) the measured counts of hard locations in
    both Hamming balls, each normalised to sum 1 over the items."""
    q = cue[None, :]
    out = {
        "item": np.arange(addr.shape[0]),
        "distance": _bit_distances(q, addr)[0],
        "intersection_weight": sdm.intersection_weights(q, addr, r)[0],
        "softmax_weight": sdm.attention_weights(q, addr, r)[0],
    }
    if locs.shape[0] * addr.shape[0] <= EMPIRICAL_LIMIT:
        near_cue = _bit_distances(locs, q)[:, 0] <= r  # (M,)
        near_item = _bit_distances(locs[near_cue], addr) <= r  # (active, K)
        counts = near_item.sum(axis=0).astype(float)
        tot = counts.sum()
        out["location_count"] = counts
        out["location_weight"] = counts / tot if tot > 0 else counts
    return out


def run_recall(sc, base_dir: Path | None = None, progress: Progress | None = None) -> Result:
    """Write ``model.items`` random items, read each of the first ``model.cues`` at its address
    with ``cue.flip`` of the bits flipped; ``run.trials`` times with fresh items."""
    m = sc.model
    t0 = time.perf_counter()
    locs = sdm.locations(m.locations, m.address_bits, seed=sc.run.seed)
    rows = common.Columns("trial", "cue", "item", "cue_distance", "activated", "accuracy", "exact")
    tables: dict[str, dict] = {}
    for t in common.trials(sc, progress):
        addr, data = draw_items(m, m.items, generator(sc.run.seed, 1, t))
        b = _n_cues(m, m.items)
        cues = flip_cues(addr[:b], sc.cue.flip, generator(sc.run.seed, 2, t))
        _, counts, acc, exact = read_items(sc, locs, addr, data, cues, sc.run.threads)
        dist = (cues != addr[:b]).sum(axis=1)
        rows.extend(
            trial=[t] * b,
            cue=range(b),
            item=range(b),
            cue_distance=[int(x) for x in dist],
            activated=[int(x) for x in counts],
            accuracy=[float(x) for x in acc],
            exact=[bool(x) for x in exact],
        )
        if t == 0 and m.radius >= 1:
            tables["attention"] = attention_table(locs, addr, cues[0], m.radius)
    tab = rows.arrays()
    p = sdm.activation_probability(m.address_bits, m.radius)
    M = m.locations
    sd = math.sqrt(M * p * (1 - p))
    lo, hi = max(0, int(M * p - 5 * sd) - 1), min(M, int(M * p + 5 * sd) + 2)
    ks = np.arange(lo, hi + 1)
    tables = {
        "cues": tab,
        "activation": {"activated": ks, "binomial_pmf": binomial_pmf(M, p, ks)},
        **({"intersection": intersection_table(m.address_bits, m.radius)} if m.radius else {}),
        **tables,
    }
    summary = {
        "n": m.address_bits,
        "M": M,
        "radius": m.radius,
        "data": m.data,
        "association": m.association,
        "items": m.items,
        "trials": sc.run.trials,
        "cues": int(tab["cue"].size),
        "flip": sc.cue.flip,
        "activation_probability": p,
        "expected_activated": M * p,
        "mean_activated": float(tab["activated"].mean()),
        "mean_accuracy": float(tab["accuracy"].mean()),
        "fraction_exact": float(tab["exact"].mean()),
        "softmax_beta": sdm.softmax_beta(m.address_bits, m.radius) if m.radius else float("nan"),
    }
    if "attention" in tables:
        a = tables["attention"]
        summary["attention_max_abs_difference"] = float(
            np.abs(a["intersection_weight"] - a["softmax_weight"]).max()
        )
        if "location_weight" in a:
            summary["measured_vs_intersection_max_abs_difference"] = float(
                np.abs(a["location_weight"] - a["intersection_weight"]).max()
            )
    warnings = []
    if M * p < 1:
        warnings.append(
            f"on average M p = {M * p:.3g} < 1 hard location is activated per read: raise "
            "model.radius or model.locations"
        )
    meta = common.meta(sc, time.perf_counter() - t0, warnings)
    return Result("recall", "sdm", sc, summary, tables, {}, meta)


# ------------------------------------------------------------------------------ capacity ----


def _key(x: float) -> int:
    return int(round(x * 1_000_000))


def capacity_points(sc) -> list[dict]:
    """Points (items, flip): every load for every cue noise."""
    flips = sc.capacity.flips or [sc.cue.flip]
    return [{"items": int(k), "flip": float(f)} for f in flips for k in sc.capacity.items]


ROW_COLUMNS = ("items", "flip", "trial", "cues", "accuracy", "fraction_exact", "mean_activated")


def capacity_task(sc, pt: dict, trial: int) -> dict:
    """Write ``items`` random items into the scenario's hard locations, read the first
    ``model.cues`` with ``flip`` noise (one trial)."""
    m = sc.model
    k, f = pt["items"], pt["flip"]
    locs = sdm.locations(m.locations, m.address_bits, seed=sc.run.seed)
    addr, data = draw_items(m, k, generator(sc.run.seed, 1, k, trial))
    b = _n_cues(m, k)
    cues = flip_cues(addr[:b], f, generator(sc.run.seed, 2, k, _key(f), trial))
    _, counts, acc, exact = read_items(sc, locs, addr, data, cues, sc.run.threads)
    return {
        "items": k,
        "flip": f,
        "trial": int(trial),
        "cues": int(b),
        "accuracy": float(acc.mean()),
        "fraction_exact": float(exact.mean()),
        "mean_activated": float(counts.mean()),
    }


def assemble_capacity(sc, rows: list[dict], seconds: float, extra_meta: dict | None = None):
    """Per-trial rows and their means (with standard errors) per (items, flip)."""
    m = sc.model
    table = common.from_rows(rows, ROW_COLUMNS)
    out = common.Columns(
        "items",
        "flip",
        "load",
        "trials",
        "accuracy",
        "sem_accuracy",
        "fraction_exact",
        "mean_activated",
    )
    points = [(pt["items"], pt["flip"]) for pt in capacity_points(sc)]
    for (items, flip), sel in common.groups(table, ("items", "flip"), points):
        a = table["accuracy"][sel]
        out.add(
            items=items,
            flip=flip,
            load=items / m.locations,
            trials=int(sel.sum()),
            accuracy=float(a.mean()),
            sem_accuracy=common.sem(a),
            fraction_exact=float(table["fraction_exact"][sel].mean()),
            mean_activated=float(table["mean_activated"][sel].mean()),
        )
    st = out.arrays()
    p = sdm.activation_probability(m.address_bits, m.radius)
    summary = {
        "n": m.address_bits,
        "M": m.locations,
        "radius": m.radius,
        "data": m.data,
        "association": m.association,
        "points": int(st["items"].size),
        "trials": sc.run.trials,
        "activation_probability": p,
        "expected_activated": m.locations * p,
        "mean_activated": float(table["mean_activated"].mean()),
    }
    for f in sorted(set(st["flip"].tolist())):
        sel = st["flip"] == f
        ok = st["items"][sel][st["fraction_exact"][sel] >= 0.99]
        summary[f"largest_items_read_exactly[flip={f:g}]"] = int(ok.max()) if ok.size else 0
    tables = {"capacity": table, "capacity_summary": st}
    return common.capacity_result(
        sc, summary, tables, common.meta(sc, seconds, **(extra_meta or {}))
    )


def run_capacity(sc, base_dir: Path | None = None, progress: Progress | None = None) -> Result:
    """Sweep over (cue noise, number of items) (:func:`capacity_task` per point and trial)."""
    return serial_sweep(sc, capacity_points, capacity_task, assemble_capacity, progress)

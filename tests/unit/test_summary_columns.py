"""The summary vocabulary (memsim.scenario.columns): one declaration per shared quantity."""

from __future__ import annotations

from collections import defaultdict

import pytest

from memsim.registry import Column, kinds
from memsim.scenario import columns as col


def _declared() -> dict[str, list[Column]]:
    out: dict[str, list[Column]] = defaultdict(list)
    for name, kind in kinds().items():
        for summ in kind.summaries.values():
            out[name] += [*summ.axes, *summ.columns]
    return out


def test_every_quantity_printed_by_two_kinds_is_in_the_vocabulary():
    vocab = {c.key for c in vars(col).values() if isinstance(c, Column)}
    by_key: dict[str, set[str]] = defaultdict(set)
    for name, cols in _declared().items():
        for c in cols:
            by_key[c.key].add(name)
    shared = {k for k, who in by_key.items() if len(who) > 1}
    assert shared, "no kinds share a quantity: the test would check nothing"
    assert shared <= vocab, f"shared but not in memsim.scenario.columns: {shared - vocab}"


def test_but_changes_only_what_is_named_and_leaves_the_original():
    c = col.RETRIEVED.but(label="pairs recalled")
    assert (c.label, c.key, c.fmt, c.sem) == ("pairs recalled", "fraction_retrieved", "pct", None)
    assert col.RETRIEVED.label == "retrieved"
    with pytest.raises(TypeError):
        col.RETRIEVED.but(colour="red")


def test_factories():
    x = col.final_overlap_of("x")
    assert (x.label, x.key, x.fmt) == ("final overlap x", "mean_final_overlap_x", ".3f")
    measured, theory = col.with_theory(Column("p1", "p1", ".4f"), label="fraction set p1")
    assert (measured.label, measured.key) == ("fraction set p1", "p1")
    assert (theory.label, theory.key, theory.fmt) == ("p1 theory", "p1_theory", ".4f")

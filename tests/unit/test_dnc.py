"""DNC memory functions and engine against the plain references (Graves et al. 2016, Methods)."""

from __future__ import annotations

import numpy as np
import pytest
import reference_ntm as ref
from hypothesis import given
from hypothesis import strategies as st

import memsim.ntm as ntm
from memsim.errors import MemsimError
from memsim.ntm import dnc


def _dist(rng, n, total=1.0):
    w = rng.random(n) ** 2
    return total * w / w.sum()


seeds = st.integers(0, 2**31 - 1)


@given(seeds, st.integers(1, 12), st.integers(1, 3))
def test_usage_matches_reference(seed, n, r):
    rng = np.random.default_rng(seed)
    u = rng.random(n)
    ww = _dist(rng, n, rng.random())
    wr = np.stack([_dist(rng, n) for _ in range(r)])
    f = rng.random(r)
    np.testing.assert_allclose(
        dnc.update_usage(u, ww, wr, f), ref.update_usage(u, ww, wr, f), rtol=1e-13, atol=1e-16
    )


@given(seeds, st.integers(1, 12), st.integers(1, 3))
def test_full_write_gives_usage_exactly_one_and_full_free_exactly_zero(seed, n, r):
    rng = np.random.default_rng(seed)
    u = rng.random(n)
    slot = int(rng.integers(n))
    ww = np.zeros(n)
    ww[slot] = 1.0
    wr = np.stack([_dist(rng, n) for _ in range(r)])
    out = dnc.update_usage(u, ww, wr, np.zeros(r))
    assert out[slot] == 1.0
    np.testing.assert_array_equal(np.delete(out, slot), np.delete(u, slot))
    # full free: free gate 1 and a read weighting of 1 on the slot
    wr2 = wr.copy()
    wr2[0] = 0.0
    wr2[0, slot] = 1.0
    f = np.zeros(r)
    f[0] = 1.0
    out2 = dnc.update_usage(u, np.zeros(n), wr2, f)
    assert out2[slot] == 0.0
    # both at once: the free wins (usage is multiplied by psi = 0)
    assert dnc.update_usage(u, ww, wr2, f)[slot] == 0.0


@given(seeds, st.integers(1, 12))
def test_allocation_matches_reference(seed, n):
    rng = np.random.default_rng(seed)
    u = rng.random(n)
    if n > 2:
        u[rng.integers(n)] = u[0]  # a tie, broken by slot index
    if rng.random() < 0.3:
        u[rng.integers(n, size=2)] = 0.0  # exact zeros (the O(N) path)
    if rng.random() < 0.2:
        u[rng.integers(n)] = 1.0
    np.testing.assert_allclose(dnc.allocation(u), ref.allocation(u), rtol=1e-13, atol=1e-300)
    a = dnc.allocation(u)
    assert np.all(a >= 0) and a.sum() <= 1 + 1e-12


def test_allocation_hand_computed_example():
    # phi = [1, 0, 2]: a[1] = 1 - 0.2; a[0] = (1 - 0.5) 0.2; a[2] = (1 - 0.8) 0.2 * 0.5
    np.testing.assert_allclose(dnc.allocation([0.5, 0.2, 0.8]), [0.1, 0.8, 0.02], rtol=1e-15)
    np.testing.assert_array_equal(dnc.allocation(np.ones(4)), np.zeros(4))


@given(seeds, st.integers(2, 16), st.sampled_from([0.0, 1e-4]))
def test_allocation_picks_the_free_slot(seed, n, low):
    rng = np.random.default_rng(seed)
    u = np.ones(n)
    u[: n // 2] = 0.5 + 0.5 * rng.random(n // 2)
    rng.shuffle(u)
    slot = int(rng.integers(n))
    u[slot] = low
    a = dnc.allocation(u)
    assert int(np.argmax(a)) == slot
    assert a[slot] == 1.0 - low
    if low == 0.0:
        np.testing.assert_array_equal(np.delete(a, slot), 0.0)
    else:
        assert np.delete(a, slot).sum() <= low


@given(seeds, st.integers(1, 10), st.integers(1, 12))
def test_links_match_reference_and_stay_substochastic(seed, n, steps):
    rng = np.random.default_rng(seed)
    links = np.zeros((n, n))
    prec = np.zeros(n)
    rl, rp = links.copy(), prec.copy()
    for _ in range(steps):
        kind = rng.integers(3)
        if kind == 0:
            ww = np.zeros(n)
            ww[rng.integers(n)] = 1.0
        elif kind == 1:
            ww = _dist(rng, n, rng.random())
        else:
            ww = np.zeros(n)
        links, prec = dnc.update_links(links, prec, ww)
        rl, rp = ref.update_links(rl, rp, ww)
        np.testing.assert_allclose(links, rl, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(prec, rp, rtol=1e-12, atol=1e-15)
        assert np.all(np.diag(links) == 0.0)
        assert np.all(links >= -1e-15)
        assert links.sum(axis=0).max() <= 1 + 1e-12
        assert links.sum(axis=1).max() <= 1 + 1e-12
        assert 0 <= prec.sum() <= 1 + 1e-12


def test_links_record_write_order_and_inputs_are_not_modified():
    n = 5
    links, prec = np.zeros((n, n)), np.zeros(n)
    order = [3, 0, 4]
    for s in order:
        ww = np.zeros(n)
        ww[s] = 1.0
        l0, p0 = links.copy(), prec.copy()
        new_links, new_prec = dnc.update_links(links, prec, ww)
        np.testing.assert_array_equal(links, l0)  # inputs untouched
        np.testing.assert_array_equal(prec, p0)
        links, prec = new_links, new_prec
    want = np.zeros((n, n))
    want[0, 3] = 1.0  # 0 written right after 3
    want[4, 0] = 1.0
    np.testing.assert_array_equal(links, want)
    np.testing.assert_array_equal(prec, np.eye(n)[4])
    fwd, bwd = dnc.directional_reads(links, np.eye(n)[0])
    np.testing.assert_array_equal(fwd, np.eye(n)[4])  # forward from 0 is 4
    np.testing.assert_array_equal(bwd, np.eye(n)[3])  # backward from 0 is 3


@given(seeds, st.integers(1, 9), st.integers(1, 3))
def test_directional_and_read_weighting_match_reference(seed, n, r):
    rng = np.random.default_rng(seed)
    links = rng.random((n, n)) / n
    np.fill_diagonal(links, 0.0)
    wr = np.stack([_dist(rng, n) for _ in range(r)])
    fwd, bwd = dnc.directional_reads(links, wr)
    for h in range(r):
        f, b = ref.directional(links, wr[h])
        np.testing.assert_allclose(fwd[h], f, rtol=1e-12, atol=1e-16)
        np.testing.assert_allclose(bwd[h], b, rtol=1e-12, atol=1e-16)
    c = np.stack([_dist(rng, n) for _ in range(r)])
    modes = np.stack([_dist(rng, 3) for _ in range(r)])
    got = dnc.read_weighting(c, fwd, bwd, modes)
    want = modes[:, [0]] * bwd + modes[:, [1]] * c + modes[:, [2]] * fwd
    np.testing.assert_allclose(got, want, rtol=1e-13)
    np.testing.assert_allclose(
        dnc.write_weighting(c[0], fwd[0], 0.3, 0.8), 0.8 * (0.3 * c[0] + 0.7 * fwd[0])
    )


def test_dnc_functions_reject_bad_input():
    with pytest.raises(MemsimError, match="usage"):
        dnc.allocation([0.5, 1.5])
    with pytest.raises(MemsimError, match="free_gates"):
        dnc.update_usage(np.zeros(3), np.zeros(3), np.zeros((2, 3)), [0.5, 2.0])
    with pytest.raises(MemsimError, match="links"):
        dnc.update_links(np.zeros((3, 2)), np.zeros(3), np.zeros(3))
    with pytest.raises(MemsimError, match="read_modes"):
        dnc.read_weighting(np.ones(3) / 3, np.zeros(3), np.zeros(3), [0.5, 0.5, 0.5])


# ---- the compiled DNC loop against the step-by-step reference --------------------------------


def _random_dnc_program(rng, t, n, m, r):
    prog = ntm.DNCProgram.blank(t, m, n_read=r)
    prog.write_keys[:] = rng.normal(size=(t, m))
    prog.write_betas[:] = rng.choice([0.0, 2.0, 20.0], size=t)
    prog.alloc_gates[:] = rng.choice([0.0, 0.5, 1.0], size=t)
    prog.write_gates[:] = rng.choice([0.0, 0.7, 1.0], size=t)
    prog.erase[:] = rng.random((t, m))
    prog.write_vectors[:] = rng.normal(size=(t, m))
    prog.read_keys[:] = rng.normal(size=(t, r, m))
    prog.read_betas[:] = rng.choice([0.0, 5.0], size=(t, r))
    prog.free_gates[:] = rng.random((t, r)) * (rng.random((t, r)) < 0.5)
    modes = rng.random((t, r, 3)) ** 3
    prog.read_modes[:] = modes / modes.sum(axis=-1, keepdims=True)
    return prog


@pytest.mark.parametrize("step_order", ["write_first", "read_first"])
def test_dnc_engine_matches_reference(step_order):
    rng = np.random.default_rng(11)
    t, n, m, r = 12, 7, 4, 2
    prog = _random_dnc_program(rng, t, n, m, r)
    mem = rng.normal(size=(n, m))
    mem[2] = 0.0
    u0 = rng.random(n) * (rng.random(n) < 0.5)
    tr = ntm.run_dnc(mem, prog, usage=u0, step_order=step_order, record_links=True,
                     record_memory=True)  # fmt: skip
    want = ref.run_dnc(mem, {k: getattr(prog, k) for k in prog.__dataclass_fields__}, u0,
                       read_first=step_order == "read_first")  # fmt: skip
    kw = {"rtol": 1e-10, "atol": 1e-13}
    np.testing.assert_allclose(tr.write_weightings[0], want["write_w"], **kw)
    np.testing.assert_allclose(tr.read_weightings, want["read_w"], **kw)
    np.testing.assert_allclose(tr.reads, want["reads"], **kw)
    np.testing.assert_allclose(tr.usage, want["usage"], **kw)
    np.testing.assert_allclose(tr.allocation, want["allocation"], **kw)
    np.testing.assert_allclose(tr.precedence, want["precedence"], **kw)
    np.testing.assert_allclose(tr.link_matrix, want["links"], **kw)
    np.testing.assert_allclose(tr.memory_after, want["memory"], **kw)
    np.testing.assert_array_equal(tr.link_history[-1], tr.link_matrix)
    for step in range(0, t, 3):  # the recorded allocation is exactly dnc.allocation(usage_t)
        np.testing.assert_array_equal(tr.allocation[step], dnc.allocation(tr.usage[step]))
    np.testing.assert_array_equal(tr.memory_history[-1], tr.memory_after)
    np.testing.assert_array_equal(tr.memory_before, mem)
    assert not tr.reads.flags.writeable
    # the batch loop (parallel over trials) gives the same numbers
    prog2 = _random_dnc_program(rng, t, n, m, r)
    reads = ntm.run_dnc_batch(np.stack([mem, mem]), [prog, prog2], usages=[u0, None],
                              step_order=step_order)  # fmt: skip
    np.testing.assert_array_equal(reads[0], tr.reads)
    np.testing.assert_array_equal(reads[1], ntm.run_dnc(mem, prog2, step_order=step_order).reads)


def test_zero_memory_and_zero_keys_give_no_nan():
    rng = np.random.default_rng(5)
    prog = _random_dnc_program(rng, 8, 6, 3, 2)
    prog.read_keys[:] = 0.0
    prog.write_keys[:] = 0.0
    prog.write_vectors[:] = 0.0
    tr = ntm.run_dnc(np.zeros((6, 3)), prog, cosine_eps=0.0)
    for a in (tr.read_weightings, tr.write_weightings, tr.reads, tr.usage, tr.link_matrix):
        assert np.all(np.isfinite(a))

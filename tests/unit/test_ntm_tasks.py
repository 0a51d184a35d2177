"""Compiled NTM sequence engine and the scripted tasks (Graves et al. 2014 sec. 4; 2016)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import reference_ntm as ref
from hypothesis import given
from hypothesis import strategies as st

import memsim.ntm as ntm
from memsim.errors import MemsimError, MemsimWarning
from memsim.ntm import tasks

# ---- engine vs reference ---------------------------------------------------------------------


def _random_ntm_program(rng, t, n, m, hw, hr, r):
    prog = ntm.NTMProgram.blank(t, n, m, n_write=hw, n_read=hr, shift_range=r)

    def dist(*shape):
        x = rng.random(shape) ** 3
        return x / x.sum(axis=-1, keepdims=True)

    for pre, h in (("write", hw), ("read", hr)):
        getattr(prog, f"{pre}_keys")[:] = rng.normal(size=(t, h, m))
        getattr(prog, f"{pre}_betas")[:] = rng.choice([0.0, 1.0, 10.0], size=(t, h))
        getattr(prog, f"{pre}_gates")[:] = rng.choice([0.0, 0.4, 1.0], size=(t, h))
        getattr(prog, f"{pre}_shifts")[:] = dist(t, h, 2 * r + 1)
        getattr(prog, f"{pre}_gammas")[:] = rng.choice([1.0, 2.5], size=(t, h))
    prog.erase[:] = rng.random((t, hw, m))
    prog.add[:] = rng.normal(size=(t, hw, m))
    prog.write_w0[:] = dist(hw, n)
    prog.read_w0[:] = dist(hr, n)
    return prog


def _fields(prog):
    return {k: np.asarray(getattr(prog, k)) for k in prog.__dataclass_fields__}


@pytest.mark.parametrize("step_order", ["write_first", "read_first"])
@pytest.mark.parametrize(("hw", "hr"), [(1, 1), (2, 3), (0, 2)])
def test_ntm_engine_matches_step_by_step_reference(step_order, hw, hr):
    rng = np.random.default_rng(hw * 10 + hr)
    t, n, m, r = 9, 6, 3, 1
    prog = _random_ntm_program(rng, t, n, m, hw, hr, r)
    mem = rng.normal(size=(n, m))
    mem[1] = 0.0
    tr = ntm.run_ntm(mem, prog, step_order=step_order, record_memory=True)
    ww, wr, reads, mem_t = ref.run_ntm(mem, _fields(prog), read_first=step_order == "read_first")
    kw = {"rtol": 1e-10, "atol": 1e-13}
    np.testing.assert_allclose(tr.write_weightings, ww, **kw)
    np.testing.assert_allclose(tr.read_weightings, wr, **kw)
    np.testing.assert_allclose(tr.reads, reads, **kw)
    np.testing.assert_allclose(tr.memory_after, mem_t, **kw)
    np.testing.assert_array_equal(tr.memory_history[-1], tr.memory_after)
    np.testing.assert_array_equal(tr.memory_before, mem)
    for a in (tr.write_weightings, tr.read_weightings, tr.reads, tr.memory_after):
        assert not a.flags.writeable
    # the parallel batch loop gives bit-identical reads
    if hr:
        prog2 = _random_ntm_program(rng, t, n, m, hw, hr, r)
        reads_b = ntm.run_ntm_batch(np.stack([mem, mem]), [prog, prog2], step_order=step_order)
        np.testing.assert_array_equal(reads_b[0], tr.reads)
        np.testing.assert_array_equal(
            reads_b[1], ntm.run_ntm(mem, prog2, step_order=step_order).reads
        )


def test_engine_shift_order_option():
    rng = np.random.default_rng(4)
    prog = _random_ntm_program(rng, 5, 7, 3, 1, 1, 2)
    mem = rng.normal(size=(7, 3))
    base = ntm.run_ntm(mem, prog)
    prog.write_shifts[:] = ntm.shift_from_canonical(prog.write_shifts, "roll")
    prog.read_shifts[:] = ntm.shift_from_canonical(prog.read_shifts, "roll")
    rolled = ntm.run_ntm(mem, prog, shift_order="roll")
    np.testing.assert_array_equal(rolled.reads, base.reads)


def test_engine_rejects_bad_programs():
    prog = ntm.NTMProgram.blank(4, 5, 3)
    prog.write_gammas[1, 0] = 0.5
    with pytest.raises(MemsimError, match="write_gammas"):
        ntm.run_ntm(np.zeros((5, 3)), prog)
    prog = ntm.NTMProgram.blank(4, 5, 3)
    with pytest.raises(MemsimError, match="write_w0"):
        ntm.run_ntm(np.zeros((6, 3)), prog)
    with pytest.raises(MemsimError, match="write_keys"):
        ntm.run_ntm(np.zeros((5, 4)), prog)
    with pytest.raises(MemsimError, match="step_order"):
        ntm.run_ntm(np.zeros((5, 3)), prog, step_order="both")
    prog = ntm.NTMProgram.blank(4, 5, 3, n_read=2)
    prog.read_keys[2, 1, 0] = np.nan
    with pytest.raises(MemsimError, match="read_keys"):
        ntm.run_ntm(np.zeros((5, 3)), prog)
    prog = ntm.NTMProgram.blank(4, 5, 3)
    progs = [ntm.NTMProgram.blank(4, 5, 3) for _ in range(3)]
    progs[2].read_shifts[0, 0] = (0.2, 0.2, 0.2)
    with pytest.raises(MemsimError, match="read_shifts"):
        ntm.run_ntm_batch(np.zeros((3, 5, 3)), progs)
    with pytest.raises(MemsimError, match="same shapes"):
        ntm.run_ntm_batch(np.zeros((2, 5, 3)), [prog, ntm.NTMProgram.blank(5, 5, 3)])
    dprog = ntm.DNCProgram.blank(4, 3)
    dprog.write_vectors[1, 2] = np.inf
    with pytest.raises(MemsimError, match="write_vectors"):
        ntm.run_dnc(np.zeros((5, 3)), dprog)
    dprog = ntm.DNCProgram.blank(4, 3)
    dprog.read_modes[0, 0] = (0.5, 0.6, 0.0)
    with pytest.raises(MemsimError, match="read_modes"):
        ntm.run_dnc(np.zeros((5, 3)), dprog)


# ---- the tasks -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(tasks.TASKS))
@pytest.mark.parametrize("step_order", ["write_first", "read_first"])
def test_every_task_is_solved_exactly_with_defaults(name, step_order):
    for seed in range(3):
        res = ntm.run_task(name, seed=seed, step_order=step_order)
        assert res.bit_errors == 0, (name, seed)
        assert res.exact and res.scored_bits > 0
        t = res.inputs.shape[0]
        n, m = res.memory_before.shape
        assert res.outputs.shape == res.targets.shape
        assert res.read_weightings.shape[1:] == (t, n)
        assert res.write_weightings.shape[1:] == (t, n)
        assert len(res.step_labels) == t == res.errors_per_step.shape[0]
        # every scored output is a clean bit pattern: no output bit sits near 0.5
        out = res.outputs[res.scored]
        assert np.all(np.abs(out - 0.5) > 0.4)


@pytest.mark.parametrize("init", ["constant", "uniform", "zero"])
def test_tasks_are_exact_for_every_memory_init(init):
    for name in tasks.TASKS:
        assert ntm.run_task(name, seed=7, memory_init=init).bit_errors == 0, name


def test_copy_targets_are_the_inputs_and_weightings_are_one_hot():
    res = ntm.run_task("copy", length=12, seed=3)
    x = res.inputs[:12, :8]
    np.testing.assert_array_equal(res.targets[13:], x)
    np.testing.assert_array_equal(res.inputs[12], np.r_[np.zeros(8), 1.0])
    np.testing.assert_array_equal((res.outputs[13:] > 0.5).astype(float), x)
    # one-hot shifts keep every weighting exactly one-hot; writes go to slots 1..12 in order
    ww = res.write_weightings[0]
    np.testing.assert_array_equal(np.sort(ww, axis=1)[:, -1], 1.0)
    np.testing.assert_array_equal(ww[:12].argmax(axis=1), np.arange(1, 13))
    np.testing.assert_array_equal(res.read_weightings[0][13:].argmax(axis=1), np.arange(1, 13))
    # the memory holds the sequence as +-1 in slots 1..12
    np.testing.assert_array_equal(res.memory_after[1:13, :8], 2 * x - 1)


@given(
    st.integers(1, 20),
    st.integers(1, 8),
    st.integers(0, 10_000),
    st.sampled_from(["write_first", "read_first"]),
)
def test_copy_with_one_hot_shifts_is_exact(length, bits, seed, order):
    res = ntm.run_task(
        "copy", length=length, bits=bits, memory_slots=length + 1, seed=seed, step_order=order
    )
    assert res.bit_errors == 0
    np.testing.assert_array_equal(res.outputs[length + 1 :], res.targets[length + 1 :])


def test_blurred_shift_needs_sharpening():
    blur = {"shift_blur": 0.1, "length": 20}
    unsharp = [ntm.run_task("copy", seed=s, **blur).bit_errors for s in range(4)]
    sharp = [ntm.run_task("copy", seed=s, gamma=2.0, **blur).bit_errors for s in range(4)]
    assert min(unsharp) > 0
    assert max(sharp) == 0
    res = ntm.run_task("copy", seed=0, **blur)
    assert res.params["shift_range"] == 2
    # without sharpening the read weighting spreads: its peak falls step after step
    peaks = res.read_weightings[0][21:].max(axis=1)
    assert peaks[-1] < 0.5 * peaks[0]


def test_sequence_longer_than_memory_wraps_and_overwrites():
    n = 16
    ok = ntm.run_task("copy", length=n - 1, memory_slots=n, seed=1)
    assert ok.bit_errors == 0
    res = ntm.run_task("copy", length=n + 6, memory_slots=n, seed=1)
    assert res.bit_errors > 0
    # the first items were overwritten by items n.. : reads return the later items
    x = res.inputs[: n + 6, :8]
    got = (res.outputs[n + 7 : n + 7 + 6] > 0.5).astype(float)
    np.testing.assert_array_equal(got, x[n : n + 6])


def test_repeat_copy_jumps_back_by_content_and_emits_end_marker():
    res = ntm.run_task("repeat_copy", length=5, repeats=4, seed=2)
    assert res.bit_errors == 0
    x = res.inputs[:5, :8]
    assert res.inputs[5, 9] == 4
    np.testing.assert_array_equal(res.targets[6:26, :8], np.tile(x, (4, 1)))
    assert res.targets[26, 8] == 1 and res.targets[:26, 8].sum() == 0
    starts = [6 + 5 * k for k in range(4)]
    np.testing.assert_array_equal(res.read_weightings[0][starts].argmax(axis=1), 1)


def test_associative_recall_outputs_the_item_after_the_query():
    for items in (2, 4, 6):
        res = ntm.run_task("associative_recall", items=items, seed=items)
        assert res.bit_errors == 0
        # parse the input stream independently: items are delimited by channel 6
        starts = np.nonzero(res.inputs[:, 6])[0]
        stored = [res.inputs[s + 1 : s + 4, :6] for s in starts]
        qd = np.nonzero(res.inputs[:, 7])[0]
        query = res.inputs[qd[0] + 1 : qd[0] + 4, :6]
        k = [i for i, it in enumerate(stored) if np.array_equal(it, query)]
        assert len(k) == 1 and k[0] < items - 1
        np.testing.assert_array_equal(res.targets[qd[1] + 1 :], stored[k[0] + 1])


def test_priority_sort_targets_and_outputs_follow_priorities():
    res = ntm.run_task("priority_sort", seed=4)
    x, pr = res.inputs[:20, :8], res.inputs[:20, 8]
    order = sorted(range(20), key=lambda i: -pr[i])[:16]
    np.testing.assert_array_equal(res.targets[21:], x[order])
    assert res.bit_errors == 0
    # the read head visits the slots of the top-16 vectors (slot = input index + 1) in order
    np.testing.assert_array_equal(res.read_weightings[0][21:].argmax(axis=1), np.add(order, 1))
    # a small beta cannot separate neighbouring priorities: errors appear
    assert sum(ntm.run_task("priority_sort", seed=s, beta=20.0).bit_errors for s in range(3)) > 0


def test_dnc_allocation_reuses_freed_slots_and_fails_without_freeing():
    res = ntm.run_task("dnc_allocation", seed=0)
    assert res.bit_errors == 0
    ww = res.write_weightings[0]
    written = ww.sum(axis=1) > 0
    slots = ww[written].argmax(axis=1)
    np.testing.assert_array_equal(slots, np.tile(np.arange(6), 4))  # the same 6 slots, 4 times
    assert np.all(res.usage <= 1.0) and res.usage.max() == 1.0
    # after each sequence has been read and freed, usage is back to exactly zero
    assert np.all(res.usage[13] == 0.0)
    bad = ntm.run_task("dnc_allocation", free=False, seed=0)
    assert bad.bit_errors > 0
    assert np.all(bad.usage[-1] == 1.0)
    assert np.all(bad.allocation[-1] == 0.0)


def test_dnc_link_traversal_and_repeat_copy_follow_links_through_scattered_slots():
    res = ntm.run_task("dnc_link_traversal", seed=3, length=9, memory_slots=24, occupied=0.5)
    assert res.bit_errors == 0
    used = np.nonzero(res.initial_usage)[0]
    slots = res.write_weightings[0][:9].argmax(axis=1)
    assert not set(slots) & set(used)
    lk = res.link_matrix
    for a, b in zip(slots[:-1], slots[1:], strict=True):
        assert lk[b, a] == 1.0
    assert np.all(np.diag(lk) == 0) and lk.sum(axis=0).max() <= 1 and lk.sum(axis=1).max() <= 1
    rc = ntm.run_task("dnc_repeat_copy", seed=5, record_links=True)
    assert rc.bit_errors == 0
    np.testing.assert_array_equal(rc.link_history[-1], rc.link_matrix)


# ---- sweeps, results, errors -----------------------------------------------------------------


def test_sweep_rows_match_run_task():
    rows = ntm.sweep(
        "copy", {"length": [4, 20], "memory_slots": [8, 32], "shift_blur": [0.0, 0.1]}, trials=3
    )
    assert len(rows) == 2 * 2 * 2 * 3
    for row in rows:
        res = ntm.run_task(
            "copy",
            seed=row["seed"],
            trial=row["trial"],
            length=row["length"],
            memory_slots=row["memory_slots"],
            shift_blur=row["shift_blur"],
        )
        assert row["bit_errors"] == res.bit_errors
        assert row["scored_bits"] == res.scored_bits == row["length"] * 8
        assert row["exact"] == (res.bit_errors == 0)
    by = {(r["length"], r["memory_slots"], r["shift_blur"]): r["bit_errors"] for r in rows}
    assert by[(4, 8, 0.0)] == 0 and by[(20, 8, 0.0)] > 0


def test_capacity_sweep_and_dnc_sweep():
    rows = tasks.capacity_sweep(
        lengths=[10], memory_slots=[32], shift_blurs=[0.1], gammas=[1.0, 3.0], trials=2
    )
    errs = {r["gamma"]: r["bit_errors"] for r in rows if r["trial"] == 0}
    assert errs[1.0] > 0 and errs[3.0] == 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MemsimWarning)
        drows = ntm.sweep("dnc_allocation", {"free": [True, False]}, trials=2)
    assert [r["bit_errors"] == 0 for r in drows] == [True, True, False, False]


def test_thread_count_does_not_change_results():
    a = ntm.sweep("associative_recall", {"items": [3, 6]}, trials=4, threads=1)
    b = ntm.sweep("associative_recall", {"items": [3, 6]}, trials=4, threads=2)
    assert a == b


def test_results_are_read_only_and_summarised():
    res = ntm.run_task("dnc_repeat_copy", seed=1)
    for name in ("inputs", "outputs", "read_weightings", "usage", "link_matrix", "memory_after"):
        assert not getattr(res, name).flags.writeable
    assert not res.program.read_modes.flags.writeable
    with pytest.raises(TypeError):
        res.params["length"] = 3
    s = res.summary()
    assert s["task"] == "dnc_repeat_copy" and s["bit_errors"] == 0 and s["seed"] == 1


def test_task_input_errors():
    with pytest.raises(MemsimError, match="unknown task"):
        ntm.run_task("sorting")
    with pytest.raises(MemsimError, match="no parameter"):
        ntm.run_task("copy", repeats=3)
    with pytest.raises(MemsimError, match="shift_range"):
        ntm.run_task("copy", shift_blur=0.1, shift_range=1)
    with pytest.raises(MemsimError, match="memory_width"):
        ntm.run_task("associative_recall", bits=8)
    with pytest.raises(MemsimError, match="length"):
        ntm.run_task("copy", length=0)
    with pytest.raises(MemsimError, match="grid"):
        ntm.sweep("copy", {"length": []})
    with pytest.raises(MemsimError, match="hops"):
        ntm.run_task("dnc_link_traversal", length=5, hops=3)
    with pytest.warns(MemsimWarning, match="free slots"):
        ntm.run_task("dnc_repeat_copy", memory_slots=8, occupied=0.5)

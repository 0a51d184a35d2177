"""NTM / DNC heads: compiled sequence loop vs a plain numpy step loop, in the same run.

Usage: ``.venv/bin/python benchmarks/bench_ntm.py [--repeats 5] [--trials 32]``

Cases (memory 128 x 20, about 100 steps each):

* ``ntm copy``: the scripted copy program (length 50, 101 steps, blurred shifts + gamma 2),
  one write head and one read head;
* ``ntm content``: a random 100-step program with every addressing stage active (gate 0.5);
* ``dnc repeat copy``: the scripted DNC repeat copy (length 24, 3 repeats, 98 steps).

For each case: the numpy step loop (vectorised numpy per step, the same equations, the same
skips of stages whose gate makes them irrelevant), :func:`memsim.ntm.run_ntm` /
:func:`memsim.ntm.run_dnc` on one trial, and the batch runner over ``--trials`` trials
(parallel over trials; time per trial). Numba is warmed up first; best of ``--repeats``.
"""

from __future__ import annotations

from functools import partial

import numpy as np
from _common import bench_parser, environment_line
from _timing import best_of

import memsim.ntm as ntm
from memsim.ntm import tasks

# ---- plain numpy step loops ------------------------------------------------------------------


def np_address(mem, key, beta, g, s, gamma, w_prev, eps=1e-6):
    if g != 0.0:
        den = np.linalg.norm(mem, axis=1) * np.linalg.norm(key) + eps
        z = beta * (mem @ key) / den
        wc = np.exp(z - z.max())
        wc /= wc.sum()
        wg = g * wc + (1 - g) * w_prev
    else:
        wg = w_prev
    r = (len(s) - 1) // 2
    ws = np.zeros_like(wg)
    for k in range(len(s)):
        if s[k] != 0.0:
            ws += s[k] * np.roll(wg, k - r)
    if gamma != 1.0:
        ws = (ws / ws.max()) ** gamma
    return ws / ws.sum()


def np_run_ntm(mem, p):
    mem = mem.copy()
    ww = p.write_w0.copy()
    wr = p.read_w0.copy()
    reads = np.empty((p.steps, p.n_read, mem.shape[1]))
    for t in range(p.steps):
        for h in range(p.n_write):
            ww[h] = np_address(mem, p.write_keys[t, h], p.write_betas[t, h], p.write_gates[t, h],
                               p.write_shifts[t, h], p.write_gammas[t, h], ww[h])  # fmt: skip
        for h in range(p.n_write):
            mem *= 1 - np.outer(ww[h], p.erase[t, h])
        for h in range(p.n_write):
            mem += np.outer(ww[h], p.add[t, h])
        for h in range(p.n_read):
            wr[h] = np_address(mem, p.read_keys[t, h], p.read_betas[t, h], p.read_gates[t, h],
                               p.read_shifts[t, h], p.read_gammas[t, h], wr[h])  # fmt: skip
            reads[t, h] = wr[h] @ mem
    return reads


def np_content(mem, key, beta, eps=1e-6):
    den = np.linalg.norm(mem, axis=1) * np.linalg.norm(key) + eps
    z = beta * (mem @ key) / den
    e = np.exp(z - z.max())
    return e / e.sum()


def np_run_dnc(mem, p, usage):
    mem = mem.copy()
    n = mem.shape[0]
    u = usage.copy()
    prec = np.zeros(n)
    links = np.zeros((n, n))
    ww = np.zeros(n)
    wr = np.zeros((p.n_read, n))
    reads = np.empty((p.steps, p.n_read, mem.shape[1]))
    for t in range(p.steps):
        psi = np.prod(1 - p.free_gates[t][:, None] * wr, axis=0)
        u = ((u - u * ww) + ww) * psi
        phi = np.argsort(u, kind="stable")
        su = u[phi]
        a = np.empty(n)
        a[phi] = (1 - su) * np.concatenate(([1.0], np.cumprod(su)[:-1]))
        gw, ga = p.write_gates[t], p.alloc_gates[t]
        if gw != 0.0 and ga != 1.0:
            ww = gw * (ga * a + (1 - ga) * np_content(mem, p.write_keys[t], p.write_betas[t]))
        else:
            ww = gw * ga * a
        mem = mem * (1 - np.outer(ww, p.erase[t])) + np.outer(ww, p.write_vectors[t])
        if ww.sum() != 0.0:
            links = (1 - ww[:, None] - ww[None, :]) * links + np.outer(ww, prec)
            np.fill_diagonal(links, 0.0)
        prec = (1 - ww.sum()) * prec + ww
        fwd = wr @ links.T
        bwd = wr @ links
        for h in range(p.n_read):
            modes = p.read_modes[t, h]
            c = np_content(mem, p.read_keys[t, h], p.read_betas[t, h]) if modes[1] else 0.0
            wr[h] = modes[0] * bwd[h] + modes[1] * c + modes[2] * fwd[h]
            reads[t, h] = wr[h] @ mem
    return reads


# ---- cases -----------------------------------------------------------------------------------


def content_program(rng, steps=100, n=128, m=20):
    prog = ntm.NTMProgram.blank(steps, n, m, n_write=1, n_read=1, shift_range=1)
    for pre in ("write", "read"):
        getattr(prog, f"{pre}_keys")[:] = rng.normal(size=(steps, 1, m))
        getattr(prog, f"{pre}_betas")[:] = 5.0
        getattr(prog, f"{pre}_gates")[:] = 0.5
        getattr(prog, f"{pre}_shifts")[:] = (0.1, 0.8, 0.1)
        getattr(prog, f"{pre}_gammas")[:] = 2.0
    prog.erase[:] = rng.random((steps, 1, m))
    prog.add[:] = rng.normal(size=(steps, 1, m))
    return prog


def main() -> None:
    args = bench_parser(__doc__, repeats=10, trials=32).parse_args()
    rng = np.random.default_rng(0)

    cases = []
    res = ntm.run_task("copy", length=50, shift_blur=0.1, gamma=2.0)
    mem0 = np.asarray(res.memory_before)
    cases.append(("ntm copy", "ntm", res.program, mem0, None))
    cases.append(("ntm content", "ntm", content_program(rng), rng.normal(size=(128, 20)), None))
    dres = ntm.run_task("dnc_repeat_copy", length=24, repeats=3, memory_slots=128)
    cases.append(("dnc repeat copy", "dnc", dres.program, np.asarray(dres.memory_before),
                  np.asarray(dres.initial_usage)))  # fmt: skip

    print(f"memory 128 x 20, best of {args.repeats}, batch of {args.trials} trials")
    head = f"{'case':16s} {'steps':>5s} {'numpy ms':>9s} {'memsim ms':>9s} {'ratio':>7s}"
    print(head + f" {'batch ms/trial':>14s} {'ratio':>7s}")
    for name, kind, prog, mem, usage in cases:
        b = args.trials
        mems = np.stack([mem] * b)
        if kind == "ntm":
            ref_reads = np_run_ntm(mem, prog)
            got = ntm.run_ntm(mem, prog).reads
            f_np = partial(np_run_ntm, mem, prog)
            f_ms = partial(ntm.run_ntm, mem, prog)
            f_b = partial(ntm.run_ntm_batch, mems, [prog] * b)
        else:
            ref_reads = np_run_dnc(mem, prog, usage)
            got = ntm.run_dnc(mem, prog, usage=usage).reads
            f_np = partial(np_run_dnc, mem, prog, usage)
            f_ms = partial(ntm.run_dnc, mem, prog, usage=usage)
            f_b = partial(ntm.run_dnc_batch, mems, [prog] * b, usages=[usage] * b)
        f_b()  # warm up the parallel kernel
        err = float(np.max(np.abs(ref_reads - got)))
        assert err < 1e-9, f"{name}: numpy and memsim disagree by {err}"
        t_np = best_of(f_np, args.repeats)
        t_ms = best_of(f_ms, args.repeats)
        t_b = best_of(f_b, args.repeats) / b
        print(f"{name:16s} {prog.steps:5d} {1e3 * t_np:9.2f} {1e3 * t_ms:9.3f} "
              f"{t_np / t_ms:6.1f}x {1e3 * t_b:14.3f} {t_np / t_b:6.1f}x")  # fmt: skip

    # end to end: one scripted task trial including building the controller program in Python
    t_task = best_of(
        lambda: ntm.run_task("copy", length=50, shift_blur=0.1, gamma=2.0), args.repeats
    )
    t_sweep = best_of(
        lambda: tasks.sweep("copy", {"length": [50]}, trials=args.trials, shift_blur=0.1,
                            gamma=2.0),
        args.repeats,
    ) / args.trials  # fmt: skip
    print(f"run_task('copy', length=50): {1e3 * t_task:.2f} ms per call; "
          f"sweep: {1e3 * t_sweep:.3f} ms per trial")  # fmt: skip
    print(environment_line())


if __name__ == "__main__":
    main()

"""Run NTM and DNC heads over a whole scripted sequence in one compiled loop.

A *program* holds what a controller emits at every time step (keys, strengths, gates, shifts,
sharpening, erase and add vectors; for the DNC also allocation/write/free gates and read modes).
The scripted controllers in :mod:`memsim.ntm.tasks` build programs from a task's inputs; users can
build their own with :meth:`NTMProgram.blank` / :meth:`DNCProgram.blank` and fill in arrays.
The engine then runs the heads exactly as the papers define them (:mod:`memsim.ntm.addressing`,
:mod:`memsim.ntm.heads`, :mod:`memsim.ntm.dnc`) and records every weighting.

Step order (option ``step_order``)
----------------------------------
``"write_first"`` (default): at each step the write heads address and write, then the read heads
address and read the *new* memory. This is the order of Graves et al. (2016), Methods (reads use
M_t and L_t); the NTM paper does not fix one. ``"read_first"``: read heads address and read
M_(t-1) (and the DNC's L_(t-1)), then the write heads write. Many public NTM implementations read
first. DNC usage is always computed from the previous step's weightings, as in the paper.

All arrays are float64; results are frozen dataclasses of read-only arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np

from memsim import _checks as C
from memsim._docstrings import fill_doc
from memsim._jit import keeps_thread_count, set_threads
from memsim.errors import MemsimError
from memsim.ntm import _kernels as K
from memsim.ntm.addressing import DEFAULT_COSINE_EPS, SHIFT_ORDERS, shift_to_canonical
from memsim.ntm.dnc import _allocation_tail, _usage

#: accepted step orders; the first is the default
STEP_ORDERS = ("write_first", "read_first")


def _ro(a: np.ndarray | None) -> np.ndarray | None:
    if a is not None:
        a.setflags(write=False)
    return a


def _freeze_copy(obj):
    """A copy of a program dataclass whose arrays are read-only."""
    vals = {}
    for f in fields(obj):
        v = np.array(getattr(obj, f.name), dtype=np.float64, copy=True)
        v.setflags(write=False)
        vals[f.name] = v
    return type(obj)(**vals)


# --------------------------------------------------------------------------------------------
# NTM
# --------------------------------------------------------------------------------------------


class _ProgramSizes:
    """What NTM and DNC programs share: T is the first axis of ``write_keys``, the number of read
    heads the second axis of ``read_keys``."""

    @property
    def steps(self) -> int:
        return int(np.shape(self.write_keys)[0])

    @property
    def n_read(self) -> int:
        return int(np.shape(self.read_keys)[1])


@dataclass
class NTMProgram(_ProgramSizes):
    """Head parameters a (scripted) NTM controller emits, for T steps.

    Write heads (Hw) and read heads (Hr) are listed separately; shifts are distributions over
    offsets -R..R (or the order given to :func:`run_ntm`).

    Attributes
    ----------
    write_keys : (T, Hw, M)      write_betas, write_gates, write_gammas : (T, Hw)
    write_shifts : (T, Hw, 2R+1) erase, add : (T, Hw, M)
    read_keys : (T, Hr, M)       read_betas, read_gates, read_gammas : (T, Hr)
    read_shifts : (T, Hr, 2R+1)
    write_w0 : (Hw, N)           read_w0 : (Hr, N)   initial weightings w_0
    """

    write_keys: np.ndarray
    write_betas: np.ndarray
    write_gates: np.ndarray
    write_shifts: np.ndarray
    write_gammas: np.ndarray
    erase: np.ndarray
    add: np.ndarray
    read_keys: np.ndarray
    read_betas: np.ndarray
    read_gates: np.ndarray
    read_shifts: np.ndarray
    read_gammas: np.ndarray
    write_w0: np.ndarray
    read_w0: np.ndarray

    @classmethod
    def blank(
        cls,
        steps: int,
        slots: int,
        width: int,
        *,
        n_write: int = 1,
        n_read: int = 1,
        shift_range: int = 1,
        start: int = 0,
    ) -> NTMProgram:
        """A program in which every head holds still and nothing is written.

        Every head: gate 0 (keep the previous weighting), identity shift (offset 0 has mass 1),
        gamma 1, zero key, beta 0; write heads erase 0, add 0; every head starts one-hot at slot
        ``start``. Fill in the arrays to script a controller.
        """
        t = C.integer(steps, "steps", 1)
        n = C.integer(slots, "slots", 1)
        m = C.integer(width, "width", 1)
        hw = C.integer(n_write, "n_write", 0)
        hr = C.integer(n_read, "n_read", 0)
        r = C.integer(shift_range, "shift_range", 0)
        if not 0 <= start < n:
            raise MemsimError(f"start must be a slot index in [0, {n - 1}], got {start!r}")

        def hold(h):
            s = np.zeros((t, h, 2 * r + 1))
            s[:, :, r] = 1.0
            return s

        def w0(h):
            w = np.zeros((h, n))
            w[:, start] = 1.0
            return w

        return cls(
            write_keys=np.zeros((t, hw, m)),
            write_betas=np.zeros((t, hw)),
            write_gates=np.zeros((t, hw)),
            write_shifts=hold(hw),
            write_gammas=np.ones((t, hw)),
            erase=np.zeros((t, hw, m)),
            add=np.zeros((t, hw, m)),
            read_keys=np.zeros((t, hr, m)),
            read_betas=np.zeros((t, hr)),
            read_gates=np.zeros((t, hr)),
            read_shifts=hold(hr),
            read_gammas=np.ones((t, hr)),
            write_w0=w0(hw),
            read_w0=w0(hr),
        )

    @property
    def n_write(self) -> int:
        return int(np.shape(self.write_keys)[1])

    @property
    def shift_range(self) -> int:
        return (int(np.shape(self.write_shifts)[-1]) - 1) // 2


@dataclass(frozen=True)
class NTMTrace:
    """Everything an NTM run recorded (read-only arrays).

    Attributes
    ----------
    write_weightings : (Hw, T, N)   weighting of each write head at each step
    read_weightings : (Hr, T, N)
    reads : (T, Hr, M)              read vectors
    memory_before, memory_after : (N, M)
    memory_history : (T, N, M) or None   memory after each step (``record_memory=True``)
    """

    write_weightings: np.ndarray
    read_weightings: np.ndarray
    reads: np.ndarray
    memory_before: np.ndarray
    memory_after: np.ndarray
    memory_history: np.ndarray | None = None


def _f64(x) -> np.ndarray:
    try:
        return np.ascontiguousarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise MemsimError(f"program fields must be arrays of real numbers, got {x!r}") from exc


def _ntm_shapes(p: dict[str, np.ndarray], n: int, m: int) -> tuple[int, int, int, int]:
    for name, a in p.items():
        if a.ndim not in (2, 3):
            raise MemsimError(f"program.{name} must be 2-D or 3-D, got shape {a.shape}")
    t = p["write_keys"].shape[0]
    hw = p["write_keys"].shape[1]
    hr = p["read_keys"].shape[1]
    ns = p["write_shifts"].shape[-1]
    if ns % 2 != 1:
        raise MemsimError(f"shifts must have an odd length 2R+1, got {ns}")
    want = {
        "write_keys": (t, hw, m),
        "write_betas": (t, hw),
        "write_gates": (t, hw),
        "write_shifts": (t, hw, ns),
        "write_gammas": (t, hw),
        "erase": (t, hw, m),
        "add": (t, hw, m),
        "read_keys": (t, hr, m),
        "read_betas": (t, hr),
        "read_gates": (t, hr),
        "read_shifts": (t, hr, ns),
        "read_gammas": (t, hr),
        "write_w0": (hw, n),
        "read_w0": (hr, n),
    }
    for name, shape in want.items():
        if p[name].shape != shape:
            raise MemsimError(
                f"program.{name} must have shape {shape} (T={t}, Hw={hw}, Hr={hr}, N={n}, M={m}, "
                f"2R+1={ns}), got {p[name].shape}"
            )
    if t < 1 or hw + hr < 1:
        raise MemsimError("program must have at least one step and one head")
    return t, hw, hr, ns


def _ntm_values_ok(p: dict[str, np.ndarray]) -> bool:
    """Compiled check of every value constraint (fast path)."""
    return (
        all(K.all_finite(p[k]) for k in ("write_keys", "read_keys", "add"))
        and all(K.all_in(p[k], 0.0, np.inf) for k in ("write_betas", "read_betas"))
        and all(K.all_in(p[k], 0.0, 1.0) for k in ("write_gates", "read_gates", "erase"))
        and all(K.all_in(p[k], 1.0, np.inf) for k in ("write_gammas", "read_gammas"))
        and all(K.all_in(p[k], 0.0, np.inf) for k in ("write_w0", "read_w0"))
        and all(K.rows_are_distributions(p[k], C.SUM_TOL) for k in ("write_shifts", "read_shifts"))
    )


def _ntm_explain(p: dict[str, np.ndarray]) -> None:
    """Raise a MemsimError naming the first invalid field of a program (slow path)."""
    for name, a in p.items():
        C.float_array(a, f"program.{name}", (a.ndim,))
    for name in ("write_betas", "read_betas", "write_w0", "read_w0"):
        C.nonneg(p[name], f"program.{name}")
    for name in ("write_gates", "read_gates", "erase"):
        C.in_range(p[name], f"program.{name}", 0.0, 1.0)
    for name in ("write_gammas", "read_gammas"):
        if p[name].size and p[name].min() < 1.0:
            raise MemsimError(f"program.{name} must be >= 1, got {p[name].min()!r}")
    for name in ("write_shifts", "read_shifts"):
        C.distribution(p[name], f"program.{name}")


#: the kernels' program tuple (see memsim.ntm._kernels), in order
_NTM_PROGRAM = ("keys", "betas", "gates", "shifts", "gammas", "erases", "adds")


def _ntm_pack(
    programs: Sequence[NTMProgram], n: int, m: int, shift_order: str
) -> dict[str, np.ndarray]:
    """Validate programs against (n, m) memories; return the kernel's arrays with a batch axis.

    Write heads come first along the head axis. One copy per field; value checks run compiled on
    the whole batch and fall back to the slow, explaining checks only when something is wrong.
    """
    dims = None
    pieces = []
    for prog in programs:
        if not isinstance(prog, NTMProgram):
            raise MemsimError(f"program must be an NTMProgram, got {type(prog).__name__}")
        p = {f.name: _f64(getattr(prog, f.name)) for f in fields(prog)}
        d = _ntm_shapes(p, n, m)
        if dims is None:
            dims = d
        elif d != dims:
            raise MemsimError(
                "all programs in a batch must have the same shapes (T, Hw, Hr, 2R+1): "
                f"{dims} != {d}"
            )
        pieces.append(p)
    if dims is None:
        raise MemsimError("need at least one program")
    t, hw, hr, ns = dims
    nb, h = len(pieces), hw + hr
    out = {
        "keys": np.empty((nb, t, h, m)),
        "betas": np.empty((nb, t, h)),
        "gates": np.empty((nb, t, h)),
        "shifts": np.empty((nb, t, h, ns)),
        "gammas": np.empty((nb, t, h)),
        "erases": np.empty((nb, t, hw, m)),
        "adds": np.empty((nb, t, hw, m)),
        "w0": np.empty((nb, h, n)),
    }
    for i, p in enumerate(pieces):
        for key, field in (("keys", "keys"), ("betas", "betas"), ("gates", "gates"),
                           ("shifts", "shifts"), ("gammas", "gammas")):  # fmt: skip
            out[key][i, :, :hw] = p[f"write_{field}"]
            out[key][i, :, hw:] = p[f"read_{field}"]
        out["erases"][i] = p["erase"]
        out["adds"][i] = p["add"]
        out["w0"][i, :hw] = p["write_w0"]
        out["w0"][i, hw:] = p["read_w0"]
    ok = (
        K.all_finite(out["keys"])
        and K.all_finite(out["adds"])
        and K.all_in(out["betas"], 0.0, np.inf)
        and K.all_in(out["gates"], 0.0, 1.0)
        and K.all_in(out["erases"], 0.0, 1.0)
        and K.all_in(out["gammas"], 1.0, np.inf)
        and K.all_in(out["w0"], 0.0, np.inf)
        and K.rows_are_distributions(out["shifts"], C.SUM_TOL)
    )
    if not ok:
        for p in pieces:
            _ntm_explain(p)
        raise MemsimError("program has invalid values")  # pragma: no cover
    if shift_order != "-R..R":
        out["shifts"] = shift_to_canonical(out["shifts"], shift_order)
    out["nw"] = hw
    return out


#: References of the NTM runners
_NTM_REFERENCES = """References
----------
Graves, A., Wayne, G. & Danihelka, I. (2014). Neural Turing Machines. arXiv:1410.5401,
section 3: eq. 2 (read), eqs. 3-4 (write), eqs. 5-9 (addressing)."""


@fill_doc(ntm_references=_NTM_REFERENCES)
def run_ntm(
    memory,
    program: NTMProgram,
    *,
    step_order: str = "write_first",
    shift_order: str = "-R..R",
    cosine_eps: float = DEFAULT_COSINE_EPS,
    record_memory: bool = False,
) -> NTMTrace:
    """Run an NTM's heads through a scripted program (Graves et al. 2014, section 3).

    Parameters
    ----------
    memory : (N, M) array_like of float
        Initial memory (not modified), N >= 1, M >= 1, finite; see
        :func:`memsim.ntm.init_memory`.
    program : NTMProgram
        The controller's emissions for T steps.
    step_order : {"write_first", "read_first"}, default "write_first"
        Whether read heads see the memory after (default) or before this step's write.
    shift_order : {"-R..R", "+R..-R", "roll", "0,+1..,-R..-1"}, default "-R..R"
        Order of the entries of the program's shift distributions.
    cosine_eps : float, >= 0, default 1e-6
        Added to the product of the norms in the cosine similarity.
    record_memory : bool, default False
        Also keep the memory after every step (T x N x M).

    Returns
    -------
    NTMTrace
        Write weightings (Hw, T, N), read weightings (Hr, T, N), reads (T, Hr, M), memory
        before and after (N, M) and, with ``record_memory``, the (T, N, M) history; read-only
        float64 arrays.

    Raises
    ------
    MemsimError
        If ``step_order`` or ``shift_order`` is not an accepted name; ``memory`` is not a finite
        2-D array with at least one slot and width >= 1; ``program`` is not an NTMProgram, or
        one of its fields is not a finite array of real numbers, is not 2-D or 3-D, or does not
        have the shape the others imply (see :class:`NTMProgram`), its shifts have an even
        length, it has no step or no head, or it has negative betas or initial weightings, gates
        or erase entries outside [0, 1], gammas below 1, or shifts that are not distributions;
        or ``cosine_eps`` is not a finite number >= 0.

    {ntm_references}
    """
    C.choice(step_order, "step_order", STEP_ORDERS)
    C.choice(shift_order, "shift_order", SHIFT_ORDERS)
    mem0 = C.memory(memory)
    n, m = mem0.shape
    packed = _ntm_pack([program], n, m, shift_order)
    a = {k: (v[0] if k != "nw" else v) for k, v in packed.items()}
    e = C.eps(cosine_eps)
    t, h = a["keys"].shape[:2]
    nw = a["nw"]
    mem = mem0.copy()
    w = a["w0"].copy()
    out_w = np.empty((h, t, n))
    out_r = np.empty((t, h - nw, m))
    hist = np.empty((t if record_memory else 0, n, m))
    prog = tuple(a[k] for k in _NTM_PROGRAM)
    K.ntm_run(mem, w, prog, nw, step_order == "read_first", e, out_w, out_r, hist, True)
    return NTMTrace(
        write_weightings=_ro(out_w[:nw].copy()),
        read_weightings=_ro(out_w[nw:].copy()),
        reads=_ro(out_r),
        memory_before=_ro(mem0.copy()),
        memory_after=_ro(mem),
        memory_history=_ro(hist) if record_memory else None,
    )


#: Parameters entries of the batch runners: cosine_eps and threads
_BATCH_EPS_THREADS = """cosine_eps : float, >= 0, default 1e-6
    Added to the product of the norms in the cosine similarity.
threads : int >= 1, optional
    Number of Numba threads (capped at the number available); None keeps the current
    setting."""


@keeps_thread_count
@fill_doc(batch_eps_threads=_BATCH_EPS_THREADS, ntm_references=_NTM_REFERENCES)
def run_ntm_batch(
    memories,
    programs: Sequence[NTMProgram],
    *,
    step_order: str = "write_first",
    shift_order: str = "-R..R",
    cosine_eps: float = DEFAULT_COSINE_EPS,
    threads: int | None = None,
) -> np.ndarray:
    """Run B independent NTM trials in parallel (one thread per trial); return the reads.

    ``memories`` is (B, N, M) and ``programs`` B programs of identical shapes. Each trial gives
    exactly what :func:`run_ntm` gives for it, whatever the thread count.

    Parameters
    ----------
    memories : (B, N, M) array_like of float
        Initial memory of each trial (not modified); finite.
    programs : sequence of B NTMProgram
        One program per trial, all with the same (T, Hw, Hr, 2R+1).
    step_order : {"write_first", "read_first"}, default "write_first"
        As in :func:`run_ntm`.
    shift_order : {"-R..R", "+R..-R", "roll", "0,+1..,-R..-1"}, default "-R..R"
        Order of the entries of the programs' shift distributions.
    {batch_eps_threads}

    Returns
    -------
    (B, T, Hr, M) numpy.ndarray of float64
        Read vectors.

    Raises
    ------
    MemsimError
        If ``step_order`` or ``shift_order`` is not an accepted name; ``memories`` is not a
        finite 3-D array; ``programs`` is empty, does not hold one program per memory, or
        holds programs of different shapes; a program is invalid (as in :func:`run_ntm`);
        ``cosine_eps`` is not a finite number >= 0; or ``threads`` is not an integer >= 1.

    {ntm_references}
    """
    C.choice(step_order, "step_order", STEP_ORDERS)
    mems = C.float_array(memories, "memories", (3,))
    if len(programs) != mems.shape[0]:
        raise MemsimError(f"need one program per memory: {len(programs)} != {mems.shape[0]}")
    b, n, m = mems.shape
    st = _ntm_pack(programs, n, m, shift_order)
    nw = st["nw"]
    t, h = st["keys"].shape[1:3]
    e = C.eps(cosine_eps)
    set_threads(threads)
    mem = mems.copy()
    w = st["w0"]
    out_w = np.empty((b, h, 0, n))
    out_r = np.empty((b, t, h - nw, m))
    prog = tuple(st[k] for k in _NTM_PROGRAM)
    K.ntm_run_batch(mem, w, prog, nw, step_order == "read_first", e, out_w, out_r, False)
    return out_r


# --------------------------------------------------------------------------------------------
# DNC
# --------------------------------------------------------------------------------------------


@dataclass
class DNCProgram(_ProgramSizes):
    """Interface parameters a (scripted) DNC controller emits, for T steps (one write head).

    Attributes
    ----------
    write_keys : (T, M)     write_betas, alloc_gates, write_gates : (T,)
    erase, write_vectors : (T, M)
    read_keys : (T, R, M)   read_betas, free_gates : (T, R)
    read_modes : (T, R, 3)  distributions in the paper's order (backward, content, forward)
    """

    write_keys: np.ndarray
    write_betas: np.ndarray
    alloc_gates: np.ndarray
    write_gates: np.ndarray
    erase: np.ndarray
    write_vectors: np.ndarray
    read_keys: np.ndarray
    read_betas: np.ndarray
    free_gates: np.ndarray
    read_modes: np.ndarray

    @classmethod
    def blank(cls, steps: int, width: int, *, n_read: int = 1) -> DNCProgram:
        """A program that writes nothing (write gate 0, allocation gate 1) and whose read heads
        use content mode with beta 0 (the uniform weighting) and never free."""
        t = C.integer(steps, "steps", 1)
        m = C.integer(width, "width", 1)
        r = C.integer(n_read, "n_read", 1)
        modes = np.zeros((t, r, 3))
        modes[:, :, 1] = 1.0
        return cls(
            write_keys=np.zeros((t, m)),
            write_betas=np.zeros(t),
            alloc_gates=np.ones(t),
            write_gates=np.zeros(t),
            erase=np.zeros((t, m)),
            write_vectors=np.zeros((t, m)),
            read_keys=np.zeros((t, r, m)),
            read_betas=np.zeros((t, r)),
            free_gates=np.zeros((t, r)),
            read_modes=modes,
        )


@dataclass(frozen=True)
class DNCTrace:
    """Everything a DNC run recorded (read-only arrays).

    Attributes
    ----------
    write_weightings : (1, T, N)   read_weightings : (R, T, N)   reads : (T, R, M)
    usage : (T, N)        u_t, the usage the allocation at step t sees
    allocation : (T, N)   allocation weightings a_t
    precedence : (T, N)   p_t after the step's write
    link_matrix : (N, N)  L after the last step
    link_history : (T, N, N) or None (``record_links=True``)
    memory_before, memory_after : (N, M)   memory_history : (T, N, M) or None
    """

    write_weightings: np.ndarray
    read_weightings: np.ndarray
    reads: np.ndarray
    usage: np.ndarray
    allocation: np.ndarray
    precedence: np.ndarray
    link_matrix: np.ndarray
    memory_before: np.ndarray
    memory_after: np.ndarray
    link_history: np.ndarray | None = None
    memory_history: np.ndarray | None = None


#: the kernels' DNC program tuple (see memsim.ntm._kernels), in order
_DNC_PROGRAM = (
    "write_keys",
    "write_betas",
    "alloc_gates",
    "write_gates",
    "erase",
    "write_vectors",
    "read_keys",
    "read_betas",
    "free_gates",
    "read_modes",
)


def _dnc_arrays(program: DNCProgram, n: int, m: int) -> dict[str, np.ndarray]:
    if not isinstance(program, DNCProgram):
        raise MemsimError(f"program must be a DNCProgram, got {type(program).__name__}")
    p = {f.name: _f64(getattr(program, f.name)) for f in fields(program)}
    t = p["write_keys"].shape[0]
    r = p["read_keys"].shape[1] if p["read_keys"].ndim == 3 else -1
    want = {
        "write_keys": (t, m),
        "write_betas": (t,),
        "alloc_gates": (t,),
        "write_gates": (t,),
        "erase": (t, m),
        "write_vectors": (t, m),
        "read_keys": (t, r, m),
        "read_betas": (t, r),
        "free_gates": (t, r),
        "read_modes": (t, r, 3),
    }
    for name, shape in want.items():
        if p[name].shape != shape:
            raise MemsimError(
                f"program.{name} must have shape {shape} (T={t}, R={r}, M={m}), got {p[name].shape}"
            )
    if t < 1 or r < 1:
        raise MemsimError("program must have at least one step and one read head")
    ok = (
        all(K.all_finite(p[k]) for k in ("write_keys", "write_vectors", "read_keys"))
        and all(K.all_in(p[k], 0.0, np.inf) for k in ("write_betas", "read_betas"))
        and all(
            K.all_in(p[k], 0.0, 1.0) for k in ("alloc_gates", "write_gates", "erase", "free_gates")
        )
        and K.rows_are_distributions(p["read_modes"], C.SUM_TOL)
    )
    if not ok:  # slow path: name the problem
        for name, a in p.items():
            C.float_array(a, f"program.{name}", (a.ndim,))
        for name in ("write_betas", "read_betas"):
            C.nonneg(p[name], f"program.{name}")
        for name in ("alloc_gates", "write_gates", "erase", "free_gates"):
            C.in_range(p[name], f"program.{name}", 0.0, 1.0)
        C.distribution(p["read_modes"], "program.read_modes")
        raise MemsimError("program has invalid values")  # pragma: no cover
    return p


def _usage0(usage, n: int) -> np.ndarray:
    if usage is None:
        return np.zeros(n)
    u = C.float_array(usage, "usage", (1,))
    if u.shape != (n,):
        raise MemsimError(f"usage must have shape {(n,)}, got {u.shape}")
    C.in_range(u, "usage", 0.0, 1.0)
    return u.copy()


@fill_doc(allocation_tail=_allocation_tail("2-D"))
def allocation_history(usage) -> np.ndarray:
    """Allocation weighting for every row of a (T, N) usage history (Graves et al. 2016).

    Exactly as :func:`memsim.ntm.dnc.allocation` computes it for each row.

    Parameters
    ----------
    usage : (T, N) array_like of float, in [0, 1]
        Usage vectors u_t, one per row.

    Returns
    -------
    (T, N) numpy.ndarray of float64
        Allocation weightings a_t.

    {allocation_tail}
    """
    u = _usage(usage, 2)
    out = np.empty_like(u)
    K.allocation_rows(u, out)
    return out


#: References of the DNC runners
_DNC_REFERENCES = """References
----------
Graves, A. et al. (2016). Hybrid computing using a neural network with dynamic external
memory. Nature 538, 471-476. Methods: "Dynamic memory allocation", "Write weighting",
"Temporal memory linkage", "Read weighting"."""


@fill_doc(dnc_references=_DNC_REFERENCES)
def run_dnc(
    memory,
    program: DNCProgram,
    *,
    usage=None,
    step_order: str = "write_first",
    cosine_eps: float = DEFAULT_COSINE_EPS,
    record_links: bool = False,
    record_memory: bool = False,
) -> DNCTrace:
    """Run a DNC's memory through a scripted program (Graves et al. 2016, Methods).

    Starts from zero links, precedence and weightings, as in the paper.

    Parameters
    ----------
    memory : (N, M) array_like of float
        Initial memory (not modified), N >= 1, M >= 1, finite.
    program : DNCProgram
        The controller's interface parameters for T steps and R read heads.
    usage : (N,) array_like of float in [0, 1], optional
        Initial usage (default all zero); slots with usage 1 are "already taken".
    step_order : {"write_first", "read_first"}, default "write_first" (the paper's)
        Whether read heads see the memory and links after or before this step's write.
    cosine_eps : float, >= 0, default 1e-6
        Added to the product of the norms in the cosine similarity.
    record_links, record_memory : bool, default False
        Keep the link matrix / memory after every step.

    Returns
    -------
    DNCTrace
        Write weightings (1, T, N), read weightings (R, T, N), reads (T, R, M), usage,
        allocation and precedence (T, N), final link matrix (N, N), memory before and after
        (N, M), and the optional (T, N, N) link and (T, N, M) memory histories; read-only
        float64 arrays.

    Raises
    ------
    MemsimError
        If ``step_order`` is not an accepted name; ``memory`` is not a finite 2-D array with at
        least one slot and width >= 1; ``program`` is not a DNCProgram, or one of its fields
        does not have the shape the others imply (see :class:`DNCProgram`), it has no step or no
        read head, or it has non-finite values, negative betas, gates or erase entries outside
        [0, 1], or read modes that are not distributions; ``cosine_eps`` is not a finite number
        >= 0; or ``usage`` is not finite, of shape (N,), with entries in [0, 1].

    {dnc_references}
    """
    C.choice(step_order, "step_order", STEP_ORDERS)
    mem0 = C.memory(memory)
    n, m = mem0.shape
    p = _dnc_arrays(program, n, m)
    e = C.eps(cosine_eps)
    t = p["write_keys"].shape[0]
    r = p["read_keys"].shape[1]
    mem = mem0.copy()
    usage_state = _usage0(usage, n)
    state, rec = K.dnc_buffers(n, m, r, t, t if record_links else 0, t if record_memory else 0)
    out_r = np.empty((t, r, m))
    prog = tuple(p[k] for k in _DNC_PROGRAM)
    K.dnc_run(mem, usage_state, prog, step_order == "read_first", e, state, out_r, rec)
    links = state[1]
    out_ww, out_wr, out_u, out_p, link_hist, mem_hist = rec
    return DNCTrace(
        write_weightings=_ro(out_ww[None]),
        read_weightings=_ro(out_wr),
        reads=_ro(out_r),
        usage=_ro(out_u),
        allocation=_ro(allocation_history(out_u)),
        precedence=_ro(out_p),
        link_matrix=_ro(links),
        memory_before=_ro(mem0.copy()),
        memory_after=_ro(mem),
        link_history=_ro(link_hist) if record_links else None,
        memory_history=_ro(mem_hist) if record_memory else None,
    )


@keeps_thread_count
@fill_doc(batch_eps_threads=_BATCH_EPS_THREADS, dnc_references=_DNC_REFERENCES)
def run_dnc_batch(
    memories,
    programs: Sequence[DNCProgram],
    *,
    usages=None,
    step_order: str = "write_first",
    cosine_eps: float = DEFAULT_COSINE_EPS,
    threads: int | None = None,
) -> np.ndarray:
    """Run B independent DNC trials in parallel; return the (B, T, R, M) read vectors.

    Each trial gives exactly what :func:`run_dnc` gives for it, whatever the thread count.

    Parameters
    ----------
    memories : (B, N, M) array_like of float
        Initial memory of each trial (not modified); finite.
    programs : sequence of B DNCProgram
        One program per trial, all with the same (T, R).
    usages : sequence of B (N,) array_like of float in [0, 1], optional
        Initial usage of each trial (default all zero).
    step_order : {"write_first", "read_first"}, default "write_first"
        As in :func:`run_dnc`.
    {batch_eps_threads}

    Returns
    -------
    (B, T, R, M) numpy.ndarray of float64
        Read vectors.

    Raises
    ------
    MemsimError
        If ``step_order`` is not an accepted name; ``memories`` is not a finite 3-D array;
        ``programs`` does not hold one program per memory or holds programs of different
        shapes; a program is invalid (as in :func:`run_dnc`); ``usages`` does not hold B
        finite (N,) vectors in [0, 1]; ``cosine_eps`` is not a finite number >= 0; or
        ``threads`` is not an integer >= 1.

    {dnc_references}
    """
    C.choice(step_order, "step_order", STEP_ORDERS)
    mems = C.float_array(memories, "memories", (3,))
    b, n, m = mems.shape
    if len(programs) != b:
        raise MemsimError(f"need one program per memory: {len(programs)} != {b}")
    packed = [_dnc_arrays(p, n, m) for p in programs]
    if len({x["read_keys"].shape for x in packed}) != 1:
        raise MemsimError("all programs in a batch must have the same shapes")
    st = {k: np.stack([x[k] for x in packed]) for k in packed[0]}
    if usages is None:
        us = np.zeros((b, n))
    else:
        us = np.stack([_usage0(u, n) for u in usages])
        if us.shape != (b, n):
            raise MemsimError(f"usages must have shape {(b, n)}, got {us.shape}")
    e = C.eps(cosine_eps)
    t, r = st["read_keys"].shape[1:3]
    set_threads(threads)
    out_r = np.empty((b, t, r, m))
    prog = tuple(st[k] for k in _DNC_PROGRAM)
    K.dnc_run_batch(mems.copy(), us, prog, step_order == "read_first", e, out_r)
    return out_r

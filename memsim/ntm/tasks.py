"""The published NTM and DNC tasks, solved by scripted controllers.

No controller is trained. For every task a scripted controller reads the task's input sequence
and emits, step by step, exactly the head parameters the papers define (keys, strengths beta,
gates g, shift distributions s, sharpening gamma, erase e and add a; for the DNC also allocation,
write and free gates and read modes). The heads then run exactly as defined in
:mod:`memsim.ntm.addressing`, :mod:`memsim.ntm.heads` and :mod:`memsim.ntm.dnc`, and the
controller turns the read vectors into outputs. Bit errors count output bits on the wrong side of
0.5 over the scored steps (the output phase), as in Graves et al. (2014).

Tasks (``TASKS``; run with :func:`run_task`, sweep with :func:`sweep`)
----------------------------------------------------------------------
``copy``               Graves et al. 2014, section 4.1 (8-bit vectors, length up to 20, 128 x 20)
``repeat_copy``        section 4.2
``associative_recall`` section 4.3 (items of 3 x 6 bits, 2 to 6 items)
``priority_sort``      section 4.5 (20 vectors, priorities in [-1, 1], 16 outputs)
``dnc_allocation``     Graves et al. 2016: allocate, read and free, reuse the freed slots
``dnc_link_traversal`` DNC forward and backward read modes from a content-addressed item
``dnc_repeat_copy``    repeat copy through the DNC's temporal links

How the scripted controllers work
---------------------------------
* Data bits are written as +-1 (``2x - 1``) and read out as ``y = (1 + r) / 2``: a blurred read
  is decided by the sign of a weighted average, and content lookups use the full cosine range.
* *Moves* use the shift distribution with mass 1 on offset +1, or, with ``shift_blur = eps``,
  ``eps`` on offsets 0 and +2 and ``1 - 2 eps`` on +1 (this needs ``shift_range >= 2``; the
  default shift range is 1 without blur and 2 with blur). *Holds* use gate 0 and the one-hot
  identity shift. Every addressing step uses the task's sharpening ``gamma``. All heads start
  one-hot at slot 0.
* copy: the write head moves one slot per input vector (erase 1, add the vector); the read head
  waits at slot 0, then moves one slot per output step. One-hot shifts copy exactly; blurred
  shifts smear the weighting step after step unless gamma re-sharpens it (measured for length
  20: gamma 1.5 suffices for eps = 0.1, gamma 4 is needed for eps = 0.3); a sequence longer than
  the memory wraps round and overwrites its own beginning.
* repeat_copy: as copy, and the first vector's slot carries a start marker (value ``MARKER`` in
  column ``bits``). Each repetition starts with a content lookup (key = that column, strength
  ``beta``) that jumps back to the start; the controller counts and emits the end marker itself.
* associative_recall: each item occupies one slot (the write head moves and erases the slot on
  the item delimiter, then adds the item's vectors block by block into columns ``k*bits..``).
  After the query, the read head looks the query item up by content (key = the +-1 query, gate 1,
  strength ``beta``) and, in the same addressing step, shifts +1 to the next item's slot.
* priority_sort: vectors are written to consecutive slots together with a *priority code* in
  column ``bits``: the value ``a(p) = sqrt(bits) c / sqrt(1 - c^2)`` with
  ``c = 0.7 + 0.28 (p + 1) / 2``, chosen so that the row's cosine with the key ``e_bits`` is
  exactly ``c`` -- linear in the priority, from 0.7 (p = -1) to 0.98 (p = 1), above the cosine
  of any empty row (0 for zero rows, 1/sqrt(M) for constant rows, rarely above 0.6 for random
  rows). The content address of each vector is thus derived from its priority. Output k reads
  the row with the highest remaining priority by content (strength ``beta``); the write head,
  addressing with the same key, then erases that row's code column (e = 1 there, a = 0) so the
  next lookup finds the next priority: a priority queue built from content addressing. Writing
  each vector straight to a slot index proportional to its priority (the learned NTM's strategy
  in the paper) collides for 20 vectors in 128 slots and cannot skip empty slots when reading in
  order with shifts of -1..1, so it is not used. Priorities closer than about 1 / (0.14 beta)
  are mixed (both rows are partly read and partly erased), which gives bit errors.
* DNC tasks write with allocation (allocation gate 1, write gate 1, erase 1). The first vector of
  a sequence carries a marker column so a content lookup finds the start; after that the read
  heads follow the temporal links (forward or backward mode). dnc_allocation frees each slot right
  after it has been read (free gate 1 at the next step) so the next sequence reuses it; with
  ``free=False`` the memory runs out and writes vanish. dnc_link_traversal and dnc_repeat_copy
  start with a random fraction ``occupied`` of slots marked used (usage 1), so the sequence lands
  in scattered slots and only the links can recover its order. In dnc_link_traversal both read
  heads look the query item up by content; then head 0 reads forward and head 1 backward, and
  output k is ``[x_(j+k), x_(j-k)]``.
* Outputs outside the scored steps are 0 (the controller emits nothing there).

Randomness: trial ``i`` draws its inputs from ``memsim._rng.generator(seed, 70, task key, i)``
(and its "uniform" memory from the stream (seed, i)), so trial i is the same in
:func:`run_task` and in every grid point of :func:`sweep`, whatever the thread count.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from memsim import _checks as C
from memsim._docstrings import fill_doc
from memsim._rng import generator
from memsim.errors import MemsimError, MemsimWarning
from memsim.ntm.addressing import DEFAULT_COSINE_EPS
from memsim.ntm.engine import (
    STEP_ORDERS,
    DNCProgram,
    NTMProgram,
    _freeze_copy,
    run_dnc,
    run_dnc_batch,
    run_ntm,
    run_ntm_batch,
)
from memsim.ntm.heads import MEMORY_INITS, init_memory

#: value written in a marker column (start of a sequence); 4 keeps the marked row's cosine with
#: the marker key >= 0.8 whatever the data, far above constant, zero or random rows
MARKER = 4.0

#: cosine of a priority_sort row with the key at priority -1 and +1
PRIORITY_COSINE_RANGE = (0.7, 0.98)


# --------------------------------------------------------------------------------------------
# result
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskResult:
    """One run of a task (all arrays read-only).

    Attributes
    ----------
    task : str
    params : mapping
        Every parameter, resolved (defaults filled in), including ``seed`` and ``trial``.
    inputs : (T, I)         input sequence
    targets : (T, O)        target outputs (zero outside the scored steps)
    outputs : (T, O)        the controller's outputs, real-valued; a bit reads as 1 when > 0.5
    scored : (T,) bool      steps whose output bits are scored
    step_labels : tuple of str, length T   phase of each step ("write", "read", "delimiter", ...)
    errors_per_step : (T,) int    wrong output bits per step
    bit_errors : int        total wrong bits over the scored steps
    scored_bits : int       number of scored bits
    write_weightings : (Hw, T, N)   read_weightings : (Hr, T, N)   reads : (T, Hr, M)
    memory_before, memory_after : (N, M)
    memory_history : (T, N, M) or None (``record_memory=True``)
    usage, allocation, precedence : (T, N) or None    DNC only
    link_matrix : (N, N) or None    DNC only, after the last step
    link_history : (T, N, N) or None  DNC with ``record_links=True``
    initial_usage : (N,) or None    DNC only
    program : NTMProgram or DNCProgram   what the scripted controller emitted (read-only)
    """

    task: str
    params: Mapping[str, Any]
    inputs: np.ndarray
    targets: np.ndarray
    outputs: np.ndarray
    scored: np.ndarray
    step_labels: tuple[str, ...]
    errors_per_step: np.ndarray
    bit_errors: int
    scored_bits: int
    write_weightings: np.ndarray
    read_weightings: np.ndarray
    reads: np.ndarray
    memory_before: np.ndarray
    memory_after: np.ndarray
    program: NTMProgram | DNCProgram
    memory_history: np.ndarray | None = None
    usage: np.ndarray | None = None
    allocation: np.ndarray | None = None
    precedence: np.ndarray | None = None
    link_matrix: np.ndarray | None = None
    link_history: np.ndarray | None = None
    initial_usage: np.ndarray | None = None

    @property
    def exact(self) -> bool:
        """True when no scored output bit is wrong."""
        return self.bit_errors == 0

    @property
    def bit_error_rate(self) -> float:
        return self.bit_errors / self.scored_bits if self.scored_bits else 0.0

    def arrays(self) -> dict[str, np.ndarray]:
        """Every array of the result by name (None fields left out), e.g. for ``np.savez``."""
        names = (
            "inputs", "targets", "outputs", "scored", "errors_per_step", "write_weightings",
            "read_weightings", "reads", "memory_before", "memory_after", "memory_history",
            "usage", "allocation", "precedence", "link_matrix", "link_history", "initial_usage",
        )  # fmt: skip
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}

    def summary(self) -> dict[str, Any]:
        """One flat row: task, every parameter, bit_errors, scored_bits, bit_error_rate, exact."""
        row: dict[str, Any] = {"task": self.task}
        row.update(self.params)
        row.update(
            steps=int(self.inputs.shape[0]),
            bit_errors=self.bit_errors,
            scored_bits=self.scored_bits,
            bit_error_rate=self.bit_error_rate,
            exact=self.exact,
        )
        return row


# --------------------------------------------------------------------------------------------
# task construction (private)
# --------------------------------------------------------------------------------------------


@dataclass
class _Built:
    kind: str  # "ntm" or "dnc"
    inputs: np.ndarray
    targets: np.ndarray
    scored: np.ndarray
    labels: list[str]
    program: NTMProgram | DNCProgram
    memory: np.ndarray
    usage: np.ndarray | None
    # readout: y[t, o] = offset[t, o] + scale[t, o] * reads[t].ravel()[src[t, o]]
    src: np.ndarray
    scale: np.ndarray
    offset: np.ndarray


@dataclass(frozen=True)
class TaskSpec:
    """A registered task: its name, engine ("ntm" or "dnc"), description and defaults."""

    name: str
    kind: str
    description: str
    defaults: Mapping[str, Any]
    build: Callable[[dict[str, Any], np.random.Generator, int, int], _Built]
    key: int


def _enc(bits: np.ndarray) -> np.ndarray:
    return 2.0 * bits - 1.0


def _bits(rng: np.random.Generator, *shape: int) -> np.ndarray:
    """Random binary array of ``shape`` (float64)."""
    return rng.integers(0, 2, size=shape).astype(np.float64)


def _unit(m: int, col: int) -> np.ndarray:
    """Key of width ``m`` with a 1 in column ``col`` (a marker or priority-code lookup)."""
    key = np.zeros(m)
    key[col] = 1.0
    return key


def _scored(t: int, start: int) -> np.ndarray:
    """Steps ``start``.. of ``t`` are scored."""
    scored = np.zeros(t, bool)
    scored[start:] = True
    return scored


def _readout(t: int, width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return np.zeros((t, width), np.int64), np.zeros((t, width)), np.zeros((t, width))


def _bits_out(src, scale, offset, t, out_cols: slice, head: int, m: int, first_col: int = 0):
    """Output columns out_cols at step(s) t read head ``head``'s columns first_col.. as (1+r)/2."""
    k = np.arange(out_cols.stop - out_cols.start)
    src[t, out_cols] = head * m + first_col + k
    scale[t, out_cols] = 0.5
    offset[t, out_cols] = 0.5


def _shift_range(p: dict[str, Any]) -> int:
    blur = C.real(p["shift_blur"], "shift_blur", 0.0, 0.5)
    r = p["shift_range"]
    if r is None:
        r = 1 if blur == 0.0 else 2
    r = C.integer(r, "shift_range", 1)
    if blur > 0.0 and r < 2:
        raise MemsimError(
            f"shift_blur={blur} puts mass on offsets 0, +1 and +2, so shift_range must be >= 2; "
            f"got shift_range={r}"
        )
    p["shift_range"] = r
    p["shift_blur"] = blur
    return r


def _move(r: int, blur: float) -> np.ndarray:
    s = np.zeros(2 * r + 1)
    s[r + 1] = 1.0 - 2.0 * blur
    if blur > 0.0:
        s[r] += blur
        s[r + 2] += blur
    return s


def _common(p: dict[str, Any], kind: str) -> None:
    C.choice(p["memory_init"], "memory_init", MEMORY_INITS)
    C.choice(p["step_order"], "step_order", STEP_ORDERS)
    p["cosine_eps"] = C.real(p["cosine_eps"], "cosine_eps", 0.0)
    if kind == "ntm":
        p["gamma"] = C.real(p["gamma"], "gamma", 1.0)


def _ints(p: dict[str, Any], **lows: int) -> list[int]:
    """The named parameters checked as integers >= their lower bounds, in the order given."""
    return [C.integer(p[name], name, low) for name, low in lows.items()]


def _beta(p: dict[str, Any]) -> float:
    return C.real(p["beta"], "beta", 0.0)


def _memory(p: dict[str, Any], seed: int, trial: int) -> np.ndarray:
    return init_memory(
        p["memory_slots"], p["memory_width"], p["memory_init"], seed=seed, trial=trial
    )


def _distinct_bits(rng: np.random.Generator, count: int, shape: tuple[int, ...]) -> np.ndarray:
    """``count`` distinct random binary arrays of ``shape`` (rejection of duplicates)."""
    x = _bits(rng, count, *shape)
    flat = x.reshape(count, -1)
    for _ in range(10_000):
        _, first = np.unique(flat, axis=0, return_index=True)
        dup = np.setdiff1d(np.arange(count), first)
        if dup.size == 0:
            return x
        flat[dup] = rng.integers(0, 2, size=(dup.size, flat.shape[1]))
    raise MemsimError("could not draw distinct items; use more bits")  # pragma: no cover


def _sizes(p: dict[str, Any], need_width: int, what: str) -> tuple[int, int]:
    n = C.integer(p["memory_slots"], "memory_slots", 1)
    m = C.integer(p["memory_width"], "memory_width", 1)
    if m < need_width:
        raise MemsimError(f"memory_width must be >= {need_width} ({what}), got {m}")
    return n, m


def _write_read_io(x: np.ndarray, y: np.ndarray, width: int, delimiter_col: int):
    """Inputs, targets, scored steps and labels of "write the rows of x, a delimiter step (1 in
    column ``delimiter_col``), then output the rows of y"."""
    nx, bits = x.shape
    t = nx + 1 + y.shape[0]
    inputs = np.zeros((t, width))
    inputs[:nx, :bits] = x
    inputs[nx, delimiter_col] = 1.0
    targets = np.zeros((t, y.shape[1]))
    targets[nx + 1 :] = y
    labels = ["write"] * nx + ["delimiter"] + ["read"] * y.shape[0]
    return inputs, targets, _scored(t, nx + 1), labels


def _ntm_program(p: dict[str, Any], t: int, n: int, m: int, r: int):
    """A blank program with one write and one read head using the task's gamma at every step,
    and the task's move (shift +1, blurred by ``shift_blur``)."""
    prog = NTMProgram.blank(t, n, m, n_write=1, n_read=1, shift_range=r)
    prog.write_gammas[:] = p["gamma"]
    prog.read_gammas[:] = p["gamma"]
    return prog, _move(r, p["shift_blur"])


def _ntm_write_rows(prog: NTMProgram, x: np.ndarray, mv: np.ndarray) -> None:
    """Steps 0..len(x)-1: the write head moves one slot, erases it and adds the row of x (+-1)."""
    length, bits = x.shape
    prog.write_shifts[:length, 0] = mv
    prog.erase[:length, 0, :] = 1.0
    prog.add[:length, 0, :bits] = _enc(x)


def _ntm_lookup(prog: NTMProgram, head: str, t: int, key: np.ndarray, beta: float) -> None:
    """Step t: the "read" or "write" head looks ``key`` up by content (gate 1, strength beta)."""
    getattr(prog, f"{head}_gates")[t, 0] = 1.0
    getattr(prog, f"{head}_keys")[t, 0, : key.shape[0]] = key
    getattr(prog, f"{head}_betas")[t, 0] = beta


# ---- copy -----------------------------------------------------------------------------------


def _build_copy(p, rng, seed, trial) -> _Built:
    _common(p, "ntm")
    r = _shift_range(p)
    length, bits = _ints(p, length=1, bits=1)
    n, m = _sizes(p, bits, "one column per bit")
    x = _bits(rng, length, bits)
    io = _write_read_io(x, x, bits + 1, bits)
    t = 2 * length + 1
    prog, mv = _ntm_program(p, t, n, m, r)
    _ntm_write_rows(prog, x, mv)
    prog.read_shifts[length + 1 :, 0] = mv
    readout = _readout(t, bits)
    _bits_out(*readout, slice(length + 1, t), slice(0, bits), 0, m)
    return _Built("ntm", *io, prog, _memory(p, seed, trial), None, *readout)


# ---- repeat copy ----------------------------------------------------------------------------


def _repeat_copy_io(x: np.ndarray, repeats: int):
    length, bits = x.shape
    t = length + 1 + repeats * length + 1
    inputs = np.zeros((t, bits + 2))
    inputs[:length, :bits] = x
    inputs[length, bits] = 1.0
    inputs[length, bits + 1] = repeats
    targets = np.zeros((t, bits + 1))
    for rep in range(repeats):
        s0 = length + 1 + rep * length
        targets[s0 : s0 + length, :bits] = x
    targets[t - 1, bits] = 1.0
    labels = ["write"] * length + ["delimiter"] + ["read"] * (repeats * length) + ["end"]
    return t, (inputs, targets, _scored(t, length + 1), labels)


def _repeat_copy_readout(t, length, repeats, bits, m):
    src, scale, offset = _readout(t, bits + 1)
    _bits_out(src, scale, offset, slice(length + 1, t - 1), slice(0, bits), 0, m)
    offset[t - 1, bits] = 1.0  # the controller counts the repetitions and emits the end marker
    return src, scale, offset


def _build_repeat_copy(p, rng, seed, trial) -> _Built:
    _common(p, "ntm")
    r = _shift_range(p)
    length, repeats, bits = _ints(p, length=1, repeats=1, bits=1)
    beta = _beta(p)
    n, m = _sizes(p, bits + 1, "bits plus a start-marker column")
    x = _bits(rng, length, bits)
    t, io = _repeat_copy_io(x, repeats)
    prog, mv = _ntm_program(p, t, n, m, r)
    _ntm_write_rows(prog, x, mv)
    prog.add[0, 0, bits] = MARKER
    for rep in range(repeats):
        s0 = length + 1 + rep * length
        _ntm_lookup(prog, "read", s0, _unit(m, bits), beta)  # jump back to the marked start
        prog.read_shifts[s0 + 1 : s0 + length, 0] = mv
    readout = _repeat_copy_readout(t, length, repeats, bits, m)
    return _Built("ntm", *io, prog, _memory(p, seed, trial), None, *readout)


# ---- associative recall ---------------------------------------------------------------------


def _build_recall(p, rng, seed, trial) -> _Built:
    _common(p, "ntm")
    r = _shift_range(p)
    items, ilen, bits = _ints(p, items=2, item_length=1, bits=1)
    beta = _beta(p)
    width = ilen * bits
    n, m = _sizes(p, width, "item_length * bits: one item per slot")
    if width < 62 and 2**width < items:
        raise MemsimError(f"items={items} distinct items need more than {width} bits per item")
    x = _distinct_bits(rng, items, (ilen, bits))
    q = int(rng.integers(0, items - 1))
    block = 1 + ilen
    qs = items * block  # first query delimiter
    out0 = qs + ilen + 2
    t = out0 + ilen
    inputs = np.zeros((t, bits + 2))
    labels: list[str] = []
    for i in range(items):
        inputs[i * block, bits] = 1.0
        inputs[i * block + 1 : (i + 1) * block, :bits] = x[i]
        labels += ["delimiter"] + ["write"] * ilen
    inputs[qs, bits + 1] = 1.0
    inputs[qs + 1 : qs + 1 + ilen, :bits] = x[q]
    inputs[qs + ilen + 1, bits + 1] = 1.0
    labels += ["query delimiter"] + ["query"] * ilen + ["query delimiter"] + ["read"] * ilen
    targets = np.zeros((t, bits))
    targets[out0:] = x[q + 1]

    prog, mv = _ntm_program(p, t, n, m, r)
    for i in range(items):
        d = i * block
        prog.write_shifts[d, 0] = mv  # next slot, cleared
        prog.erase[d, 0, :] = 1.0
        for k in range(ilen):
            prog.add[d + 1 + k, 0, k * bits : (k + 1) * bits] = _enc(x[i, k])
    look = qs + ilen + 1
    _ntm_lookup(prog, "read", look, _enc(x[q]).ravel(), beta)
    prog.read_shifts[look, 0] = mv  # content lookup, then one slot on: the next item

    readout = _readout(t, bits)
    for k in range(ilen):
        _bits_out(*readout, out0 + k, slice(0, bits), 0, m, first_col=k * bits)
    io = (inputs, targets, _scored(t, out0), labels)
    return _Built("ntm", *io, prog, _memory(p, seed, trial), None, *readout)


# ---- priority sort --------------------------------------------------------------------------


def priority_code(priority, bits: int) -> np.ndarray:
    """The code priority_sort writes in column ``bits`` for priorities in [-1, 1].

    ``a = sqrt(bits) c / sqrt(1 - c^2)`` with ``c`` linear in the priority over
    :data:`PRIORITY_COSINE_RANGE`, so a row ``[+-1 bits, a, 0, ...]`` has cosine exactly ``c``
    with the key ``e_bits``.

    Parameters
    ----------
    priority : float or array_like of float, in [-1, 1]
        Priorities (-1 lowest, 1 highest).
    bits : int, >= 1
        Number of data bits in a row (the code goes in column ``bits``).

    Returns
    -------
    numpy.ndarray of float64, same shape as ``priority`` (a numpy scalar for a scalar)
        The codes, increasing with the priority.

    Raises
    ------
    MemsimError
        ``priority`` not numbers or outside [-1, 1] (NaN included); ``bits`` not an integer
        >= 1.

    References
    ----------
    Graves, A., Wayne, G. & Danihelka, I. (2014). Neural Turing Machines. arXiv:1410.5401,
    section 4.5 (priority sort); section 3.3.1, eqs. 5-6 (content addressing).
    """
    try:
        p = np.asarray(priority, dtype=np.float64)
    except (TypeError, ValueError):
        raise MemsimError(f"priority must be numbers in [-1, 1], got {priority!r}") from None
    if not (np.all(p >= -1.0) and np.all(p <= 1.0)):  # NaN fails both
        raise MemsimError(f"priority must lie in [-1, 1] (no NaN), got {priority!r}")
    bits = C.integer(bits, "bits", 1)
    lo, hi = PRIORITY_COSINE_RANGE
    c = lo + (hi - lo) * (p + 1.0) / 2.0
    return np.sqrt(bits) * c / np.sqrt(1.0 - c * c)


def _build_priority_sort(p, rng, seed, trial) -> _Built:
    _common(p, "ntm")
    r = _shift_range(p)
    nv, nout = _ints(p, n_vectors=1, n_outputs=1)
    if nout > nv:
        raise MemsimError(f"n_outputs must be <= n_vectors={nv}, got {nout}")
    (bits,) = _ints(p, bits=1)
    beta = _beta(p)
    n, m = _sizes(p, bits + 1, "bits plus a priority-code column")
    x = _bits(rng, nv, bits)
    pr = rng.uniform(-1.0, 1.0, size=nv)
    order = np.argsort(-pr, kind="stable")[:nout]
    io = _write_read_io(x, x[order], bits + 2, bits + 1)
    io[0][:nv, bits] = pr
    t = nv + 1 + nout

    prog, mv = _ntm_program(p, t, n, m, r)
    _ntm_write_rows(prog, x, mv)
    prog.add[:nv, 0, bits] = priority_code(pr, bits)
    key = _unit(m, bits)
    read_first = p["step_order"] == "read_first"
    for k in range(nout):
        s = nv + 1 + k
        _ntm_lookup(prog, "read", s, key, beta)
        # consume the row just read: same lookup by the write head; with write_first the write
        # precedes the read, so it consumes the previous step's row
        if read_first or k > 0:
            _ntm_lookup(prog, "write", s, key, beta)
            prog.erase[s, 0, bits] = 1.0
    readout = _readout(t, bits)
    _bits_out(*readout, slice(nv + 1, t), slice(0, bits), 0, m)
    return _Built("ntm", *io, prog, _memory(p, seed, trial), None, *readout)


# ---- DNC ------------------------------------------------------------------------------------


def _occupied_usage(p, rng, n: int, needed: int) -> np.ndarray:
    frac = C.real(p["occupied"], "occupied", 0.0, 1.0)
    k = int(round(frac * n))
    usage = np.zeros(n)
    if k:
        usage[rng.choice(n, size=k, replace=False)] = 1.0
    if n - k < needed:
        warnings.warn(
            f"only {n - k} free slots for {needed} vectors: the DNC will run out of memory",
            MemsimWarning,
            stacklevel=5,
        )
    return usage


def _dnc_write_rows(prog: DNCProgram, t0: int, x: np.ndarray, m: int, tag: int | None) -> None:
    """Steps t0..: allocate a slot and write each row of x (+-1); the first row also carries
    ``MARKER`` in column ``tag`` (none if ``tag`` is None)."""
    for k in range(x.shape[0]):
        vec = np.zeros(m)
        vec[: x.shape[1]] = _enc(x[k])
        if k == 0 and tag is not None:
            vec[tag] = MARKER
        prog.write_gates[t0 + k] = 1.0
        prog.alloc_gates[t0 + k] = 1.0
        prog.erase[t0 + k] = 1.0
        prog.write_vectors[t0 + k] = vec


def _dnc_lookup(prog: DNCProgram, t: int, head: int, key: np.ndarray, beta: float) -> None:
    prog.read_modes[t, head] = (0.0, 1.0, 0.0)
    prog.read_keys[t, head, : key.shape[0]] = key
    prog.read_betas[t, head] = beta


def _build_dnc_allocation(p, rng, seed, trial) -> _Built:
    _common(p, "dnc")
    nseq, length, bits = _ints(p, n_sequences=1, length=1, bits=1)
    beta = _beta(p)
    if not isinstance(p["free"], (bool, np.bool_)):
        raise MemsimError(f"free must be True or False, got {p['free']!r}")
    n, m = _sizes(p, bits + 1, "bits plus at least one start-marker column")
    ntags = m - bits
    x = _bits(rng, nseq, length, bits)
    block = 2 * length + 1
    t = nseq * block
    inputs = np.zeros((t, bits + 1))
    targets = np.zeros((t, bits))
    scored = np.zeros(t, bool)
    labels: list[str] = []
    prog = DNCProgram.blank(t, m, n_read=1)
    readout = _readout(t, bits)
    for s in range(nseq):
        b = s * block
        seq_io = _write_read_io(x[s], x[s], bits + 1, bits)
        for whole, part in zip((inputs, targets, scored), seq_io[:3], strict=True):
            whole[b : b + block] = part
        labels += seq_io[3]
        tag = bits + s % ntags
        _dnc_write_rows(prog, b, x[s], m, tag)
        for k in range(length):
            tt = b + length + 1 + k
            if k == 0:
                _dnc_lookup(prog, tt, 0, _unit(m, tag), beta)
            else:
                prog.read_modes[tt, 0] = (0.0, 0.0, 1.0)
            if p["free"] and tt + 1 < t:
                prog.free_gates[tt + 1, 0] = 1.0  # free what was read at tt
        _bits_out(*readout, slice(b + length + 1, b + block), slice(0, bits), 0, m)
    io = (inputs, targets, scored, labels)
    return _Built("dnc", *io, prog, _memory(p, seed, trial), np.zeros(n), *readout)


def _build_dnc_link_traversal(p, rng, seed, trial) -> _Built:
    _common(p, "dnc")
    length, bits = _ints(p, length=3, bits=1)
    beta = _beta(p)
    hops = p["hops"] if p["hops"] is not None else (length - 1) // 2
    hops = C.integer(hops, "hops", 1)
    if 2 * hops > length - 1:
        raise MemsimError(
            f"hops must be <= (length - 1) // 2 = {(length - 1) // 2} so that the query has "
            f"{hops} items on both sides; got {hops}"
        )
    p["hops"] = hops
    n, m = _sizes(p, bits, "one column per bit")
    if bits < 62 and 2**bits < length:
        raise MemsimError(f"length={length} distinct items need more than {bits} bits")
    x = _distinct_bits(rng, length, (bits,))
    j = int(rng.integers(hops, length - hops))
    usage = _occupied_usage(p, rng, n, length)
    t = length + 1 + hops
    inputs = np.zeros((t, bits + 1))
    inputs[:length, :bits] = x
    inputs[length, :bits] = x[j]
    inputs[length, bits] = 1.0
    targets = np.zeros((t, 2 * bits))
    for k in range(1, hops + 1):
        targets[length + k, :bits] = x[j + k]
        targets[length + k, bits:] = x[j - k]
    labels = ["write"] * length + ["query"] + ["read"] * hops

    prog = DNCProgram.blank(t, m, n_read=2)
    _dnc_write_rows(prog, 0, x, m, None)
    for h in range(2):
        _dnc_lookup(prog, length, h, _enc(x[j]), beta)
    prog.read_modes[length + 1 :, 0] = (0.0, 0.0, 1.0)  # head 0 forward
    prog.read_modes[length + 1 :, 1] = (1.0, 0.0, 0.0)  # head 1 backward
    readout = _readout(t, 2 * bits)
    _bits_out(*readout, slice(length + 1, t), slice(0, bits), 0, m)
    _bits_out(*readout, slice(length + 1, t), slice(bits, 2 * bits), 1, m)
    io = (inputs, targets, _scored(t, length + 1), labels)
    return _Built("dnc", *io, prog, _memory(p, seed, trial), usage, *readout)


def _build_dnc_repeat_copy(p, rng, seed, trial) -> _Built:
    _common(p, "dnc")
    length, repeats, bits = _ints(p, length=1, repeats=1, bits=1)
    beta = _beta(p)
    n, m = _sizes(p, bits + 1, "bits plus a start-marker column")
    x = _bits(rng, length, bits)
    usage = _occupied_usage(p, rng, n, length)
    t, io = _repeat_copy_io(x, repeats)
    prog = DNCProgram.blank(t, m, n_read=1)
    _dnc_write_rows(prog, 0, x, m, bits)
    for rep in range(repeats):
        s0 = length + 1 + rep * length
        _dnc_lookup(prog, s0, 0, _unit(m, bits), beta)
        prog.read_modes[s0 + 1 : s0 + length, 0] = (0.0, 0.0, 1.0)
    readout = _repeat_copy_readout(t, length, repeats, bits, m)
    return _Built("dnc", *io, prog, _memory(p, seed, trial), usage, *readout)


# --------------------------------------------------------------------------------------------
# registry
# --------------------------------------------------------------------------------------------

_NTM_COMMON = {
    "memory_slots": 128,
    "memory_width": 20,
    "shift_blur": 0.0,
    "gamma": 1.0,
    "shift_range": None,
    "memory_init": "constant",
    "step_order": "write_first",
    "cosine_eps": DEFAULT_COSINE_EPS,
}
_DNC_COMMON = {
    "memory_width": 20,
    "memory_init": "zero",
    "step_order": "write_first",
    "cosine_eps": DEFAULT_COSINE_EPS,
}


def _spec(name, kind, description, defaults, build, key) -> TaskSpec:
    return TaskSpec(name, kind, description, MappingProxyType(dict(defaults)), build, key)


#: name -> TaskSpec for every task
TASKS: Mapping[str, TaskSpec] = MappingProxyType(
    {
        "copy": _spec(
            "copy",
            "ntm",
            "Copy a sequence of random binary vectors (Graves et al. 2014, sec. 4.1).",
            {"length": 20, "bits": 8, **_NTM_COMMON},
            _build_copy,
            1,
        ),
        "repeat_copy": _spec(
            "repeat_copy",
            "ntm",
            "Copy a sequence a given number of times, then emit an end marker (sec. 4.2).",
            {"length": 10, "repeats": 3, "bits": 8, "beta": 100.0, **_NTM_COMMON},
            _build_repeat_copy,
            2,
        ),
        "associative_recall": _spec(
            "associative_recall",
            "ntm",
            "Given a query item, output the item that followed it (sec. 4.3).",
            {"items": 6, "item_length": 3, "bits": 6, "beta": 100.0, **_NTM_COMMON},
            _build_recall,
            3,
        ),
        "priority_sort": _spec(
            "priority_sort",
            "ntm",
            "Output the highest-priority vectors in priority order (sec. 4.5).",
            {"n_vectors": 20, "n_outputs": 16, "bits": 8, "beta": 1e6, **_NTM_COMMON},
            _build_priority_sort,
            4,
        ),
        "dnc_allocation": _spec(
            "dnc_allocation",
            "dnc",
            "Write, read back and free several sequences; freed slots are reused "
            "(Graves et al. 2016, dynamic memory allocation).",
            {
                "n_sequences": 4,
                "length": 6,
                "bits": 8,
                "memory_slots": 16,
                "free": True,
                "beta": 100.0,
                **_DNC_COMMON,
            },
            _build_dnc_allocation,
            5,
        ),
        "dnc_link_traversal": _spec(
            "dnc_link_traversal",
            "dnc",
            "Find an item by content, then read the items after it (forward links) and before "
            "it (backward links) with two read heads.",
            {
                "length": 9,
                "bits": 8,
                "memory_slots": 32,
                "occupied": 0.25,
                "hops": None,
                "beta": 100.0,
                **_DNC_COMMON,
            },
            _build_dnc_link_traversal,
            6,
        ),
        "dnc_repeat_copy": _spec(
            "dnc_repeat_copy",
            "dnc",
            "Repeat copy through the temporal link matrix, with the sequence scattered over "
            "partly occupied memory.",
            {
                "length": 8,
                "repeats": 3,
                "bits": 8,
                "memory_slots": 32,
                "occupied": 0.25,
                "beta": 100.0,
                **_DNC_COMMON,
            },
            _build_dnc_repeat_copy,
            7,
        ),
    }
)


def task_spec(name: str) -> TaskSpec:
    """The registered task ``name`` (MemsimError listing the tasks if unknown).

    Parameters
    ----------
    name : str
        A key of :data:`TASKS`.

    Returns
    -------
    TaskSpec
        Its name, engine ("ntm" or "dnc"), description and default parameters.

    Raises
    ------
    MemsimError
        If ``name`` is not a registered task.

    References
    ----------
    Graves, A., Wayne, G. & Danihelka, I. (2014). Neural Turing Machines. arXiv:1410.5401,
    sections 4.1-4.5 (copy, repeat copy, associative recall, priority sort).
    Graves, A. et al. (2016). Hybrid computing using a neural network with dynamic external
    memory. Nature 538, 471-476. Methods (dynamic memory allocation, temporal memory linkage).
    """
    if name not in TASKS:
        raise MemsimError(f"unknown task name {name!r}; known tasks: {', '.join(TASKS)}")
    return TASKS[name]


def _resolve(spec: TaskSpec, params: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(params) - set(spec.defaults))
    if unknown:
        raise MemsimError(
            f"task {spec.name!r} has no parameter(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(spec.defaults)}"
        )
    p = dict(spec.defaults)
    p.update({k: (v.item() if isinstance(v, np.generic) else v) for k, v in params.items()})
    return p


def _seed_trial(seed, trial) -> tuple[int, int]:
    for name, v in (("seed", seed), ("trial", trial)):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 0:
            raise MemsimError(f"{name} must be an integer >= 0, got {v!r}")
    return int(seed), int(trial)


def _build(spec: TaskSpec, params: dict[str, Any], seed: int, trial: int) -> _Built:
    rng = generator(seed, 70, spec.key, trial)
    return spec.build(params, rng, seed, trial)


def _outputs(b: _Built, reads: np.ndarray) -> np.ndarray:
    flat = reads.reshape(reads.shape[0], -1)
    vals = np.take_along_axis(flat, b.src, axis=1)
    return b.offset + b.scale * vals


def _errors(b: _Built, outputs: np.ndarray) -> np.ndarray:
    wrong = (outputs > 0.5) != (b.targets > 0.5)
    return np.where(b.scored, wrong.sum(axis=1), 0).astype(np.int64)


def _ro(a):
    if a is None:
        return None
    a = np.array(a, copy=True)
    a.setflags(write=False)
    return a


def _freeze_program(prog):
    return _freeze_copy(prog)


#: Warns and References of the task runners
_TASK_WARNS_REFERENCES = """Warns
-----
MemsimWarning
    For DNC tasks, if ``occupied`` leaves fewer free slots than the task writes vectors.

References
----------
Graves, A., Wayne, G. & Danihelka, I. (2014). Neural Turing Machines. arXiv:1410.5401,
sections 4.1-4.5 (copy, repeat copy, associative recall, priority sort).
Graves, A. et al. (2016). Hybrid computing using a neural network with dynamic external
memory. Nature 538, 471-476. Methods (dynamic memory allocation, temporal memory linkage)."""


@fill_doc(task_warns_references=_TASK_WARNS_REFERENCES)
def run_task(
    name: str,
    *,
    seed: int = 0,
    trial: int = 0,
    record_memory: bool = False,
    record_links: bool = False,
    **params: Any,
) -> TaskResult:
    """Run one trial of a task with its scripted controller.

    Parameters
    ----------
    name : str
        A key of :data:`TASKS` (``copy``, ``repeat_copy``, ``associative_recall``,
        ``priority_sort``, ``dnc_allocation``, ``dnc_link_traversal``, ``dnc_repeat_copy``).
    seed, trial : int, >= 0, default 0
        The trial's inputs come from the random stream (seed, task, trial); the same trial of
        :func:`sweep` gives the same result.
    record_memory, record_links : bool, default False
        Keep the memory (and, for DNC tasks, the link matrix) after every step.
    **params
        Task parameters; see ``TASKS[name].defaults``. Common to NTM tasks: ``memory_slots``
        (128), ``memory_width`` (20), ``shift_blur`` (0, in [0, 0.5]), ``gamma`` (1, >= 1),
        ``shift_range`` (None: 1 without blur, 2 with), ``memory_init`` ("constant"),
        ``step_order`` ("write_first"), ``cosine_eps`` (1e-6). DNC tasks: ``memory_slots``,
        ``memory_width`` (20), ``memory_init`` ("zero"), ``step_order``, ``cosine_eps``,
        ``beta`` (100).

    Returns
    -------
    TaskResult
        Inputs, targets, outputs, bit errors and the heads' trace (read-only arrays).

    Raises
    ------
    MemsimError
        If ``name`` is not a registered task, ``seed`` or ``trial`` is not an integer >= 0,
        ``params`` names a parameter the task does not have, or a task parameter is invalid: a
        size or count (``length``, ``bits``, ``memory_slots``, ``repeats``, ``items``,
        ``n_vectors``, ``hops``, ...) that is not an integer >= 1 (``items`` >= 2; ``length`` >=
        3 for dnc_link_traversal), ``hops`` above (length - 1) // 2, ``memory_width`` too narrow
        for the task's bit and marker columns, ``n_outputs`` > ``n_vectors``, too few bits for
        distinct items, ``shift_blur`` outside [0, 0.5] or > 0 with ``shift_range`` < 2,
        ``gamma`` < 1, ``beta`` or ``cosine_eps`` < 0, ``occupied`` outside [0, 1], ``free`` not
        a bool, or an unknown ``memory_init`` or ``step_order``.

    {task_warns_references}
    """
    spec = task_spec(name)
    seed, trial = _seed_trial(seed, trial)
    p = _resolve(spec, params)
    b = _build(spec, p, seed, trial)
    common = {"step_order": p["step_order"], "cosine_eps": p["cosine_eps"]}
    extra: dict[str, Any] = {}
    if b.kind == "ntm":
        tr = run_ntm(b.memory, b.program, record_memory=record_memory, **common)
    else:
        tr = run_dnc(
            b.memory,
            b.program,
            usage=b.usage,
            record_links=record_links,
            record_memory=record_memory,
            **common,
        )
        extra = {
            "usage": tr.usage,
            "allocation": tr.allocation,
            "precedence": tr.precedence,
            "link_matrix": tr.link_matrix,
            "link_history": tr.link_history,
            "initial_usage": _ro(b.usage),
        }
    outputs = _outputs(b, np.asarray(tr.reads))
    eps = _errors(b, outputs)
    params_out = dict(p)
    params_out.update(seed=seed, trial=trial)
    return TaskResult(
        task=name,
        params=MappingProxyType(params_out),
        inputs=_ro(b.inputs),
        targets=_ro(b.targets),
        outputs=_ro(outputs),
        scored=_ro(b.scored),
        step_labels=tuple(b.labels),
        errors_per_step=_ro(eps),
        bit_errors=int(eps.sum()),
        scored_bits=int(b.scored.sum() * b.targets.shape[1]),
        write_weightings=tr.write_weightings,
        read_weightings=tr.read_weightings,
        reads=tr.reads,
        memory_before=tr.memory_before,
        memory_after=tr.memory_after,
        memory_history=tr.memory_history,
        program=_freeze_program(b.program),
        **extra,
    )


@fill_doc(task_warns_references=_TASK_WARNS_REFERENCES)
def run_trials(
    task: str,
    *,
    trials: int = 8,
    seed: int = 0,
    threads: int | None = None,
    **params: Any,
) -> list[dict[str, Any]]:
    """Trials 0 .. ``trials`` - 1 of one task at one parameter point, run as one batch.

    The trials run in parallel (one thread per trial); trial i draws its inputs from the stream
    (seed, task, i), so it gives the same numbers as ``run_task(task, seed=seed, trial=i,
    **params)`` whatever the thread count.

    Parameters
    ----------
    task : str
        A key of :data:`TASKS`.
    trials : int, >= 1, default 8
        Number of trials.
    seed : int, >= 0, default 0
        Random seed.
    threads : int >= 1, optional
        Number of Numba threads; None keeps the current setting.
    **params
        Task parameters (see ``TASKS[task].defaults``).

    Returns
    -------
    list of dict
        One row per trial: ``task``, every resolved parameter, ``seed``, ``trial``, ``steps``,
        ``bit_errors``, ``scored_bits``, ``bit_error_rate``, ``exact``.

    Raises
    ------
    MemsimError
        If ``task`` is not a registered task, ``trials`` is not an integer >= 1, ``seed`` is not
        an integer >= 0, a parameter is unknown or invalid (see :func:`run_task`), or ``threads``
        is not an integer >= 1.

    {task_warns_references}
    """
    spec = task_spec(task)
    trials = C.integer(trials, "trials", 1)
    seed, _ = _seed_trial(seed, 0)
    p = _resolve(spec, params)
    built = []
    for trial in range(trials):
        pt = dict(p)
        built.append(_build(spec, pt, seed, trial))
    p = pt  # resolved values (e.g. shift_range) are the same for every trial
    mems = np.stack([b.memory for b in built])
    common = {"step_order": p["step_order"], "cosine_eps": p["cosine_eps"], "threads": threads}
    if spec.kind == "ntm":
        reads = run_ntm_batch(mems, [b.program for b in built], **common)
    else:
        reads = run_dnc_batch(
            mems, [b.program for b in built], usages=[b.usage for b in built], **common
        )
    rows: list[dict[str, Any]] = []
    for trial, b in enumerate(built):
        e = _errors(b, _outputs(b, reads[trial]))
        nbits = int(b.scored.sum() * b.targets.shape[1])
        row = {"task": task, **p, "seed": seed, "trial": trial}
        row.update(
            steps=int(b.inputs.shape[0]),
            bit_errors=int(e.sum()),
            scored_bits=nbits,
            bit_error_rate=float(e.sum()) / nbits if nbits else 0.0,
            exact=bool(e.sum() == 0),
        )
        rows.append(row)
    return rows


#: grid sweeps, now in :mod:`memsim.experiments.studies.ntm`; still importable from here
_STUDIES = ("sweep", "capacity_sweep")


def __getattr__(name: str) -> Any:
    if name in _STUDIES:
        from memsim.experiments.studies import ntm as studies

        return getattr(studies, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

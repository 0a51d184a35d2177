"""Scenario sections of the Neural Turing Machine / DNC tasks (model kind ``ntm``).

The ``model`` section names a task of :data:`memsim.ntm.tasks.TASKS` and, optionally, any of the
task's parameters (a parameter left out keeps the task's default). The tasks are scripted
controllers driving the NTM heads (Graves, Wayne & Danihelka 2014) and the DNC memory (Graves et
al. 2016); see :mod:`memsim.ntm.tasks`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from memsim.scenario.base import Strict
from memsim.scenario.fields import nonempty_axes
from memsim.scenario.kinds import builtin

NEEDS_PATTERNS = False

TaskName = Literal[
    "copy",
    "repeat_copy",
    "associative_recall",
    "priority_sort",
    "dnc_allocation",
    "dnc_link_traversal",
    "dnc_repeat_copy",
]

#: ranges shared by a task parameter of the model section and its capacity axis
Length = Annotated[int, Field(ge=1, le=10_000)]
Slots = Annotated[int, Field(ge=1, le=100_000)]
Blur = Annotated[float, Field(ge=0.0, le=0.5)]
Gamma = Annotated[float, Field(ge=1.0, le=1000.0)]


class NTMModel(Strict):
    """A published NTM or DNC task run by its scripted controller (memsim.ntm.tasks)."""

    kind: Literal["ntm"] = Field(description="model family")
    task: TaskName = Field(description="which task the scripted controller solves")
    length: Length | None = Field(None, description="sequence length")
    repeats: int | None = Field(None, ge=1, le=1000, description="repeat_copy: repetitions")
    bits: int | None = Field(None, ge=1, le=256, description="bits per vector")
    items: int | None = Field(
        None, ge=2, le=1000, description="associative_recall: number of items"
    )
    item_length: int | None = Field(
        None, ge=1, le=100, description="associative_recall: vectors per item"
    )
    n_vectors: int | None = Field(None, ge=1, le=10_000, description="priority_sort: input vectors")
    n_outputs: int | None = Field(
        None, ge=1, le=10_000, description="priority_sort: vectors output in priority order"
    )
    n_sequences: int | None = Field(
        None, ge=1, le=1000, description="dnc_allocation: sequences written, read and freed"
    )
    memory_slots: Slots | None = Field(None, description="memory slots N")
    memory_width: int | None = Field(None, ge=1, le=10_000, description="memory width M")
    shift_blur: Blur | None = Field(
        None, description="NTM tasks: shift mass eps moved to offsets 0 and +2"
    )
    gamma: Gamma | None = Field(None, description="NTM tasks: sharpening exponent gamma")
    shift_range: int | None = Field(
        None, ge=1, le=100, description="NTM tasks: shifts -r..r (default 1, or 2 with blur)"
    )
    memory_init: Literal["constant", "uniform", "zero"] | None = Field(
        None, description="initial memory contents"
    )
    step_order: Literal["write_first", "read_first"] | None = Field(
        None, description="whether heads write or read first in a step"
    )
    cosine_eps: float | None = Field(
        None, ge=0.0, le=1.0, description="epsilon in the cosine similarity"
    )
    beta: float | None = Field(
        None, ge=0.0, le=1e9, description="key strength of the content lookups"
    )
    free: bool | None = Field(None, description="dnc_allocation: free each slot after reading it")
    occupied: float | None = Field(
        None, ge=0.0, le=1.0, description="dnc_link_traversal/dnc_repeat_copy: slots in use"
    )
    hops: int | None = Field(
        None, ge=1, le=10_000, description="dnc_link_traversal: items read each way"
    )

    def task_params(self) -> dict:
        """The task parameters given in the scenario (None = left out = task default)."""
        return {k: getattr(self, k) for k in PARAMETERS if getattr(self, k) is not None}


#: task parameters that can appear in the model section (each optional; None = task default)
PARAMETERS = tuple(name for name in NTMModel.model_fields if name not in ("kind", "task"))


class NTMCapacity(Strict):
    """`memsim capacity`: sequence length x memory slots x shift blur x gamma (copy tasks)."""

    kind: Literal["ntm"] = "ntm"
    lengths: list[Length] = Field(description="sequence lengths")
    memory_slots: list[Slots] | None = Field(
        None, description="memory sizes N (default: the model's)"
    )
    shift_blurs: list[Blur] | None = Field(
        None, description="shift blurs eps (default: the model's)"
    )
    gammas: list[Gamma] | None = Field(
        None, description="sharpening exponents gamma (default: the model's)"
    )

    _nonempty_axis = nonempty_axes("lengths", "memory_slots", "shift_blurs", "gammas")


Model = NTMModel
Capacity = NTMCapacity

#: tasks `memsim capacity` can sweep
CAPACITY_TASKS = ("copy", "repeat_copy")


def _param_field(message: str, given: dict) -> str | None:
    """The parameter a library error message is about (its first word), if the user gave it."""
    word = message.split(" ", 1)[0].strip(":,=")
    if word in PARAMETERS:
        return word
    for k in given:
        if k in message:
            return k
    return None


def cross_check(sc, file: str | None, base_dir) -> None:
    """Parameters belong to the task, the task builds with them, capacity only for copy tasks."""
    import warnings

    from memsim.errors import MemsimError, ScenarioError
    from memsim.ntm import tasks
    from memsim.scenario.load import check_memory

    m = sc.model
    spec = tasks.TASKS[m.task]
    allowed = [k for k in spec.defaults if k in PARAMETERS]
    given = m.task_params()
    for k in given:
        if k not in spec.defaults:
            raise ScenarioError(
                f"task {m.task!r} has no parameter {k!r}; its parameters are: "
                + ", ".join(allowed),
                file=file,
                field=f"model.{k}",
            )
    cap = sc.capacity
    if cap is not None and m.task not in CAPACITY_TASKS:
        raise ScenarioError(
            f"a capacity sweep runs the copy tasks only; model.task is {m.task!r}, allowed: "
            + ", ".join(repr(t) for t in CAPACITY_TASKS),
            file=file,
            field="model.task",
        )
    # build one trial (no memory run): the library checks every value and their combination
    points = [given]
    if cap is not None:
        big = dict(given)
        big["length"] = max(cap.lengths)
        if cap.memory_slots:
            big["memory_slots"] = min(cap.memory_slots)
        if cap.shift_blurs:
            big["shift_blur"] = max(cap.shift_blurs)
        points.append(big)
    for i, params in enumerate(points):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                p = tasks._resolve(spec, params)
                built = tasks._build(spec, p, sc.run.seed, 0)
        except MemsimError as exc:
            name = _param_field(str(exc), params)
            section = "capacity" if i == 1 else "model"
            field = f"model.{name}" if name else "model"
            if section == "capacity" and name in ("length", "memory_slots", "shift_blur"):
                field = {
                    "length": "capacity.lengths",
                    "memory_slots": "capacity.memory_slots",
                    "shift_blur": "capacity.shift_blurs",
                }[name]
            raise ScenarioError(
                f"task {m.task!r}: {exc}; its parameters are: " + ", ".join(allowed),
                file=file,
                field=field,
            ) from None
        t, n = built.inputs.shape[0], built.memory.shape[0]
        width = built.memory.shape[1]
        # weightings (T x N per head) and the DNC link matrix (N x N) of one trial
        need = 8 * (6 * t * n + 4 * n * width + 2 * n * n)
        check_memory(need, file, "model.memory_slots")


# ------------------------------------------------------------------------------ the kind ----
KIND = builtin(
    name="ntm",
    order=4,
    description="Neural Turing Machine and DNC memory heads driven by scripted controllers",
    capacity_example="capacity: {lengths: [5, 10, 20]}",
)

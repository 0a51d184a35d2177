"""External memory: Neural Turing Machine heads and DNC memory, driven by scripted controllers.

* :mod:`memsim.ntm.addressing` -- NTM addressing (Graves, Wayne & Danihelka 2014, section 3.3):
  :func:`address`, and each stage on its own.
* :mod:`memsim.ntm.heads` -- :func:`read`, :func:`write` (erase then add), :func:`init_memory`.
* :mod:`memsim.ntm.dnc` -- DNC usage, allocation, temporal links, read modes (Graves et al. 2016).
* :mod:`memsim.ntm.interface` -- maps from raw controller outputs (softplus, sigmoid, ...).
* :mod:`memsim.ntm.engine` -- programs (scripted controller emissions) run in one compiled loop.
* :mod:`memsim.ntm.tasks` -- the published tasks with scripted controllers: :func:`run_task`,
  :func:`run_trials`; grid sweeps (:func:`sweep`, :func:`capacity_sweep`) are in
  :mod:`memsim.experiments.studies.ntm` and reachable from here.
"""

from memsim.ntm import dnc, tasks
from memsim.ntm.addressing import (
    SHIFT_ORDERS,
    address,
    circular_shift,
    content_weighting,
    cosine_similarity,
    interpolate,
    one_hot_shift,
    sharpen,
    shift_from_canonical,
    shift_to_canonical,
)
from memsim.ntm.engine import (
    STEP_ORDERS,
    DNCProgram,
    DNCTrace,
    NTMProgram,
    NTMTrace,
    allocation_history,
    run_dnc,
    run_dnc_batch,
    run_ntm,
    run_ntm_batch,
)
from memsim.ntm.heads import MEMORY_INITS, init_memory, read, write
from memsim.ntm.interface import (
    dnc_interface,
    ntm_head_params,
    oneplus,
    sigmoid,
    softmax,
    softplus,
)
from memsim.ntm.tasks import TASKS, TaskResult, run_task, run_trials, task_spec

__all__ = [
    "DNCProgram",
    "DNCTrace",
    "MEMORY_INITS",
    "NTMProgram",
    "NTMTrace",
    "SHIFT_ORDERS",
    "STEP_ORDERS",
    "TASKS",
    "TaskResult",
    "address",
    "allocation_history",
    "capacity_sweep",
    "circular_shift",
    "content_weighting",
    "cosine_similarity",
    "dnc",
    "dnc_interface",
    "init_memory",
    "interpolate",
    "ntm_head_params",
    "one_hot_shift",
    "oneplus",
    "read",
    "run_dnc",
    "run_dnc_batch",
    "run_ntm",
    "run_ntm_batch",
    "run_task",
    "sharpen",
    "shift_from_canonical",
    "shift_to_canonical",
    "sigmoid",
    "softmax",
    "softplus",
    "sweep",
    "run_trials",
    "task_spec",
    "tasks",
    "write",
]


def __getattr__(name):
    if name in ("sweep", "capacity_sweep"):  # studies: memsim.experiments.studies.ntm
        from memsim.experiments.studies import ntm as studies

        return getattr(studies, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

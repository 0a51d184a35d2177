"""memsim: associative and external memory simulator.

Public API re-exports only; no logic lives here.
"""

from memsim.errors import ConvergenceWarning, MemsimError, MemsimWarning, ScenarioError

__version__ = "0.1.0"

__all__ = [
    "ConvergenceWarning",
    "MemsimError",
    "MemsimWarning",
    "ScenarioError",
    "__version__",
]

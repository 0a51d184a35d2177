"""memsim: associative and external memory simulator.

Public API re-exports only; no logic lives here.
"""

from memsim import _cache
from memsim.errors import ConvergenceWarning, MemsimError, MemsimWarning, ScenarioError

# where Numba caches compiled kernels: decided before any kernel module imports numba
_cache.configure()

__version__ = "0.1.0"


def run(scenario, command="recall", overrides=(), progress=None, **options):
    """Run a scenario file (or a validated Scenario) and return its Result (see memsim.experiments).

    Example: ``memsim.run("scenarios/hebbian_letters.yaml").summary``. For capacity sweeps,
    ``scheduler=``, ``checkpoint=`` and ``resume=`` pass through to memsim.experiments.run.
    """
    from memsim.experiments import run as _run

    return _run(scenario, command, overrides, progress, **options)


def load_scenario(path, overrides=()):
    """Read and validate a scenario file (see memsim.scenario.load_scenario)."""
    from memsim.scenario import load_scenario as _load

    return _load(path, overrides)


__all__ = [
    "ConvergenceWarning",
    "MemsimError",
    "MemsimWarning",
    "ScenarioError",
    "__version__",
    "load_scenario",
    "run",
]

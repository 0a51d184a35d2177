"""memsim: associative and external memory simulator.

Run a scenario file and look at the result::

    import memsim
    res = memsim.run("scenarios/hebbian_letters.yaml")     # or memsim.run(path, "capacity")
    res.summary, res.to_pandas("cues")
    res.save("results/mine"); res.plot("results/mine")

Or call the models directly (arrays in, arrays out)::

    from memsim.patterns import letters, corrupt
    from memsim.hopfield import store, recall
    X, shape = letters("HELLO"); cues = corrupt(X, flip=0.2, seed=1)
    out = recall(store(X), cues)          # out.states, out.overlap, out.energy, out.stop

The model modules (each also ``memsim.<name>`` after ``import memsim``):

* ``memsim.hopfield`` -- classical Hopfield networks: storage rules, dynamics, energy,
  dilution and unlearning (``memsim.hopfield.dense``: dense associative memories;
  ``memsim.hopfield.modern``: modern continuous Hopfield networks, i.e. attention;
  ``memsim.hopfield.sequence``: sequences; ``memsim.hopfield.bam``: bidirectional associative
  memory; ``memsim.hopfield.continuous``: graded neurons in continuous time;
  ``memsim.hopfield.willshaw``: clipped binary synapses)
* ``memsim.sdm`` -- Kanerva's sparse distributed memory
* ``memsim.attention`` -- scores, normalisers (softmax, sparsemax, entmax, top-k, hard) and
  attention read-outs
* ``memsim.ntm`` -- Neural Turing Machine and DNC memory heads, scripted tasks
* ``memsim.kv`` -- key-value memories and end-to-end memory networks
* ``memsim.patterns`` -- random patterns, letters, pattern files, digits, images, cue corruption
* ``memsim.theory`` -- the published theory curves memsim reproduces
* ``memsim.results`` -- results and their folders; ``memsim.registry`` -- the model kinds

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


#: the model modules, imported on first use as memsim.<name> (numba loads only when needed)
_MODULES = (
    "attention",
    "experiments",
    "hopfield",
    "kv",
    "ntm",
    "patterns",
    "registry",
    "results",
    "sdm",
    "theory",
)


def __getattr__(name: str):
    if name in _MODULES:
        import importlib

        return importlib.import_module(f"memsim.{name}")
    raise AttributeError(f"module 'memsim' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_MODULES])


__all__ = [
    "ConvergenceWarning",
    "MemsimError",
    "MemsimWarning",
    "ScenarioError",
    "__version__",
    "load_scenario",
    "run",
]

"""Former home of the issue-20 engines' argument checks, now :mod:`memsim._checks` (the one
checks module); re-exported for the modules that still import ``memsim._engine_args``."""

from memsim._checks import (  # noqa: F401
    MemsimError,
    array,
    bits,
    choice,
    integer,
    no_options,
    readonly,
    real,
    spins,
)

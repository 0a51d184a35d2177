"""Former home of the seed, count and memory checks, now :mod:`memsim._checks` (the one checks
module); re-exported for the modules that still import ``memsim._args``."""

from memsim._checks import (  # noqa: F401
    available_memory,
    check_fits,
    integer,
    renamed_keywords,
    seed,
    stream_keys,
)

"""Kanerva's sparse distributed memory: hard locations, counters, reads; its link to attention.

See :mod:`memsim.sdm.memory` for the equations and references. The package exports the public
functions of :mod:`memsim.sdm.memory` (its ``__all__``).
"""

from memsim.sdm import memory as _memory
from memsim.sdm.memory import *  # noqa: F403

__all__ = list(_memory.__all__)

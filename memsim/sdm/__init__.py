"""Kanerva's sparse distributed memory: hard locations, counters, reads; its link to attention.

See :mod:`memsim.sdm.memory` for the equations and references.
"""

from memsim.sdm.memory import (
    activation_probability,
    attention_weights,
    intersection_size,
    intersection_weights,
    locations,
    read,
    softmax_beta,
    write,
)

__all__ = [
    "activation_probability",
    "attention_weights",
    "intersection_size",
    "intersection_weights",
    "locations",
    "read",
    "softmax_beta",
    "write",
]

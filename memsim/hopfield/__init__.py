"""Hopfield networks: classical (storage rules + dynamics), dense and modern continuous.

``memsim.hopfield.store`` and ``memsim.hopfield.recall`` are the classical network's API;
``memsim.hopfield.dense`` and ``memsim.hopfield.modern`` hold the dense associative memory and
the continuous modern Hopfield network.
"""

from memsim.hopfield.classical import (
    RULES,
    STOP_REASONS,
    RecallResult,
    Weights,
    energy,
    hebbian,
    overlaps,
    recall,
    store,
)

__all__ = [
    "RULES",
    "STOP_REASONS",
    "RecallResult",
    "Weights",
    "energy",
    "hebbian",
    "overlaps",
    "recall",
    "store",
]


def __getattr__(name):  # lazy submodules: dense, modern, rules and the issue-20 engines
    if name in (
        "dense",
        "modern",
        "rules",
        "sequence",
        "bam",
        "continuous",
        "willshaw",
    ):
        import importlib

        return importlib.import_module(f"memsim.hopfield.{name}")
    raise AttributeError(name)
